"""The month picker, days typed in forms and ids sent as text, read on the server
(core/forms.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from smartwork.core.forms import (
    DayField,
    MonthDateField,
    MonthField,
    date_from_text,
    id_from_text,
    month_parse,
)


@pytest.mark.parametrize("text, expected", [
    ("2026-10", (2026, 10)), ("2026-1", (2026, 1)), ("2026-10-01", (2026, 10)),
    ("10/2026", (2026, 10)), ("3-2027", (2027, 3)), ("12.2026", (2026, 12)),
    (" 2026-10 ", (2026, 10)),
    ("2026-13", None), ("2026-00", None), ("13/2026", None), ("October", None), ("", None),
    ("0001-01", None),
])
def test_month_parse(text, expected):
    assert month_parse(text) == expected


class F(forms.Form):
    period = MonthField(label="Month")
    start = MonthDateField(label="From", required=False)


def test_the_form_renders_a_month_picker_and_reads_what_browsers_send():
    html = str(F(initial={"start": dt.date(2026, 10, 1)})["start"])
    assert 'type="month"' in html and 'value="2026-10"' in html
    form = F({"period": "10/2026", "start": "2026-11"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"period": "2026-10", "start": dt.date(2026, 11, 1)}
    form = F({"period": "2026-13"})
    assert not form.is_valid() and "period" in form.errors


@pytest.mark.parametrize("text, expected", [
    ("42", 42), (" 7 ", 7), ("0", 0), (str(2**63 - 1), 2**63 - 1), (42, 42),
    (str(2**63), None), ("9" * 40, None), ("²", None), ("١٢", None), ("-1", None),
    ("1.5", None), ("abc", None), ("4\x002", None), ("", None), (None, None),
])
def test_id_from_text(text, expected):
    assert id_from_text(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2026-10-05", dt.date(2026, 10, 5)), (" 2026-10-05 ", dt.date(2026, 10, 5)),
    ("9999-12-31", None), ("0001-01-01", None), ("1899-12-31", None), ("2026-13-01", None),
    ("2026-02-30", None), ("abc", None), ("", None), (None, None),
])
def test_date_from_text(text, expected):
    assert date_from_text(text) == expected


class Day(forms.Form):
    on = DayField(label="Day")
    until = DayField(label="Until", required=False)


@pytest.mark.parametrize("text, valid", [
    ("2031-03-04", True), ("1900-01-01", True), ("2999-12-31", True),
    ("9999-12-31", False), ("3000-01-01", False), ("1899-12-31", False), ("0001-01-01", False),
])
def test_a_day_field_keeps_to_the_years_the_api_takes(text, valid):
    form = Day({"on": text})
    assert form.is_valid() is valid
    if not valid:
        assert form.errors["on"] == ["Dates must lie between the years 1900 and 2999."]
    assert Day({"on": "2031-03-04", "until": ""}).is_valid()
