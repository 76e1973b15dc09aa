"""Amounts, credit time and the 500 page, per language."""

from __future__ import annotations

from decimal import Decimal

from django.test import RequestFactory
from django.utils import translation

from smartwork.web.templatetags.web import hours, money
from smartwork.web.views.errors import server_error


def test_money_per_language():
    with translation.override("en"):
        assert money(Decimal("1234.5")) == "€1,234.50"
    with translation.override("fr"):
        assert money(Decimal("1234.5")) == "1\u202f234,50\u00a0€" or money(
            Decimal("1234.5")).endswith(",50\u00a0€")
    with translation.override("nl"):
        assert money(Decimal("25")) == "€\u00a025,00"
    assert money(None) == "—"


def test_hours_from_minutes():
    assert hours(90) == "1\u00a0h\u00a030"
    assert hours(600) == "10\u00a0h"
    assert hours(-30) == "−0\u00a0h\u00a030"


def test_server_error_page_is_translated(db):
    request = RequestFactory().get("/")
    with translation.override("nl"):
        response = server_error(request)
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
