"""Bookings: a series (several days, weekly) holds its occurrences as plain bookings."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartwork.bookings.choices import (
    BookingState,
    CheckInVia,
    ConflictPolicy,
    FloorPlanFormat,
    PaymentMethod,
    ReminderChoice,
    ReminderKind,
    SeriesKind,
    Slot,
)


class BookingSeries(models.Model):
    """What was asked for once: several dates or a weekly repeat; each date is a Booking."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="booking_series")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    resource = models.ForeignKey("network.Resource", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=SeriesKind.choices)
    slot = models.CharField(max_length=10, choices=Slot.choices)
    # Local times for room ranges; empty for day slots.
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    dates = models.JSONField(default=list)
    conflict_policy = models.CharField(max_length=20, choices=ConflictPolicy.choices)
    skipped = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "booking series"

    def __str__(self) -> str:
        return f"Series {self.pk} ({self.kind}, {len(self.dates)} dates)"


class Booking(models.Model):
    """A member's hold on a resource for a slot. Never deleted: cancelled with a reason."""

    # No single-column index on member, resource, centre: the (member, start),
    # (resource, start) and (centre, start) indexes below lead with them, and every
    # index is one more write per booking (issue #4).
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="bookings", verbose_name=_("member"),
                               db_index=False)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("booked by"))
    resource = models.ForeignKey("network.Resource", on_delete=models.PROTECT,
                                 related_name="bookings", verbose_name=_("resource"),
                                 db_index=False)
    # Denormalised from the resource: every list is per centre.
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                               related_name="bookings", verbose_name=_("centre"),
                               db_index=False)
    series = models.ForeignKey(BookingSeries, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="occurrences")
    slot = models.CharField(_("slot"), max_length=10, choices=Slot.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    state = models.CharField(_("state"), max_length=20, choices=BookingState.choices,
                             default=BookingState.CONFIRMED)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_via = models.CharField(max_length=10, choices=CheckInVia.choices, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    cancel_reason = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Pending approval: the slot is held until then (never past the start).
    hold_until = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    no_show_at = models.DateTimeField(null=True, blank=True)
    payment_method = models.CharField(max_length=12, choices=PaymentMethod.choices,
                                      default=PaymentMethod.PAYG)
    price_net = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    credit_minutes = models.PositiveIntegerField(default=0)
    # iCalendar SEQUENCE: raised on every change so calendar clients replace the event.
    sequence = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["resource", "start"], name="booking_resource_start"),
            models.Index(fields=["centre", "start"], name="booking_centre_start"),
            models.Index(fields=["member", "start"], name="booking_member_start"),
            models.Index(fields=["state", "start"], name="booking_state_start"),
        ]
        # On PostgreSQL the migration adds an exclusion constraint
        # (booking_no_overlap) over (resource, tstzrange(start, end)) for live states.
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="booking_start_before_end"),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | Q(cancelled_at__isnull=False),
                name="booking_cancelled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="pending_approval") | Q(hold_until__isnull=False),
                name="booking_pending_has_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk} {self.resource_id} {self.start:%Y-%m-%d %H:%M}"

    @property
    def ical_uid(self) -> str:
        return f"booking-{self.pk}@smartwork"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's private iCalendar feed: the token in the URL is the only key."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.member_id}"


class FloorPlan(models.Model):
    """A drawing of one floor of a centre (SVG or PNG), uploaded by its manager. The
    image is kept in the database and only ever served as an image (`<img>`, with a
    sandboxing Content-Security-Policy), never inlined in a page."""

    centre = models.ForeignKey("network.Centre", on_delete=models.CASCADE,
                               related_name="floor_plans")
    name = models.CharField(_("name"), max_length=100)
    level = models.SmallIntegerField(_("floor"), default=0)
    image = models.BinaryField()
    content_type = models.CharField(max_length=20, choices=FloorPlanFormat.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["centre", "level", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "level"], name="floorplan_one_per_floor"),
            models.CheckConstraint(condition=Q(width__gt=0) & Q(height__gt=0),
                                   name="floorplan_has_size"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.centre_id}, floor {self.level})"


class PlacePosition(models.Model):
    """Where a desk or room sits on a floor plan: the centre of its marker, in percent
    of the plan's width and height. A resource is on one plan at most."""

    plan = models.ForeignKey(FloorPlan, on_delete=models.CASCADE, related_name="positions")
    resource = models.OneToOneField("network.Resource", on_delete=models.CASCADE,
                                    related_name="place")
    x = models.DecimalField(max_digits=5, decimal_places=2)
    y = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["plan", "resource"]
        constraints = [
            models.CheckConstraint(condition=Q(x__gte=0) & Q(x__lte=100) & Q(y__gte=0)
                                   & Q(y__lte=100), name="place_inside_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} at {self.x},{self.y} on {self.plan_id}"


class ReminderPreference(models.Model):
    """When a member wants a reminder of their bookings (none by default)."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="reminder_preference")
    when = models.CharField(_("reminders"), max_length=12, choices=ReminderChoice.choices,
                            default=ReminderChoice.NONE)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.when}"


class ReminderSent(models.Model):
    """One reminder of one booking, written in the transaction that writes its mail to
    the outbox: the unique constraint makes it once, whatever the number of workers."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder of {self.booking_id}"


class Favourite(models.Model):
    """A centre, or one desk or room of it, that a member marked as favourite. The
    member's own: only they read or change it. `centre` is the resource's centre when a
    resource is marked (every list is per centre). The database keeps one row per
    member and centre, and one per member and resource."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="favourites")
    centre = models.ForeignKey("network.Centre", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey("network.Resource", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "centre"],
                                    condition=Q(resource__isnull=True),
                                    name="favourite_centre_once"),
            models.UniqueConstraint(fields=["member", "resource"],
                                    condition=Q(resource__isnull=False),
                                    name="favourite_resource_once"),
        ]

    def __str__(self) -> str:
        return f"Favourite of {self.member_id}: centre {self.centre_id}, resource {self.resource_id}"
class ColleagueSharing(models.Model):
    """Whether a member shows their desk bookings (centre, day, slot, desk) to the other
    employees of their company (off by default: colleagues see only what the person
    allowed). A choice of its own, not the weekly plan's `show_centre_name`, which is
    about one's teams and the centre's name only (docs/bookings.md, "Colleagues")."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="colleague_sharing")
    show_bookings = models.BooleanField(_("show my bookings to colleagues of my company"),
                                        default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member_id}: {'shown' if self.show_bookings else 'hidden'}"
