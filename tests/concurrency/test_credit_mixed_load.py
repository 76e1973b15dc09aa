"""Mixed credit load on PostgreSQL: no deadlock (issue #17 §3).

Employees of one company book and cancel desks at once, paid from the company pool
and from allotments (theirs, their team's, the centre's budget), while the operator
adjusts the pool and the admin ends and opens allotments: every path that locks credit
accounts runs against the others. PostgreSQL reports any lock cycle as "deadlock
detected"; the test counts them and requires none, and the ledgers must still check.
(On SQLite every write transaction is BEGIN IMMEDIATE: writers queue, no cycle can
form; the test runs on PostgreSQL only.)"""

from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from smartwork.accounts.models import Team, TeamMembership
from smartwork.core import testing
from smartwork.core.errors import DomainError
from smartwork.credits import services as credit_services
from smartwork.credits.models import CreditAccount
from smartwork.credits.selectors import ledger_check
from smartwork.credits.tests.factories import buy, employee, workday

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

EMPLOYEES = 12
ROUNDS = 8


def test_booking_cancel_adjust_and_allotments_at_once_never_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writers queue (BEGIN IMMEDIATE): no lock cycle can form")
    from smartwork.bookings.models import Booking
    from smartwork.bookings.services import booking_cancel, booking_create

    centre = testing.make_centre(desks=EMPLOYEES, rooms=0)
    company = testing.make_organisation(kind="company", network=centre.network)
    admin = testing.make_company_admin(company)
    operator = testing.make_operator(centre.network)
    pool = buy(company, hours=2000, actor=operator)
    members = [employee(company) for _ in range(EMPLOYEES)]
    team = Team.objects.create(company=company, name="Team")
    for m in members[::2]:
        TeamMembership.objects.create(team=team, user=m)
    credit_services.allotment_create(actor=admin, company=company, minutes_per_period=6000,
                                     team=team)
    credit_services.allotment_create(actor=admin, company=company, minutes_per_period=6000,
                                     centres=[centre])
    for m in members[1::3]:
        credit_services.allotment_create(actor=admin, company=company,
                                         minutes_per_period=2000, member=m)
    days = [workday(3 + i) for i in range(4)]
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(EMPLOYEES + 2)

    def count(what: str) -> None:
        with lock:
            outcomes[what] += 1

    def guarded(fn) -> None:
        try:
            fn()
            count("ok")
        except DomainError as exc:
            count(exc.code)
        except Exception as exc:
            text = str(exc)
            count("DEADLOCK" if "deadlock" in text.lower() else f"{type(exc).__name__}: {text}")

    def employee_load(i: int) -> None:
        rng = random.Random(i)
        member = members[i]
        try:
            barrier.wait(timeout=60)
            for _ in range(ROUNDS):
                day = rng.choice(days)
                slot = rng.choice(["morning", "afternoon"])
                guarded(lambda d=day, s=slot: booking_create(
                    actor=member, centre=centre, slot=s, on=d, payment_method="credit"))
                mine = list(Booking.objects.filter(member=member, state="confirmed")
                            .values_list("pk", flat=True))
                if mine and rng.random() < 0.6:
                    booking = Booking.objects.get(pk=rng.choice(mine))
                    guarded(lambda b=booking: booking_cancel(booking=b, actor=member))
        finally:
            connections.close_all()

    def operator_load() -> None:
        try:
            barrier.wait(timeout=60)
            for n in range(ROUNDS * 2):
                guarded(lambda n=n: credit_services.credit_adjust(
                    actor=operator, account=CreditAccount.objects.get(pk=pool.pk),
                    minutes=30 if n % 2 else -30, note="load"))
        finally:
            connections.close_all()

    def admin_load() -> None:
        try:
            barrier.wait(timeout=60)
            for n in range(ROUNDS):
                allotment = credit_services.allotment_create(
                    actor=admin, company=company, minutes_per_period=240,
                    member=members[n % EMPLOYEES])
                guarded(lambda a=allotment: credit_services.allotment_end(actor=admin,
                                                                          allotment=a))
        except Exception as exc:
            count(f"admin {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=employee_load, args=(i,)) for i in range(EMPLOYEES)]
    threads += [threading.Thread(target=operator_load), threading.Thread(target=admin_load)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    print("mixed credit load:", dict(outcomes))
    assert outcomes["DEADLOCK"] == 0, outcomes
    unexpected = {k: v for k, v in outcomes.items()
                  if k not in ("ok", "DEADLOCK") and not k.isidentifier()}
    assert not unexpected, outcomes
    assert outcomes["ok"] > EMPLOYEES * ROUNDS // 2
    assert ledger_check().problems == []
