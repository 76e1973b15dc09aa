from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartwork.accounts.choices import (
    PEPPOL_SCHEME_BE_ENTERPRISE,
    CommuteMode,
    CompanySize,
    Language,
    OrganisationKind,
    PayoutChangeState,
    Role,
    Sector,
)
from smartwork.core.models import TimeStampedModel

LAT_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LON_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


class Organisation(TimeStampedModel):
    """A customer company, a centre's operator or a network's operator."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    sector = models.CharField(
        _("sector"), max_length=10, choices=Sector.choices, default=Sector.PRIVATE
    )
    size = models.CharField(_("size"), max_length=20, choices=CompanySize.choices, blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=10, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    # What a Belgian company prints beside its enterprise number (Code of companies and
    # associations, art. 2:20): its legal form ("SRL", "NV", "ASBL") and the register of
    # legal entities with the court of its seat ("RPM Liège, division Namur").
    legal_form = models.CharField(_("legal form"), max_length=30, blank=True)
    register_court = models.CharField(_("register court (RPM/RPR)"), max_length=100,
                                      blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="BE")
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    peppol_scheme = models.CharField(
        _("Peppol scheme"), max_length=4, default=PEPPOL_SCHEME_BE_ENTERPRISE, blank=True
    )
    peppol_id = models.CharField(_("Peppol identifier"), max_length=50, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # The network a customer company buys from (operators leave it empty).
    network = models.ForeignKey(
        "network.Network", null=True, blank=True, on_delete=models.PROTECT,
        related_name="customers", verbose_name=_("network"),
    )
    # Every network the organisation works with: a customer's network, the networks of
    # the centres a centre operator runs, the networks an operator runs. Operators act on
    # an organisation only through it (accounts.selectors.organisation_network_ids).
    networks = models.ManyToManyField(
        "network.Network", blank=True, related_name="organisations",
        verbose_name=_("networks"),
    )
    head_office_town = models.CharField(_("head office town"), max_length=100, blank=True)
    head_office_lat = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT_VALIDATORS
    )
    head_office_lon = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=LON_VALIDATORS
    )
    default_commute_mode = models.CharField(
        max_length=20, choices=CommuteMode.choices, default=CommuteMode.CAR
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="organisation_unique_enterprise_number",
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def peppol_endpoint(self) -> str:
        return f"{self.peppol_scheme}:{self.peppol_id}" if self.peppol_id else ""


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users log in by email: an email is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One person, one identity in every centre and network: a member."""

    email = models.EmailField(_("email"), unique=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)  # type: ignore[misc]
    is_staff = models.BooleanField(_("staff (admin site)"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # The employer; empty for an independent member.
    company = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="employees", verbose_name=_("company"),
    )
    # The member's own network: where they book without an alliance.
    network = models.ForeignKey(
        "network.Network", null=True, blank=True, on_delete=models.PROTECT,
        related_name="members", verbose_name=_("network"),
    )
    home_town = models.CharField(_("home town"), max_length=100, blank=True)
    home_lat = models.DecimalField(
        _("home latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=LAT_VALIDATORS,
    )
    home_lon = models.DecimalField(
        _("home longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=LON_VALIDATORS,
    )
    commute_mode = models.CharField(
        _("commute mode"), max_length=20, choices=CommuteMode.choices, blank=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class RoleAssignment(models.Model):
    """A role, scoped: operator staff of a network, manager or receptionist of a
    centre, admin of a company. Being a member needs no assignment."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    network = models.ForeignKey(
        "network.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    centre = models.ForeignKey(
        "network.Centre", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=Role.OPERATOR, network__isnull=False, centre__isnull=True,
                      organisation__isnull=True)
                    | Q(role__in=[Role.CENTRE_MANAGER, Role.RECEPTIONIST], centre__isnull=False,
                        network__isnull=True, organisation__isnull=True)
                    | Q(role=Role.COMPANY_ADMIN, organisation__isnull=False,
                        network__isnull=True, centre__isnull=True)
                ),
                name="role_scope_matches_role",
            ),
            # One assignment per user, role and scope: a concurrent double assign
            # fails here and get_or_create returns the row that won.
            models.UniqueConstraint(fields=["user", "role", "network"],
                                    condition=Q(network__isnull=False),
                                    name="role_unique_per_network"),
            models.UniqueConstraint(fields=["user", "role", "centre"],
                                    condition=Q(centre__isnull=False),
                                    name="role_unique_per_centre"),
            models.UniqueConstraint(fields=["user", "role", "organisation"],
                                    condition=Q(organisation__isnull=False),
                                    name="role_unique_per_organisation"),
        ]

    def __str__(self) -> str:
        scope = self.network or self.centre or self.organisation
        return f"{self.user} — {self.get_role_display()} — {scope}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# --- Staff: teams and invitations (issue 5) ---------------------------------------


class Team(TimeStampedModel):
    """A group of a company's employees, e.g. to share an allotment of credit."""

    company = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="teams", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """An employee in a team; a person may be in several teams of their company."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class Invitation(models.Model):
    """An invitation for a person to join a company's staff, accepted through a
    signed link that expires (the token itself is never stored)."""

    company = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    # Accepting also makes the person an admin of the company (the operator's onboarding).
    as_admin = models.BooleanField(default=False)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="accepted_invitations")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per person and company: re-inviting renews it.
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"


class PayoutChange(models.Model):
    """A proposed change of a centre operator's payout data (IBAN, BIC): its own centre
    manager proposes it, the operator of one of its networks approves or rejects it.
    Kept as the record of who asked and who decided (append-only but for the decision)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="payout_changes",
                                     verbose_name=_("organisation"))
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    previous_iban = models.CharField(max_length=34, blank=True)
    previous_bic = models.CharField(max_length=11, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PayoutChangeState.choices,
                             default=PayoutChangeState.PROPOSED)
    proposed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One open proposal per organisation at a time.
            models.UniqueConstraint(fields=["organisation"],
                                    condition=Q(state="proposed"),
                                    name="payout_change_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} IBAN {self.iban} ({self.state})"


class LoginThrottle(models.Model):
    """Failed logins of one account name or one client address (`scope`, `key`), kept in
    the database so that every server process counts the same (accounts/throttle.py).
    Rows exist for names that are no account, too: a lock tells nobody which exist."""

    scope = models.CharField(max_length=10)  # "account" or "address"
    key = models.CharField(max_length=254)
    failures = models.PositiveIntegerField(default=0)
    locks = models.PositiveIntegerField(default=0)  # how often locked: the delay grows
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"],
                                               name="login_throttle_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.failures} failures"
