"""Walk-in guests at the front desk under real concurrency (billing/walkins.py), on
SQLite and PostgreSQL: receptionists registering guests at the same moment for the last
desks never give a desk twice, and a refused walk-in leaves no account, no invoice
number (the receipts' numbers stay gapless)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from smartwork.accounts.choices import Role
from smartwork.accounts.models import User
from smartwork.billing.models import Invoice, Payment
from smartwork.billing.tests.factories import billing_ready, sqlite_flushable
from smartwork.billing.walkins import guest_walk_in_create
from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.core.errors import DomainError

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture(autouse=True)
def _flushable(transactional_db):
    yield from sqlite_flushable()


def walk_in(actor: Any, centre: Any, n: int) -> Callable[[], Any]:
    def call() -> str:
        try:
            guest_walk_in_create(actor=actor, centre=centre, email=f"guest{n}@example.org",
                                 first_name="Guest", last_name=str(n), slot="full_day",
                                 paid_by="desk", now=NOW)
        except DomainError as exc:
            return exc.code
        return "booked"
    return call


def test_eight_guests_for_three_desks_give_three_bookings_and_gapless_receipts():
    network = billing_ready(testing.make_network())
    centre = testing.make_centre(network=network, desks=3, rooms=0)
    desk_staff = [testing.make_centre_staff(centre, role=Role.RECEPTIONIST) for _ in range(2)]
    results = testing.run_together(
        [walk_in(desk_staff[n % 2], centre, n) for n in range(8)], timeout=180)
    assert sorted(results) == ["booked"] * 3 + ["no_desk_free"] * 5
    bookings = Booking.objects.filter(centre=centre)
    assert bookings.count() == 3
    assert len({b.resource_id for b in bookings}) == 3
    # Only the three guests who got a desk exist; their receipts are numbered 1, 2, 3.
    assert User.objects.filter(email__startswith="guest").count() == 3
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert Payment.objects.filter(method="desk").count() == 3
    assert set(Invoice.objects.values_list("state", flat=True)) == {"paid"}


def test_two_receptionists_registering_one_email_at_once_make_one_guest():
    """The same person at two desks (or a double click): one guest, one booking, one
    receipt; the other desk is told the email is a member's now, never a 500."""
    network = billing_ready(testing.make_network())
    centre = testing.make_centre(network=network, desks=4, rooms=0)
    desk_staff = [testing.make_centre_staff(centre, role=Role.RECEPTIONIST) for _ in range(2)]
    for rnd in range(3):
        n = 100 + rnd
        results = testing.run_together([walk_in(desk_staff[0], centre, n),
                                        walk_in(desk_staff[1], centre, n)], timeout=180)
        assert sorted(map(str, results)) == ["booked", "guest_is_member"], results
        assert User.objects.filter(email=f"guest{n}@example.org").count() == 1
        assert Booking.objects.filter(member__email=f"guest{n}@example.org").count() == 1
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2, 3]
