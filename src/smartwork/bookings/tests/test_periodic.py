"""The shared shape of the periodic booking jobs: ids first, then lock, re-check, change."""

from __future__ import annotations

import pytest

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.bookings.periodic import each_locked, lock_if
from smartwork.bookings.tests.factories import booking_row, workday

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(member, company, centre):
    desks = list(centre.resources.filter(kind="desk").order_by("pk")[:2])
    return [booking_row(member=member, resource=d, on=workday(2 + i))
            for i, d in enumerate(desks)]


def test_each_locked_changes_each_matching_booking_once(two):
    seen: list[int] = []

    def no_show(booking: Booking) -> bool:
        seen.append(booking.pk)
        booking.state = BookingState.NO_SHOW
        booking.save(update_fields=["state"])
        return True

    candidates = Booking.objects.filter(state=BookingState.CONFIRMED)
    assert each_locked(candidates, no_show, state=BookingState.CONFIRMED) == 2
    assert seen == sorted(b.pk for b in two)  # in primary-key order
    # A second run finds nothing to do.
    assert each_locked(candidates, no_show, state=BookingState.CONFIRMED) == 0
    assert seen == sorted(b.pk for b in two)


def test_each_locked_rechecks_under_the_lock_and_counts_only_changes(two):
    first, second = two
    # Chosen by the first query, changed by someone else before the lock: skipped.
    Booking.objects.filter(pk=first.pk).update(state=BookingState.CHECKED_IN)
    calls: list[int] = []

    def look(booking: Booking) -> bool:
        calls.append(booking.pk)
        return False  # the job's own re-check says "not yet"

    assert each_locked(Booking.objects.all(), look, state=BookingState.CONFIRMED) == 0
    assert calls == [second.pk]
    assert lock_if(first.pk, state=BookingState.CONFIRMED) is None
    locked = lock_if(second.pk, state=BookingState.CONFIRMED)
    assert locked is not None and locked.centre.network is not None
