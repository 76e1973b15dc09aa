from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    TALK = "talk", _("Talk")
    LUNCH = "lunch", _("Lunch")
    WORKSHOP = "workshop", _("Workshop")
    OTHER = "other", _("Other")


# Messages a member may send: at most so many in the last hour and the last day
# (counted from the stored messages, under the sender's profile row lock).
MESSAGES_PER_HOUR = 10
MESSAGES_PER_DAY = 30
MESSAGE_MAX_LENGTH = 2000
EVENT_LANGUAGES = ("fr", "nl", "de", "en")
