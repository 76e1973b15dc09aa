from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class InvoiceLineOut(Schema):
    id: int
    position: int
    centre_id: int | None
    centre_name: str
    description: str
    service_date: dt.date | None
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    vat_category: str
    line_net: Decimal
    source_type: str
    source_id: int | None
    source_count: int


class InvoiceOut(Schema):
    id: int
    kind: str
    number: str = Field(..., alias="display_number")
    state: str
    network_id: int
    issuer_id: int
    customer_organisation_id: int | None
    customer_member_id: int | None
    customer_name: str
    credited_invoice_id: int | None
    period_start: dt.date | None
    period_end: dt.date | None
    issue_date: dt.date | None
    due_date: dt.date | None
    currency: str
    language: str
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    amount_paid: Decimal
    amount_credited: Decimal
    amount_due: Decimal
    structured_communication: str
    note: str


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]


class LineIn(Schema):
    description: str = Field(..., min_length=1, max_length=300)
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)
    unit_price: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    vat_rate: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)
    vat_category: str = Field("S", pattern="^(S|Z|E|AE)$")
    unit: str = Field("C62", pattern="^[A-Z0-9]{2,3}$")
    centre_id: int | None = None
    service_date: dt.date | None = None


class InvoiceIn(Schema):
    network_id: int
    customer_organisation_id: int | None = None
    customer_member_id: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    note: str = Field("", max_length=2000)
    lines: list[LineIn] = Field(..., min_length=1, max_length=500)


class InvoicePatch(Schema):
    note: str | None = Field(None, max_length=2000)
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class IssueIn(Schema):
    issue_date: dt.date | None = None


class CreditLineIn(Schema):
    line: int
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)


class CreditNoteIn(Schema):
    lines: list[CreditLineIn] | None = None
    reason: str = Field("", max_length=2000)


class PaymentIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    value_date: dt.date
    payer: str = Field("", max_length=140)
    communication: str = Field("", max_length=140)


class PaymentOut(Schema):
    id: int
    invoice_id: int | None
    amount: Decimal
    currency: str
    value_date: dt.date
    method: str
    matched_by: str
    counterparty_name: str
    counterparty_iban: str
    communication: str
    bank_reference: str
    statement_id: int | None
    # "overpayment": names an invoice paid in full, or pays more than is due on it;
    # left unmatched for a human (flag_invoice_id is the invoice it names).
    flag: str
    flag_invoice_id: int | None


class AssignIn(Schema):
    invoice_id: int


class PeriodIn(Schema):
    period: str = Field(..., examples=["2026-10"])


class PayoutIn(PeriodIn):
    execution_date: dt.date | None = None


class RunOut(Schema):
    id: int
    network_id: int
    period_start: dt.date
    period_end: dt.date
    state: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    customers_total: int
    customers_done: int
    invoices_created: int
    error: str


class StatementOut(Schema):
    id: int
    account_iban: str
    statement_id: str
    entry_count: int
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    matched: int
    unmatched: int
    # Entries already read from an earlier statement: not counted again.
    duplicates: list[dict[str, str]] = []


class StatementImportOut(StatementOut):
    """The file's first statement at the top level; matched/unmatched are the file's
    totals; every statement imported now; those of the file imported before (skipped)."""

    statements: list[StatementOut]
    already_imported: list[str]
    duplicate_count: int
    flagged: int


class SettlementLineOut(Schema):
    kind: str
    description: str
    quantity: Decimal
    unit_value: Decimal
    amount: Decimal
    # A correction (kind "correction"): the earlier statement whose period it corrects
    # (facts recorded after that statement was issued), its number and period start.
    corrects_id: int | None = None
    corrects_number: str | None = None
    corrects_period_start: dt.date | None = None

    @staticmethod
    def resolve_corrects_number(obj: Any) -> str | None:
        return obj.corrects.display_number if obj.corrects_id else None

    @staticmethod
    def resolve_corrects_period_start(obj: Any) -> dt.date | None:
        return obj.corrects.period_start if obj.corrects_id else None


class SettlementOut(Schema):
    id: int
    reference: str
    network_id: int
    centre_id: int
    centre_name: str = Field(..., alias="centre.name")
    period_start: dt.date
    period_end: dt.date
    state: str
    gross_value: Decimal
    commission_rate: Decimal
    commission: Decimal
    payout_amount: Decimal
    payout_batch_id: int | None
    lines: list[SettlementLineOut]
    # The self-billing invoice: its number in the supplier's series, VAT, total.
    number: str = Field(..., alias="display_number")
    issue_date: dt.date | None
    vat_category: str
    vat_rate: Decimal
    vat_amount: Decimal
    total_gross: Decimal
    commission_invoice_id: int | None
    # "supplier_vat_missing": the centre's operator has no VAT number (no VAT charged);
    # "correction_waits": a correction of an earlier period is not on this statement (it
    # would have made it negative, or its supplier or VAT differs): check-books shows it.
    flags: list[str]


class PayoutOut(Schema):
    id: int
    message_id: str
    network_id: int
    period_start: dt.date
    execution_date: dt.date
    total: Decimal
    transfer_count: int


class ClearingOut(Schema):
    id: int
    alliance_id: int
    network_a_id: int = Field(..., alias="alliance.network_a_id")
    network_b_id: int = Field(..., alias="alliance.network_b_id")
    period_start: dt.date
    period_end: dt.date
    settlement_period: str
    period_note: str  # why the period is not a whole month or quarter, if it is not
    rate: Decimal
    a_in_b_minutes: int  # signed: a refund of an earlier period counts negative
    b_in_a_minutes: int
    # Of which late: rows dated before the period, recorded after the statement of their
    # own period was drawn up (a late booking, a refund), cleared with this one.
    a_in_b_late_minutes: int
    b_in_a_late_minutes: int
    a_owes_b: Decimal
    b_owes_a: Decimal
    debtor_id: int | None
    creditor_id: int | None
    net_amount: Decimal


class BooksOut(Schema):
    network_id: int
    period: str
    balanced: bool
    figures: dict[str, Decimal]
    failures: list[str]


class GuestWalkInIn(Schema):
    """A walk-in guest who is not a member yet (billing/walkins.py)."""

    email: str = Field(..., max_length=254)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    slot: str = "full_day"
    paid_by: str = Field("desk", description="`desk` (paid now, with a receipt) or `company`")
    company_id: int | None = None


class GuestWalkInOut(Schema):
    guest_id: int
    booking_id: int
    resource: str
    paid_by: str
    receipt_id: int | None = None
    receipt_number: str | None = None
    amount_paid: Decimal | None = None
