from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from smartwork.accounts.models import RoleAssignment, User
from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput
from smartwork.credits import services
from smartwork.credits.models import (
    Allotment,
    AllotmentPeriod,
    CreditAccount,
    LedgerEntry,
    Membership,
    PaygCharge,
    RoamingUsage,
)
from smartwork.credits.selectors import ledger_check
from smartwork.credits.tests.factories import (
    allotments_of_every_kind,
    balance,
    book,
    buy,
    employee,
    other_company,
    workday,
)
from smartwork.network.choices import AllianceStatus
from smartwork.network.models import Alliance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def ledgers_stay_clean():
    yield
    report = ledger_check()
    assert report.problems == [], report.problems


def reasons(account):
    return list(account.entries.order_by("id").values_list("reason", "amount_minutes"))


class TestPurchase:
    def test_purchase_opens_a_pool_with_a_purchase_entry(self, company, operator):
        pool = buy(company, hours=500, actor=operator)
        purchase = pool.purchase
        assert purchase.minutes == 30000 and purchase.network == company.network
        assert purchase.valid_until == services.add_months(purchase.valid_from, 12) - dt.timedelta(days=1)
        assert reasons(pool) == [("purchase", 30000)]
        assert pool.entries.get().actor == operator

    def test_company_admin_buys_a_package_but_not_a_negotiated_deal(self, company, company_admin,
                                                                     operator):
        package = services.credit_package_create(actor=operator, network=company.network,
                                                 name="500 h", hours=500,
                                                 price_net=Decimal("2500"))
        purchase = services.credit_purchase_create(actor=company_admin, company=company,
                                                   package=package)
        assert purchase.minutes == 30000 and purchase.price_net == Decimal("2500.00")
        assert purchase.vat_rate == Decimal("21.00")
        with pytest.raises(Forbidden):
            services.credit_purchase_create(actor=company_admin, company=company, hours=10,
                                            price_net=Decimal(1))

    def test_package_of_another_network_is_refused(self, company, operator):
        other = testing.make_network()
        package = services.credit_package_create(actor=testing.make_operator(other),
                                                 network=other, name="x", hours=5,
                                                 price_net=Decimal(5))
        with pytest.raises(InvalidInput) as exc:
            services.credit_purchase_create(actor=operator, company=company, package=package)
        assert "package_id" in exc.value.fields

    @pytest.mark.parametrize("hours", [0, -5])
    def test_zero_or_negative_hours_are_refused(self, company, operator, hours):
        with pytest.raises(InvalidInput) as exc:
            services.credit_purchase_create(actor=operator, company=company, hours=hours,
                                            price_net=Decimal(1))
        assert "hours" in exc.value.fields
        assert not CreditAccount.objects.exists()

    def test_others_may_not_buy(self, company, manager, member, outsider):
        for who in (manager, member, outsider):
            with pytest.raises(Forbidden):
                services.credit_purchase_create(actor=who, company=company, hours=1,
                                                price_net=Decimal(1))


class TestAllotment:
    def test_allotment_moves_minutes_from_the_pool(self, company, company_admin, member):
        pool = buy(company, hours=10)
        allotment = services.allotment_create(actor=company_admin, company=company,
                                              minutes_per_period=120, member=member)
        assert balance(pool) == 480 and balance(allotment.account) == 120
        assert reasons(allotment.account) == [("allotment", 120)]
        legs = LedgerEntry.objects.filter(allotment=allotment)
        assert len({e.transfer for e in legs}) == 1 and sum(e.amount_minutes for e in legs) == 0

    def test_above_the_balance_is_refused_and_nothing_written(self, company, company_admin):
        pool = buy(company, hours=1)
        with pytest.raises(Conflict) as exc:
            services.allotment_create(actor=company_admin, company=company,
                                      minutes_per_period=61, pool=pool)
        assert exc.value.code == "insufficient_credit"
        assert not Allotment.objects.exists() and balance(pool) == 60

    def test_employee_of_another_company_is_refused(self, company, company_admin, network):
        buy(company, hours=10)
        stranger = employee(other_company(network))
        with pytest.raises(InvalidInput) as exc:
            services.allotment_create(actor=company_admin, company=company,
                                      minutes_per_period=60, member=stranger)
        assert "member_id" in exc.value.fields

    def test_foreign_and_expired_credit_are_refused(self, company, company_admin, network):
        foreign = buy(other_company(network), hours=10)
        with pytest.raises(InvalidInput) as exc:
            services.allotment_create(actor=company_admin, company=company,
                                      minutes_per_period=60, pool=foreign)
        assert exc.value.code == "foreign_credit"
        old = buy(company, hours=10, valid_from=dt.date.today() - dt.timedelta(days=20),
                  validity_months=1)
        CreditAccount.objects.filter(pk=old.pk).update(valid_until=dt.date.today() - dt.timedelta(days=1))
        old.refresh_from_db()
        with pytest.raises(InvalidInput) as exc:
            services.allotment_create(actor=company_admin, company=company,
                                      minutes_per_period=60, pool=old)
        assert exc.value.code == "expired_credit"

    def test_end_returns_what_is_left(self, company, company_admin, member):
        pool = buy(company, hours=10)
        allotment = services.allotment_create(actor=company_admin, company=company,
                                              minutes_per_period=300, member=member)
        services.allotment_end(actor=company_admin, allotment=allotment)
        assert balance(pool) == 600 and balance(allotment.account) == 0

    def test_leaver_returns_personal_allotments(self, company, company_admin, member):
        pool = buy(company, hours=10)
        services.allotment_create(actor=company_admin, company=company, minutes_per_period=300,
                                  member=member)
        assert services.credit_member_left(actor=company_admin, member=member) == 300
        assert balance(pool) == 600


class TestConsumption:
    def test_desk_half_day_full_day_and_room_hours(self, company, centre, member):
        pool = buy(company, hours=100)
        assert book(member, centre, slot="morning").credit_minutes == 240
        assert book(member, centre, slot="full_day", on=workday(4)).credit_minutes == 480
        room = centre.resources.get(kind="meeting_room")
        b = book(member, centre, resource=room, slot="range", on=workday(5),
                 start_time=dt.time(10), end_time=dt.time(11, 30))
        assert b.credit_minutes == 2 * 90
        assert balance(pool) == 6000 - 240 - 480 - 180

    def test_network_rules_set_the_hours(self, company, centre, member):
        network = centre.network
        network.desk_half_day_hours, network.room_hour_factor = 3, 3
        network.save()
        buy(company, hours=100)
        assert book(member, centre).credit_minutes == 180

    def test_personal_then_team_then_centre_then_pool(self, company, company_admin, centre,
                                                      member):
        made = allotments_of_every_kind(company, company_admin, centre, member)
        pool, mine, ours, budget, elsewhere = (made[k] for k in (
            "pool", "mine", "ours", "budget", "elsewhere"))
        days = sorted({workday(offset) for offset in range(3, 12)})[:4]
        for day in days:
            book(member, centre, on=day)
        assert balance(mine.account) == 0
        assert balance(ours.account) == 0
        assert balance(budget.account) == 0
        assert balance(elsewhere.account) == 240  # only usable in the other centre
        assert balance(pool) == 6000 - 4 * 240 - 240

    def test_insufficient_credit_rolls_the_booking_back(self, company, centre, member):
        pool = buy(company, hours=3)
        with pytest.raises(Conflict) as exc:
            book(member, centre)
        assert exc.value.code == "insufficient_credit"
        assert not Booking.objects.exists() and balance(pool) == 180

    def test_overage_is_pay_as_you_go_billed_to_the_company(self, company, company_admin,
                                                            centre, member):
        buy(company, hours=3)
        services.credit_policy_set(actor=company_admin, company=company, allow_overage=True)
        booking = book(member, centre)
        assert booking.payment_method == "payg" and booking.price_net == Decimal("15.00")
        charge = PaygCharge.objects.get(booking=booking)
        assert charge.bill_to == "company" and charge.company == company
        # Copied from the booking, as the price is: the invoice run reads the charge alone.
        assert (charge.slot, charge.resource_kind) == (booking.slot, booking.resource.kind)

    def test_cancellation_in_time_refunds_late_does_not(self, company, centre, member):
        from smartwork.bookings.services import booking_cancel

        pool = buy(company, hours=10)
        booking = book(member, centre)
        booking_cancel(booking=booking, actor=member)
        assert balance(pool) == 600
        assert reasons(pool)[-1] == ("cancellation_refund", 240)
        late = book(member, centre, on=workday(1) if workday(1) > dt.date.today() else workday(2))
        start = late.start
        booking_cancel(booking=late, actor=member, now=start - dt.timedelta(hours=2))
        assert balance(pool) == 360

    def test_move_releases_and_takes_again(self, company, centre, member):
        from smartwork.bookings.services import booking_move

        pool = buy(company, hours=10)
        booking = book(member, centre)
        booking_move(booking=booking, actor=member, slot="full_day")
        assert balance(pool) == 600 - 480
        assert [r for r, _m in reasons(pool)] == ["purchase", "booking", "cancellation_refund",
                                                  "booking"]

    def test_no_show_keeps_the_booking_entry(self, company, centre, member):
        from smartwork.bookings.payment import booking_payment_no_show

        pool = buy(company, hours=10)
        booking = book(member, centre)
        booking_payment_no_show(booking=booking)
        assert balance(pool) == 360

    def test_policy_refuses_a_centre_and_a_kind(self, company, company_admin, centre, member):
        buy(company, hours=10)
        other = testing.make_centre(network=centre.network)
        services.credit_policy_set(actor=company_admin, company=company, allowed_centres=[other])
        with pytest.raises(Conflict) as exc:
            book(member, centre)
        assert exc.value.code == "not_allowed_by_company"
        services.credit_policy_set(actor=company_admin, company=company, allowed_centres=[],
                                   allowed_resource_kinds=["meeting_room"])
        with pytest.raises(Conflict):
            book(member, centre)

    def test_pool_cap_per_employee_per_month(self, company, company_admin, centre, member):
        buy(company, hours=100)
        services.credit_policy_set(actor=company_admin, company=company,
                                   pool_cap_minutes_per_month=480)
        day = workday(3)
        # two bookings in one month fit; a third does not
        same_month = [d for d in (day + dt.timedelta(days=i) for i in range(0, 40))
                      if d.weekday() < 5 and d.month == day.month]
        if len(same_month) < 3:
            day = services.add_months(day, 1).replace(day=1)
            same_month = [d for d in (day + dt.timedelta(days=i) for i in range(0, 31))
                          if d.weekday() < 5 and d.month == day.month]
        book(member, centre, on=same_month[0])
        book(member, centre, on=same_month[1])
        with pytest.raises(Conflict) as exc:
            book(member, centre, on=same_month[2])
        # the cap, not the balance, refuses it: its own code (no approval step here)
        assert exc.value.code == "pool_cap_reached"

    def test_roaming_in_an_allied_network(self, company, centre, member):
        pool = buy(company, hours=10)
        other = testing.make_network()
        Alliance.objects.create(network_a=centre.network, network_b=other,
                                starts_on=dt.date.today(), status=AllianceStatus.ACTIVE,
                                clearing_hour_rate=Decimal("5.00"))
        away = testing.make_centre(network=other)
        booking = book(member, away)
        assert booking.payment_method == "credit" and balance(pool) == 360
        usage = RoamingUsage.objects.get()
        assert (usage.home_network, usage.host_network, usage.minutes, usage.value) == (
            centre.network, other, 240, Decimal("20.00"))
        from smartwork.bookings.services import booking_cancel

        booking_cancel(booking=booking, actor=member)
        assert sum(RoamingUsage.objects.values_list("minutes", flat=True)) == 0
        assert balance(pool) == 600


class TestMembership:
    def plan(self, network, hours=8):
        return services.membership_plan_create(
            actor=testing.make_operator(network), network=network, name="Flex",
            monthly_fee_net=Decimal("99.00"), included_hours=hours)

    def test_membership_hours_then_pay_as_you_go(self, network, centre):
        independent = testing.make_user(network=network)
        membership = services.membership_start(actor=independent, member=independent,
                                               plan=self.plan(network, hours=4))
        assert membership.periods.get().fee_net == Decimal("99.00")
        first = book(independent, centre)
        assert first.payment_method == "membership" and first.credit_minutes == 240
        second = book(independent, centre, on=workday(4))
        assert second.payment_method == "payg" and second.price_net == Decimal("15.00")
        assert PaygCharge.objects.get(booking=second).bill_to == "member"

    def test_one_live_membership_and_foreign_plan(self, network):
        independent = testing.make_user(network=network)
        plan = self.plan(network)
        services.membership_start(actor=independent, member=independent, plan=plan)
        with pytest.raises(Conflict):
            services.membership_start(actor=independent, member=independent, plan=plan)
        foreign = self.plan(testing.make_network())
        with pytest.raises(InvalidInput):
            services.membership_start(actor=independent, member=independent, plan=foreign)

    def test_company_employees_get_no_membership(self, network, company, member):
        # They pay with the company's time credit; plans are for independents.
        with pytest.raises(Forbidden) as exc:
            services.membership_start(actor=member, member=member, plan=self.plan(network))
        assert exc.value.code == "company_employee"
        assert not Membership.objects.filter(member=member).exists()

    @pytest.mark.parametrize("role", ["operator", "manager", "receptionist", "company_admin"])
    def test_staff_roles_get_no_membership(self, request, network, role):
        # Plans are how independent members pay; those who run the service do not
        # subscribe (a company admin outside any company's staff included).
        if role == "company_admin":
            staff = testing.make_user(network=network)
            RoleAssignment.objects.create(user=staff, role="company_admin",
                                                  organisation=other_company(network))
        else:
            staff = request.getfixturevalue(role)
        with pytest.raises(Forbidden) as exc:
            services.membership_start(actor=staff, member=staff, plan=self.plan(network))
        assert exc.value.code == "staff_role"
        assert not Membership.objects.filter(member=staff).exists()

    def test_the_employer_is_read_again_under_the_lock(self, network, company):
        # An invitation accepted since this person's row was read: still refused.
        independent = testing.make_user(network=network)
        plan = self.plan(network)
        User.objects.filter(pk=independent.pk).update(company=company)
        with pytest.raises(Forbidden) as exc:
            services.membership_start(actor=independent, member=independent, plan=plan)
        assert exc.value.code == "company_employee"
        assert not Membership.objects.filter(member=independent).exists()

    def test_joining_a_company_ends_the_membership_with_its_month(self, network, company):
        from smartwork.core.models import AuditEntry

        independent = testing.make_user(network=network)
        membership = services.membership_start(actor=independent, member=independent,
                                               plan=self.plan(network))
        month = membership.periods.get()
        independent.company = company
        independent.save(update_fields=["company"])
        ended = services.membership_member_joined_company(actor=independent,
                                                          member=independent, company=company)
        assert ended is not None and ended.pk == membership.pk
        membership.refresh_from_db()
        # The state a cancellation gives: ends with the month paid for, not renewed.
        assert membership.state == "cancelling" and membership.ends_on == month.ends_on
        entry = AuditEntry.objects.get(action="membership.cancelled")
        assert entry.actor == independent
        assert entry.data == {"ends_on": month.ends_on.isoformat(),
                              "reason": "company_employee", "company": company.pk}
        # Cancelled already: nothing more to do, and no error.
        assert services.membership_member_joined_company(
            actor=independent, member=independent, company=company) is None
        result = services.credit_periodic_run(today=month.ends_on + dt.timedelta(days=1))
        membership.refresh_from_db()
        assert (result.memberships_renewed, result.memberships_ended) == (0, 1)
        assert membership.state == "ended" and membership.periods.count() == 1
        assert balance(membership.account) == 0

    def test_an_employees_membership_pays_what_they_pay_until_its_end_only(
            self, network, centre, company):
        # Joined a company that never bought credit: they pay their bookings themselves,
        # first with the hours of the month they paid for, and none after its end.
        independent = testing.make_user(network=network)
        membership = services.membership_start(actor=independent, member=independent,
                                               plan=self.plan(network, hours=8))
        month = membership.periods.get()
        independent.company = company
        independent.save(update_fields=["company"])
        services.membership_member_joined_company(actor=independent, member=independent,
                                                  company=company)
        within = book(independent, centre)
        assert within.payment_method == "membership" and within.credit_minutes == 240
        after = month.ends_on + dt.timedelta(days=1)
        while after.weekday() > 4:
            after += dt.timedelta(days=1)
        later = book(independent, centre, on=after)
        assert later.payment_method == "payg"
        assert PaygCharge.objects.get(booking=later).bill_to == "member"
        assert balance(membership.account) == 240
        # Once the company holds credit, that pays: the membership's hours stay.
        buy(company, hours=10)
        paid = book(independent, centre, on=workday(4))
        assert paid.payment_method == "credit" and balance(membership.account) == 240

    def test_renewal_ends_an_employees_membership_whatever_made_them_one(self, network,
                                                                         company):
        from smartwork.core.models import AuditEntry

        independent = testing.make_user(network=network)
        membership = services.membership_start(actor=independent, member=independent,
                                               plan=self.plan(network))
        month = membership.periods.get()
        # Made an employee without a service (a shell, a bulk update, older data).
        User.objects.filter(pk=independent.pk).update(company=company)
        result = services.credit_periodic_run(today=month.ends_on + dt.timedelta(days=1))
        membership.refresh_from_db()
        assert (result.memberships_renewed, result.memberships_ended) == (0, 1)
        assert membership.state == "ended" and membership.ends_on == month.ends_on
        assert membership.periods.count() == 1
        assert AuditEntry.objects.get(action="membership.ended").data == {
            "reason": "company_employee"}

    def test_renewal_expires_the_rest_and_cancellation_ends(self, network):
        independent = testing.make_user(network=network)
        membership = services.membership_start(actor=independent, member=independent,
                                               plan=self.plan(network))
        account = membership.account
        account.refresh_from_db()
        next_month = account.valid_until + dt.timedelta(days=1)
        result = services.credit_periodic_run(today=next_month)
        assert result.memberships_renewed == 1
        assert [r for r, _m in reasons(account)] == ["purchase", "expiry", "purchase"]
        assert services.credit_periodic_run(today=next_month).memberships_renewed == 0
        services.membership_cancel(actor=independent, membership=membership)
        account.refresh_from_db()
        services.credit_periodic_run(today=account.valid_until + dt.timedelta(days=1))
        membership.refresh_from_db()
        assert membership.state == "ended" and balance(account) == 0
        assert membership.periods.count() == 2


class TestPeriodicJobs:
    def test_expiry_is_idempotent(self, company):
        pool = buy(company, hours=10, validity_months=1)
        after = pool.valid_until + dt.timedelta(days=1)
        first = services.credit_expire(today=after)
        second = services.credit_expire(today=after)
        assert (first.accounts_expired, first.minutes_expired) == (1, 600)
        assert second.accounts_expired == 0
        assert reasons(pool) == [("purchase", 600), ("expiry", -600)]

    def test_monthly_allotment_returns_and_renews(self, company, company_admin, member):
        pool = buy(company, hours=100)
        allotment = services.allotment_create(actor=company_admin, company=company,
                                              minutes_per_period=600, member=member,
                                              period="monthly")
        first = allotment.periods.get()
        assert first.ends_on == services.month_end(first.starts_on)
        day = first.ends_on + dt.timedelta(days=1)
        services.credit_periodic_run(today=day)
        services.credit_periodic_run(today=day)  # twice: no harm
        periods = list(AllotmentPeriod.objects.filter(allotment=allotment).order_by("starts_on"))
        assert len(periods) == 2 and periods[0].returned_minutes == 600
        assert balance(allotment.account) == 600 and balance(pool) == 6000 - 600

    def test_keep_mode_carries_over(self, company, company_admin, member):
        buy(company, hours=100)
        allotment = services.allotment_create(actor=company_admin, company=company,
                                              minutes_per_period=600, member=member,
                                              period="monthly", at_period_end="keep")
        day = allotment.periods.get().ends_on + dt.timedelta(days=1)
        services.credit_periodic_run(today=day)
        assert balance(allotment.account) == 1200

    def test_commands(self, company, capsys):
        pool = buy(company, hours=1, validity_months=1)
        call_command("expire_credits", today=(pool.valid_until + dt.timedelta(days=1)).isoformat())
        call_command("check_ledgers")
        assert "0 problem(s)" in capsys.readouterr().out


class TestLedgerGuards:
    def test_orm_refuses_update_and_delete(self, company):
        entry = buy(company, hours=1).entries.get()
        entry.note = "changed"
        with pytest.raises(TypeError):
            entry.save()
        with pytest.raises(TypeError):
            entry.delete()
        with pytest.raises(TypeError):
            LedgerEntry.objects.filter(pk=entry.pk).update(note="x")
        with pytest.raises(TypeError):
            LedgerEntry.objects.filter(pk=entry.pk).delete()

    def test_database_refuses_update(self, company):
        entry = buy(company, hours=1).entries.get()
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE credits_ledgerentry SET amount_minutes = 1 WHERE id = %s",
                           [entry.pk])
        assert LedgerEntry.objects.get(pk=entry.pk).amount_minutes == 60

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger on PostgreSQL")
    def test_database_refuses_delete_on_postgresql(self, company):
        entry = buy(company, hours=1).entries.get()
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM credits_ledgerentry WHERE id = %s", [entry.pk])
        assert LedgerEntry.objects.filter(pk=entry.pk).exists()

    def test_balance_check_constraint(self, company):
        pool = buy(company, hours=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditAccount.objects.filter(pk=pool.pk).update(balance_minutes=-1)

    def test_check_ledgers_reports_a_tampered_balance(self, company):
        pool = buy(company, hours=1)
        CreditAccount.objects.filter(pk=pool.pk).update(balance_minutes=61)
        report = ledger_check()
        assert [p.account_id for p in report.problems] == [pool.pk]
        from django.core.management.base import CommandError

        with pytest.raises(CommandError):
            call_command("check_ledgers")
        CreditAccount.objects.filter(pk=pool.pk).update(balance_minutes=60)


def test_nightly_task_is_registered_and_runs(company):
    from smartwork.core import periodic
    from smartwork.credits.tasks import credit_periodic_run

    assert "credits.periodic_run" in {job.name for job in periodic.registered()}
    pool = buy(company, hours=1, validity_months=1)
    CreditAccount.objects.filter(pk=pool.pk).update(
        valid_until=dt.date.today() - dt.timedelta(days=2))
    result = credit_periodic_run.enqueue()
    assert result.return_value["accounts_expired"] == 1
    assert balance(pool) == 0


def test_series_books_as_far_as_the_credit_goes(company, centre, member):
    from smartwork.bookings.services import series_create, weekly_dates

    pool = buy(company, hours=8)
    result = series_create(actor=member, centre=centre, slot="morning",
                           dates=weekly_dates(workday(3), 3), kind="weekly",
                           conflict_policy="skip")
    assert len(result.bookings) == 2
    assert [row["code"] for row in result.skipped] == ["insufficient_credit"]
    assert balance(pool) == 0
    assert Booking.objects.count() == 2


def test_migration_backfills_slot_and_kind_of_existing_charges(company, company_admin, centre,
                                                               member):
    """Migration 0003 fills the copied slot and resource kind of charges made before it."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module(
        "smartwork.credits.migrations.0004_payg_charge_slot_and_kind")
    services.credit_policy_set(actor=company_admin, company=company, allow_overage=True)
    booking = book(member, centre)
    PaygCharge.objects.filter(booking=booking).update(slot="", resource_kind="")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    charge = PaygCharge.objects.get(booking=booking)
    assert (charge.slot, charge.resource_kind) == (booking.slot, booking.resource.kind)
    assert charge.slot and charge.resource_kind
