from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthResult(models.TextChoices):
    ACCEPT = "accept", _("Accepted")
    REJECT = "reject", _("Rejected")


class AuthReason(models.TextChoices):
    """Why an Access-Request was accepted or rejected: shown to the operator."""

    OK = "ok", _("Accepted")
    UNKNOWN_USER = "unknown_user", _("Unknown WiFi username")
    BAD_PASSWORD = "bad_password", _("Wrong password")
    NO_PASSWORD = "no_password", _("No password in the request (PAP only)")
    RATE_LIMITED = "rate_limited", _("Too many failed attempts: login locked for a while")
    IDENTITY_DISABLED = "identity_disabled", _("WiFi login disabled")
    MEMBER_INACTIVE = "member_inactive", _("Member deactivated")
    COMPANY_INACTIVE = "company_inactive", _("The member's company is deactivated")
    NO_RIGHT = "no_right", _("No right to this centre (network, alliance or label)")
    NO_CREDIT = "no_credit", _("No credit left")
    NO_BOOKING = "no_booking", _("No booking at this centre today")
    CENTRE_CLOSED = "centre_closed", _("The centre is closed now")
    NAS_DISABLED = "nas_disabled", _("Access point disabled")


class Via(models.TextChoices):
    RADIUS = "radius", _("Built-in RADIUS server")
    REST = "rest", _("FreeRADIUS (REST)")


class AcctStatus(models.TextChoices):
    START = "start", _("Start")
    INTERIM = "interim", _("Interim-Update")
    STOP = "stop", _("Stop")


# RFC 2866 Acct-Status-Type values.
ACCT_STATUS_CODES = {1: AcctStatus.START, 2: AcctStatus.STOP, 3: AcctStatus.INTERIM}
ACCT_STATUS_NAMES = {
    "start": AcctStatus.START, "stop": AcctStatus.STOP, "interim-update": AcctStatus.INTERIM,
    "interim": AcctStatus.INTERIM, "alive": AcctStatus.INTERIM,
}
