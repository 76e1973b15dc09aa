from django.db import models
from django.utils.translation import gettext_lazy as _


class Slot(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    FULL_DAY = "full_day", _("Full day")
    # Rooms: a local time range on the 15-minute grid.
    RANGE = "range", _("Time range")


DAY_SLOTS = (Slot.MORNING, Slot.AFTERNOON, Slot.FULL_DAY)
ROOM_GRID_MINUTES = 15


class BookingState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    # Beyond the employee's monthly cap: holds the resource, no credit taken yet,
    # until the company admin approves (-> confirmed) or rejects (-> cancelled).
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# States that hold the resource: never two of these overlap on one resource
# (the exclusion constraint on PostgreSQL lists the same values).
LIVE_STATES = (BookingState.CONFIRMED, BookingState.CHECKED_IN, BookingState.COMPLETED,
               BookingState.PENDING_APPROVAL)


class CheckInVia(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    QR = "qr", _("QR code")
    WIFI = "wifi", _("WiFi")
    API = "api", _("API")


class PaymentMethod(models.TextChoices):
    CREDIT = "credit", _("Company time credit")
    MEMBERSHIP = "membership", _("Membership")
    PAYG = "payg", _("Pay as you go")


class SeriesKind(models.TextChoices):
    DATES = "dates", _("Several days")
    WEEKLY = "weekly", _("Weekly")


class ConflictPolicy(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    SKIP = "skip", _("Skip the dates that conflict")


MAX_SERIES_OCCURRENCES = 60
# A member may check in this long before the start.
CHECK_IN_EARLY_MINUTES = 60


class ReminderChoice(models.TextChoices):
    """When a member wants to be reminded of a booking (profile)."""

    NONE = "none", _("No reminder")
    DAY_BEFORE = "day_before", _("The day before")
    HOUR_BEFORE = "hour_before", _("An hour before")
    BOTH = "both", _("The day before and an hour before")


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("The day before")
    HOUR_BEFORE = "hour_before", _("An hour before")


class FloorPlanFormat(models.TextChoices):
    SVG = "image/svg+xml", "SVG"
    PNG = "image/png", "PNG"
