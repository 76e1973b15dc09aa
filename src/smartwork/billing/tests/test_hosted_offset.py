"""A company-hosted space (issue #21) earns its settlement like any centre, and its
payout first pays what its host still owes the network: a payment of method `offset`
on the host's open consolidated invoice, which itself does not change. The month
still balances to the cent (check-books)."""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest

from smartwork.accounts.choices import OrganisationKind
from smartwork.billing.books import books_check
from smartwork.billing.calc import period_parse
from smartwork.billing.choices import InvoiceState, PaymentMethod, SettlementState
from smartwork.billing.models import Invoice, Payment, Settlement
from smartwork.billing.run import invoice_run
from smartwork.billing.settlement import (
    payout_batch_create,
    settlement_approve,
    settlements_create,
)
from smartwork.core import testing
from smartwork.core.errors import Conflict
from smartwork.credits.tests.factories import book, buy, workday

pytestmark = pytest.mark.django_db


def close(period, network, operator):
    after = period.end + dt.timedelta(days=1)
    invoice_run(actor=operator, network=network, period=period, today=after, send=False)
    settlements_create(actor=operator, network=network, period=period, today=after)
    for s in Settlement.objects.filter(network=network, state=SettlementState.DRAFT):
        settlement_approve(actor=operator, settlement=s)
    with contextlib.suppress(Conflict):  # nothing left to pay by transfer
        payout_batch_create(actor=operator, network=network, period=period,
                            execution_date=after)


@pytest.fixture
def hosted_month(network, operator, company):
    """`company` (the host) opens three desks to a partner; both buy credit; the
    partner's employee works a day there; a full centre is used too."""
    host = company
    host.iban, host.bic = "BE68539007547034", "GKCCBEBB"
    host.save()
    partner = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                        legal_name="Partner SRL")
    hosted = testing.make_centre(network=network, operator=host, host_company=host,
                                 visibility="partners", label_tier="mini", desks=3, rooms=0,
                                 name="Host desks")
    hosted.partner_companies.add(partner)
    full = testing.make_centre(network=network, name="Full centre")
    full.operator.iban, full.operator.bic = "BE62510007547061", "GKCCBEBB"
    full.operator.save()
    buy(host, hours=20, actor=operator)
    buy(partner, hours=20, actor=operator)
    day = workday(3)
    guest = testing.make_user(company=partner, network=network)
    booking = book(guest, hosted, on=day, slot="full_day")
    book(testing.make_user(company=host, network=network), full, on=day)
    periods = sorted({dt.date.today().strftime("%Y-%m"), day.strftime("%Y-%m")})
    return {"host": host, "hosted": hosted, "full": full, "booking": booking,
            "use": period_parse(day.strftime("%Y-%m")),
            "periods": [period_parse(p) for p in periods]}


def test_the_hosted_payout_pays_the_hosts_invoice_first(network, operator, hosted_month):
    m = hosted_month
    # The mini tier: a full day costs 75 % of 8 h.
    assert m["booking"].credit_minutes == 360
    for period in m["periods"]:
        close(period, network, operator)
    host_invoice = Invoice.objects.exclude(billing_key__contains=":commission:").get(
        customer_organisation=m["host"], kind="invoice", billing_key__isnull=False)
    frozen = (host_invoice.total_net, host_invoice.total_gross,
              list(host_invoice.lines.values_list("line_net", flat=True)))
    s = Settlement.objects.get(centre=m["hosted"], period_start=m["use"].start)
    # 6 h x 6.00 = 36.00; commission 15 % = 5.40, invoiced with 21 % VAT = 6.53, set
    # off; the host has no VAT number: no VAT on the self-billing invoice.
    assert s.gross_value == Decimal("36.00") and s.commission == Decimal("5.40")
    assert s.total_gross == Decimal("36.00")
    assert s.commission_invoice.total_gross == Decimal("6.53")
    # The rest (29.47) paid the host's own credit invoice (726.00): nothing to transfer.
    assert s.invoice_offset == Decimal("29.47") and s.payout_amount == Decimal("0.00")
    offset = Payment.objects.get(method=PaymentMethod.OFFSET, invoice=host_invoice)
    assert offset.amount == Decimal("29.47") and offset.communication == s.display_number
    host_invoice.refresh_from_db()
    assert host_invoice.amount_paid == Decimal("29.47")
    assert host_invoice.state == InvoiceState.PART_PAID
    assert host_invoice.amount_due == host_invoice.total_gross - Decimal("29.47")
    # Issued invoices never change: only their payment progress.
    assert (host_invoice.total_net, host_invoice.total_gross,
            list(host_invoice.lines.values_list("line_net", flat=True))) == frozen
    # No transfer to the host; the full centre is paid as before.
    assert s.payout_batch_id is None
    full = Settlement.objects.get(centre=m["full"], period_start=m["use"].start)
    assert full.invoice_offset == 0 and full.payout_amount > 0
    for period in m["periods"]:
        books = books_check(network=network, period=period)
        assert books.failures == [], (period, books.failures)
    # A cent set off but not recorded: the books say so.
    Settlement.objects.filter(pk=s.pk).update(invoice_offset=Decimal("29.46"))
    assert not books_check(network=network, period=m["use"]).balanced


def test_a_payout_larger_than_what_the_host_owes_pays_the_rest(network, operator,
                                                              hosted_month):
    m = hosted_month
    for period in m["periods"]:
        after = period.end + dt.timedelta(days=1)
        invoice_run(actor=operator, network=network, period=period, today=after, send=False)
    host_invoice = Invoice.objects.exclude(billing_key__contains=":commission:").get(
        customer_organisation=m["host"], kind="invoice", billing_key__isnull=False)
    # The host paid most of it already: 10.00 left.
    Invoice.objects.filter(pk=host_invoice.pk).update(
        amount_paid=host_invoice.total_gross - Decimal("10.00"), state=InvoiceState.PART_PAID)
    for period in m["periods"]:
        settlements_create(actor=operator, network=network, period=period,
                           today=period.end + dt.timedelta(days=1))
    s = Settlement.objects.get(centre=m["hosted"], period_start=m["use"].start)
    assert s.invoice_offset == Decimal("10.00")
    assert s.payout_amount == Decimal("36.00") - Decimal("6.53") - Decimal("10.00")
    host_invoice.refresh_from_db()
    assert host_invoice.state == InvoiceState.PAID and host_invoice.amount_due == 0
