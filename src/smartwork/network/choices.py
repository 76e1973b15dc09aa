from django.db import models
from django.utils.translation import gettext_lazy as _


class LabelStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    LABELLED = "labelled", _("Labelled")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AllianceStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class ResourceKind(models.TextChoices):
    DESK = "desk", _("Desk")
    MEETING_ROOM = "meeting_room", _("Meeting room")
    TELEPRESENCE_ROOM = "telepresence_room", _("Telepresence room")
    PRIVATE_OFFICE = "private_office", _("Private office")


# Desks and offices are booked by half-day or day; rooms by the hour.
SLOT_KINDS = {ResourceKind.DESK, ResourceKind.PRIVATE_OFFICE}
RANGE_KINDS = {ResourceKind.MEETING_ROOM, ResourceKind.TELEPRESENCE_ROOM}


class Service(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    MEETING_ROOM = "meeting_room", _("Meeting rooms")
    TELEPRESENCE = "telepresence", _("Telepresence")
    RESTAURANT = "restaurant", _("Restaurant")
    PARKING = "parking", _("Parking")
    SHOWERS = "showers", _("Showers")
    BIKE_PARKING = "bike_parking", _("Bike parking")
    PRINTER = "printer", _("Printer")
    LOCKERS = "lockers", _("Lockers")
    ACCESSIBLE = "accessible", _("Step-free access")
    PUBLIC_TRANSPORT = "public_transport", _("Near public transport")


class Equipment(models.TextChoices):
    SCREEN = "screen", _("Screen")
    DOCKING = "docking", _("Docking station")
    PROJECTOR = "projector", _("Projector")
    VIDEO_CONFERENCE = "video_conference", _("Video-conference kit")
    WHITEBOARD = "whiteboard", _("Whiteboard")
    PHONE = "phone", _("Phone")


class WifiAccessRule(models.TextChoices):
    ALL_MEMBERS = "all_members", _("Open to every member with credit")
    BOOKING_REQUIRED = "booking_required", _("Only members with a booking there today")


# The network's standard checklist for the label (from the Walloon network's terms:
# a permanent receptionist, at least eight workstations, the standard equipment).
DEFAULT_LABEL_CHECKLIST: list[dict[str, str]] = [
    {"code": "permanent_reception", "label": "Permanent receptionist during opening hours"},
    {"code": "min_workstations", "label": "At least 8 workstations"},
    {"code": "secure_wifi", "label": "Secure WiFi (WPA2/3-Enterprise) with the network login"},
    {"code": "printer", "label": "Printer and scanner"},
    {"code": "video_conference", "label": "Video-conference kit in a meeting room"},
    {"code": "lockers", "label": "Lockers for members"},
    {"code": "meeting_room", "label": "At least one bookable meeting room"},
    {"code": "accessibility", "label": "Accessible entrance and toilets"},
]

MIN_LABEL_DESKS = 8


# --- Formats (issue #21, part 3) ------------------------------------------------------


class LabelTier(models.TextChoices):
    """The label a centre is inspected against: the full label, or the mini tier below it
    (fewer desks, no permanent reception but code or QR access)."""

    FULL = "full", _("Full label")
    MINI = "mini", _("Mini centre")


class CentreFormat(models.TextChoices):
    """What members see: a full labelled centre, a mini centre, or desks a company opens
    in its own office (whatever tier they were labelled at)."""

    FULL = "full", _("Full label")
    MINI = "mini", _("Mini centre")
    HOSTED = "hosted", _("Company-hosted")


class HostedVisibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone in the network")
    COMPANY = "company", _("The host company's members only")
    PARTNERS = "partners", _("The host company and named partner companies")


class SettlementPeriod(models.TextChoices):
    """How often an alliance's roaming is cleared."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


# The mini tier's checklist: what a small space needs to take the network's members
# without a permanent receptionist (the Walloon network's "Smart Work Centers mini").
DEFAULT_MINI_LABEL_CHECKLIST: list[dict[str, str]] = [
    {"code": "code_or_qr_access", "label": "Entry by code or QR access, no permanent reception"},
    {"code": "min_workstations", "label": "At least 2 workstations"},
    {"code": "secure_wifi", "label": "Secure WiFi (WPA2/3-Enterprise) with the network login"},
    {"code": "contact_on_call", "label": "A contact person reachable by phone during opening hours"},
    {"code": "accessibility", "label": "Accessible entrance and toilets"},
]

MIN_MINI_DESKS = 2
MIN_DESKS_BY_TIER = {LabelTier.FULL: MIN_LABEL_DESKS, LabelTier.MINI: MIN_MINI_DESKS}
