from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from smartwork.wifi.choices import AuthReason, AuthResult, Via


def validate_ip_network(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise ValidationError(_("Give an IP address or a CIDR range (e.g. 10.1.2.0/24).")) from exc


class WifiIdentity(models.Model):
    """A member's one WiFi login, the same in every centre. The password is stored
    as a keyed hash (see wifi.crypto); the clear password is shown once."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wifi_identity"
    )
    username = models.CharField(_("WiFi username"), max_length=64, unique=True)
    password_hash = models.CharField(max_length=128)
    password_set_at = models.DateTimeField()
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Rate limiting of failed attempts (per identity, shared by every server process).
    failed_attempts = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("WiFi identity")
        verbose_name_plural = _("WiFi identities")
        constraints = [
            models.CheckConstraint(
                condition=Q(username=Lower("username")),
                name="wifi_username_lowercase",
            ),
        ]

    def __str__(self) -> str:
        return self.username


class Nas(models.Model):
    """An access point (RADIUS client) of a centre, known by its IP address or range."""

    centre = models.ForeignKey(
        "network.Centre", on_delete=models.PROTECT, related_name="access_points",
        verbose_name=_("centre"),
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(
        _("IP address or range"), max_length=64, validators=[validate_ip_network],
        help_text=_("An address (192.0.2.10) or a CIDR range (192.0.2.0/28)."),
    )
    # Fernet token (wifi.crypto): RADIUS needs the clear secret to check authenticators.
    secret_encrypted = models.TextField()
    require_message_authenticator = models.BooleanField(
        _("require Message-Authenticator"), default=True,
        help_text=_("Drop Access-Requests without one (BlastRADIUS protection)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["centre", "name"]
        verbose_name = _("access point (NAS)")
        verbose_name_plural = _("access points (NAS)")
        constraints = [
            models.UniqueConstraint(fields=["address"], condition=Q(is_active=True),
                                    name="nas_unique_active_address"),
            models.UniqueConstraint(fields=["centre", "name"], name="nas_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.address})"

    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_network(self.address, strict=False)


class PresenceSession(models.Model):
    """A member's WiFi session in a centre, from RADIUS accounting. Read by insights."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="presence_sessions"
    )
    centre = models.ForeignKey(
        "network.Centre", on_delete=models.PROTECT, related_name="presence_sessions"
    )
    nas = models.ForeignKey(Nas, on_delete=models.PROTECT, related_name="sessions")
    acct_session_id = models.CharField(max_length=128)
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_update_at = models.DateTimeField()
    input_octets = models.BigIntegerField(default=0)
    output_octets = models.BigIntegerField(default=0)
    stop_cause = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["nas", "acct_session_id"],
                                    name="presence_unique_nas_session"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="presence_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(input_octets__gte=0) & Q(output_octets__gte=0),
                name="presence_octets_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "started_at"]),
            models.Index(fields=["member", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.centre_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class AuthAttempt(models.Model):
    """Every accept and reject, with its reason, for the operator. Never a password."""

    created_at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=64)
    identity = models.ForeignKey(WifiIdentity, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    nas = models.ForeignKey(Nas, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    centre = models.ForeignKey("network.Centre", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(max_length=10, choices=AuthResult.choices)
    reason = models.CharField(max_length=30, choices=AuthReason.choices)
    via = models.CharField(max_length=10, choices=Via.choices)
    session_timeout = models.PositiveIntegerField(null=True, blank=True)
    calling_station_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "created_at"]),
            models.Index(fields=["member", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.result} {self.reason}"


class RadiusRestToken(models.Model):
    """A token for a FreeRADIUS server calling the REST endpoints of one network.
    Only its SHA-256 is stored."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE,
                                related_name="radius_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
