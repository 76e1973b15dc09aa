"""Invoices, credit notes, payments, settlements, payouts and clearing.

Financial records are append-only: once an invoice leaves the draft state its
number, customer, lines and totals never change again (the model layer refuses,
and a database trigger refuses too, see migration 0002). Only its payment
progress (state, amount paid, reminders) moves on.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartwork.billing.choices import (
    DeliveryChannel,
    DeliveryState,
    InvoiceKind,
    InvoiceState,
    LineSource,
    MatchedBy,
    PaymentFlag,
    PaymentMethod,
    RunState,
    SettlementLineKind,
    SettlementState,
    VatCategory,
)
from smartwork.core.errors import Conflict
from smartwork.core.models import TimeStampedModel
from smartwork.network.choices import SettlementPeriod

AMOUNT: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0.00")}

# What may still change on an issued invoice: its payment progress, nothing else.
INVOICE_MUTABLE_AFTER_ISSUE = frozenset(
    {"state", "amount_paid", "amount_credited", "sent_at", "paid_at", "reminder_count", "last_reminder_at",
     "updated_at"}
)


class ImmutableDocument(Conflict):
    code = "invoice_immutable"


class InvoiceSequence(models.Model):
    """The last number given by an issuer in a year; locked to hand out the next."""

    issuer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="invoice_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.year}: {self.last_number}"


class InvoiceRun(models.Model):
    """One pass of the monthly invoicing for a network; a crashed run is resumed by the next."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    invoices_created = models.PositiveIntegerField(default=0)
    # Progress: customers done out of customers to bill (for the operator's progress bar).
    customers_total = models.PositiveIntegerField(default=0)
    customers_done = models.PositiveIntegerField(default=0)
    # Set with each progress step: a run still "running" without a beat for a while was
    # killed (no exception to mark it failed); the next run of its period marks it so.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.network_id} {self.period_start:%Y-%m} ({self.state})"


class Invoice(TimeStampedModel):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices,
                            default=InvoiceKind.INVOICE)
    issuer = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="issued_invoices",
        verbose_name=_("issuer"),
    )
    customer_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="invoices", verbose_name=_("customer company"),
    )
    customer_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="invoices", verbose_name=_("customer member"),
    )
    credited_invoice = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes",
        verbose_name=_("credited invoice"),
    )
    run = models.ForeignKey(InvoiceRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="invoices")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=InvoiceState.choices,
                             default=InvoiceState.DRAFT, db_index=True)
    currency = models.CharField(max_length=3, default="EUR")
    language = models.CharField(max_length=2, default="fr")
    total_net = models.DecimalField(**AMOUNT)
    total_vat = models.DecimalField(**AMOUNT)
    total_gross = models.DecimalField(**AMOUNT)
    amount_paid = models.DecimalField(**AMOUNT)
    # What credit notes took off this invoice (an invoice only).
    amount_credited = models.DecimalField(**AMOUNT)
    # A credit note only: the part of it refunded to the customer because the invoice it
    # credits was already paid (the rest was deducted from what was still due). Fixed at
    # issue, so the credit note always says the same. Nullable: added without a table
    # rebuild, which keeps SQLite's append-only triggers (migration 0002).
    refund_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True,
                                        blank=True)
    # "2026-10:org:12": the periodic invoice of one customer, made once whatever runs.
    billing_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # Twelve digits (ten + two check digits), shown as +++123/4567/89012+++.
    structured_communication = models.CharField(max_length=12, blank=True, db_index=True)
    # Snapshots taken at issue: an invoice shows who the parties were then.
    issuer_data = models.JSONField(default=dict, blank=True)
    customer_data = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "number"],
                                    name="invoice_unique_number"),
            models.CheckConstraint(
                condition=(Q(customer_organisation__isnull=False, customer_member__isnull=True)
                           | Q(customer_organisation__isnull=True, customer_member__isnull=False)),
                name="invoice_one_customer",
            ),
            models.CheckConstraint(
                condition=(Q(kind=InvoiceKind.INVOICE, credited_invoice__isnull=True)
                           | Q(kind=InvoiceKind.CREDIT_NOTE, credited_invoice__isnull=False)),
                name="invoice_credit_note_refers",
            ),
            models.CheckConstraint(
                condition=(Q(state=InvoiceState.DRAFT, number__isnull=True)
                           | (~Q(state=InvoiceState.DRAFT) & Q(number__isnull=False,
                                                               year__isnull=False,
                                                               issue_date__isnull=False))),
                name="invoice_number_iff_issued",
            ),
            models.CheckConstraint(condition=Q(amount_paid__gte=0),
                                   name="invoice_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_credited__gte=0) & Q(amount_credited__lte=F("total_gross")),
                name="invoice_credited_within_total",
            ),
            models.UniqueConstraint(
                fields=["issuer", "structured_communication"],
                condition=~Q(structured_communication=""),
                name="invoice_unique_communication",
            ),
        ]
        indexes = [models.Index(fields=["network", "period_start"])]

    # The state as last read from or written to the database (None when it was deferred).
    _stored_state: str | None

    def __str__(self) -> str:
        return self.display_number or f"draft #{self.pk}"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> Invoice:
        obj = super().from_db(db, field_names, values, **kwargs)
        obj._stored_state = obj.__dict__.get("state")
        return obj

    @property
    def display_number(self) -> str:
        if self.number is None:
            return ""
        prefix = "CN" if self.kind == InvoiceKind.CREDIT_NOTE else "INV"
        return f"{prefix}-{self.year}-{self.number:06d}"

    @property
    def is_issued(self) -> bool:
        return getattr(self, "_stored_state", InvoiceState.DRAFT) != InvoiceState.DRAFT

    @property
    def amount_due(self) -> Decimal:
        """What the customer still owes on an invoice (below zero when more was paid
        than remains after credit notes); nothing on a credit note."""
        if self.kind == InvoiceKind.CREDIT_NOTE:
            return Decimal("0.00")
        return self.total_gross - self.amount_credited - self.amount_paid

    @property
    def has_einvoice(self) -> bool:
        """A Peppol e-invoice exists for the customer (billing.ubl.peppol_receiver)."""
        data = self.customer_data or {}
        return bool(data.get("peppol_scheme") and data.get("peppol_id"))

    @property
    def customer_name(self) -> str:
        return str(self.customer_data.get("name") or self.customer_organisation
                   or self.customer_member)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and self.is_issued:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= INVOICE_MUTABLE_AFTER_ISSUE:
                raise ImmutableDocument(
                    str(_("An issued invoice cannot be changed; issue a credit note instead.")),
                    fields={"invoice": str(_("issued"))},
                )
        super().save(*args, **kwargs)
        self._stored_state = self.state

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_issued:
            raise ImmutableDocument(str(_("An issued invoice cannot be deleted.")))
        return super().delete(*args, **kwargs)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    # The centre the line belongs to (empty for network-wide lines such as credit).
    centre = models.ForeignKey("network.Centre", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    centre_name = models.CharField(max_length=150, blank=True)
    description = models.CharField(max_length=300)
    service_date = models.DateField(null=True, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit = models.CharField(max_length=3, default="C62")
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    vat_category = models.CharField(max_length=2, choices=VatCategory.choices,
                                    default=VatCategory.STANDARD)
    line_net = models.DecimalField(max_digits=14, decimal_places=2)
    # How many sources (bookings) an aggregated line stands for.
    source_count = models.PositiveIntegerField(default=1)
    source_type = models.CharField(max_length=20, choices=LineSource.choices,
                                   default=LineSource.MANUAL)
    source_id = models.BigIntegerField(null=True, blank=True)
    # "booking:42": one source is billed once, whatever runs at the same time.
    source_key = models.CharField(max_length=60, null=True, blank=True, unique=True)
    # The line of the invoice a credit-note line corrects.
    credited_line = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="invoice_line_qty_positive"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=100),
                                   name="invoice_line_vat_rate"),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._invoice_issued():
            raise ImmutableDocument(str(_("The lines of an issued invoice cannot be changed.")))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._invoice_issued():
            raise ImmutableDocument(str(_("The lines of an issued invoice cannot be deleted.")))
        return super().delete(*args, **kwargs)

    def _invoice_issued(self) -> bool:
        if not self.invoice_id:
            return False
        return (Invoice.objects.filter(pk=self.invoice_id)
                .exclude(state=InvoiceState.DRAFT).exists())


class BankStatement(models.Model):
    """An imported CAMT.053 statement; importing the same one twice is refused."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    account_iban = models.CharField(max_length=34)
    statement_id = models.CharField(max_length=100)
    message_id = models.CharField(max_length=100, blank=True)
    created_on = models.DateTimeField(null=True, blank=True)
    opening_balance = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    closing_balance = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    entry_count = models.PositiveIntegerField(default=0)
    # Entries of this statement already read from an earlier one (same bank reference):
    # [{"reference", "amount", "value_date", "statement_id"}], counted once, never twice.
    duplicates = models.JSONField(default=list, blank=True)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["account_iban", "statement_id"],
                                    name="bank_statement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_iban} {self.statement_id}"


class Payment(models.Model):
    """Money received: recorded by hand or read from a bank statement."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    value_date = models.DateField()
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    matched_by = models.CharField(max_length=15, choices=MatchedBy.choices,
                                  default=MatchedBy.NONE)
    counterparty_name = models.CharField(max_length=140, blank=True)
    counterparty_iban = models.CharField(max_length=34, blank=True)
    communication = models.CharField(max_length=140, blank=True)
    bank_reference = models.CharField(max_length=100, blank=True)
    # "<account IBAN>:<the entry's own reference>" (account servicer reference, else the
    # end-to-end id or UETR): one bank entry is one payment, however many statements
    # repeat it. Empty when the bank gave the entry no reference.
    bank_key = models.CharField(max_length=180, blank=True)
    statement = models.ForeignKey(BankStatement, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="payments")
    # Left unmatched for a human on purpose (an overpayment), with the invoice it names.
    flag = models.CharField(max_length=12, choices=PaymentFlag.choices, default="",
                            blank=True)
    flag_invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-value_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.UniqueConstraint(fields=["network", "bank_key"], condition=~Q(bank_key=""),
                                    name="payment_bank_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.value_date}"


class PayoutBatch(models.Model):
    """One SEPA credit transfer file (pain.001.001.09) paying centres their settlements."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    message_id = models.CharField(max_length=35, unique=True)
    execution_date = models.DateField()
    total = models.DecimalField(max_digits=14, decimal_places=2)
    transfer_count = models.PositiveIntegerField()
    xml = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message_id


class SelfBillingSequence(models.Model):
    """The last self-billing invoice number of a supplier (a centre's operator) in a
    year: the operator numbers the invoices it draws up in the supplier's name in a
    series of their own, gapless, locked like invoice numbers."""

    supplier = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supplier", "year"],
                                    name="self_billing_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}/{self.year}: {self.last_number}"


class Settlement(models.Model):
    """What the operator owes a centre for a period: a self-billing invoice, drawn up by
    the network operator (the customer) in the name of the centre's operator (the
    supplier), numbered in the supplier's self-billing series, with VAT when the
    supplier is VAT-registered. The network's commission is a separate invoice of the
    operator to the centre's operator (`commission_invoice`), set off in the payout."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                               related_name="settlements")
    period_start = models.DateField()
    period_end = models.DateField()
    reference = models.CharField(max_length=40, unique=True)
    state = models.CharField(max_length=10, choices=SettlementState.choices,
                             default=SettlementState.DRAFT)
    gross_value = models.DecimalField(**AMOUNT)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=2)
    commission = models.DecimalField(**AMOUNT)
    payout_amount = models.DecimalField(**AMOUNT)
    payee_data = models.JSONField(default=dict, blank=True)
    payout_batch = models.ForeignKey(PayoutBatch, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="settlements")
    created_at = models.DateTimeField(auto_now_add=True)
    # The self-billing invoice: the supplier, its number in the supplier's series, VAT
    # on the value of use (gross_value is the taxable amount), and the total with VAT.
    supplier = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    vat_category = models.CharField(max_length=2, choices=VatCategory.choices,
                                    default=VatCategory.STANDARD)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    vat_amount = models.DecimalField(**AMOUNT)
    total_gross = models.DecimalField(**AMOUNT)
    # The operator's invoice for its commission to the centre's operator, set off in
    # the payout: payout = total_gross - commission_invoice.total_gross.
    commission_invoice = models.ForeignKey(Invoice, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    # A company-hosted space (issue #21): what was set off against its host's own open
    # invoices (payments of method `offset` naming this settlement), taken from the payout:
    # payout = total_gross - commission_invoice.total_gross - invoice_offset.
    invoice_offset = models.DecimalField(max_digits=14, decimal_places=2,
                                         default=Decimal("0.00"))
    # For the operator: e.g. "supplier_vat_missing" (no VAT number: no VAT charged).
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-period_start", "centre_id"]
        # No CHECK payout = value - commission: SQLite compares decimals as floats.
        constraints = [
            models.UniqueConstraint(fields=["centre", "period_start"],
                                    name="settlement_one_per_centre_period"),
            models.UniqueConstraint(fields=["supplier", "year", "number"],
                                    name="settlement_unique_self_billing_number"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def display_number(self) -> str:
        """The self-billing invoice number in the supplier's series."""
        if self.number is None:
            return self.reference
        return f"SB-{self.year}-{self.number:06d}"


class SettlementLine(models.Model):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=12, choices=SettlementLineKind.choices)
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit_value = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    # A correction line: the earlier statement of the same centre whose period it
    # corrects (facts recorded after that statement was issued). Its commission is taken
    # at that statement's rate (billing.settlement.correction_commission).
    corrects = models.ForeignKey(Settlement, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")

    class Meta:
        ordering = ["settlement", "id"]
        constraints = [
            # One correction of a period per statement; a line corrects iff it is one.
            models.UniqueConstraint(fields=["settlement", "corrects"],
                                    condition=Q(corrects__isnull=False),
                                    name="settlement_line_one_correction_per_period"),
            models.CheckConstraint(
                condition=(Q(kind="correction", corrects__isnull=False)
                           | (~Q(kind="correction") & Q(corrects__isnull=True))),
                name="settlement_line_correction_names_its_period"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.amount}"


class ClearingStatement(models.Model):
    """What two allied networks owe each other for a period, netted into one amount."""

    alliance = models.ForeignKey("network.Alliance", on_delete=models.PROTECT,
                                 related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    rate = models.DecimalField(max_digits=8, decimal_places=2)
    # Minutes used by members of network A in centres of network B, and back: the
    # roaming rows the statement took (ClearedRoaming), signed, as a late refund alone
    # can make them negative.
    a_in_b_minutes = models.IntegerField(default=0)
    b_in_a_minutes = models.IntegerField(default=0)
    # Of which late: rows dated before the statement's period, recorded after the
    # statement of their own period was drawn up (a late booking, a refund).
    a_in_b_late_minutes = models.IntegerField(default=0)
    b_in_a_late_minutes = models.IntegerField(default=0)
    a_owes_b = models.DecimalField(**AMOUNT)
    b_owes_a = models.DecimalField(**AMOUNT)
    debtor = models.ForeignKey("network.Network", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    creditor = models.ForeignKey("network.Network", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    net_amount = models.DecimalField(**AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)
    # The alliance's settlement period when the statement was drawn up: the statement
    # ends where a period of that kind ends, and starts the day after the previous one.
    settlement_period = models.CharField(max_length=10, choices=SettlementPeriod.choices,
                                         default=SettlementPeriod.MONTHLY)
    # The largest id of the alliance's roaming rows when the statement was drawn up (in
    # its locked transaction): a row dated up to period_end and not above this mark was
    # there to be taken; one above it was recorded after. Null: drawn up before the
    # statements recorded what they took (migration 0013).
    usage_upto_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "period_start"],
                                    name="clearing_one_per_alliance_period"),
            models.CheckConstraint(condition=Q(net_amount__gte=0), name="clearing_net_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="clearing_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"clearing {self.alliance_id} {self.period_start} – {self.period_end}"

    @property
    def period_note(self) -> str:
        """Empty for a whole month or quarter; else why the statement is shorter or
        longer (a change of the settlement period, or days not cleared before)."""
        from smartwork.billing.clearing import clearing_period_note

        return clearing_period_note(self)


class ClearedRoaming(models.Model):
    """A roaming row (credits' append-only RoamingUsage) taken by a clearing statement:
    each row is cleared once (the unique usage), by the first statement drawn up after
    it was recorded whose period ends on or after its service date. A row recorded after
    the statement of its own period (a late booking, a refund) goes with the next one."""

    statement = models.ForeignKey(ClearingStatement, on_delete=models.PROTECT,
                                  related_name="cleared_roaming")
    usage = models.OneToOneField("credits.RoamingUsage", on_delete=models.PROTECT,
                                 related_name="cleared")

    def __str__(self) -> str:
        return f"roaming {self.usage_id} in clearing {self.statement_id}"


class BillingProfile(TimeStampedModel):
    """How one customer is invoiced and reached: a company or a member (exactly one).

    `delivery_channel` applies to both. The business details are a member's own: an
    independent who invoices as a business gives an enterprise number (a Peppol
    identifier, scheme 0208), a VAT number and a postal address, and then receives a B2B
    invoice. A company's details are those of its `Organisation`."""

    organisation = models.OneToOneField(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="billing_profile")
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="billing_profile")
    delivery_channel = models.CharField(
        _("delivery channel"), max_length=10, choices=DeliveryChannel.choices,
        default=DeliveryChannel.AUTO)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=10, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="BE")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False, member__isnull=True)
                           | Q(organisation__isnull=True, member__isnull=False)),
                name="billing_profile_one_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation or self.member}: {self.delivery_channel}"


class InvoiceDelivery(models.Model):
    """The delivery of one issued invoice or credit note over one channel.

    The row holds the current state; every change is also written to
    `InvoiceDeliveryEvent` (append-only), which is the audit of the attempts."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    # "0208:0403170701" for Peppol, the address for email.
    receiver = models.CharField(max_length=254)
    state = models.CharField(max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the worker tries (or polls) next; empty: nothing more happens by itself.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # The access point's id of the transmission.
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "channel"],
                                    name="delivery_one_per_invoice_channel"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.channel} {self.state}"


class InvoiceDeliveryEvent(models.Model):
    """Append-only: one state change of a delivery (queued, sent, delivered, failed)."""

    delivery = models.ForeignKey(InvoiceDelivery, on_delete=models.PROTECT,
                                 related_name="events")
    state = models.CharField(max_length=10, choices=DeliveryState.choices)
    attempt = models.PositiveSmallIntegerField(default=0)
    detail = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.state} {self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise Conflict(str(_("Delivery events are never changed.")), code="event_immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Conflict(str(_("Delivery events are never deleted.")), code="event_immutable")
