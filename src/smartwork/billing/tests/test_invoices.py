import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from smartwork.billing.calc import communication_find, communication_format, totals_compute
from smartwork.billing.choices import InvoiceState, VatCategory
from smartwork.billing.models import ImmutableDocument, Invoice, InvoiceLine
from smartwork.billing.services import credit_note_issue, invoice_draft_create, invoice_update
from smartwork.billing.tests.factories import issued_invoice, line
from smartwork.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def test_issue_numbers_totals_and_due_date(network, operator, company, centre):
    network.payment_terms_days = 15
    network.save()
    first = issued_invoice(actor=operator, network=network, customer=company,
                           lines=[line(centre_id=centre.pk, centre_name=centre.name)])
    second = issued_invoice(actor=operator, network=network, customer=company)
    assert (first.number, second.number) == (1, 2)
    assert first.display_number == "INV-2026-000001"
    assert first.due_date == dt.date(2026, 11, 17)
    assert first.total_net == Decimal("75.00")
    assert first.total_vat == Decimal("15.75")
    assert first.total_gross == Decimal("90.75")
    assert first.customer_data["name"] == "Acme SA"
    assert first.issuer_data["name"] == network.operator.legal_name
    assert first.state == InvoiceState.ISSUED
    assert len(first.structured_communication) == 12
    assert communication_find(communication_format(first.structured_communication)) == \
        first.structured_communication


def test_numbers_restart_each_year_per_issuer(network, operator, company):
    a = issued_invoice(actor=operator, network=network, customer=company,
                       issue_date=dt.date(2026, 12, 31))
    b = issued_invoice(actor=operator, network=network, customer=company,
                       issue_date=dt.date(2027, 1, 1))
    assert (a.year, a.number, b.year, b.number) == (2026, 1, 2027, 1)


def test_vat_is_computed_per_rate_not_per_line():
    # Three lines of 0.05 at 21 %: per line 0.01 each (0.03); on the sum 0.15 -> 0.03.
    # Ten lines of 0.03: per line 0.01 each = 0.10; on the sum 0.30 * 21 % = 0.063 -> 0.06.
    totals = totals_compute([(VatCategory.STANDARD, Decimal("21"), Decimal("0.03"))] * 10)
    assert totals.vat == Decimal("0.06")
    mixed = totals_compute([("S", Decimal("21"), Decimal("100")), ("S", Decimal("6"),
                            Decimal("10.05")), ("Z", Decimal("0"), Decimal("5"))])
    assert [(g.rate, g.taxable, g.tax) for g in mixed.groups] == [
        (Decimal("21.00"), Decimal("100.00"), Decimal("21.00")),
        (Decimal("6.00"), Decimal("10.05"), Decimal("0.60")),
        (Decimal("0.00"), Decimal("5.00"), Decimal("0.00")),
    ]
    assert mixed.gross == Decimal("136.65")


def test_half_up_rounding_of_lines():
    totals = totals_compute([("S", Decimal("21"), Decimal("0.50"))])  # 0.105 -> 0.11
    assert totals.vat == Decimal("0.11")


def test_issued_invoice_refuses_edit_and_delete_in_the_model(network, operator, company):
    invoice = issued_invoice(actor=operator, network=network, customer=company)
    invoice.total_net = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        invoice.save()
    with pytest.raises(ImmutableDocument):
        invoice.delete()
    ln = invoice.lines.first()
    ln.unit_price = Decimal("0.01")
    with pytest.raises(ImmutableDocument):
        ln.save()
    with pytest.raises(ImmutableDocument):
        ln.delete()
    with pytest.raises(Conflict):
        invoice_update(actor=operator, invoice=invoice, note="changed")
    invoice.refresh_from_db()
    assert invoice.total_net == Decimal("115.00") and invoice.note == ""


@pytest.mark.parametrize("vendor_check", ["update", "delete", "line_update", "line_delete",
                                          "line_insert", "back_to_draft"])
def test_issued_invoice_refuses_edit_at_the_database(network, operator, company, vendor_check):
    """A trigger guards the rows even when the model layer is bypassed (both databases)."""
    invoice = issued_invoice(actor=operator, network=network, customer=company)
    ln = invoice.lines.first()
    statements = {
        "update": lambda: Invoice.objects.filter(pk=invoice.pk).update(total_net=Decimal("1")),
        "delete": lambda: Invoice.objects.filter(pk=invoice.pk)._raw_delete(connection.alias),
        "line_update": lambda: InvoiceLine.objects.filter(pk=ln.pk).update(
            unit_price=Decimal("0.01")),
        "line_delete": lambda: InvoiceLine.objects.filter(pk=ln.pk)._raw_delete(connection.alias),
        "line_insert": lambda: InvoiceLine.objects.bulk_create([InvoiceLine(
            invoice=invoice, position=99, description="sneaked in", quantity=1,
            unit_price=Decimal("1"), vat_rate=Decimal("21"), line_net=Decimal("1"))]),
        "back_to_draft": lambda: Invoice.objects.filter(pk=invoice.pk).update(
            state="draft", number=None, year=None),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        statements[vendor_check]()
    invoice.refresh_from_db()
    assert invoice.total_net == Decimal("115.00") and invoice.lines.count() == 2


def test_payment_progress_still_moves_on_issued_invoice(network, operator, company):
    invoice = issued_invoice(actor=operator, network=network, customer=company)
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=Decimal("10.00"),
                                                 state=InvoiceState.PART_PAID)
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PART_PAID


def test_draft_is_editable_and_unique_number_constraint(network, operator, company):
    draft = invoice_draft_create(actor=operator, network=network, customer_organisation=company,
                                 lines=[line()])
    invoice_update(actor=operator, invoice=draft, note="October")
    draft.refresh_from_db()
    assert draft.note == "October" and draft.number is None
    first = issued_invoice(actor=operator, network=network, customer=company)
    other = invoice_draft_create(actor=operator, network=network, customer_organisation=company,
                                 lines=[line()])
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=other.pk).update(
            state="issued", number=first.number, year=first.year, issue_date=first.issue_date)


def test_bad_lines_are_refused(network, operator, company):
    for bad, field in [({"quantity": Decimal("0")}, "lines.0.quantity"),
                       ({"unit_price": Decimal("-1")}, "lines.0.unit_price"),
                       ({"vat_rate": Decimal("150")}, "lines.0.vat_rate"),
                       ({"quantity": "abc"}, "lines.0.quantity"),
                       ({"description": " "}, "lines.0.description")]:
        with pytest.raises(InvalidInput) as exc:
            invoice_draft_create(actor=operator, network=network, customer_organisation=company,
                                 lines=[line(**bad)])
        assert field in exc.value.fields
    assert Invoice.objects.count() == 0


def test_credit_note_refers_and_cannot_exceed_the_invoice(network, operator, company):
    invoice = issued_invoice(actor=operator, network=network, customer=company)
    desk = invoice.lines.get(position=1)
    note = credit_note_issue(actor=operator, invoice=invoice,
                             lines=[{"line": desk.pk, "quantity": "1"}], reason="Closed day")
    assert note.credited_invoice == invoice and note.kind == "credit_note"
    assert note.display_number == "CN-2026-000002"
    assert note.total_gross == Decimal("30.25")
    invoice.refresh_from_db()
    assert invoice.amount_credited == Decimal("30.25")
    with pytest.raises(InvalidInput) as exc:
        credit_note_issue(actor=operator, invoice=invoice,
                          lines=[{"line": desk.pk, "quantity": "3"}])
    assert exc.value.code == "credit_note_too_large"
    rest = credit_note_issue(actor=operator, invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.amount_credited == invoice.total_gross
    assert rest.total_gross == Decimal("139.15") - Decimal("30.25")
    assert invoice.state == InvoiceState.PAID  # nothing left to pay
    with pytest.raises(InvalidInput):
        credit_note_issue(actor=operator, invoice=invoice)
    assert Invoice.objects.filter(kind="credit_note").count() == 2


def make_superuser():
    from smartwork.accounts.models import User

    return User.objects.create_superuser("root@example.org", "x-pass-123")


def test_admin_is_read_only_for_issued_invoices(network, operator, company, rf):
    from django.contrib import admin as django_admin

    from smartwork.billing.admin import InvoiceAdmin

    issued = issued_invoice(actor=operator, network=network, customer=company)
    draft = invoice_draft_create(actor=operator, network=network, customer_organisation=company,
                                 lines=[line()])
    request = rf.get("/")
    request.user = make_superuser()
    model_admin = InvoiceAdmin(Invoice, django_admin.site)
    assert not model_admin.has_change_permission(request, issued)
    assert not model_admin.has_delete_permission(request, issued)
    assert model_admin.has_change_permission(request, draft)




def test_remind_overdue_command(network, operator, company, capsys):
    from django.core.management import call_command

    issued_invoice(actor=operator, network=network, customer=company,
                   issue_date=dt.date(2020, 1, 2))
    call_command("remind_overdue")
    assert "1 reminders sent." in capsys.readouterr().out
    assert Invoice.objects.get().state == InvoiceState.OVERDUE


def test_a_credit_notes_refund_is_frozen_at_the_database(network, operator, company):
    """refund_amount (how a credit note settles) is fixed at issue, below the ORM too."""
    from smartwork.billing.services import credit_note_issue

    invoice = issued_invoice(actor=operator, network=network, customer=company)
    note = credit_note_issue(actor=operator, invoice=invoice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=note.pk).update(refund_amount=Decimal("1.00"))
    note.refresh_from_db()
    assert note.refund_amount == Decimal("0.00")
