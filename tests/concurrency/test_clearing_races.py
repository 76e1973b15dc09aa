"""Clearing between allied networks drawn up at once, with real threads (each its own
connection), on SQLite and on PostgreSQL (billing/clearing.py): the alliance row is the
lock, so two runs from either network give one statement per period; and a refund
recorded while a statement is drawn up is cleared once, by that statement or the next
(each statement records the rows it took; the unique usage is the last guard)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from smartwork.billing.calc import period_parse
from smartwork.billing.clearing import clearings_create
from smartwork.billing.models import ClearedRoaming, ClearingStatement
from smartwork.bookings.services import booking_cancel
from smartwork.core import testing
from smartwork.credits.models import RoamingUsage
from smartwork.credits.tests.factories import book, buy, employee, workday
from smartwork.network.services import alliance_create, alliance_set_status

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

MONTHS = ("2026-01", "2026-02", "2026-03")


def _allied(network, operator, company, days: list[dt.date]):
    other = testing.make_network(name="Allied network")
    theirs = testing.make_operator(other)
    away = testing.make_centre(network=other, name="Abroad", desks=len(days) + 1)
    alliance = alliance_create(actor=operator, network=network, other=other,
                               starts_on=dt.date(2024, 1, 1), clearing_hour_rate=Decimal("5.00"),
                               settlement_period="monthly")
    alliance_set_status(actor=theirs, alliance=alliance, status="active")
    buy(company, hours=50)
    bookings = []
    for day in days:
        booking = book(employee(company), away, on=workday(3))
        RoamingUsage.objects.filter(booking=booking).update(service_date=day)
        bookings.append(booking)
    return alliance, other, theirs, bookings


def _clear(actor, network, month: str):
    period = period_parse(month)
    return lambda: clearings_create(actor=actor, network=network, period=period,
                                    today=period.end + dt.timedelta(days=1),
                                    check_permission=actor is not None)


def _assert_each_row_cleared_once(alliance) -> None:
    statements = ClearingStatement.objects.filter(alliance=alliance)
    rows = RoamingUsage.objects.filter(alliance=alliance,
                                       service_date__lte=max(s.period_end for s in statements))
    taken = ClearedRoaming.objects.filter(statement__alliance=alliance)
    assert sorted(taken.values_list("usage_id", flat=True)) == sorted(
        rows.values_list("pk", flat=True))
    # What the statements say is what the rows they took add up to.
    assert sum(s.a_in_b_minutes for s in statements) == rows.aggregate(m=Sum("minutes"))["m"]


def test_both_networks_clear_the_same_month_at_once(network, operator, company):
    days = [dt.date(2026, 1, 15), dt.date(2026, 2, 16), dt.date(2026, 3, 16)]
    alliance, other, theirs, _ = _allied(network, operator, company, days)
    for month in MONTHS:
        results = testing.run_together([_clear(operator, network, month),
                                        _clear(theirs, other, month),
                                        _clear(None, network, month)], timeout=120)
        assert all(isinstance(r, list) for r in results), results
        assert sum(len(r) for r in results) == 1, results
        assert ClearingStatement.objects.filter(
            alliance=alliance, period_end=period_parse(month).end).count() == 1
    _assert_each_row_cleared_once(alliance)
    assert [s.a_in_b_minutes for s in ClearingStatement.objects.filter(
        alliance=alliance).order_by("period_start")] == [240, 240, 240]


def test_refunds_recorded_while_a_month_is_cleared_are_cleared_once(network, operator,
                                                                   company):
    january = [dt.date(2026, 1, 5 + i) for i in range(4)]
    days = [*january, dt.date(2026, 2, 16), dt.date(2026, 3, 16)]
    alliance, other, theirs, bookings = _allied(network, operator, company, days)
    _clear(operator, network, "2026-01")()
    # January's bookings refunded while February is cleared, from both sides.
    results = testing.run_together([
        _clear(operator, network, "2026-02"), _clear(theirs, other, "2026-02"),
        *(lambda b=b: booking_cancel(booking=b, actor=b.member, reason="refund")
          for b in bookings[:4])], timeout=120)
    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(len(r) for r in results[:2]) == 1, results
    assert RoamingUsage.objects.filter(alliance=alliance, minutes__lt=0).count() == 4
    [march] = _clear(operator, network, "2026-03")()
    _assert_each_row_cleared_once(alliance)
    # However the refunds fell between February and March, together they take back
    # January's four half-days.
    late = ClearingStatement.objects.filter(alliance=alliance, period_start__gt=january[0])
    assert sum(s.a_in_b_late_minutes for s in late) == -4 * 240
    assert march.period_end == dt.date(2026, 3, 31)
