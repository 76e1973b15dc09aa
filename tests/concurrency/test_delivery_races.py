"""Invoice deliveries under concurrent workers, with real threads and connections, on
SQLite and PostgreSQL: the periodic job run by several workers at once sends a due
delivery once (the claim locks the row, re-checks it is due and leases it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from smartwork.billing.choices import DeliveryState
from smartwork.billing.delivery import deliveries_process
from smartwork.billing.models import InvoiceDelivery
from smartwork.billing.tasks import invoice_send
from smartwork.billing.tests.factories import billing_ready, issued_invoice, sqlite_flushable
from smartwork.billing.tests.standin_ap import StandInAccessPoint
from smartwork.core import testing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


@pytest.fixture(autouse=True)
def _flushable(transactional_db):
    yield from sqlite_flushable()


def test_workers_racing_for_due_deliveries_send_each_once(settings):
    network = billing_ready(testing.make_network(name="Delivery race"))
    operator = testing.make_operator(network)
    companies = [testing.make_organisation(network=network) for _ in range(3)]
    with StandInAccessPoint() as ap:
        ap.configure(settings)
        ap.fail_next = [(503, "down")] * len(companies)
        invoices = [issued_invoice(actor=operator, network=network, customer=c)
                    for c in companies]
        for invoice in invoices:
            invoice_send.call(invoice_id=invoice.pk)
        assert InvoiceDelivery.objects.filter(state=DeliveryState.FAILED).count() == 3
        due = timezone.now() + dt.timedelta(minutes=2)
        results = testing.run_together([lambda: deliveries_process(now=due)
                                        for _ in range(4)], timeout=120)
        assert sum(results) == 3
        assert sorted(r["headers"]["Idempotency-Key"] for r in ap.received) == sorted(
            f"{i.issuer_id}:{i.display_number}" for i in invoices)
        assert set(InvoiceDelivery.objects.values_list("state", flat=True)) == {
            DeliveryState.SENT}
        assert all(d.attempts == 2 for d in InvoiceDelivery.objects.all())
