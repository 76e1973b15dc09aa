"""Gapless invoice numbers under concurrent runs, with real threads and connections.

Run on SQLite (BEGIN IMMEDIATE) and on PostgreSQL (the sequence row locked with
SELECT ... FOR UPDATE): several runs of the same period at once and many single
invoices issued at once must give numbers 1..N, none twice, none skipped, and
each customer billed once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from smartwork.accounts.choices import OrganisationKind
from smartwork.billing.calc import period_parse
from smartwork.billing.models import Invoice, InvoiceSequence
from smartwork.billing.run import invoice_run
from smartwork.billing.services import LineDraft, invoice_draft_create, invoice_issue
from smartwork.billing.tests.factories import billing_ready, sqlite_flushable
from smartwork.core import testing
from smartwork.credits.models import CreditPurchase

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    return testing.run_together(calls, timeout=180)


@pytest.fixture(autouse=True)
def _flushable(transactional_db):
    yield from sqlite_flushable()


@pytest.fixture
def billing_network():
    network = billing_ready(testing.make_network(name="Race network"))
    operator = testing.make_operator(network)
    return network, operator


def test_concurrent_runs_give_gapless_numbers_and_bill_once(billing_network):
    network, operator = billing_network
    companies = [testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)
                 for _ in range(12)]
    for company in companies:
        CreditPurchase.objects.create(
            company=company, network=network, minutes=6000, price_net=Decimal("550.00"),
            vat_rate=Decimal("21.00"), purchased_on=dt.date(2026, 10, 3),
            valid_from=dt.date(2026, 10, 3), valid_until=dt.date(2027, 10, 2))
    period = period_parse("2026-10")
    results = run_together([
        lambda: invoice_run(actor=operator, network=network, period=period,
                            today=dt.date(2026, 11, 2), send=False)
        for _ in range(4)
    ])
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sum(len(r.created) for r in results) == 12
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))
    assert Invoice.objects.values("customer_organisation").distinct().count() == 12
    assert InvoiceSequence.objects.get(issuer=network.operator, year=2026).last_number == 12


def test_concurrent_single_issues_are_gapless(billing_network):
    network, operator = billing_network
    company = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)
    drafts = [
        invoice_draft_create(actor=operator, network=network, customer_organisation=company,
                             lines=[LineDraft(description="Desk", quantity=Decimal(1),
                                              unit_price=Decimal("25"),
                                              vat_rate=Decimal("21"))])
        for _ in range(10)
    ]
    # A new year: the sequence row does not exist yet and is created under the race.
    results = run_together([
        (lambda d=d: invoice_issue(actor=operator, invoice=d, issue_date=dt.date(2027, 1, 4)))
        for d in drafts
    ])
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(r.number for r in results) == list(range(1, 11))
    assert InvoiceSequence.objects.filter(issuer=network.operator).count() == 1


def test_concurrent_settlements_number_each_supplier_gapless(billing_network):
    """Four settlement runs of one month at once, for six centres of one operator: one
    self-billing invoice per centre, numbered 1..6 in that supplier's series, none
    twice, none skipped; one commission invoice each, in the operator's series."""
    from smartwork.billing.models import SelfBillingSequence, Settlement
    from smartwork.billing.settlement import settlements_create

    network, operator = billing_network
    supplier = testing.make_organisation(kind=OrganisationKind.CENTRE_OPERATOR,
                                         legal_name="One operator of six centres")
    supplier.vat_number = "BE" + supplier.enterprise_number
    supplier.save()
    member = testing.make_user(network=network)
    for n in range(6):
        centre = testing.make_centre(network=network, operator=supplier)
        _payg_morning(member, centre, dt.date(2026, 10, 5 + n))
    period = period_parse("2026-10")
    results = run_together([
        lambda: settlements_create(actor=operator, network=network, period=period,
                                   today=dt.date(2026, 11, 2))
        for _ in range(4)
    ])
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(len(r) for r in results) == 6
    numbers = sorted(Settlement.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 7))
    assert SelfBillingSequence.objects.get(supplier=supplier, year=2026).last_number == 6
    commission_numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert commission_numbers == list(range(1, 7))


def test_a_late_fact_is_corrected_once_by_settlement_runs_at_once(billing_network):
    """A pay-as-you-go booking recorded after its month's statement, then the settlement
    runs of the next two months at once, twice each: one statement carries the correction
    (the centre's row is locked, the other run reads the line the first committed), the
    month is settled once in total, and the numbers stay gapless."""
    from smartwork.billing.models import SelfBillingSequence, Settlement, SettlementLine
    from smartwork.billing.settlement import settled_for, settlements_create

    network, operator = billing_network
    member = testing.make_user(network=network)
    centres = [testing.make_centre(network=network) for _ in range(3)]

    def charge(centre, day):
        _payg_morning(member, centre, dt.date(2026, 10, day))

    for centre in centres:
        charge(centre, 5)
    october = period_parse("2026-10")
    made = settlements_create(actor=operator, network=network, period=october,
                              today=dt.date(2026, 11, 2))
    assert len(made) == 3
    for centre in centres:
        charge(centre, 6)  # recorded after October's statement
    november, december = period_parse("2026-11"), period_parse("2026-12")
    results = run_together([
        lambda: settlements_create(actor=operator, network=network, period=november,
                                   today=dt.date(2027, 1, 4)),
        lambda: settlements_create(actor=operator, network=network, period=december,
                                   today=dt.date(2027, 1, 4)),
        lambda: settlements_create(actor=operator, network=network, period=november,
                                   today=dt.date(2027, 1, 4)),
        lambda: settlements_create(actor=operator, network=network, period=december,
                                   today=dt.date(2027, 1, 4)),
    ])
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(len(r) for r in results) == 3
    for statement in made:
        corrections = SettlementLine.objects.filter(corrects=statement)
        assert [ln.amount for ln in corrections] == [Decimal("15.00")], statement
        assert settled_for(statement) == Decimal("30.00")
    # Three statements of October (2026), three of corrections alone (2027), one per
    # centre, each its operator's number 1 of 2027 (gapless: no number taken twice).
    assert Settlement.objects.count() == 6
    for centre in centres:
        assert list(Settlement.objects.filter(centre=centre, year=2027).values_list(
            "number", flat=True)) == [1]
        assert SelfBillingSequence.objects.get(supplier=centre.operator,
                                               year=2027).last_number == 1


def _payg_morning(member, centre, day):
    """A completed pay-as-you-go morning at one of the centre's desks, and its charge."""
    from smartwork.bookings.models import Booking
    from smartwork.credits.models import PaygCharge

    desk = centre.resources.filter(kind="desk").first()
    start = dt.datetime(day.year, day.month, day.day, 8, tzinfo=dt.UTC)
    booking = Booking.objects.create(
        member=member, booked_by=member, resource=desk, centre=centre, slot="morning",
        start=start, end=start + dt.timedelta(hours=4), state="completed",
        payment_method="payg", price_net=Decimal("15.00"), vat_rate=Decimal("21.00"))
    PaygCharge.objects.create(
        booking=booking, member=member, bill_to="member", centre=centre, slot="morning",
        resource_kind="desk", price_net=Decimal("15.00"), vat_rate=Decimal("21.00"),
        service_date=day)
