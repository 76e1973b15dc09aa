"""One employee asking for five centre days of one week at once, under a policy of two
remote days: exactly two are booked, the others refused with `beyond_remote_days`, on
SQLite and on PostgreSQL (real threads, each its own connection)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.credits.tests.factories import buy
from smartwork.workplans import policy as policy_services
from smartwork.workplans.tests.factories import week_ahead

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


@pytest.mark.parametrize("action", ["refuse", "approval"])
def test_a_race_of_one_employees_bookings_cannot_pass_the_weeks_cap(action):
    network = testing.make_network()
    centres = [testing.make_centre(network=network, desks=4, rooms=0) for _ in range(2)]
    company = testing.make_organisation(network=network)
    admin = testing.make_company_admin(company)
    buy(company, hours=200)
    policy_services.policy_version_create(
        actor=admin, company=company, effective_from=timezone.localdate(), remote_days=2,
        anchor_days=[], beyond_remote_days=action)
    member = testing.make_user(company=company, network=network)
    days = week_ahead()

    def ask(day: Any, centre: Any) -> Any:
        def call() -> tuple[int, str]:
            client = Client()
            client.force_login(member)
            r = client.post("/api/v1/bookings", content_type="application/json",
                            data={"centre_id": centre.pk, "date": day.isoformat(),
                                  "slot": "full_day"})
            return r.status_code, (r.json().get("error") or {}).get("code", "")
        return call

    results = testing.run_together([ask(d, centres[i % 2]) for i, d in enumerate(days)],
                                   timeout=120)
    live = Booking.objects.filter(member=member)
    if action == "refuse":
        assert Counter(r[0] for r in results) == {201: 2, 409: 3}, results
        assert {r[1] for r in results if r[0] == 409} == {"beyond_remote_days"}
        assert live.count() == 2
    else:
        assert Counter(r[0] for r in results) == {201: 5}, results
        assert live.filter(state=BookingState.CONFIRMED).count() == 2
        assert live.filter(state=BookingState.PENDING_APPROVAL).count() == 3
