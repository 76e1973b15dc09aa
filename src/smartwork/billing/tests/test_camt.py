"""CAMT.053 import: every statement of a file, each bank entry counted once, no match
beyond what is due, unique demo statement ids, re-imports that say what they matched."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from smartwork.billing.calc import communication_format, period_parse
from smartwork.billing.choices import InvoiceState, MatchedBy, PaymentFlag
from smartwork.billing.demo import demo_camt_statement
from smartwork.billing.models import BankStatement, Payment
from smartwork.billing.payments import camt_import, payment_assign
from smartwork.billing.tests.camt import document, entry, statement, stmt
from smartwork.billing.tests.factories import billing_ready, issued_invoice, line
from smartwork.core import testing
from smartwork.core.errors import Conflict

pytestmark = pytest.mark.django_db
OWN = "BE71096123456769"


@pytest.fixture
def invoices(network, operator, company):
    other = testing.make_organisation(network=network, legal_name="Brasserie Dupont SRL")
    return [issued_invoice(actor=operator, network=network, customer=c,
                           lines=[line(quantity=Decimal(q))])
            for c, q in ((company, 4), (other, 5))]  # 121.00 and 151.25


def test_every_statement_of_a_file_is_imported(network, operator, invoices):
    acme, dupont = invoices
    data = document([
        stmt(OWN, [entry("121.00", structured=acme.structured_communication, ref="D1")],
             statement_id="STMT-2026-11-20"),
        stmt(OWN, [entry("151.25", structured=dupont.structured_communication, ref="D2")],
             statement_id="STMT-2026-11-21"),
    ])
    result = camt_import(actor=operator, network=network, data=data)
    assert [s.statement_id for s in result.statements] == ["STMT-2026-11-20", "STMT-2026-11-21"]
    assert BankStatement.objects.count() == 2
    for inv in invoices:
        inv.refresh_from_db()
        assert inv.state == InvoiceState.PAID and inv.amount_due == 0
    assert {p.statement.statement_id for p in Payment.objects.all()} == {
        "STMT-2026-11-20", "STMT-2026-11-21"}


def test_a_repeated_entry_is_counted_once(network, operator, invoices):
    acme, _dupont = invoices
    paid = entry("121.00", name="ACME SA", structured=acme.structured_communication,
                 ref="BANK-REF-0001")
    camt_import(actor=operator, network=network,
                data=statement(OWN, [paid], statement_id="STMT-A"))
    # The next day's statement repeats the same bank entry (same servicer reference).
    later = camt_import(actor=operator, network=network,
                       data=statement(OWN, [paid, entry("5.00", ref="BANK-REF-0002")],
                                      statement_id="STMT-B"))
    acme.refresh_from_db()
    assert acme.amount_paid == Decimal("121.00") and acme.state == InvoiceState.PAID
    assert Payment.objects.filter(bank_reference="BANK-REF-0001").count() == 1
    assert later.duplicates == 1
    assert later.first.duplicates == [{"reference": "BANK-REF-0001", "amount": "121.00",
                                       "value_date": "2026-11-20", "statement_id": "STMT-A"}]
    # The same entry twice in one file is one payment too.
    twice = document([stmt(OWN, [entry("7.00", ref="BANK-REF-0003")], statement_id="S1"),
                      stmt(OWN, [entry("7.00", ref="BANK-REF-0003")], statement_id="S2")])
    assert camt_import(actor=operator, network=network, data=twice).duplicates == 1
    assert Payment.objects.filter(bank_reference="BANK-REF-0003").count() == 1


def test_the_database_refuses_one_bank_entry_twice(network, operator, invoices):
    camt_import(actor=operator, network=network,
                data=statement(OWN, [entry("9.00", ref="ONCE")], statement_id="S1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(network=network, amount=Decimal("9.00"), value_date=dt.date.today(),
                               method="bank", bank_key=f"{OWN}:ONCE")


def test_an_overpayment_is_left_for_a_human(network, operator, invoices):
    acme, dupont = invoices
    camt_import(actor=operator, network=network, data=statement(OWN, [
        entry("121.00", structured=acme.structured_communication, ref="P1"),
        # More than is due on Dupont's invoice (151.25): not matched.
        entry("200.00", text=communication_format(dupont.structured_communication), ref="P2"),
    ], statement_id="S1"))
    # Acme pays its invoice a second time: the invoice is paid in full, never matched.
    camt_import(actor=operator, network=network, data=statement(OWN, [
        entry("121.00", structured=acme.structured_communication, ref="P3"),
    ], statement_id="S2"))
    acme.refresh_from_db()
    dupont.refresh_from_db()
    assert acme.amount_paid == Decimal("121.00") and acme.amount_due == 0
    assert dupont.amount_paid == 0 and dupont.state == InvoiceState.ISSUED
    flagged = {p.bank_reference: p for p in Payment.objects.filter(invoice__isnull=True)}
    assert set(flagged) == {"P2", "P3"}
    assert flagged["P3"].flag == PaymentFlag.OVERPAYMENT and flagged["P3"].flag_invoice == acme
    assert flagged["P2"].flag == PaymentFlag.OVERPAYMENT and flagged["P2"].flag_invoice == dupont
    # A human may not assign it to the paid invoice either.
    with pytest.raises(Conflict) as exc:
        payment_assign(actor=operator, payment=flagged["P3"], invoice=acme)
    assert exc.value.code == "invoice_paid"


def test_a_part_payment(network, operator, invoices):
    acme, _ = invoices
    camt_import(actor=operator, network=network, data=statement(OWN, [
        entry("100.00", structured=acme.structured_communication, ref="Q1")],
        statement_id="S1"))
    acme.refresh_from_db()
    assert acme.state == InvoiceState.PART_PAID and acme.amount_due == Decimal("21.00")
    camt_import(actor=operator, network=network, data=statement(OWN, [
        entry("21.00", structured=acme.structured_communication, ref="Q2")],
        statement_id="S2"))
    acme.refresh_from_db()
    assert acme.state == InvoiceState.PAID and acme.amount_due == 0


@pytest.mark.parametrize("how", ["structured", "free_text", "free_text_digits"])
def test_ogm_structured_and_in_free_text(network, operator, invoices, how):
    acme, _ = invoices
    ogm = acme.structured_communication
    kwargs = {"structured": {"structured": ogm},
              "free_text": {"text": f"Facture octobre {communication_format(ogm)} merci"},
              "free_text_digits": {"text": f"ref {ogm[:3]}/{ogm[3:7]}/{ogm[7:]}"}}[how]
    camt_import(actor=operator, network=network,
                data=statement(OWN, [entry("121.00", name="Someone else", ref="O1", **kwargs)]))
    payment = Payment.objects.get(bank_reference="O1")
    assert payment.invoice == acme and payment.matched_by == MatchedBy.COMMUNICATION


def test_a_reimport_says_which_statement_it_matched(network, operator, invoices):
    acme, dupont = invoices
    first = statement(OWN, [entry("121.00", structured=acme.structured_communication,
                                  ref="R1")], statement_id="STMT-2026-11-20")
    camt_import(actor=operator, network=network, data=first)
    with pytest.raises(Conflict) as exc:
        camt_import(actor=operator, network=network, data=first)
    assert exc.value.code == "camt_already_imported"
    assert "STMT-2026-11-20" in exc.value.message and OWN in exc.value.message
    # A file with the old statement and a new one: the new one is imported, the old skipped.
    both = document([
        stmt(OWN, [entry("121.00", structured=acme.structured_communication, ref="R1")],
             statement_id="STMT-2026-11-20"),
        stmt(OWN, [entry("151.25", structured=dupont.structured_communication, ref="R2")],
             statement_id="STMT-2026-11-21")])
    result = camt_import(actor=operator, network=network, data=both)
    assert [s.statement_id for s in result.statements] == ["STMT-2026-11-21"]
    assert [s.statement_id for s in result.already_imported] == ["STMT-2026-11-20"]
    acme.refresh_from_db()
    dupont.refresh_from_db()
    assert acme.amount_paid == Decimal("121.00") and dupont.state == InvoiceState.PAID


def test_demo_statement_ids_are_unique_and_importable():
    """Two networks whose slugs share their first 35 characters, the same day."""
    period = period_parse("2026-10")
    day = dt.date(2026, 11, 20)
    nets = []
    for suffix in ("one", "two"):
        net = billing_ready(testing.make_network(
            name=f"Walloon Smart Work Centers Network Of Wallonia {suffix}"))
        admin = testing.make_operator(net)
        cust = testing.make_organisation(network=net, legal_name=f"Customer {suffix}")
        issued_invoice(actor=admin, network=net, customer=cust)
        nets.append((net, admin))
    ids = []
    for net, admin in nets:
        data = demo_camt_statement(network=net, period=period, booked_on=day)
        result = camt_import(actor=admin, network=net, data=data)
        ids.append(result.first.statement_id)
        assert len(ids[-1]) <= 35
    assert ids[0] != ids[1]
