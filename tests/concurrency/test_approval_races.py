"""Races on the approval step and on one desk per member, with real threads (each its
own connection), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.test import Client

from smartwork.bookings import approvals
from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.errors import DomainError
from smartwork.core.models import AuditEntry
from smartwork.credits import services as credit_services
from smartwork.credits.models import CreditAccount
from smartwork.credits.tests.factories import buy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def run_together(calls: list[Any]) -> list[Any]:
    return testing.run_together(calls, timeout=120)


def test_one_member_asking_for_six_desks_at_once_gets_one(setting):
    _network, centre, company = setting
    member = testing.make_user(company=company, network=company.network)
    day = workday(2).isoformat()
    desks = list(centre.resources.filter(kind="desk").order_by("name")[:6])

    def ask(desk: Any) -> Any:
        def call() -> tuple[int, str]:
            client = Client()
            client.force_login(member)
            r = client.post("/api/v1/bookings", content_type="application/json",
                            data={"resource_id": desk.pk, "date": day, "slot": "morning"})
            return r.status_code, (r.json().get("error") or {}).get("code", "")
        return call

    results = run_together([ask(d) for d in desks])
    assert Counter(r[0] for r in results) == {201: 1, 409: 5}, results
    assert {r[1] for r in results if r[0] == 409} == {"member_already_booked"}
    assert Booking.objects.filter(member=member).count() == 1


def _pending(member: Any, desk: Any, on: dt.date, hold: dt.datetime) -> Booking:
    return booking_row(member=member, resource=desk, on=on, state=BookingState.PENDING_APPROVAL,
                       hold_until=hold, payment_method="credit")


def test_the_expiry_job_three_times_at_once_releases_each_once(setting):
    _network, centre, company = setting
    day = workday(3)
    hold = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    rows = [_pending(testing.make_user(company=company, network=company.network), desk, day, hold)
            for desk in centre.resources.filter(kind="desk")]
    later = hold + dt.timedelta(minutes=1)
    results = run_together([lambda: approvals.bookings_expire_pending(now=later)] * 3)
    assert sum(results) == len(rows), results
    assert AuditEntry.objects.filter(action="booking.approval_expired").count() == len(rows)
    assert set(Booking.objects.values_list("state", flat=True)) == {BookingState.CANCELLED}
    assert approvals.bookings_expire_pending(now=later) == 0


def test_two_approvals_at_once_never_overdraw_the_pool(setting):
    _network, centre, company = setting
    admin = testing.make_company_admin(company)
    pool = buy(company, hours=4)  # one half-day
    credit_services.credit_policy_set(actor=admin, company=company, approval_beyond_cap=True,
                                      pool_cap_minutes_per_month=240)
    day = workday(3)
    hold = dt.datetime.now(dt.UTC) + dt.timedelta(hours=12)
    desks = list(centre.resources.filter(kind="desk").order_by("name")[:2])
    pending = [_pending(testing.make_user(company=company, network=company.network), desk, day,
                        hold) for desk in desks]

    def approve(booking: Booking) -> Any:
        def call() -> str:
            try:
                return approvals.booking_approve(booking=booking, actor=admin).state
            except DomainError as exc:
                return exc.code
        return call

    results = run_together([approve(b) for b in pending])
    assert sorted(results) == ["confirmed", "insufficient_credit"], results
    assert CreditAccount.objects.get(pk=pool.pk).balance_minutes == 0
    assert Booking.objects.filter(state=BookingState.CONFIRMED).count() == 1
    assert Booking.objects.filter(state=BookingState.PENDING_APPROVAL).count() == 1
