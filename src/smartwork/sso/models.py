"""A company's single sign-on: its OpenID Connect provider and the email domains that
route the login page to it. A domain belongs to one company only (a unique constraint)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class CompanySso(models.Model):
    company = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                   related_name="sso")
    issuer = models.URLField(_("issuer URL"), max_length=300)
    client_id = models.CharField(_("client id"), max_length=200)
    # Encrypted with a key derived from SECRET_KEY (sso/sealing.py); never shown back.
    client_secret_encrypted = models.TextField(blank=True)
    # An ID-token claim that marks a leaver when true (e.g. "employee_left"); empty: none.
    leaver_claim = models.CharField(_("leaver claim"), max_length=100, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company single sign-on")

    def __str__(self) -> str:
        return f"{self.company} → {self.issuer}"

    @property
    def has_secret(self) -> bool:
        return bool(self.client_secret_encrypted)


class SsoDomain(models.Model):
    sso = models.ForeignKey(CompanySso, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("email domain"), max_length=253)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="sso_domain_unique"),
        ]

    def __str__(self) -> str:
        return self.domain



class SsoStateUse(models.Model):
    """A login flow's state, claimed when the provider's answer comes back (its SHA-256,
    never the state itself). Unique: of two callbacks with one state (a double click, a
    replay while the first runs, both having read the session before either saved it)
    one inserts and goes on, the other is refused. Kept a day (services.STATE_KEEP),
    longer than a flow may last (services.FLOW_MAX_AGE)."""

    state_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.state_hash[:12]}… {self.used_at:%Y-%m-%d %H:%M}"
