"""The few SQL pieces that differ between PostgreSQL and SQLite, and the
local-time arithmetic both can do on integer epoch seconds.

Reports bucket time in the network's time zone (settings.TIME_ZONE). Neither
database is asked to convert time zones: Python lists the UTC offsets in force
during the period and the SQL adds them with a CASE, so PostgreSQL and SQLite
compute the same buckets from the same integers.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def epoch(col: str) -> str:
    if is_postgres():
        return f"CAST(EXTRACT(EPOCH FROM {col}) AS BIGINT)"
    return f"CAST(strftime('%%s', {col}) AS INTEGER)"


def greatest(*args: str) -> str:
    return f"{'GREATEST' if is_postgres() else 'MAX'}({', '.join(args)})"


def least(*args: str) -> str:
    return f"{'LEAST' if is_postgres() else 'MIN'}({', '.join(args)})"


def db_datetime(value: dt.datetime):  # type: ignore[no-untyped-def]
    """A datetime as the backend compares it with stored values."""
    return connection.ops.adapt_datetimefield_value(value)


def offset_case(col: str, tz: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime) -> str:
    """SQL giving the UTC offset (seconds) in force at epoch `col`, for
    instants between start and end (a day of margin each side)."""
    lo = int((start - dt.timedelta(days=2)).timestamp())
    hi = int((end + dt.timedelta(days=2)).timestamp())
    changes: list[tuple[int, int]] = []  # (from epoch, offset)
    t = lo
    current = _offset(tz, t)
    changes.append((lo, current))
    # Transitions happen on the hour: scan hours (at most ~17,600 per two years).
    step = 3600
    while t < hi:
        t += step
        off = _offset(tz, t)
        if off != current:
            # find the exact second within the hour
            a, b = t - step, t
            while b - a > 1:
                mid = (a + b) // 2
                if _offset(tz, mid) == current:
                    a = mid
                else:
                    b = mid
            changes.append((b, off))
            current = off
    if len(changes) == 1:
        return str(changes[0][1])
    parts = " ".join(f"WHEN {col} < {changes[i + 1][0]} THEN {changes[i][1]}"
                     for i in range(len(changes) - 1))
    return f"(CASE {parts} ELSE {changes[-1][1]} END)"


def _offset(tz: zoneinfo.ZoneInfo, epoch_s: int) -> int:
    moment = dt.datetime.fromtimestamp(epoch_s, tz=dt.UTC).astimezone(tz)
    off = moment.utcoffset()
    return int(off.total_seconds()) if off else 0
