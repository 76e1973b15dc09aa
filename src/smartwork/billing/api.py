"""Billing API: invoices and credit notes (PDF, Peppol UBL), runs, payments and bank
statements, settlements and payouts (SEPA), clearing, and the books."""

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from smartwork.accounts.models import Organisation, User
from smartwork.billing import selectors, services
from smartwork.billing.books import books_check
from smartwork.billing.calc import period_parse
from smartwork.billing.clearing import clearings_create
from smartwork.billing.models import Settlement
from smartwork.billing.payments import MAX_CAMT_BYTES, camt_import, payment_assign, payment_record
from smartwork.billing.run import invoice_run_start
from smartwork.billing.schemas import (
    AssignIn,
    BooksOut,
    ClearingOut,
    CreditNoteIn,
    GuestWalkInIn,
    GuestWalkInOut,
    InvoiceDetailOut,
    InvoiceIn,
    InvoiceOut,
    InvoicePatch,
    IssueIn,
    PaymentIn,
    PaymentOut,
    PayoutIn,
    PayoutOut,
    PeriodIn,
    RunOut,
    SettlementOut,
    StatementImportOut,
)
from smartwork.billing.settlement import payout_batch_create, settlement_approve, settlements_create
from smartwork.core.errors import InvalidInput
from smartwork.network.models import Centre, Network

router = Router(tags=["billing"])


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Invoices -------------------------------------------------------------------------


class InvoiceQuery(Schema):
    state: str | None = None
    kind: str | None = None
    period: str | None = None
    network: int | None = None
    customer_organisation: int | None = None


@router.get("/invoices", response=list[InvoiceOut], summary="Invoices I may see")
@paginate(LimitOffsetPagination)
def invoice_list(request: HttpRequest, filters: Query[InvoiceQuery]) -> Any:
    qs = selectors.invoices_for(user=request.user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.period:
        qs = qs.filter(period_start=period_parse(filters.period).start)
    if filters.network:
        qs = qs.filter(network_id=filters.network)
    if filters.customer_organisation:
        qs = qs.filter(customer_organisation_id=filters.customer_organisation)
    return qs


@router.get("/invoices/{invoice_id}", response=InvoiceDetailOut)
def invoice_detail(request: HttpRequest, invoice_id: int) -> Any:
    return selectors.invoice_get(user=request.user, invoice_id=invoice_id)


@router.get("/invoices/{invoice_id}/pdf", summary="The invoice as PDF")
def invoice_pdf_download(request: HttpRequest, invoice_id: int) -> HttpResponse:
    from smartwork.billing.pdf import invoice_pdf

    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    if invoice.number is None:
        raise InvalidInput(_("A draft has no document yet."), code="invoice_draft")
    return _download(invoice_pdf(invoice), f"{invoice.display_number}.pdf", "application/pdf")


@router.get("/invoices/{invoice_id}/ubl", summary="The Peppol BIS 3.0 UBL e-invoice")
def invoice_ubl_download(request: HttpRequest, invoice_id: int) -> HttpResponse:
    from smartwork.billing.ubl import invoice_ubl

    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    if invoice.number is None:
        raise InvalidInput(_("A draft has no document yet."), code="invoice_draft")
    return _download(invoice_ubl(invoice), f"{invoice.display_number}.xml", "application/xml")


@router.post("/invoices", response={201: InvoiceDetailOut}, summary="A draft invoice (operator)")
def invoice_create(request: HttpRequest, data: InvoiceIn) -> Any:
    if not Network.objects.filter(pk=data.network_id).exists():
        raise InvalidInput(_("No such network."), fields={"network_id": _("Unknown network.")})
    # Someone with no part in the network gets 404 (its existence is not disclosed),
    # as on every other billing route of a network; a role of that network without
    # billing gets 403.
    network = selectors.network_for_billing(user=request.user, network_id=data.network_id)
    org = member = None
    if data.customer_organisation_id is not None:
        org = Organisation.objects.filter(pk=data.customer_organisation_id).first()
        if org is None:
            raise InvalidInput(_("No such company."),
                               fields={"customer_organisation_id": _("Unknown company.")})
    if data.customer_member_id is not None:
        member = User.objects.filter(pk=data.customer_member_id).first()
        if member is None:
            raise InvalidInput(_("No such member."),
                               fields={"customer_member_id": _("Unknown member.")})
    centres = {c.pk: c for c in Centre.objects.filter(
        network=network, pk__in=[ln.centre_id for ln in data.lines if ln.centre_id])}
    lines = []
    for i, ln in enumerate(data.lines):
        if ln.centre_id is not None and ln.centre_id not in centres:
            raise InvalidInput(_("This centre is not in the network."),
                               fields={f"lines.{i}.centre_id": _("Unknown centre.")})
        centre = centres.get(ln.centre_id) if ln.centre_id else None
        lines.append(services.LineDraft(
            description=ln.description, quantity=ln.quantity, unit_price=ln.unit_price,
            vat_rate=ln.vat_rate, vat_category=ln.vat_category, unit=ln.unit,
            centre_id=ln.centre_id, centre_name=centre.name if centre else "",
            service_date=ln.service_date,
        ))
    invoice = services.invoice_draft_create(
        actor=request.user, network=network, customer_organisation=org, customer_member=member,
        lines=lines, period_start=data.period_start, period_end=data.period_end, note=data.note,
    )
    return Status(201, invoice)


@router.patch("/invoices/{invoice_id}", response=InvoiceDetailOut,
              summary="Change a draft (an issued invoice is refused: 409)")
def invoice_patch(request: HttpRequest, invoice_id: int, data: InvoicePatch) -> Any:
    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    return services.invoice_update(actor=request.user, invoice=invoice,
                                   **data.dict(exclude_unset=True))


@router.delete("/invoices/{invoice_id}", response={204: None},
               summary="Delete a draft (an issued invoice is refused: 409)")
def invoice_delete(request: HttpRequest, invoice_id: int) -> Any:
    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    services.invoice_draft_delete(actor=request.user, invoice=invoice)
    return Status(204, None)


@router.post("/invoices/{invoice_id}/issue", response=InvoiceDetailOut,
             summary="Issue a draft: its number, totals and structured communication")
def invoice_issue(request: HttpRequest, invoice_id: int, data: IssueIn) -> Any:
    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    return services.invoice_issue(actor=request.user, invoice=invoice,
                                  issue_date=data.issue_date)


@router.post("/invoices/{invoice_id}/credit-notes", response={201: InvoiceDetailOut},
             summary="Credit some lines, or all that remains")
def credit_note_create(request: HttpRequest, invoice_id: int, data: CreditNoteIn) -> Any:
    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    lines = [{"line": ln.line, "quantity": ln.quantity} for ln in data.lines or []]
    note = services.credit_note_issue(actor=request.user, invoice=invoice, lines=lines or None,
                                      reason=data.reason)
    return Status(201, note)


@router.post("/invoices/{invoice_id}/payments", response={201: PaymentOut},
             summary="Record a payment by hand")
def payment_create(request: HttpRequest, invoice_id: int, data: PaymentIn) -> Any:
    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    payment = payment_record(actor=request.user, invoice=invoice, amount=data.amount,
                             value_date=data.value_date, payer=data.payer,
                             communication=data.communication)
    return Status(201, payment)


# --- Walk-in guests at the front desk -------------------------------------------------


@router.post("/centres/{centre_id}/walk-ins", response={201: GuestWalkInOut},
             summary="Register a walk-in guest, book a desk today and check them in; paid at "
                     "the desk (receipt issued and paid) or by their company")
def guest_walk_in(request: HttpRequest, centre_id: int, data: GuestWalkInIn) -> Any:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils.translation import get_language

    from smartwork.billing.walkins import guest_walk_in_create
    from smartwork.core.errors import NotFound

    centre = Centre.objects.select_related("network").filter(pk=centre_id).first()
    if centre is None:
        raise NotFound(_("No such centre."))
    try:
        validate_email(data.email)
    except ValidationError as exc:
        raise InvalidInput(_("Enter a valid email address."),
                           fields={"email": _("Enter a valid email address.")}) from exc
    company = None
    if data.company_id is not None:
        company = Organisation.objects.filter(pk=data.company_id).first()
        if company is None:
            raise InvalidInput(_("This company does not pay for guests here."),
                               code="company_no_guests",
                               fields={"company_id": _("This company does not pay for guests.")})
    walk_in = guest_walk_in_create(
        actor=request.user, centre=centre, email=data.email,  # type: ignore[arg-type]
        first_name=data.first_name, last_name=data.last_name, slot=data.slot,
        paid_by=data.paid_by, company=company, language=get_language() or "")
    receipt = walk_in.receipt
    return Status(201, {
        "guest_id": walk_in.guest.pk, "booking_id": walk_in.booking.pk,
        "resource": walk_in.booking.resource.name, "paid_by": data.paid_by,
        "receipt_id": receipt.pk if receipt else None,
        "receipt_number": receipt.display_number if receipt else None,
        "amount_paid": walk_in.payment.amount if walk_in.payment else None})


# --- Runs -------------------------------------------------------------------------------


@router.post("/networks/{network_id}/invoice-runs", response={202: RunOut},
             summary="Invoice an ended month (runs in the background; poll the run)")
def invoice_run_create(request: HttpRequest, network_id: int, data: PeriodIn) -> Any:
    network = selectors.network_for_billing(user=request.user, network_id=network_id)
    run = invoice_run_start(actor=request.user, network=network, period=period_parse(data.period))
    return Status(202, run)


@router.get("/invoice-runs/{run_id}", response=RunOut, summary="A run and its progress")
def invoice_run_detail(request: HttpRequest, run_id: int) -> Any:
    return selectors.get_or_404(selectors.runs_for(user=request.user), run_id, "run")


# --- Payments and statements ----------------------------------------------------------


class PaymentQuery(Schema):
    unmatched: bool = False
    network: int | None = None


@router.get("/payments", response=list[PaymentOut], summary="Payments (operator)")
@paginate(LimitOffsetPagination)
def payment_list(request: HttpRequest, filters: Query[PaymentQuery]) -> Any:
    selectors.billing_list_allowed(user=request.user)
    qs = selectors.payments_for(user=request.user)
    if filters.unmatched:
        qs = qs.filter(invoice__isnull=True)
    if filters.network:
        qs = qs.filter(network_id=filters.network)
    return qs


@router.post("/payments/{payment_id}/assign", response=PaymentOut,
             summary="Assign an unmatched payment to an invoice")
def payment_assign_view(request: HttpRequest, payment_id: int, data: AssignIn) -> Any:
    payment = selectors.get_or_404(selectors.payments_for(user=request.user), payment_id,
                                   "payment")
    # Scoped: an invoice of another network is unknown here (404).
    invoice = selectors.invoice_get(user=request.user, invoice_id=data.invoice_id)
    return payment_assign(actor=request.user, payment=payment, invoice=invoice)


@router.post("/networks/{network_id}/bank-statements", response={201: StatementImportOut},
             summary="Import a CAMT.053 statement and match its payments")
def statement_import(request: HttpRequest, network_id: int,
                     file: UploadedFile = File(...)) -> Any:  # noqa: B008
    network = selectors.network_for_billing(user=request.user, network_id=network_id)
    if file.size and file.size > MAX_CAMT_BYTES:
        raise InvalidInput(_("The file is too large for a bank statement."),
                           code="camt_invalid", fields={"file": _("Too large.")})
    result = camt_import(actor=request.user, network=network, data=file.read())
    statements = []
    for record in result.statements:
        counts = record.payments.aggregate(
            matched=Count("id", filter=Q(invoice__isnull=False)),
            unmatched=Count("id", filter=Q(invoice__isnull=True)))
        statements.append({
            "id": record.pk, "account_iban": record.account_iban,
            "statement_id": record.statement_id, "entry_count": record.entry_count,
            "opening_balance": record.opening_balance,
            "closing_balance": record.closing_balance, "duplicates": record.duplicates,
            **counts,
        })
    # The first statement's figures stay at the top level (as before multi-statement
    # files); the totals and every statement follow.
    return Status(201, {
        **statements[0],
        "matched": sum(s["matched"] for s in statements),
        "unmatched": sum(s["unmatched"] for s in statements),
        "statements": statements,
        "already_imported": [s.statement_id for s in result.already_imported],
        "duplicate_count": result.duplicates, "flagged": result.flagged,
    })


# --- Settlements, payouts, clearing, books --------------------------------------------


class SettlementQuery(Schema):
    period: str | None = None
    centre: int | None = None
    state: str | None = None


@router.get("/settlements", response=list[SettlementOut],
            summary="Settlements (a centre sees its own)")
@paginate(LimitOffsetPagination)
def settlement_list(request: HttpRequest, filters: Query[SettlementQuery]) -> Any:
    selectors.billing_list_allowed(user=request.user, managers=True)
    qs = selectors.settlements_for(user=request.user).prefetch_related("lines__corrects")
    if filters.period:
        qs = qs.filter(period_start=period_parse(filters.period).start)
    if filters.centre:
        qs = qs.filter(centre_id=filters.centre)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs


# Before /settlements/{settlement_id}: its path would take "approve" for an id.
class SettlementsApproveIn(Schema):
    ids: list[int]


@router.post("/settlements/approve", response=list[SettlementOut],
             summary="Approve several settlements together: all or none (409 "
                     "settlements_not_approved with data.problems)")
def settlements_approve_view(request: HttpRequest, data: SettlementsApproveIn) -> Any:
    from smartwork.billing.settlement import settlements_approve

    return settlements_approve(actor=request.user, settlement_ids=data.ids)


@router.get("/settlements/{settlement_id}", response=SettlementOut)
def settlement_detail(request: HttpRequest, settlement_id: int) -> Settlement:
    return selectors.settlement_get(user=request.user, settlement_id=settlement_id)


@router.get("/settlements/{settlement_id}/ubl",
            summary="The Peppol self-billing invoice (UBL), where the centre has a Peppol id")
def settlement_ubl_download(request: HttpRequest, settlement_id: int) -> HttpResponse:
    from smartwork.billing.selfbilling import settlement_ubl
    from smartwork.billing.validation import ubl_assert_valid

    settlement = selectors.settlement_get(user=request.user, settlement_id=settlement_id)
    xml = settlement_ubl(settlement)  # 409 einvoice_not_applicable without a Peppol id
    ubl_assert_valid(xml=xml, rules="self_billing", document=settlement.display_number)
    return _download(xml, f"{settlement.display_number}.xml", "application/xml")


@router.get("/settlements/{settlement_id}/pdf", summary="The self-billing invoice as PDF")
def settlement_pdf_download(request: HttpRequest, settlement_id: int) -> HttpResponse:
    from smartwork.billing.pdf import settlement_pdf

    settlement = selectors.settlement_get(user=request.user, settlement_id=settlement_id)
    return _download(settlement_pdf(settlement), f"{settlement.display_number}.pdf",
                     "application/pdf")


@router.post("/networks/{network_id}/settlements", response={201: list[SettlementOut]},
             summary="Draw up the settlements of an ended month")
def settlement_create(request: HttpRequest, network_id: int, data: PeriodIn) -> Any:
    network = selectors.network_for_billing(user=request.user, network_id=network_id)
    made = settlements_create(actor=request.user, network=network,
                              period=period_parse(data.period))
    return Status(201, made)


@router.post("/settlements/{settlement_id}/approve", response=SettlementOut)
def settlement_approve_view(request: HttpRequest, settlement_id: int) -> Any:
    settlement = selectors.settlement_get(user=request.user, settlement_id=settlement_id)
    return settlement_approve(actor=request.user, settlement=settlement)


@router.post("/networks/{network_id}/payouts", response={201: PayoutOut},
             summary="A SEPA pain.001.001.09 file paying the approved settlements")
def payout_create(request: HttpRequest, network_id: int, data: PayoutIn) -> Any:
    network = selectors.network_for_billing(user=request.user, network_id=network_id)
    batch = payout_batch_create(actor=request.user, network=network,
                                period=period_parse(data.period),
                                execution_date=data.execution_date)
    return Status(201, batch)


@router.get("/payouts/{batch_id}/xml", summary="Download the SEPA credit transfer file")
def payout_xml(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.get_or_404(selectors.payout_batches_for(user=request.user), batch_id,
                                 "payout batch")
    return _download(batch.xml.encode(), f"{batch.message_id}.xml", "application/xml")


@router.post("/networks/{network_id}/clearings", response={201: list[ClearingOut]},
             summary="Clearing statements with allied networks for an ended month")
def clearing_create(request: HttpRequest, network_id: int, data: PeriodIn) -> Any:
    network = selectors.network_for_billing(user=request.user, network_id=network_id)
    return Status(201, clearings_create(actor=request.user, network=network,
                                        period=period_parse(data.period)))


@router.get("/clearings", response=list[ClearingOut], summary="Clearing statements")
@paginate(LimitOffsetPagination)
def clearing_list(request: HttpRequest) -> Any:
    selectors.billing_list_allowed(user=request.user)
    return selectors.clearings_for(user=request.user)


@router.get("/networks/{network_id}/books", response=BooksOut,
            summary="Reconcile a month to the cent")
def books(request: HttpRequest, network_id: int, period: str) -> Any:
    network = selectors.network_for_billing(user=request.user, network_id=network_id)
    parsed = period_parse(period)
    result = books_check(network=network, period=parsed)
    return {"network_id": network.pk, "period": parsed.label, "balanced": result.balanced,
            "figures": result.figures, "failures": result.failures}
