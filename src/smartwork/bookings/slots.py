"""Slots and time ranges: local centre times turned into UTC instants, DST-correct.

Pure functions (no queries) so that they can be property-tested. A "centre" here
is anything with the Centre's slot-time attributes and a `timezone` name.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from smartwork.bookings.choices import DAY_SLOTS, ROOM_GRID_MINUTES, Slot
from smartwork.core.errors import InvalidInput
from smartwork.network.choices import RANGE_KINDS, SLOT_KINDS

UTC = dt.UTC


@lru_cache(maxsize=64)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def local_to_utc(on: dt.date, at: dt.time, tz: str, *, field: str = "start_time") -> dt.datetime:
    """A local wall-clock time on a date, as a UTC instant.

    A time that does not exist (skipped when clocks go forward) is refused; a
    time that happens twice (clocks go back) is the first of the two (fold=0).
    """
    local = dt.datetime.combine(on, at, tzinfo=zone(tz))
    utc = local.astimezone(UTC)
    if utc.astimezone(zone(tz)).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InvalidInput(
            _("%(time)s does not exist on %(date)s in %(tz)s (the clocks change).")
            % {"time": at.strftime("%H:%M"), "date": on.isoformat(), "tz": tz},
            code="time_does_not_exist", fields={field: [_("This local time does not exist.")]},
        )
    return utc


def day_slot_times(centre: Any, slot: str) -> tuple[dt.time, dt.time]:
    if slot == Slot.MORNING:
        return centre.morning_start, centre.morning_end
    if slot == Slot.AFTERNOON:
        return centre.afternoon_start, centre.afternoon_end
    if slot == Slot.FULL_DAY:
        return centre.morning_start, centre.afternoon_end
    raise InvalidInput(_("Unknown slot."), code="unknown_slot", fields={"slot": [_("Unknown slot.")]})


def day_slot_parts(centre: Any, slot: str) -> list[tuple[dt.time, dt.time]]:
    """The parts that must lie inside opening hours (a full day may span a lunch closure)."""
    if slot == Slot.FULL_DAY:
        return [(centre.morning_start, centre.morning_end),
                (centre.afternoon_start, centre.afternoon_end)]
    return [day_slot_times(centre, slot)]


def check_grid(start_time: dt.time, end_time: dt.time) -> None:
    """Room ranges: start before end, both on the 15-minute grid."""
    bad = {}
    for name, value in (("start_time", start_time), ("end_time", end_time)):
        if value.second or value.microsecond or value.minute % ROOM_GRID_MINUTES:
            bad[name] = [_("Use a time on the %(n)d-minute grid (e.g. 09:00, 09:15).")
                         % {"n": ROOM_GRID_MINUTES}]
    if bad:
        raise InvalidInput(_("Room times go by %(n)d minutes.") % {"n": ROOM_GRID_MINUTES},
                           code="off_grid", fields=bad)
    if end_time <= start_time:
        raise InvalidInput(_("The end must be after the start."), code="end_before_start",
                           fields={"end_time": [_("The end must be after the start.")]})


def check_slot_kind(resource_kind: str, slot: str) -> None:
    if resource_kind in SLOT_KINDS and slot not in DAY_SLOTS:
        raise InvalidInput(
            _("Desks and private offices are booked by morning, afternoon or full day."),
            code="slot_not_for_resource", fields={"slot": [_("Choose morning, afternoon or full_day.")]},
        )
    if resource_kind in RANGE_KINDS and slot != Slot.RANGE:
        raise InvalidInput(
            _("Rooms are booked by time range (slot 'range' with start_time and end_time)."),
            code="slot_not_for_resource", fields={"slot": [_("Use 'range' for rooms.")]},
        )


@dataclass(frozen=True)
class Span:
    """A slot on one date: local times for display, UTC instants for storage."""

    date: dt.date
    slot: str
    start_local: dt.time
    end_local: dt.time
    start: dt.datetime
    end: dt.datetime


def slot_span(
    centre: Any, on: dt.date, slot: str,
    start_time: dt.time | None = None, end_time: dt.time | None = None,
) -> Span:
    if slot == Slot.RANGE:
        if start_time is None or end_time is None:
            raise InvalidInput(_("A time range needs start_time and end_time."),
                               code="range_incomplete",
                               fields={"start_time" if start_time is None else "end_time":
                                       [_("Required for a time range.")]})
        check_grid(start_time, end_time)
        first, last = start_time, end_time
    else:
        first, last = day_slot_times(centre, slot)
    start = local_to_utc(on, first, centre.timezone, field="start_time")
    end = local_to_utc(on, last, centre.timezone, field="end_time")
    return Span(on, slot, first, last, start, end)


def parts_of(span: Span, centre: Any) -> list[tuple[dt.time, dt.time]]:
    if span.slot == Slot.RANGE:
        return [(span.start_local, span.end_local)]
    return day_slot_parts(centre, span.slot)


def inside_hours(parts: Iterable[tuple[dt.time, dt.time]],
                 intervals: Sequence[tuple[dt.time, dt.time]]) -> bool:
    """Each part lies inside one opening interval of that weekday."""
    return all(any(o <= a and b <= c for o, c in intervals) for a, b in parts)


def closed_on(on: dt.date, closures: Iterable[tuple[dt.date, dt.date]]) -> bool:
    return any(a <= on <= b for a, b in closures)


def overlaps(a_start: Any, a_end: Any, b_start: Any, b_end: Any) -> bool:
    """Half-open ranges [start, end) overlap."""
    return a_start < b_end and b_start < a_end


def free_ranges(
    intervals: Sequence[tuple[dt.time, dt.time]], busy: Iterable[tuple[dt.time, dt.time]],
) -> list[tuple[dt.time, dt.time]]:
    """Opening intervals minus busy local ranges (sorted, merged)."""
    busy_sorted = sorted(busy)
    out: list[tuple[dt.time, dt.time]] = []
    for opens, closes in sorted(intervals):
        cursor = opens
        for b_start, b_end in busy_sorted:
            if b_end <= cursor or b_start >= closes:
                continue
            if b_start > cursor:
                out.append((cursor, b_start))
            cursor = max(cursor, b_end)
            if cursor >= closes:
                break
        if cursor < closes:
            out.append((cursor, closes))
    return out


def to_local(instant: dt.datetime, tz: str) -> dt.datetime:
    return instant.astimezone(zone(tz))


def local_time_of(instant: dt.datetime, tz: str, on: dt.date) -> dt.time:
    """Local wall time of an instant, clamped to the day `on` (for ranges crossing midnight)."""
    local = instant.astimezone(zone(tz))
    if local.date() < on:
        return dt.time(0, 0)
    if local.date() > on:
        return dt.time(23, 59, 59)
    return local.time().replace(tzinfo=None)


def day_bounds_utc(on: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[midnight, next midnight) of a local date, in UTC (23 or 25 hours on DST days)."""
    start = dt.datetime.combine(on, dt.time(0), tzinfo=zone(tz)).astimezone(UTC)
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(0),
                              tzinfo=zone(tz)).astimezone(UTC)
    return start, end
