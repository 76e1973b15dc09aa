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
