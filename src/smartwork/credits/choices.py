from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    POOL = "pool", _("Company pool (one purchase)")
    ALLOTMENT = "allotment", _("Allotment")
    MEMBERSHIP = "membership", _("Membership hours")


class LedgerReason(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    ALLOTMENT = "allotment", _("Allotment")
    BOOKING = "booking", _("Booking")
    CANCELLATION_REFUND = "cancellation_refund", _("Cancellation refund")
    NO_SHOW = "no_show", _("No-show")
    EXPIRY = "expiry", _("Expiry")
    ADJUSTMENT = "adjustment", _("Adjustment")


class AllotmentPeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("Every month")
    WHOLE = "whole", _("Once, for the whole period")


class PeriodEnd(models.TextChoices):
    RETURN = "return", _("Unused hours return to the company pool")
    KEEP = "keep", _("Unused hours stay with the allotment")


class MembershipState(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLING = "cancelling", _("Ends at the end of the period")
    ENDED = "ended", _("Ended")


class PaymentMethod(models.TextChoices):
    CREDIT = "credit", _("Company credit")
    MEMBERSHIP = "membership", _("Membership hours")
    PAYG = "payg", _("Pay as you go")


class PaygBillTo(models.TextChoices):
    MEMBER = "member", _("The member")
    COMPANY = "company", _("The member's company (overage)")
