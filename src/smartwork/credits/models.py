"""Time credit: packages, purchases, accounts, the append-only ledger, allotments,
company rules, memberships and pay-as-you-go charges.

Credit time is integer minutes everywhere. Money is Decimal. The billing app reads
`CreditPurchase`, `MembershipPeriod`, `PaygCharge` and `RoamingUsage` as they are
(see docs/credits.md): keep them plain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartwork.bookings.choices import Slot
from smartwork.core.models import TimeStampedModel
from smartwork.credits.choices import (
    AccountKind,
    AllotmentPeriodKind,
    LedgerReason,
    MembershipState,
    PaygBillTo,
    PeriodEnd,
)
from smartwork.network.choices import ResourceKind

MONEY: dict[str, Any] = {"max_digits": 10, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 5, "decimal_places": 2}


class CreditPackage(TimeStampedModel):
    """What a network sells: so many hours, at a price, valid so many months."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT,
                                related_name="credit_packages")
    name = models.CharField(_("name"), max_length=100)
    hours = models.PositiveIntegerField(_("hours"))
    price_net = models.DecimalField(_("price excl. VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), **RATE)
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), default=12)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["network", "hours"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="package_hours_positive"),
            models.CheckConstraint(condition=Q(price_net__gte=0), name="package_price_not_negative"),
            models.CheckConstraint(condition=Q(validity_months__gt=0),
                                   name="package_validity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hours} h)"


class CreditPurchase(TimeStampedModel):
    """A company's purchase of credit for one network. Invoiced by the billing app:
    price_net and vat_rate are copied here when bought, never recomputed."""

    company = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                related_name="credit_purchases")
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT,
                                related_name="credit_purchases")
    package = models.ForeignKey(CreditPackage, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="purchases")
    minutes = models.PositiveIntegerField()
    price_net = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(**RATE)
    currency = models.CharField(max_length=3, default="EUR")
    purchased_on = models.DateField()
    valid_from = models.DateField()
    valid_until = models.DateField(help_text="Last day the credit may be used.")
    reference = models.CharField(_("purchase order reference"), max_length=100, blank=True)
    bought_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-purchased_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="purchase_minutes_positive"),
            models.CheckConstraint(condition=Q(price_net__gte=0),
                                   name="purchase_price_not_negative"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")),
                                   name="purchase_valid_until_after_from"),
        ]

    def __str__(self) -> str:
        return f"{self.company} — {self.minutes // 60} h ({self.valid_from}–{self.valid_until})"


class CreditAccount(models.Model):
    """A balance of minutes: a company's pool (one per purchase), an allotment, or a
    member's membership hours. `balance_minutes` is the running sum of its ledger
    entries, kept for fast reads; `smartwork check-ledgers` proves it. The CHECK
    constraint is the last guard against going below zero."""

    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    company = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="credit_accounts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="credit_accounts")
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    purchase = models.ForeignKey(CreditPurchase, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="accounts")
    valid_from = models.DateField()
    valid_until = models.DateField()
    balance_minutes = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_until", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(balance_minutes__gte=0),
                                   name="credit_account_balance_not_negative"),
            models.CheckConstraint(
                condition=(Q(kind=AccountKind.MEMBERSHIP, member__isnull=False)
                           | (~Q(kind=AccountKind.MEMBERSHIP) & Q(company__isnull=False,
                                                                  purchase__isnull=False))),
                name="credit_account_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The credit ledger is append-only: entries are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The credit ledger is append-only: entries are never deleted.")

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class LedgerEntry(models.Model):
    """One signed movement of minutes on one account. Append-only: the ORM refuses
    to change or delete a row and, on PostgreSQL and SQLite, a trigger refuses
    UPDATE (and DELETE on PostgreSQL) at the database itself."""

    # No single-column index on `account` and `member`: the (account, id) and (member,
    # service_date) indexes below lead with them, and each index is one more write per
    # credit booking (as bookings' foreign keys).
    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="entries",
                                db_index=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    amount_minutes = models.IntegerField()
    balance_after = models.IntegerField()
    reason = models.CharField(max_length=30, choices=LedgerReason.choices)
    # Whose use or share this is (for filters by person and the monthly cap).
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", db_index=False)
    centre = models.ForeignKey("network.Centre", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    booking = models.ForeignKey("bookings.Booking", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="credit_entries")
    purchase = models.ForeignKey(CreditPurchase, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="entries")
    allotment = models.ForeignKey("credits.Allotment", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="entries")
    membership_period = models.ForeignKey("credits.MembershipPeriod", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="entries")
    # The two legs of a move between accounts share one transfer id.
    transfer = models.UUIDField(null=True, blank=True, db_index=True)
    # The day the minutes were used (the booking's local date), for caps and reports.
    service_date = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=~Q(amount_minutes=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0),
                                   name="ledger_balance_after_not_negative"),
            models.CheckConstraint(
                condition=Q(reason__in=LedgerReason.values), name="ledger_reason_known"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "id"]),
            models.Index(fields=["member", "service_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.reason} {self.amount_minutes:+d} min"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise TypeError("The credit ledger is append-only: entries are never updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The credit ledger is append-only: entries are never deleted.")


class CompanyCreditPolicy(TimeStampedModel):
    """A company's rules for using its credit."""

    company = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                   related_name="credit_policy")
    # Empty means every centre the member may book.
    allowed_centres = models.ManyToManyField("network.Centre", blank=True, related_name="+")
    # Empty means every kind of resource.
    allowed_resource_kinds = models.JSONField(default=list, blank=True)
    # May employees draw on the pool directly (beyond their allotments)?
    pool_open_to_staff = models.BooleanField(default=True)
    # At most this many minutes from the pool per employee per calendar month.
    pool_cap_minutes_per_month = models.PositiveIntegerField(null=True, blank=True)
    # When credit runs out, bookings are charged pay-as-you-go to the company.
    allow_overage = models.BooleanField(default=False)
    # Beyond the cap, a booking waits for the company admin's approval instead of
    # being refused; it holds its slot this many hours (never past its start).
    approval_beyond_cap = models.BooleanField(default=False)
    approval_hold_hours = models.PositiveIntegerField(default=48)
    # The front desk may book a walk-in guest of the company (not on its staff) billed to
    # the company pay-as-you-go, on its monthly invoice (billing/walkins.py).
    guests_allowed = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "company credit policies"
        constraints = [
            models.CheckConstraint(condition=Q(approval_hold_hours__gte=1,
                                               approval_hold_hours__lte=24 * 14),
                                   name="policy_approval_hold_in_range"),
        ]

    def __str__(self) -> str:
        return f"Credit policy of {self.company}"


class Allotment(TimeStampedModel):
    """A share of a pool for an employee, a team, one or more centres (a centre
    budget), or any mix: the filters combine. Each allotment has its own account,
    filled from the pool once (whole) or at the start of every month (monthly)."""

    company = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                related_name="allotments")
    pool = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="allotments")
    account = models.OneToOneField(CreditAccount, on_delete=models.PROTECT,
                                   related_name="allotment")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="allotments")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="allotments")
    # Empty means usable in every centre; otherwise only these (a centre budget).
    centres = models.ManyToManyField("network.Centre", blank=True, related_name="+")
    minutes_per_period = models.PositiveIntegerField()
    period = models.CharField(max_length=10, choices=AllotmentPeriodKind.choices,
                              default=AllotmentPeriodKind.WHOLE)
    at_period_end = models.CharField(max_length=10, choices=PeriodEnd.choices,
                                     default=PeriodEnd.RETURN)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["company", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes_per_period__gt=0),
                                   name="allotment_minutes_positive"),
            models.CheckConstraint(condition=~Q(member__isnull=False, team__isnull=False),
                                   name="allotment_member_or_team"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="allotment_ends_after_start"),
        ]

    def __str__(self) -> str:
        who = self.member or self.team or _("everyone")
        return f"{self.minutes_per_period // 60} h {self.get_period_display()} — {who}"


class AllotmentPeriod(models.Model):
    """One period of an allotment: what it was given and, once closed, what came back.
    The unique constraint makes the period job idempotent."""

    allotment = models.ForeignKey(Allotment, on_delete=models.PROTECT, related_name="periods")
    starts_on = models.DateField()
    ends_on = models.DateField()
    granted_minutes = models.PositiveIntegerField()
    returned_minutes = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["allotment", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["allotment", "starts_on"],
                                    name="allotment_period_unique_start"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="allotment_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.allotment_id}: {self.starts_on}–{self.ends_on}"


class MembershipPlan(TimeStampedModel):
    """For independents: a monthly fee with included hours, at one centre or in the
    whole network."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT,
                                related_name="membership_plans")
    centre = models.ForeignKey("network.Centre", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="membership_plans")
    name = models.CharField(max_length=100)
    monthly_fee_net = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(**RATE)
    included_minutes = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["network", "monthly_fee_net"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fee_net__gte=0),
                                   name="plan_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="memberships")
    plan = models.ForeignKey(MembershipPlan, on_delete=models.PROTECT, related_name="memberships")
    account = models.OneToOneField(CreditAccount, on_delete=models.PROTECT,
                                   related_name="membership")
    state = models.CharField(max_length=12, choices=MembershipState.choices,
                             default=MembershipState.ACTIVE)
    starts_on = models.DateField()
    # Set when cancelled: the last day of the period running then.
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=~Q(state=MembershipState.ENDED),
                name="membership_one_live_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.plan}"


class MembershipPeriod(models.Model):
    """One month of a membership: the fee to invoice (copied from the plan) and the
    hours it included."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="periods")
    starts_on = models.DateField()
    ends_on = models.DateField()
    fee_net = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(**RATE)
    included_minutes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["membership", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "starts_on"],
                                    name="membership_period_unique_start"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="membership_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.starts_on}–{self.ends_on}"


class PaygCharge(models.Model):
    """A booking paid as you go at the centre's price, copied when booked. Billed to
    the member, or to their company when it allows overage. A cancellation in time
    sets `cancelled_at` and the charge is not invoiced."""

    # A booking moved to another time releases its charge and takes a new one.
    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT,
                                related_name="payg_charges")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    bill_to = models.CharField(max_length=10, choices=PaygBillTo.choices)
    company = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="payg_charges")
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+")
    # Copied from the booking and its resource when charged, as the price is: the
    # invoice names its lines from the charges alone (no join with the bookings).
    slot = models.CharField(max_length=10, choices=Slot.choices)
    resource_kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    price_net = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(**RATE)
    service_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Paid on the spot at the front desk (a walk-in guest): its receipt, an invoice issued
    # and paid at once, bills it, so the month's invoice run leaves it out.
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The month's billable charges, read by the invoice run and the settlement.
            models.Index(fields=["service_date", "bill_to"],
                         condition=Q(cancelled_at__isnull=True), name="payg_billable_by_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price_net__gte=0), name="payg_price_not_negative"),
            models.CheckConstraint(
                condition=Q(bill_to=PaygBillTo.MEMBER) | Q(company__isnull=False),
                name="payg_company_when_billed_to_company",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking {self.booking_id}: {self.price_net} ({self.bill_to})"


class RoamingUsage(models.Model):
    """Credit of home network A used at a centre of allied network B, for the
    clearing between the two operators. Append-only and signed: a refunded booking
    adds a negative row, so the sum per period is what B is owed."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT,
                                related_name="roaming_usages")
    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT,
                                        related_name="roaming_usage")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    company = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                related_name="+")
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+")
    home_network = models.ForeignKey("network.Network", on_delete=models.PROTECT,
                                     related_name="+")
    host_network = models.ForeignKey("network.Network", on_delete=models.PROTECT,
                                     related_name="+")
    alliance = models.ForeignKey("network.Alliance", on_delete=models.PROTECT, related_name="+")
    minutes = models.IntegerField()
    hour_rate = models.DecimalField(**MONEY)
    value = models.DecimalField(**MONEY)
    service_date = models.DateField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(minutes=0), name="roaming_minutes_not_zero"),
            models.CheckConstraint(condition=~Q(home_network=F("host_network")),
                                   name="roaming_two_networks"),
        ]

    def __str__(self) -> str:
        return f"Booking {self.booking_id}: {self.minutes:+d} min at {self.centre_id}"
