"""The pages' shared helpers."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from smartwork.web.views.helpers import local_next


@pytest.mark.parametrize("value, expected", [
    ("/bookings/?past=1", "/bookings/?past=1"),
    ("/centres/a-b/plan/?date=2026-12-07#desk-3", "/centres/a-b/plan/?date=2026-12-07#desk-3"),
    ("", "/fallback/"),
    (None, "/fallback/"),
    ("https://evil.example/", "/fallback/"),
    ("//evil.example/", "/fallback/"),
    ("/\\evil.example/", "/fallback/"),
    ("web:home", "/fallback/"),          # redirect() would reverse a view's name
    ("a\x00b", "/fallback/"),
    ("http://testserver/profile/", "/fallback/"),  # a path, not a whole address
])
def test_local_next_follows_only_a_path_of_this_site(value, expected):
    request = RequestFactory().get("/")
    assert local_next(request, value, "/fallback/") == expected


def test_local_next_on_https_refuses_nothing_more_for_a_path():
    request = RequestFactory().get("/", secure=True)
    assert local_next(request, "/profile/", "/") == "/profile/"
