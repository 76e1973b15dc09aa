"""Helpers shared by the page tests: a test client logged in and speaking a language,
and a page's text as a reader sees it."""

from __future__ import annotations

import html
from typing import Any

from django.test import Client


def client_for(user: Any, language: str = "en", **kwargs: Any) -> Client:
    """A test client (built with `kwargs`, e.g. enforce_csrf_checks=True) logged in as
    `user`, with the language switcher's cookie set to `language`."""
    client = Client(**kwargs)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def text(response: Any) -> str:
    """A response's body with its HTML entities decoded."""
    return html.unescape(response.content.decode())
