import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from smartwork.billing.calc import communication_format
from smartwork.billing.choices import InvoiceState, MatchedBy
from smartwork.billing.models import BankStatement, Invoice, Payment
from smartwork.billing.payments import (
    camt_import,
    invoices_remind_overdue,
    payment_assign,
    payment_record,
)
from smartwork.billing.tests.camt import entry, statement
from smartwork.billing.tests.factories import issued_invoice, line
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput

pytestmark = pytest.mark.django_db
OWN = "BE71096123456769"


@pytest.fixture
def invoices(network, operator, company):
    other = testing.make_organisation(network=network, legal_name="Brasserie Dupont SRL")
    third = testing.make_organisation(network=network, legal_name="Studio Vandenberghe")
    return [issued_invoice(actor=operator, network=network, customer=c,
                           lines=[line(quantity=Decimal(q))])
            for c, q in ((company, 4), (other, 5), (third, 3))]


def test_manual_payment_part_then_full(operator, invoices):
    inv = invoices[0]  # 121.00
    payment_record(actor=operator, invoice=inv, amount="100.00", value_date=dt.date(2026, 11, 5))
    inv.refresh_from_db()
    assert inv.state == InvoiceState.PART_PAID and inv.amount_due == Decimal("21.00")
    payment_record(actor=operator, invoice=inv, amount="21", value_date=dt.date(2026, 11, 6))
    inv.refresh_from_db()
    assert inv.state == InvoiceState.PAID and inv.paid_at is not None
    with pytest.raises(InvalidInput) as exc:
        payment_record(actor=operator, invoice=inv, amount="-5", value_date=dt.date(2026, 11, 6))
    assert "amount" in exc.value.fields


def test_manual_payment_is_operator_only(company_admin, invoices):
    with pytest.raises(Forbidden):
        payment_record(actor=company_admin, invoice=invoices[0], amount="1",
                       value_date=dt.date(2026, 11, 5))


def test_camt_matches_by_communication_then_amount_and_name(network, operator, invoices):
    acme, dupont, studio = invoices
    data = statement(OWN, [
        entry("121.00", name="ACME SA", structured=acme.structured_communication, ref="A1"),
        entry("30.00", name="Someone", text=f"Payment {communication_format(dupont.structured_communication)}",
              ref="A2"),
        entry("90.75", name="Brasserie Dupont", text="rest of invoice", ref="A3"),  # wrong amount
        entry("90.75", name="STUDIO VANDENBERGHE", text="invoice october", ref="A4"),
        entry("50.00", name="Unknown payer", text="donation", ref="A5"),
        entry("999.00", name="Bank fees", credit=False, ref="A6"),
    ])
    record = camt_import(actor=operator, network=network, data=data).first
    assert record.entry_count == 5 and record.closing_balance == Decimal("2000.00")
    for inv in (acme, dupont, studio):
        inv.refresh_from_db()
    assert acme.state == InvoiceState.PAID
    assert dupont.state == InvoiceState.PART_PAID and dupont.amount_paid == Decimal("30.00")
    assert studio.state == InvoiceState.PAID
    by_ref = {p.bank_reference: p for p in Payment.objects.all()}
    assert by_ref["A1"].matched_by == MatchedBy.COMMUNICATION
    assert by_ref["A2"].matched_by == MatchedBy.COMMUNICATION
    assert by_ref["A4"].matched_by == MatchedBy.AMOUNT_NAME
    unmatched = Payment.objects.filter(invoice__isnull=True).order_by("bank_reference")
    assert [p.bank_reference for p in unmatched] == ["A3", "A5"]
    # The operator assigns the rest by hand.
    payment_assign(actor=operator, payment=by_ref["A3"], invoice=dupont)
    dupont.refresh_from_db()
    assert dupont.state == InvoiceState.PART_PAID and dupont.amount_due == Decimal("30.50")
    with pytest.raises(Conflict):
        payment_assign(actor=operator, payment=by_ref["A3"], invoice=dupont)
    with pytest.raises(Conflict) as exc:
        camt_import(actor=operator, network=network, data=data)
    assert exc.value.code == "camt_already_imported"


@pytest.mark.parametrize(("data", "code"), [
    (b"not xml at all", "camt_invalid"),
    (statement(OWN, [], ns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"), "camt_invalid"),
    (statement(OWN, [], ns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"), "camt_invalid"),
    (statement("BE68539007547034", [entry("10.00")]), "camt_wrong_account"),
    (statement("BE00123", [entry("10.00")]), "camt_invalid"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
     "camt_invalid"),
])
def test_bad_camt_files_change_nothing(network, operator, invoices, data, code):
    with pytest.raises(InvalidInput) as exc:
        camt_import(actor=operator, network=network, data=data)
    assert exc.value.code == code and "file" in exc.value.fields
    assert BankStatement.objects.count() == 0 and Payment.objects.count() == 0
    assert Invoice.objects.filter(state=InvoiceState.ISSUED).count() == 3


def test_overdue_reminders_are_idempotent(operator, invoices, django_capture_on_commit_callbacks):
    payment_record(actor=operator, invoice=invoices[0], amount=invoices[0].total_gross,
                   value_date=dt.date(2026, 11, 5))
    late = invoices[1].due_date + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert invoices_remind_overdue(today=late) == 2
        assert invoices_remind_overdue(today=late) == 0  # reminded already: not twice
    assert len(mail.outbox) == 2
    assert communication_format(invoices[1].structured_communication) in mail.outbox[0].body \
        or communication_format(invoices[2].structured_communication) in mail.outbox[0].body
    invoices[1].refresh_from_db()
    assert invoices[1].state == InvoiceState.OVERDUE and invoices[1].reminder_count == 1
    payment_record(actor=operator, invoice=invoices[1], amount=invoices[1].total_gross,
                   value_date=late)
    invoices[1].refresh_from_db()
    assert invoices[1].state == InvoiceState.PAID
