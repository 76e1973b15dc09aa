"""Helpers for booking tests: future working days, and booking rows made directly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smartwork.bookings.choices import Slot
from smartwork.bookings.models import Booking
from smartwork.bookings.slots import slot_span


def workday(offset: int = 1, *, weekday: int | None = None) -> dt.date:
    """A Monday-to-Friday date at least `offset` days from today (Brussels)."""
    day = dt.date.today() + dt.timedelta(days=offset)
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
