"""States, places and constants of the smart-working policy and the weekly plan."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.TextChoices):
    """Where an employee works on a day (the weekly plan)."""

    HEAD_OFFICE = "head_office", _("Head office")
    CENTRE = "centre", _("Centre")
    HOME = "home", _("Home")
    TRAVELLING = "travelling", _("Travelling")
    OFF = "off", _("Off")


# Places that count as remote days (away from the head office, working).
REMOTE_PLACES = (Place.CENTRE, Place.HOME)
WORKING_PLACES = (Place.HEAD_OFFICE, Place.CENTRE, Place.HOME, Place.TRAVELLING)


class AllowedPlace(models.TextChoices):
    """The places a policy allows."""

    HEAD_OFFICE = "head_office", _("Head office")
    HOME = "home", _("Home")
    NETWORK_CENTRES = "network_centres", _("The network's centres")
    ALLIED_NETWORKS = "allied_networks", _("Centres of allied networks")


class CapMode(models.TextChoices):
    """How the remote days of a week are capped."""

    TOGETHER = "together", _("Home and centres together")
    SEPARATE = "separate", _("Home and centres capped separately")


class RuleAction(models.TextChoices):
    """What a booking that breaks a rule of the policy gets."""

    REFUSE = "refuse", _("Refused")
    APPROVAL = "approval", _("Sent for the company's approval")


class TeamDayPlace(models.TextChoices):
    HEAD_OFFICE = "head_office", _("Head office")
    CENTRE = "centre", _("Centre")


class Rating(models.TextChoices):
    """Where an activity can be done (activity analysis)."""

    HEAD_OFFICE = "head_office", _("Needs the head office")
    CENTRE = "centre", _("Can be done at a centre")
    HOME = "home", _("Can be done at home")


class BestPlace(models.TextChoices):
    """Where an employee does an activity best (questionnaire)."""

    HEAD_OFFICE = "head_office", _("Head office")
    CENTRE = "centre", _("Centre")
    HOME = "home", _("Home")


class EquipmentKind(models.TextChoices):
    LAPTOP = "laptop", _("Laptop")
    SCREEN = "screen", _("Screen")
    HEADSET = "headset", _("Headset")
    PHONE = "phone", _("Phone")
    ROUTER = "router", _("4G router")
    CHAIR = "chair", _("Chair")
    OTHER = "other", _("Other")


class TeamEventKind(models.TextChoices):
    ROOM = "room", _("A meeting room")
    DESKS = "desks", _("A block of desks")


WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)
DEFAULT_WORKING_DAYS = [0, 1, 2, 3, 4]
# Aggregates of fewer people are folded (as in insights).
PRIVACY_THRESHOLD = 5
