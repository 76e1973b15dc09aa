"""20 bookings at once against a pool with room for exactly 5: exactly 5 succeed.

Real threads, each with its own database connection, on whichever database the
run uses (SQLite file or PostgreSQL). The pool row is locked in each booking's
transaction, so no two bookings see the same balance."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connections

from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.core.errors import DomainError
from smartwork.credits.models import CreditAccount, LedgerEntry
from smartwork.credits.selectors import ledger_check
from smartwork.credits.tests.factories import buy, employee, workday

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 20


def _race(fn, args_list):
    barrier = threading.Barrier(len(args_list))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(args):
        try:
            barrier.wait(timeout=30)
            fn(*args)
            result = "ok"
        except DomainError as exc:
            result = exc.code
        except Exception as exc:  # any other failure is counted, so the test shows it
            result = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(args,)) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(outcomes)


def test_twenty_parallel_bookings_against_room_for_five():
    from smartwork.bookings.services import booking_create

    centre = testing.make_centre(desks=THREADS, rooms=0)
    company = testing.make_organisation(kind="company", network=centre.network)
    pool = buy(company, hours=5 * 4)  # five half-days of 4 hours
    members = [employee(company) for _ in range(THREADS)]
    desks = list(centre.resources.order_by("pk"))
    on = workday(3)

    def book(member, desk):
        booking_create(actor=member, resource=desk, slot="morning", on=on)

    outcomes = _race(book, list(zip(members, desks, strict=True)))
    assert outcomes == Counter({"ok": 5, "insufficient_credit": THREADS - 5}), outcomes
    pool.refresh_from_db()
    assert pool.balance_minutes == 0
    assert Booking.objects.count() == 5
    assert LedgerEntry.objects.filter(reason="booking").count() == 5
    assert ledger_check().problems == []


def test_parallel_allotments_never_overdraw_the_pool():
    from smartwork.credits.services import allotment_create

    centre = testing.make_centre(desks=0, rooms=0)
    company = testing.make_organisation(kind="company", network=centre.network)
    admin = testing.make_company_admin(company)
    pool = buy(company, hours=5)
    members = [employee(company) for _ in range(10)]

    def allot(member):
        allotment_create(actor=admin, company=company, minutes_per_period=60, member=member,
                         pool=CreditAccount.objects.get(pk=pool.pk))

    outcomes = _race(allot, [(m,) for m in members])
    assert outcomes == Counter({"ok": 5, "insufficient_credit": 5}), outcomes
    pool.refresh_from_db()
    assert pool.balance_minutes == 0
    assert ledger_check().problems == []



def test_nightly_job_run_twice_at_once_expires_once():
    import datetime as dt

    from smartwork.credits.services import allotment_create, credit_periodic_run

    centre = testing.make_centre(desks=0, rooms=0)
    company = testing.make_organisation(kind="company", network=centre.network)
    admin = testing.make_company_admin(company)
    pool = buy(company, hours=10, validity_months=1)
    allotment_create(actor=admin, company=company, minutes_per_period=120,
                     member=employee(company), period="monthly")
    after = pool.valid_until + dt.timedelta(days=1)

    outcomes = _race(lambda: credit_periodic_run(today=after), [() for _ in range(4)])
    assert outcomes == Counter({"ok": 4}), outcomes
    assert LedgerEntry.objects.filter(reason="expiry").count() == 2  # pool and allotment
    assert sum(CreditAccount.objects.values_list("balance_minutes", flat=True)) == 0
    assert ledger_check().problems == []
