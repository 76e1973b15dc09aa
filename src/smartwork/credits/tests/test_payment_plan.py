"""The payment plan (booking_pay's fast path, issues #4 and #5): the booking is written
with its payment fields and the payment goes with the booking's other rows in one last
statement; when the plan no longer holds at the write, nothing of it is written and
booking_pay decides, as without a plan."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from smartwork.bookings.models import Booking
from smartwork.core import fastsql, testing
from smartwork.core.errors import Conflict
from smartwork.core.models import AuditEntry
from smartwork.credits import payment, services
from smartwork.credits import sql as credits_sql
from smartwork.credits.models import LedgerEntry, PaygCharge
from smartwork.credits.selectors import ledger_check
from smartwork.credits.tests.factories import (
    allotments_of_every_kind,
    balance,
    book,
    buy,
    workday,
)

pytestmark = pytest.mark.django_db

HALF_DAY = 240


@pytest.fixture(autouse=True)
def ledgers_stay_clean():
    yield
    report = ledger_check()
    assert report.problems == [], report.problems


def drain_after_planning(monkeypatch, account, leave: int) -> None:
    """Another booking takes the credit between the plan (read) and the write: the
    account is left with `leave` minutes once the plan is made."""
    real = payment.booking_payment_plan
    real_pay = payment.booking_pay

    def drain() -> None:
        current = balance(account)
        if current != leave:
            services.credit_adjust(actor=testing.make_operator(account.network),
                                   account=account, minutes=leave - current,
                                   note="taken meanwhile")

    def plan_then_drain(**kwargs):
        plan = real(**kwargs)
        drain()
        return plan

    def drain_then_pay(**kwargs):
        # A plan that failed its take is dropped and the booking made again without one
        # (bookings.services._Replan); the drain here rolled back with the first attempt,
        # so it happens again.
        drain()
        return real_pay(**kwargs)

    monkeypatch.setattr(payment, "booking_payment_plan", plan_then_drain)
    monkeypatch.setattr(payment, "booking_pay", drain_then_pay)


class TestCreditPlan:
    def test_one_write_takes_the_minutes_with_the_audit_entry(self, company, centre, member):
        pool = buy(company, hours=10)
        booking = book(member, centre)
        assert (booking.payment_method, booking.credit_minutes, booking.price_net) == (
            "credit", HALF_DAY, None)
        entry = LedgerEntry.objects.get(booking=booking)
        assert (entry.account_id, entry.amount_minutes, entry.balance_after) == (
            pool.pk, -HALF_DAY, 600 - HALF_DAY)
        assert entry.purchase_id == pool.purchase_id and entry.member == member
        assert balance(pool) == 600 - HALF_DAY
        assert AuditEntry.objects.filter(action="booking.created",
                                         object_id=str(booking.pk)).count() == 1
        stored = Booking.objects.get(pk=booking.pk)
        assert (stored.payment_method, stored.credit_minutes) == ("credit", HALF_DAY)

    def test_drained_meanwhile_is_refused_and_nothing_is_written(self, company, centre, member,
                                                                 monkeypatch):
        pool = buy(company, hours=10)
        drain_after_planning(monkeypatch, pool, leave=HALF_DAY - 1)
        with pytest.raises(Conflict) as exc:
            book(member, centre)
        assert exc.value.code == "insufficient_credit"
        assert not Booking.objects.exists()
        assert not LedgerEntry.objects.filter(reason="booking").exists()
        assert not AuditEntry.objects.filter(action="booking.created").exists()
        # here the drain ran in the booking's own transaction: rolled back with it
        assert balance(pool) == 600

    def test_drained_meanwhile_with_overage_is_billed_to_the_company(
            self, company, company_admin, centre, member, monkeypatch):
        pool = buy(company, hours=10)
        services.credit_policy_set(actor=company_admin, company=company, allow_overage=True)
        drain_after_planning(monkeypatch, pool, leave=10)
        booking = book(member, centre)
        stored = Booking.objects.get(pk=booking.pk)
        assert (stored.payment_method, stored.credit_minutes) == ("payg", 0)
        assert stored.price_net == Decimal("15.00")
        charge = PaygCharge.objects.get(booking=booking)
        assert (charge.bill_to, charge.company_id) == ("company", company.pk)
        assert not LedgerEntry.objects.filter(booking=booking).exists()
        assert AuditEntry.objects.filter(action="booking.created",
                                         object_id=str(booking.pk)).count() == 1
        assert balance(pool) == 10

    def test_cap_reached_waits_for_approval_with_nothing_paid(self, company, company_admin,
                                                             centre, member):
        pool = buy(company, hours=10)
        services.credit_policy_set(actor=company_admin, company=company,
                                   pool_cap_minutes_per_month=HALF_DAY,
                                   approval_beyond_cap=True, approval_hold_hours=48)
        day = workday(3)
        later = [day + dt.timedelta(days=i) for i in range(1, 28)]
        second = next(d for d in later if d.weekday() < 5 and d.month == day.month) \
            if any(d.weekday() < 5 and d.month == day.month for d in later) else None
        if second is None:  # the end of a month: both in the next one
            day = services.add_months(day, 1).replace(day=1)
            while day.weekday() > 4:
                day += dt.timedelta(days=1)
            second = day + dt.timedelta(days=1 if day.weekday() < 4 else 3)
        book(member, centre, on=day)
        pending = book(member, centre, on=second)
        stored = Booking.objects.get(pk=pending.pk)
        assert stored.state == "pending_approval"
        # the plan's minutes were put back: nothing is paid until it is approved
        assert (stored.payment_method, stored.credit_minutes, stored.price_net) == (
            "credit", 0, None)
        assert not LedgerEntry.objects.filter(booking=pending).exists()
        assert balance(pool) == 600 - HALF_DAY


class TestMembershipAndPaygPlan:
    def test_membership_hours_then_price_in_one_read(self, network, centre,
                                                     django_assert_num_queries):
        independent = testing.make_user(network=network)
        plan = services.membership_plan_create(
            actor=testing.make_operator(network), network=network, name="Flex",
            monthly_fee_net=Decimal("99.00"), included_hours=4)
        services.membership_start(actor=independent, member=independent, plan=plan)
        draft = Booking(member=independent, centre=centre, slot="morning",
                        start=dt.datetime(2030, 1, 7, 8, tzinfo=dt.UTC),
                        end=dt.datetime(2030, 1, 7, 12, tzinfo=dt.UTC))
        with django_assert_num_queries(1):
            first = payment.booking_payment_plan(booking=draft, kind="desk")
        assert first is not None and (first.method, first.minutes) == ("membership", HALF_DAY)
        book(independent, centre)
        with django_assert_num_queries(1):
            second = payment.booking_payment_plan(booking=draft, kind="desk")
        assert second is not None
        assert (second.method, second.price_net, second.vat_rate) == (
            "payg", Decimal("15.00"), Decimal("21.00"))

    def test_payg_charge_is_written_with_the_booking(self, network, centre):
        independent = testing.make_user(network=network)
        booking = book(independent, centre)
        stored = Booking.objects.get(pk=booking.pk)
        assert (stored.payment_method, stored.price_net) == ("payg", Decimal("15.00"))
        charge = PaygCharge.objects.get(booking=booking)
        assert (charge.bill_to, charge.price_net, charge.service_date) == (
            "member", Decimal("15.00"), workday())


class TestOneStatement:
    def test_short_balance_writes_nothing(self, company, member):
        pool = buy(company, hours=1)
        audit = AuditEntry(action="test.row", data={})
        entry = LedgerEntry(account_id=pool.pk, amount_minutes=-61, balance_after=0,
                            reason="adjustment", member=member)
        with transaction.atomic():
            assert credits_sql.minutes_take(account_id=pool.pk, entry=entry,
                                            rows=[audit]) is False
        assert entry.pk is None and audit.pk is None
        assert not AuditEntry.objects.filter(action="test.row").exists()
        assert balance(pool) == 60

    def test_enough_balance_writes_the_entry_and_the_rows(self, company, member):
        pool = buy(company, hours=1)
        audit = AuditEntry(action="test.row", data={"x": 1})
        entry = LedgerEntry(account_id=pool.pk, amount_minutes=-45, balance_after=0,
                            reason="adjustment", member=member, note="test")
        with transaction.atomic():
            assert credits_sql.minutes_take(account_id=pool.pk, entry=entry, rows=[audit])
        assert entry.balance_after == 15 and balance(pool) == 15
        assert LedgerEntry.objects.get(pk=entry.pk).balance_after == 15
        assert AuditEntry.objects.get(pk=audit.pk).data == {"x": 1}

    def test_insert_all_is_one_statement_on_postgresql(self, django_assert_num_queries):
        rows = [AuditEntry(action=f"test.{i}", data={"i": i}) for i in range(3)]
        expected = 1 if connection.vendor == "postgresql" else 3
        with django_assert_num_queries(expected):
            fastsql.insert_all(list(rows))
        assert all(r.pk for r in rows)
        assert sorted(AuditEntry.objects.filter(action__startswith="test.")
                      .values_list("data__i", flat=True)) == [0, 1, 2]


@pytest.mark.django_db(transaction=True)
class TestOwnTransaction:
    """booking_create in its own (outermost) transaction, committed as any other."""

    def test_a_booking_and_its_rows_are_committed(self, network, centre):
        independent = testing.make_user(network=network)
        booking = book(independent, centre)
        stored = Booking.objects.get(pk=booking.pk)
        assert (stored.payment_method, stored.price_net) == ("payg", Decimal("15.00"))
        assert PaygCharge.objects.filter(booking=booking).count() == 1
        assert AuditEntry.objects.filter(action="booking.created",
                                         object_id=str(booking.pk)).count() == 1
        # the connection goes on as usual after it
        assert book(independent, centre, on=workday(4)).payment_method == "payg"

    @pytest.mark.skipif(connection.vendor != "postgresql",
                        reason="SQLite's write lock is held from BEGIN: no one writes between")
    @pytest.mark.parametrize("overage", [False, True])
    def test_credit_taken_by_another_transaction_meanwhile(self, company, company_admin,
                                                           centre, member, monkeypatch,
                                                           overage):
        """The plan reads a balance, another transaction spends it and commits before the
        write: the payment statement, run after that commit, takes nothing, and the
        general payment step decides in the same transaction: it refuses the booking
        (or bills the company: overage)."""
        pool = buy(company, hours=10)
        if overage:
            services.credit_policy_set(actor=company_admin, company=company,
                                       allow_overage=True)
        operator = testing.make_operator(company.network)
        real = payment.booking_payment_plan
        tries = []

        def drain() -> None:
            try:
                services.credit_adjust(actor=operator, account=pool,
                                       minutes=10 - balance(pool), note="taken meanwhile")
            finally:
                connections.close_all()

        def plan_then_drain(**kwargs):
            plan = real(**kwargs)
            tries.append(plan)
            if len(tries) == 1:
                worker = threading.Thread(target=drain)
                worker.start()
                worker.join(timeout=30)
            return plan

        monkeypatch.setattr(payment, "booking_payment_plan", plan_then_drain)
        takes = []
        real_take = credits_sql.minutes_take

        def take(**kwargs):
            taken = real_take(**kwargs)
            takes.append(taken)
            return taken

        monkeypatch.setattr(credits_sql, "minutes_take", take)
        if not overage:
            with pytest.raises(Conflict) as exc:
                book(member, centre)
            assert exc.value.code == "insufficient_credit"
            assert not Booking.objects.exists()
            assert not AuditEntry.objects.filter(action="booking.created").exists()
        else:
            booking = book(member, centre)
            stored = Booking.objects.get(pk=booking.pk)
            assert (stored.payment_method, stored.credit_minutes) == ("payg", 0)
            assert PaygCharge.objects.get(booking=booking).bill_to == "company"
            assert AuditEntry.objects.filter(action="booking.created").count() == 1
        # one plan, whose statement took nothing; the general step paid (or refused)
        assert len(tries) == 1 and takes == [False]
        assert not LedgerEntry.objects.filter(reason="booking").exists()
        assert balance(pool) == 10


class TestPlanReads:
    """The plan's one read gives the policy and the candidates, in their order, that
    the general path's two reads give (`_policy_and_allotments`, `_lock_candidates`)."""

    def two_reads(self, company, member, centre, on):
        policy, allotments = payment._policy_and_allotments(
            company_id=company.pk, member_id=member.pk, on=on)
        return policy, payment._lock_candidates(
            member=member, company_id=company.pk, centre=centre, on=on, policy=policy,
            lock=False, allotments=allotments)

    def assert_same(self, company, member, centre, on):
        policy, candidates = payment._plan_reads(company_id=company.pk, member=member,
                                                  centre=centre, on=on)
        expected_policy, expected = self.two_reads(company, member, centre, on)
        assert (policy.pk, policy.pool_open_to_staff) == (
            expected_policy.pk, expected_policy.pool_open_to_staff)
        got = [(c.rank, c.account.pk, c.allotment.pk if c.allotment else None,
                c.account.balance_minutes) for c in candidates]
        assert got == [(c.rank, c.account.pk, c.allotment.pk if c.allotment else None,
                        c.account.balance_minutes) for c in expected]
        return got

    def test_every_kind_of_allotment_in_the_general_paths_order(
            self, company, company_admin, centre, member):
        from smartwork.network.choices import AllianceStatus
        from smartwork.network.models import Alliance

        made = allotments_of_every_kind(company, company_admin, centre, member)
        colleague = testing.make_user(company=company, network=centre.network)
        services.allotment_create(actor=company_admin, company=company,
                                  minutes_per_period=240, member=colleague)
        on = workday(3)
        got = self.assert_same(company, member, centre, on)
        assert [account for _, account, _, _ in got] == [
            made["mine"].account_id, made["ours"].account_id, made["budget"].account_id,
            made["pool"].pk]
        # An allied network's centre: the same candidates, the home network's accounts.
        other = testing.make_network()
        Alliance.objects.create(network_a=centre.network, network_b=other, starts_on=on,
                                status=AllianceStatus.ACTIVE,
                                clearing_hour_rate=Decimal("5.00"))
        away = testing.make_centre(network=other)
        assert self.assert_same(company, member, away, on)
        # A network not allied: none.
        assert self.assert_same(company, member, testing.make_centre(), on) == []

    def test_a_pool_closed_to_staff_and_no_policy_at_all(self, company, company_admin,
                                                         centre, member):
        assert self.assert_same(company, member, centre, workday(3)) == []  # no credit
        pool = buy(company, hours=10)
        got = self.assert_same(company, member, centre, workday(3))  # defaults: open
        assert [account for _, account, _, _ in got] == [pool.pk]
        services.credit_policy_set(actor=company_admin, company=company,
                                   pool_open_to_staff=False)
        assert self.assert_same(company, member, centre, workday(3)) == []
        mine = services.allotment_create(actor=company_admin, company=company,
                                         minutes_per_period=120, member=member)
        got = self.assert_same(company, member, centre, workday(3))
        assert [account for _, account, _, _ in got] == [mine.account_id]

    def test_one_statement_when_no_allotment_has_centres(self, company, centre, member,
                                                         django_assert_num_queries):
        buy(company, hours=10)
        with django_assert_num_queries(1):
            payment._plan_reads(company_id=company.pk, member=member, centre=centre,
                                 on=workday(3))
