"""Helpers for booking tests: future working days, and booking rows made directly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smartwork.bookings.choices import Slot
from smartwork.bookings.models import Booking
from smartwork.bookings.slots import slot_span


def workday(offset: int = 1, *, weekday: int | None = None) -> dt.date:
    """The `offset`-th Monday-to-Friday after today (Brussels), or the first `weekday`
    from then: at least `offset` days ahead, and two offsets never give one day (counted
    in calendar days, a Wednesday's + 3 and + 4 were both the next Monday)."""
    day = dt.date.today()
    for _ in range(offset):
        day += dt.timedelta(days=1)
        while day.weekday() > 4:
            day += dt.timedelta(days=1)
    while day.weekday() > 4 or (weekday is not None and day.weekday() != weekday):
        day += dt.timedelta(days=1)
    return day


def booking_row(*, member: Any, resource: Any, on: dt.date, slot: str = Slot.MORNING,
                start_time: dt.time | None = None, end_time: dt.time | None = None,
                **extra: Any) -> Booking:
    """A booking written straight to the table (to set up states and times in tests)."""
    span = slot_span(resource.centre, on, slot, start_time, end_time)
    return Booking.objects.create(member=member, booked_by=extra.pop("booked_by", member),
                                  resource=resource, centre=resource.centre, slot=slot,
                                  start=span.start, end=span.end, **extra)
