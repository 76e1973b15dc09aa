"""When a centre is open, read for every Access-Request, cached for a minute.

A RADIUS server answers hundreds of requests a second for a handful of centres;
opening hours and closures change a few times a year. A change reaches the
server within CACHE_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo
from dataclasses import dataclass

from smartwork.network.models import Centre, Closure, OpeningHours

CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class DayHours:
    """A centre's opening intervals on one local date; `always_open` when none are set."""

    tz: zoneinfo.ZoneInfo
    intervals: tuple[tuple[dt.time, dt.time], ...]
    closed: bool
    always_open: bool


_cache: dict[tuple[int, dt.date], tuple[float, DayHours]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _load(centre: Centre, day: dt.date, tz: zoneinfo.ZoneInfo) -> DayHours:
    all_hours = list(OpeningHours.objects.filter(centre_id=centre.pk).values_list(
        "weekday", "opens", "closes"))
    closed = Closure.objects.filter(
        centre_id=centre.pk, start_date__lte=day, end_date__gte=day
    ).exists()
    intervals = tuple(sorted((o, c) for w, o, c in all_hours if w == day.weekday()))
    return DayHours(tz=tz, intervals=intervals, closed=closed, always_open=not all_hours)


def day_hours(centre: Centre, day: dt.date) -> DayHours:
    key = (centre.pk, day)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    hours = _load(centre, day, zoneinfo.ZoneInfo(centre.timezone))
    with _lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (now, hours)
    return hours


def seconds_until_closing(centre: Centre, at: dt.datetime, cap: int) -> int | None:
    """Seconds from `at` to the end of the opening interval it falls in (at most
    `cap`), or None when the centre is closed at that moment."""
    tz = zoneinfo.ZoneInfo(centre.timezone)
    local = at.astimezone(tz)
    hours = day_hours(centre, local.date())
    if hours.closed:
        return None
    if hours.always_open:
        return cap
    now_t = local.time()
    for opens, closes in hours.intervals:
        if opens <= now_t < closes:
            closing = dt.datetime.combine(local.date(), closes, tzinfo=tz)
            return max(1, min(cap, int((closing - local).total_seconds())))
    return None
