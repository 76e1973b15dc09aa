"""Two-factor login: recovery codes, passkeys and the policies that require it.

The TOTP secrets are django-otp's `TOTPDevice` rows (django_otp.plugins.otp_totp);
passkeys are WebAuthn credentials verified by py_webauthn. Recovery codes are stored as
SHA-256 hashes of random codes (about 60 bits each), never in clear, and each is used
once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecoveryCode(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"recovery code of user {self.user_id}"


class Passkey(models.Model):
    """A WebAuthn credential (a passkey or a security key) registered by its user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="passkeys")
    name = models.CharField(_("name"), max_length=100)
    credential_id = models.BinaryField(max_length=1023)
    credential_id_b64 = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class NetworkPolicy(models.Model):
    """A network's rule: its operators, centre managers and company admins must log in
    with a second factor. Until `grace_until` (included) they may still put it off."""

    network = models.OneToOneField("network.Network", on_delete=models.CASCADE,
                                   primary_key=True, related_name="two_factor_policy")
    staff_required = models.BooleanField(default=False)
    grace_until = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"two-factor policy ({'required' if self.staff_required else 'optional'})"


class CompanyPolicy(models.Model):
    """A company's rule: every one of its staff must log in with a second factor."""

    company = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                   primary_key=True, related_name="two_factor_policy")
    staff_required = models.BooleanField(default=False)
    grace_until = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"two-factor policy ({'required' if self.staff_required else 'optional'})"
