"""Mixed credit load: no deadlock (issue #17 §3).

Employees of one company book, move and cancel desks at once, alone and in series,
paid from the company pool and from allotments (theirs, their team's, the centre's
budget), some beyond their monthly cap on the pool and approved by the admin, while the
operator adjusts the pool and sells more credit, the admin ends and opens allotments,
two employees leave the company, and the periodic jobs expire credit, roll allotment
periods and release no-shows: every path that locks credit accounts (docs/credits.md,
"Locks") runs against the others. PostgreSQL reports any lock cycle as "deadlock
detected"; the test counts them and requires none, and the ledgers must still check.
With the lock-order check on (tests/concurrency/conftest.py), a path locking an
account below one its transaction holds fails at once, on both databases (on SQLite
every write transaction is BEGIN IMMEDIATE: writers queue, no cycle can form, but the
order is checked all the same)."""

from __future__ import annotations

import random
import threading
import time
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


def test_every_credit_path_at_once_never_deadlocks():
    import datetime as dt

    from django.utils import timezone

    from smartwork.bookings.approvals import booking_approve
    from smartwork.bookings.models import Booking
    from smartwork.bookings.services import (
        booking_cancel,
        booking_create,
        booking_move,
        bookings_release_no_shows,
        series_cancel,
        series_create,
    )

    postgres = connection.vendor == "postgresql"
    employees = EMPLOYEES if postgres else 6
    rounds = ROUNDS if postgres else 4
    centre = testing.make_centre(desks=employees + 2, rooms=0)
    company = testing.make_organisation(kind="company", network=centre.network)
    admin = testing.make_company_admin(company)
    operator = testing.make_operator(centre.network)
    pool = buy(company, hours=2000, actor=operator)
    today = timezone.localdate()
    # Credit already over: the expiry job takes it while the load runs.
    buy(company, hours=10, actor=operator, valid_from=today - dt.timedelta(days=31),
        validity_months=1)
    members = [employee(company) for _ in range(employees)]
    team = Team.objects.create(company=company, name="Team")
    for m in members[::2]:
        TeamMembership.objects.create(team=team, user=m)
    credit_services.allotment_create(actor=admin, company=company, minutes_per_period=6000,
                                     team=team, period="monthly")
    # A small centre budget: the employees without an allotment soon book on the pool.
    credit_services.allotment_create(actor=admin, company=company, minutes_per_period=480,
                                     centres=[centre])
    for m in members[1::3]:
        credit_services.allotment_create(actor=admin, company=company,
                                         minutes_per_period=2000, member=m)
    # Beyond 8 h a month on the pool, a booking waits for the admin's approval.
    credit_services.credit_policy_set(actor=admin, company=company,
                                      pool_cap_minutes_per_month=480, approval_beyond_cap=True)
    days = [workday(3 + i) for i in range(5)]
    leavers = members[1:3]
    # One booking already waits for approval when the load starts, on days the load does
    # not use: on SQLite the small load may not pass the cap by itself (writers queue, and
    # the approver may find nothing pending in its few passes).
    waiting = members[3]
    for k in range(20):
        early = booking_create(actor=waiting, centre=centre, slot="morning",
                               on=workday(12 + k), payment_method="credit")
        if early.state == "pending_approval":
            break
    assert early.state == "pending_approval"
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(employees + 5)

    def count(what: str) -> None:
        with lock:
            outcomes[what] += 1

    def guarded(path: str, fn) -> None:
        try:
            fn()
            count(f"{path} ok")
        except DomainError as exc:
            count(f"{path} {exc.code}")
        except Exception as exc:
            text = str(exc)
            count("DEADLOCK" if "deadlock" in text.lower() else f"{path} {type(exc).__name__}: {text}")

    def thread(body):
        def run(*args):
            try:
                barrier.wait(timeout=120)
                body(*args)
            except Exception as exc:
                count(f"thread {type(exc).__name__}: {exc}")
            finally:
                connections.close_all()
        return run

    @thread
    def employee_load(i: int) -> None:
        rng = random.Random(i)
        member = members[i]
        for n in range(rounds):
            if i % 4 == 3 and n % 2 == 0:
                guarded("series", lambda d=rng.sample(days, 3): series_cancel(
                    series=series_create(actor=member, centre=centre, slot="morning",
                                         dates=sorted(d), payment_method="credit",
                                         conflict_policy="skip").series, actor=member))
                continue
            guarded("booking", lambda d=rng.choice(days), s=rng.choice(["morning", "afternoon"]):
                    booking_create(actor=member, centre=centre, slot=s, on=d,
                                   payment_method="credit"))
            mine = list(Booking.objects.filter(member=member, state="confirmed")
                        .values_list("pk", flat=True))
            if mine and rng.random() < 0.4:
                guarded("move", lambda b=Booking.objects.get(pk=rng.choice(mine)), d=rng.choice(days):
                        booking_move(booking=b, actor=member, on=d))
            elif mine and rng.random() < 0.6:
                guarded("cancel", lambda b=Booking.objects.get(pk=rng.choice(mine)):
                        booking_cancel(booking=b, actor=member))

    @thread
    def operator_load() -> None:
        for n in range(rounds * 2):
            guarded("adjustment", lambda n=n: credit_services.credit_adjust(
                actor=operator, account=CreditAccount.objects.get(pk=pool.pk),
                minutes=30 if n % 2 else -30, note="load"))
            if n % 4 == 0:
                guarded("purchase", lambda: buy(company, hours=5, actor=operator))

    @thread
    def admin_load() -> None:
        for n in range(rounds):
            allotment = credit_services.allotment_create(
                actor=admin, company=company, minutes_per_period=240,
                member=members[n % employees])
            guarded("allotment end", lambda a=allotment: credit_services.allotment_end(actor=admin,
                                                                      allotment=a))

    @thread
    def approver_load() -> None:
        while True:  # a last pass after the employees are done
            employees_busy = any(t.is_alive() for t in threads[:employees])
            for pending in Booking.objects.filter(member__company=company,
                                                  state="pending_approval"):
                guarded("approval", lambda b=pending: booking_approve(booking=b, actor=admin))
            if not employees_busy:
                break
            time.sleep(0.05)

    @thread
    def periodic_load() -> None:
        for _ in range(rounds):
            guarded("expiry", lambda: credit_services.credit_expire())
            guarded("allotment roll", lambda: credit_services.allotment_periods_roll(
                today=today + dt.timedelta(days=40)))
            guarded("no-show", lambda: bookings_release_no_shows(
                now=timezone.make_aware(dt.datetime.combine(days[0], dt.time(13)))))

    @thread
    def leaving_load() -> None:
        for member in leavers:
            guarded("member left", lambda m=member: credit_services.credit_member_left(actor=admin, member=m))

    threads = [threading.Thread(target=employee_load, args=(i,)) for i in range(employees)]
    threads += [threading.Thread(target=t) for t in (operator_load, admin_load, periodic_load,
                                                     leaving_load)]
    threads.append(threading.Thread(target=approver_load))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    print("every credit path at once:", dict(outcomes))
    assert outcomes["DEADLOCK"] == 0, outcomes
    unexpected = {k: v for k, v in outcomes.items()
                  if k == "DEADLOCK" or not k.rsplit(" ", 1)[-1].isidentifier()}
    assert not unexpected, outcomes
    ran = {k.rsplit(" ", 1)[0] for k, v in outcomes.items() if k.endswith(" ok")}
    assert ran >= {"booking", "move", "cancel", "series", "adjustment", "purchase", "approval",
                   "allotment end", "expiry", "allotment roll", "no-show", "member left"}, ran
    assert outcomes["booking ok"] > employees * rounds // 3
    assert ledger_check().problems == []
