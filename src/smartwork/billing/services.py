"""Writes for invoices and credit notes: drafts, issuing with gapless numbers, credit notes.

The number of an invoice is taken from its issuer's sequence row for the year,
locked (select_for_update; SQLite runs every write transaction as BEGIN
IMMEDIATE) in the same transaction that issues the invoice: a rollback gives the
number back, so numbers have no gaps and no duplicates (the unique constraint on
(issuer, year, number) is the last guard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.choices import PEPPOL_SCHEME_BE_ENTERPRISE
from smartwork.accounts.models import Organisation, User
from smartwork.accounts.scopes import organisation_network_ids
from smartwork.billing.calc import communication_make, line_net, totals_compute
from smartwork.billing.choices import (
    UNIT_PIECE,
    InvoiceKind,
    InvoiceState,
    LineSource,
    VatCategory,
)
from smartwork.billing.models import (
    BillingProfile,
    ImmutableDocument,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
)
from smartwork.billing.ubl import invoice_ubl, peppol_receiver
from smartwork.billing.validation import ubl_assert_valid
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput, NotFound
from smartwork.core.money import ZERO, money_round
from smartwork.core.permissions import require
from smartwork.network.models import Network

LANGUAGES = ("fr", "nl", "de", "en")


@dataclass
class LineDraft:
    """A line to put on an invoice, its text and prices copied from the source."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    unit: str = UNIT_PIECE
    vat_category: str = VatCategory.STANDARD
    centre_id: int | None = None
    centre_name: str = ""
    service_date: dt.date | None = None
    source_type: str = LineSource.MANUAL
    source_id: int | None = None
    source_key: str | None = None
    source_count: int = 1
    credited_line_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _decimal(value: Any, name: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Not a number."), fields={name: _("Not a number.")}) from exc
    if not result.is_finite():
        raise InvalidInput(_("Not a number."), fields={name: _("Not a number.")})
    return result


def _check_line(line: LineDraft, index: int) -> None:
    prefix = f"lines.{index}"
    qty = _decimal(line.quantity, f"{prefix}.quantity")
    price = _decimal(line.unit_price, f"{prefix}.unit_price")
    rate = _decimal(line.vat_rate, f"{prefix}.vat_rate")
    if qty <= 0:
        raise InvalidInput(_("A quantity must be above zero."),
                           fields={f"{prefix}.quantity": _("Must be above zero.")})
    if price < 0:
        raise InvalidInput(_("A unit price cannot be negative."),
                           fields={f"{prefix}.unit_price": _("Cannot be negative.")})
    if not (0 <= rate <= 100):
        raise InvalidInput(_("A VAT rate lies between 0 and 100."),
                           fields={f"{prefix}.vat_rate": _("Between 0 and 100.")})
    if line.vat_category == VatCategory.STANDARD and rate == 0:
        raise InvalidInput(_("The standard VAT category needs a rate above zero."),
                           fields={f"{prefix}.vat_rate": _("Above zero for category S.")})
    if line.vat_category in (VatCategory.ZERO, VatCategory.EXEMPT,
                             VatCategory.REVERSE_CHARGE) and rate != 0:
        raise InvalidInput(_("This VAT category has a zero rate."),
                           fields={f"{prefix}.vat_rate": _("Zero for this category.")})
    if not (line.description or "").strip():
        raise InvalidInput(_("A line needs a description."),
                           fields={f"{prefix}.description": _("Required.")})
    line.quantity, line.unit_price, line.vat_rate = qty, money_round(price), rate


def organisation_snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.legal_name, "street": org.street, "postcode": org.postcode,
        "city": org.city, "country": org.country or "BE",
        "enterprise_number": org.enterprise_number, "vat_number": org.vat_number,
        "legal_form": org.legal_form, "register_court": org.register_court,
        "email": org.email, "iban": org.iban, "bic": org.bic,
        "peppol_scheme": org.peppol_scheme or "0208",
        "peppol_id": org.peppol_id or org.enterprise_number,
    }


def member_snapshot(user: User) -> dict[str, Any]:
    """A member as a customer. A private person has no Peppol identifier (no e-invoice,
    the PDF only); an independent with a business profile is a B2B customer whose
    enterprise number is its Peppol identifier (scheme 0208)."""
    profile = BillingProfile.objects.filter(member=user).first()
    if profile is not None and profile.enterprise_number:
        return {
            "name": profile.legal_name or user.get_full_name() or user.email,
            "street": profile.street, "postcode": profile.postcode, "city": profile.city,
            "country": profile.country or "BE",
            "enterprise_number": profile.enterprise_number, "vat_number": profile.vat_number,
            "email": user.email,
            "peppol_scheme": PEPPOL_SCHEME_BE_ENTERPRISE, "peppol_id": profile.enterprise_number,
        }
    return {
        "name": user.get_full_name() or user.email, "street": "", "postcode": "", "city": "",
        "country": "BE", "enterprise_number": "", "vat_number": "", "email": user.email,
        "peppol_scheme": "", "peppol_id": "",
    }


def customer_language(*, organisation: Organisation | None, member: User | None) -> str:
    lang = (organisation.language if organisation else getattr(member, "language", "")) or "fr"
    return lang if lang in LANGUAGES else "en"


def _insert_lines(invoice: Invoice, lines: Sequence[LineDraft], start: int = 1) -> None:
    InvoiceLine.objects.bulk_create([
        InvoiceLine(
            invoice=invoice, position=start + i, centre_id=line.centre_id,
            centre_name=line.centre_name, description=line.description[:300],
            service_date=line.service_date, quantity=line.quantity, unit=line.unit,
            unit_price=line.unit_price, vat_rate=line.vat_rate, vat_category=line.vat_category,
            line_net=line_net(quantity=line.quantity, unit_price=line.unit_price),
            source_type=line.source_type, source_id=line.source_id, source_key=line.source_key,
            source_count=line.source_count, credited_line_id=line.credited_line_id,
        )
        for i, line in enumerate(lines)
    ])


def _member_is_customer(member: User, network: Network) -> bool:
    """A network invoices its own members and the people who booked in its centres
    (roaming members of an allied network), nobody else."""
    if member.network_id == network.pk:
        return True
    from smartwork.bookings.models import Booking

    return Booking.objects.filter(member_id=member.pk, centre__network_id=network.pk).exists()


def invoice_draft_create(
    *, actor: Any, network: Network, customer_organisation: Organisation | None = None,
    customer_member: User | None = None, lines: Sequence[LineDraft],
    period_start: dt.date | None = None, period_end: dt.date | None = None, note: str = "",
    run_id: int | None = None, billing_key: str | None = None, check_permission: bool = True,
) -> Invoice:
    """A draft invoice (no number yet) for one customer, with its lines."""
    if check_permission:
        require(actor, "network.billing", network=network)
    if (customer_organisation is None) == (customer_member is None):
        raise InvalidInput(_("An invoice has one customer: a company or a member."),
                           fields={"customer": _("Give a company or a member.")})
    if customer_organisation is not None and customer_organisation.network_id != network.pk \
            and (customer_organisation.network_id is not None
                 or network.pk not in organisation_network_ids(customer_organisation)):
        raise InvalidInput(_("This company is a customer of another network."),
                           fields={"customer_organisation": _("Another network.")})
    if customer_member is not None and not _member_is_customer(customer_member, network):
        # Not "unknown member": whether someone exists outside the network is not told.
        raise InvalidInput(_("This member is not a customer of the network."),
                           code="member_not_customer",
                           fields={"customer_member": _("Not a customer of this network.")})
    if not lines:
        raise InvalidInput(_("An invoice needs at least one line."),
                           fields={"lines": _("At least one line.")})
    for i, line in enumerate(lines):
        _check_line(line, i)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            network=network, kind=InvoiceKind.INVOICE, issuer_id=network.operator_id,
            customer_organisation=customer_organisation, customer_member=customer_member,
            period_start=period_start, period_end=period_end, currency=network.currency,
            language=customer_language(organisation=customer_organisation,
                                       member=customer_member),
            note=note, run_id=run_id, billing_key=billing_key,
        )
        _insert_lines(invoice, lines)
        audit_log(actor=actor, action="invoice.draft_created", obj=invoice,
                  data={"lines": len(lines)})
    return invoice


def _next_number(*, issuer_id: int, year: int) -> int:
    """The next number of an issuer's year, its row locked until the caller commits."""
    seq = InvoiceSequence.objects.select_for_update().filter(issuer_id=issuer_id,
                                                             year=year).first()
    if seq is None:
        try:
            with transaction.atomic():
                InvoiceSequence.objects.create(issuer_id=issuer_id, year=year, last_number=0)
        except IntegrityError:
            pass  # made meanwhile by a concurrent transaction: lock theirs
        seq = InvoiceSequence.objects.select_for_update().get(issuer_id=issuer_id, year=year)
    seq.last_number += 1
    seq.save(update_fields=["last_number"])
    return seq.last_number


def _issue_locked(invoice: Invoice, *, actor: Any, issue_date: dt.date) -> Invoice:
    """Number, totals and snapshots; the caller holds the transaction and the invoice row."""
    lines = list(invoice.lines.all())
    if not lines:
        raise InvalidInput(_("An invoice needs at least one line."),
                           fields={"lines": _("At least one line.")})
    totals = totals_compute((ln.vat_category, ln.vat_rate, ln.line_net) for ln in lines)
    network = invoice.network
    if not invoice.issuer.vat_number and any(
        ln.vat_category == VatCategory.STANDARD for ln in lines
    ):
        # EN 16931 BR-S-02: a VAT invoice names the seller's VAT number.
        raise InvalidInput(_("The network operator needs a VAT number to issue invoices."),
                           code="issuer_vat_missing",
                           fields={"issuer.vat_number": _("Required.")})
    invoice.number = _next_number(issuer_id=invoice.issuer_id, year=issue_date.year)
    invoice.year = issue_date.year
    invoice.issue_date = issue_date
    # A credit note asks no payment: no due date (EN 16931 has none for it either).
    invoice.due_date = (issue_date + dt.timedelta(days=network.payment_terms_days)
                        if invoice.kind == InvoiceKind.INVOICE else None)
    invoice.total_net, invoice.total_vat, invoice.total_gross = (
        totals.net, totals.vat, totals.gross)
    invoice.issuer_data = organisation_snapshot(invoice.issuer)
    if invoice.customer_organisation is not None:
        invoice.customer_data = organisation_snapshot(invoice.customer_organisation)
    else:
        # The invoice_one_customer constraint: without a company, the customer is a member.
        assert invoice.customer_member is not None, "an invoice has one customer"
        invoice.customer_data = member_snapshot(invoice.customer_member)
    if invoice.kind == InvoiceKind.INVOICE:
        invoice.structured_communication = communication_make(year=invoice.year,
                                                              number=invoice.number)
    invoice.state = InvoiceState.ISSUED
    invoice.save()
    if peppol_receiver(invoice.customer_data):
        # The e-invoice passes the official Peppol rules, or the invoice is not issued
        # (the transaction, and with it the number, is rolled back).
        ubl_assert_valid(xml=invoice_ubl(invoice), document=invoice.display_number)
    audit_log(actor=actor, action="invoice.issued", obj=invoice,
              data={"number": invoice.display_number, "gross": str(invoice.total_gross)})
    return invoice


def invoice_issue(*, actor: Any, invoice: Invoice, issue_date: dt.date | None = None,
                  check_permission: bool = True) -> Invoice:
    if check_permission:
        require(actor, "network.billing", network=invoice.network_id)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update(of=("self",)).select_related(
            "network", "issuer", "customer_organisation", "customer_member"
        ).get(pk=invoice.pk)
        if locked.state != InvoiceState.DRAFT:
            raise Conflict(_("This invoice is already issued."), code="invoice_already_issued")
        return _issue_locked(locked, actor=actor, issue_date=issue_date or timezone.localdate())


def invoice_draft_delete(*, actor: Any, invoice: Invoice) -> None:
    require(actor, "network.billing", network=invoice.network_id)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.state != InvoiceState.DRAFT:
            raise ImmutableDocument(_("An issued invoice cannot be deleted; issue a credit "
                                      "note instead."), fields={"invoice": _("issued")})
        audit_log(actor=actor, action="invoice.draft_deleted", obj=invoice)
        invoice.lines.all().delete()
        invoice.delete()


def invoice_update(*, actor: Any, invoice: Invoice, **data: Any) -> Invoice:
    """Change a draft's note or period; an issued invoice is refused."""
    require(actor, "network.billing", network=invoice.network_id)
    allowed = {"note", "period_start", "period_end"}
    unknown = set(data) - allowed
    if unknown:
        raise InvalidInput(_("Unknown field."), fields={k: _("Unknown field.") for k in unknown})
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.save()  # ImmutableDocument (409) when issued
        audit_log(actor=actor, action="invoice.updated", obj=locked, data={"fields": sorted(data)})
    return locked


# --- Credit notes ------------------------------------------------------------------


def credit_note_issue(
    *, actor: Any, invoice: Invoice, lines: Sequence[dict[str, Any]] | None = None,
    reason: str = "", issue_date: dt.date | None = None,
) -> Invoice:
    """A credit note for some lines (line id and quantity) or, without lines, all that remains.

    Refused when it would credit more than remains of the invoice (its gross less
    earlier credit notes), or more of a line than was invoiced.
    """
    require(actor, "network.billing", network=invoice.network_id)
    issue_date = issue_date or timezone.localdate()
    with transaction.atomic():
        original = Invoice.objects.select_for_update(of=("self",)).select_related("network").get(
            pk=invoice.pk)
        if original.kind != InvoiceKind.INVOICE or original.state == InvoiceState.DRAFT:
            raise Conflict(_("Only an issued invoice can be credited."),
                           code="credit_note_needs_issued_invoice")
        by_id = {ln.pk: ln for ln in original.lines.all()}
        credited_qty: dict[int, Decimal] = {}
        for ln in InvoiceLine.objects.filter(
            invoice__credited_invoice=original, credited_line__isnull=False
        ).exclude(invoice__state=InvoiceState.DRAFT):
            # Set on every row: the query keeps only lines with a credited line.
            assert ln.credited_line_id is not None
            credited_qty[ln.credited_line_id] = credited_qty.get(ln.credited_line_id, ZERO) + ln.quantity
        wanted: list[tuple[InvoiceLine, Decimal]] = []
        if lines:
            for i, item in enumerate(lines):
                line = by_id.get(int(item.get("line", 0) or 0))
                if line is None:
                    raise InvalidInput(_("This line is not on the invoice."),
                                       fields={f"lines.{i}.line": _("Not on this invoice.")})
                qty = _decimal(item.get("quantity", line.quantity), f"lines.{i}.quantity")
                if qty <= 0:
                    raise InvalidInput(_("A quantity must be above zero."),
                                       fields={f"lines.{i}.quantity": _("Must be above zero.")})
                wanted.append((line, qty))
        else:
            wanted = [(ln, ln.quantity - credited_qty.get(ln.pk, ZERO)) for ln in by_id.values()]
            wanted = [(ln, q) for ln, q in wanted if q > 0]
        for i, (line, qty) in enumerate(wanted):
            if credited_qty.get(line.pk, ZERO) + qty > line.quantity:
                raise InvalidInput(
                    _("A credit note cannot credit more than was invoiced on a line."),
                    code="credit_note_too_large",
                    fields={f"lines.{i}.quantity": _("More than remains of this line.")},
                )
        if not wanted:
            raise InvalidInput(_("Nothing remains to credit on this invoice."),
                               code="credit_note_too_large", fields={"lines": _("Nothing left.")})
        drafts = [
            LineDraft(
                description=ln.description, quantity=qty, unit_price=ln.unit_price,
                vat_rate=ln.vat_rate, unit=ln.unit, vat_category=ln.vat_category,
                centre_id=ln.centre_id, centre_name=ln.centre_name,
                service_date=ln.service_date, source_type=ln.source_type,
                source_id=ln.source_id, credited_line_id=ln.pk, source_count=ln.source_count,
            )
            for ln, qty in wanted
        ]
        totals = totals_compute(
            (d.vat_category, d.vat_rate, line_net(quantity=d.quantity, unit_price=d.unit_price))
            for d in drafts
        )
        remaining = original.total_gross - original.amount_credited
        if totals.gross > remaining:
            raise InvalidInput(
                _("A credit note cannot exceed what remains of its invoice (%(left)s).")
                % {"left": remaining},
                code="credit_note_too_large", fields={"lines": _("Larger than what remains.")},
            )
        note = Invoice.objects.create(
            network=original.network, kind=InvoiceKind.CREDIT_NOTE, issuer_id=original.issuer_id,
            customer_organisation_id=original.customer_organisation_id,
            customer_member_id=original.customer_member_id, credited_invoice=original,
            period_start=original.period_start, period_end=original.period_end,
            currency=original.currency, language=original.language, note=reason[:2000],
        )
        _insert_lines(note, drafts)
        note = Invoice.objects.select_related(
            "network", "issuer", "customer_organisation", "customer_member").get(pk=note.pk)
        # Deducted from what is still due on the invoice; the rest (the invoice was paid)
        # is refunded. Fixed now, under the invoice's lock.
        deducted = min(max(original.amount_due, ZERO), totals.gross)
        note.refund_amount = totals.gross - deducted
        _issue_locked(note, actor=actor, issue_date=issue_date)
        _revoke_credited_purchases(note=note, wanted=wanted, actor=actor)
        original.amount_credited = original.amount_credited + note.total_gross
        _refresh_payment_state(original)
        original.save(update_fields=["amount_credited", "state", "paid_at", "updated_at"])
        audit_log(actor=actor, action="invoice.credited", obj=original,
                  data={"credit_note": note.display_number, "gross": str(note.total_gross)})
    return note


def _revoke_credited_purchases(*, note: Invoice, wanted: list[tuple[InvoiceLine, Decimal]],
                               actor: Any) -> None:
    """A credit note on a time-credit purchase takes back the same share of its hours,
    from what is unused (credits' ledger, append-only); refused when they were used."""
    from decimal import ROUND_HALF_UP

    from smartwork.credits.locks import credit_accounts_lock
    from smartwork.credits.models import CreditAccount, CreditPurchase
    from smartwork.credits.services import credit_purchase_revoke

    # Several purchases' accounts: locked at once, in one order (credits/locks.py).
    purchase_ids = [line.source_id for line, _qty in wanted
                    if line.source_type == LineSource.CREDIT_PURCHASE and line.source_id]
    if len(purchase_ids) > 1:
        credit_accounts_lock(CreditAccount.objects.filter(purchase_id__in=purchase_ids)
                             .values_list("pk", flat=True))
    for line, qty in wanted:
        if line.source_type != LineSource.CREDIT_PURCHASE or line.source_id is None:
            continue
        purchase = CreditPurchase.objects.filter(pk=line.source_id).first()
        if purchase is None:
            continue
        minutes = int((Decimal(purchase.minutes) * qty / line.quantity)
                      .quantize(Decimal(1), rounding=ROUND_HALF_UP))
        credit_purchase_revoke(
            actor=actor if getattr(actor, "pk", None) else None, purchase=purchase,
            minutes=minutes, note=f"{note.display_number}: {line.description}")


# --- Payment progress -------------------------------------------------------------


def _refresh_payment_state(invoice: Invoice) -> None:
    """Paid, part paid or still open, from the amounts; overdue is kept until paid."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.state == InvoiceState.DRAFT:
        return
    if invoice.amount_due <= 0:
        invoice.state = InvoiceState.PAID
        invoice.paid_at = invoice.paid_at or timezone.now()
    elif invoice.amount_paid > 0 and invoice.state != InvoiceState.OVERDUE:
        invoice.state = InvoiceState.PART_PAID
        invoice.paid_at = None
    elif invoice.state == InvoiceState.PAID:
        invoice.state = InvoiceState.SENT if invoice.sent_at else InvoiceState.ISSUED
        invoice.paid_at = None


def invoice_mark_sent(*, invoice_id: int) -> None:
    """After the mail left: issued -> sent (payment states are left as they are)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None:
            raise NotFound(_("No such invoice."))
        invoice.sent_at = timezone.now()
        fields = ["sent_at", "updated_at"]
        if invoice.state == InvoiceState.ISSUED:
            invoice.state = InvoiceState.SENT
            fields.append("state")
        invoice.save(update_fields=fields)
        audit_log(actor=None, action="invoice.sent", obj=invoice)
