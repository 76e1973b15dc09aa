"""Amounts, credit time and the 500 page, per language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import RequestFactory
from django.utils import timezone, translation

from smartwork.web.templatetags.web import date_time, hours, money
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


def test_date_time_per_language_in_the_current_time_zone():
    moment = dt.datetime(2026, 12, 3, 20, 30, tzinfo=dt.UTC)
    with timezone.override("Europe/Brussels"):
        with translation.override("en"):
            assert date_time(moment) == "Dec. 3, 2026 21:30"
        with translation.override("fr"):
            assert date_time(moment) == "3 décembre 2026 21:30"
        with translation.override("nl"):
            assert date_time(moment) == "3 december 2026 21:30"
    assert date_time(None) == ""
