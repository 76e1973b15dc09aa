"""Form pieces shared by every app's pages.

Months: a browser month picker (`<input type="month">`, which submits `YYYY-MM`), read
on the server whatever the browser sent, since a browser without the picker shows a
plain text box: `2026-10`, `2026-10-01`, `10/2026`, `10-2026`, `10.2026`. Every form that
asks a month uses `MonthField` (a `YYYY-MM` string) or `MonthDateField` (the first day).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from smartwork.core.guard import DB_INT_MAX, YEAR_MAX, YEAR_MIN

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")
_LOCAL = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")


def month_parse(text: str) -> tuple[int, int] | None:
    """(year, month) of a month as people or browsers write it, or None."""
    match = _ISO.match(text or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = _LOCAL.match(text or "")
        if not match:
            return None
        month, year = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        return None
    return year, month


def id_from_text(value: Any) -> int | None:
    """A row's id sent as text (a query string, a hidden field, a ticked box): None
    unless it is plain ASCII digits within the databases' 64-bit range. (`str.isdigit`
    alone also takes "²", which `int` refuses, and a 30-digit number overflows SQLite.)"""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= DB_INT_MAX else None


def date_from_text(value: Any) -> dt.date | None:
    """A day sent as text (`YYYY-MM-DD` in a query string or a hidden field): None unless
    it is one, between the years 1900 and 2999 like every date the API takes (a week
    after 9999-12-31 does not exist: `date + timedelta` overflows)."""
    try:
        day = dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return day if YEAR_MIN <= day.year <= YEAR_MAX else None


class DayField(forms.DateField):
    """A day typed in a form, between the years every date the API takes (1900-2999): a
    day like 9999-12-31 has no next day (`date + timedelta` overflows, a 500 where a
    page shows the week after it) and would be stored on one database and refused by
    the other. Every form that asks a day uses it."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and not YEAR_MIN <= value.year <= YEAR_MAX:
            raise forms.ValidationError(
                _("Dates must lie between the years %(min)s and %(max)s."),
                code="year_out_of_range", params={"min": YEAR_MIN, "max": YEAR_MAX})


class MonthInput(forms.TextInput):
    """The browser's month picker; `YYYY-MM` is its value."""

    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"placeholder": "2026-10", "pattern": r"\d{4}-\d{2}", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


class MonthField(forms.CharField):
    """A month as `YYYY-MM` (what `billing.calc.period_parse` and the selectors read)."""

    widget = MonthInput
    default_error_messages = {
        "invalid": _("Choose a month (for example 2026-10)."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if text in self.empty_values:
            return ""
        parsed = month_parse(str(text))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return f"{parsed[0]:04d}-{parsed[1]:02d}"


class MonthDateField(MonthField):
    """A month as the date of its first day."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["max_length"] = None  # a date: no length to check
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        return dt.date(int(text[:4]), int(text[5:7]), 1)


def local_path_from_text(value: Any, *, request: HttpRequest) -> str | None:
    """A return address (`next`) sent by a form, a link or a login flow, when it is a path
    of this site; else None. Anything else (another host, `//host`, a view's name, which
    redirect() would try to reverse) must not be followed."""
    target = str(value or "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return None
