from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartwork.accounts.models import LAT_VALIDATORS, LON_VALIDATORS
from smartwork.core.models import TimeStampedModel
from smartwork.network.choices import (
    DEFAULT_LABEL_CHECKLIST,
    DEFAULT_MINI_LABEL_CHECKLIST,
    AllianceStatus,
    CentreFormat,
    HostedVisibility,
    LabelStatus,
    LabelTier,
    ResourceKind,
    SettlementPeriod,
    WifiAccessRule,
)

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def default_checklist() -> list[dict[str, str]]:
    return [dict(item) for item in DEFAULT_LABEL_CHECKLIST]


def default_mini_checklist() -> list[dict[str, str]]:
    return [dict(item) for item in DEFAULT_MINI_LABEL_CHECKLIST]


class Network(TimeStampedModel):
    """A set of centres under one operator, with its commission and rules."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(unique=True)
    operator = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="operated_networks",
        verbose_name=_("operator"),
    )
    currency = models.CharField(max_length=3, default="EUR")
    default_vat_rate = models.DecimalField(
        _("default VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("21.00"),
        validators=PERCENT_VALIDATORS,
    )
    commission_rate = models.DecimalField(
        _("commission paid by centres (%)"), max_digits=5, decimal_places=2,
        default=Decimal("15.00"), validators=PERCENT_VALIDATORS,
    )
    booking_window_days = models.PositiveIntegerField(
        _("members may book this many days ahead"), default=90
    )
    cancellation_deadline_hours = models.PositiveIntegerField(
        _("free cancellation until this many hours before the start"), default=24
    )
    credit_hour_value = models.DecimalField(
        _("value of one credit hour"), max_digits=8, decimal_places=2, default=Decimal("6.00")
    )
    desk_half_day_hours = models.PositiveSmallIntegerField(default=4)
    desk_full_day_hours = models.PositiveSmallIntegerField(default=8)
    room_hour_factor = models.PositiveSmallIntegerField(default=2)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    wifi_access_rule = models.CharField(
        max_length=20, choices=WifiAccessRule.choices, default=WifiAccessRule.ALL_MEMBERS
    )
    label_checklist = models.JSONField(default=default_checklist)
    # The mini tier (issue #21): its own checklist, and its price rule for credit: a
    # desk or room there costs this share of the credit hours of a full centre.
    mini_label_checklist = models.JSONField(default=default_mini_checklist)
    mini_credit_percent = models.PositiveSmallIntegerField(
        _("credit charged at a mini centre (% of a full centre)"), default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mini_credit_percent__gte=1) & Q(mini_credit_percent__lte=100),
                name="network_mini_credit_percent_1_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Alliance(TimeStampedModel):
    """Two networks whose members may book each other's labelled centres."""

    network_a = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    network_b = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=AllianceStatus.choices, default=AllianceStatus.PROPOSED
    )
    # What the host network is paid per credit hour used by a guest member.
    clearing_hour_rate = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("5.00")
    )
    # Terms (issue #21, part 4): how often the roaming is cleared, and which centres of
    # each side are open to the other's members (none named: every labelled centre).
    settlement_period = models.CharField(
        max_length=10, choices=SettlementPeriod.choices, default=SettlementPeriod.MONTHLY
    )
    open_centres = models.ManyToManyField("network.Centre", blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(network_a=F("network_b")), name="alliance_two_networks"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="alliance_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network_a} ↔ {self.network_b}"


class Centre(TimeStampedModel):
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="centres", verbose_name=_("network")
    )
    operator = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="operated_centres",
        verbose_name=_("operating organisation"),
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(unique=True)
    description = models.TextField(_("description"), blank=True)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="BE")
    address_is_demo = models.BooleanField(default=False)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=LAT_VALIDATORS
    )
    lon = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=LON_VALIDATORS
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    morning_start = models.TimeField(default=dt.time(8, 30))
    morning_end = models.TimeField(default=dt.time(12, 30))
    afternoon_start = models.TimeField(default=dt.time(13, 30))
    afternoon_end = models.TimeField(default=dt.time(17, 30))
    no_show_grace_minutes = models.PositiveSmallIntegerField(
        _("release a booking not checked in after (minutes)"), default=30
    )
    services = models.JSONField(_("services"), default=list, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    photo = models.ImageField(upload_to="centres/", blank=True)
    label_status = models.CharField(
        _("label"), max_length=10, choices=LabelStatus.choices, default=LabelStatus.CANDIDATE,
        db_index=True,
    )
    label_changed_at = models.DateTimeField(null=True, blank=True)
    # Formats (issue #21, part 3): the label tier, and for desks a customer company
    # opens in its own office, that company and who may see them.
    label_tier = models.CharField(
        _("label tier"), max_length=10, choices=LabelTier.choices, default=LabelTier.FULL
    )
    host_company = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="hosted_centres", verbose_name=_("host company"),
    )
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=HostedVisibility.choices,
        default=HostedVisibility.EVERYONE,
    )
    partner_companies = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="partner_of_centres",
        verbose_name=_("partner companies"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(host_company__isnull=False) | Q(visibility="everyone"),
                name="centre_visibility_needs_host",
            ),
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(afternoon_start__lt=F("afternoon_end"))
                & Q(morning_end__lte=F("afternoon_start")),
                name="centre_slot_times_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"

    @property
    def format(self) -> str:
        if self.host_company_id is not None:
            return CentreFormat.HOSTED.value
        return CentreFormat.MINI.value if self.label_tier == LabelTier.MINI else \
            CentreFormat.FULL.value

    @property
    def format_label(self) -> str:
        return str(CentreFormat(self.format).label)


class OpeningHours(models.Model):
    """One opening interval on a weekday (0 = Monday); several per day allowed."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="hours_open_before_close"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_0_6"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday}: {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """Days a centre is closed (holidays, works), from start to end inclusive."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="closure_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date}: {self.reason}"


class Inspection(TimeStampedModel):
    """A label visit: each checklist item passed or failed, with a note."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="inspections")
    visited_on = models.DateField()
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    inspector_name = models.CharField(max_length=150)
    # [{"code", "label", "passed", "note"}] copied from the network's standard.
    checklist = models.JSONField()
    # The tier inspected against: a passed mini inspection does not label a full centre.
    tier = models.CharField(max_length=10, choices=LabelTier.choices, default=LabelTier.FULL)
    passed = models.BooleanField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.centre} {self.visited_on} {'passed' if self.passed else 'failed'}"


class LabelEvent(models.Model):
    """Each change of a centre's label status, with its reason."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="label_events")
    from_status = models.CharField(max_length=10, choices=LabelStatus.choices)
    to_status = models.CharField(max_length=10, choices=LabelStatus.choices)
    reason = models.TextField(blank=True)
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.from_status} → {self.to_status}"


class Resource(TimeStampedModel):
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    equipment = models.JSONField(_("equipment"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["centre", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="resource_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.centre.name} — {self.name}"


class Price(models.Model):
    """What a centre charges for a resource kind, from a date on."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="prices")
    resource_kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    per_half_day = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    per_day = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    per_hour = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    vat_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("21.00"), validators=PERCENT_VALIDATORS
    )
    valid_from = models.DateField()

    class Meta:
        ordering = ["centre", "resource_kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "resource_kind", "valid_from"], name="price_unique_from"
            ),
            models.CheckConstraint(
                condition=(Q(per_half_day__isnull=True) | Q(per_half_day__gte=0))
                & (Q(per_day__isnull=True) | Q(per_day__gte=0))
                & (Q(per_hour__isnull=True) | Q(per_hour__gte=0)),
                name="price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.resource_kind} from {self.valid_from}"
