"""Texts stored in the database in English whose translation the pages show:
listed here so that makemessages finds them (the network's label checklist)."""

from django.utils.translation import gettext_noop

LABEL_CHECKLIST_TEXTS = [
    gettext_noop("Permanent receptionist during opening hours"),
    gettext_noop("At least 8 workstations"),
    gettext_noop("Secure WiFi (WPA2/3-Enterprise) with the network login"),
    gettext_noop("Printer and scanner"),
    gettext_noop("Video-conference kit in a meeting room"),
    gettext_noop("Lockers for members"),
    gettext_noop("At least one bookable meeting room"),
    gettext_noop("Accessible entrance and toilets"),
]
