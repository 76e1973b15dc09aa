"""Report periods: '2025', '2025-Q2', '2025-03', '2025-W14', or from/to dates."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from smartwork.core.errors import InvalidInput

MAX_DAYS = 732


@dataclass(frozen=True)
class Period:
    label: str
    first: dt.date  # inclusive
    last: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7.0

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware [start, end) in the report time zone."""
        tz = report_tz()
        start = dt.datetime.combine(self.first, dt.time(0), tzinfo=tz)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        return start, end


def report_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _bad(why: str, field: str = "period") -> InvalidInput:
    return InvalidInput(why, code="bad_period", fields={field: [why]})


def parse_period(value: str | None = None, *, date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> Period:
    if date_from or date_to:
        if not (date_from and date_to):
            raise _bad(_("Give both 'from' and 'to'."), "from" if not date_from else "to")
        if date_to < date_from:
            raise _bad(_("'to' is before 'from'."), "to")
        if (date_to - date_from).days + 1 > MAX_DAYS:
            raise _bad(_("A period is at most two years."), "to")
        return Period(f"{date_from}..{date_to}", date_from, date_to)
    text = (value or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})", text):
            y = int(m[1])
            return Period(text, dt.date(y, 1, 1), dt.date(y, 12, 31))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            y, q = int(m[1]), int(m[2])
            first = dt.date(y, 3 * q - 2, 1)
            nxt = dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)
            return Period(text, first, nxt - dt.timedelta(days=1))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            y, mo = int(m[1]), int(m[2])
            first = dt.date(y, mo, 1)
            nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
            return Period(text, first, nxt - dt.timedelta(days=1))
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
            first = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period(text, first, first + dt.timedelta(days=6))
    except ValueError as exc:
        raise _bad(_("Unknown period %(p)r: %(why)s") % {"p": text, "why": exc}) from exc
    raise _bad(_("Unknown period %(p)r: use 2025, 2025-Q2, 2025-03, 2025-W14 or from/to dates.")
               % {"p": text})
