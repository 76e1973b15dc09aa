from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SENT = "sent", _("Sent")
    PART_PAID = "part_paid", _("Part paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")


# States in which an invoice still waits for money.
OPEN_STATES = (InvoiceState.ISSUED, InvoiceState.SENT, InvoiceState.PART_PAID,
               InvoiceState.OVERDUE)


class LineSource(models.TextChoices):
    BOOKING = "booking", _("Pay-as-you-go booking")
    CREDIT_PURCHASE = "credit_purchase", _("Credit purchase")
    MEMBERSHIP = "membership", _("Membership")
    OVERAGE = "overage", _("Overage")
    MANUAL = "manual", _("Manual line")


class VatCategory(models.TextChoices):
    """UNCL5305 codes used by EN 16931."""

    STANDARD = "S", _("Standard rate")
    ZERO = "Z", _("Zero rated")
    EXEMPT = "E", _("Exempt")
    REVERSE_CHARGE = "AE", _("Reverse charge")
    # A supplier that is not VAT-registered (a self-billed centre operator without a VAT
    # number): no VAT, and no VAT identifiers on the document (EN 16931 BR-O-*).
    NOT_SUBJECT = "O", _("Not subject to VAT")


class RunState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PaymentMethod(models.TextChoices):
    MANUAL = "manual", _("Recorded by hand")
    BANK = "bank", _("Bank statement")
    # A commission invoice to a centre's operator, set off against its payout.
    OFFSET = "offset", _("Set off against a payout")
    # Cash or card at a centre's front desk (a walk-in guest's receipt).
    DESK = "desk", _("Paid at the front desk")


class MatchedBy(models.TextChoices):
    NONE = "none", _("Not matched")
    COMMUNICATION = "communication", _("Structured communication")
    AMOUNT_NAME = "amount_name", _("Amount and name")
    MANUAL = "manual", _("By hand")


class PaymentFlag(models.TextChoices):
    """Why an imported payment waits for a human although it could be read."""

    NONE = "", _("None")
    # The communication names an invoice that is paid in full, or the amount is more than
    # what is still due on it: never matched automatically.
    OVERPAYMENT = "overpayment", _("Overpayment")
    # The communication names an invoice in another currency.
    CURRENCY = "currency", _("Other currency")


class SettlementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    IN_BATCH = "in_batch", _("In a payout batch")


class SettlementLineKind(models.TextChoices):
    CREDIT = "credit", _("Credit hours used")
    PAYG = "payg", _("Pay-as-you-go revenue")
    MEMBERSHIP = "membership", _("Memberships, attributed by use")
    ROAMING = "roaming", _("Guests from allied networks")
    # What an earlier statement of the centre carried less than (or more than) the facts
    # now say: facts recorded after it was issued (a refund, a late booking).
    CORRECTION = "correction", _("Correction of an earlier period")


# UN/ECE Recommendation 20 unit codes used on lines.
UNIT_HOUR = "HUR"
UNIT_DAY = "DAY"
UNIT_PIECE = "C62"
UNIT_MONTH = "MON"


class DeliveryChannel(models.TextChoices):
    """How a customer receives its invoices (docs/billing.md, "Delivery channels")."""

    AUTO = "auto", _("Automatic (Peppol when possible, else email)")
    EMAIL = "email", _("Email (PDF and UBL)")
    PEPPOL = "peppol", _("Peppol")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
