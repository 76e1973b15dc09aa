"""Writes for users, organisations, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.choices import PEPPOL_SCHEME_BE_ENTERPRISE, OrganisationKind, Role
from smartwork.accounts.models import ApiToken, Organisation, RoleAssignment, User
from smartwork.accounts.validators import clean_enterprise_number, clean_vat_number
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput, NotFound
from smartwork.core.permissions import forget_roles, require

TOKEN_PREFIX = "sw_"

# --- API tokens -----------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the token a name."), fields={"name": [_("Required.")]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[: len(TOKEN_PREFIX) + 6], key_hash=_token_hash(raw)
    )
    audit_log(actor=user, action="api_token.created", obj=token, data={"name": token.name})
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=user, action="api_token.revoked", obj=token)
    return token


def api_token_authenticate(*, raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a write per request would cost throughput.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Organisations --------------------------------------------------------------

ORGANISATION_FIELDS = {
    "legal_name", "kind", "sector", "size", "enterprise_number", "vat_number", "street",
    "postcode", "city", "country", "language", "email", "phone", "peppol_scheme", "peppol_id",
    "iban", "bic", "network", "head_office_town", "head_office_lat", "head_office_lon",
    "default_commute_mode", "is_active",
}


def _clean_organisation(org: Organisation) -> None:
    errors: dict[str, list[str]] = {}
    if org.enterprise_number:
        try:
            org.enterprise_number = clean_enterprise_number(org.enterprise_number)
        except ValidationError as exc:
            errors["enterprise_number"] = list(exc.messages)
    if org.vat_number:
        try:
            org.vat_number = clean_vat_number(org.vat_number)
        except ValidationError as exc:
            errors["vat_number"] = list(exc.messages)
    if org.iban:
        from schwifty import IBAN
        from schwifty.exceptions import SchwiftyException

        try:
            org.iban = IBAN(org.iban).compact
        except SchwiftyException as exc:
            errors["iban"] = [str(exc)]
    if org.bic:
        from schwifty import BIC
        from schwifty.exceptions import SchwiftyException

        try:
            org.bic = BIC(org.bic).compact
        except SchwiftyException as exc:
            errors["bic"] = [str(exc)]
    if not org.peppol_id and org.enterprise_number and org.peppol_scheme in (
        "", PEPPOL_SCHEME_BE_ENTERPRISE
    ):
        org.peppol_scheme = PEPPOL_SCHEME_BE_ENTERPRISE
        org.peppol_id = org.enterprise_number
    if org.kind == OrganisationKind.COMPANY and org.network_id is None:
        errors["network"] = [_("A customer company buys from a network: choose it.")]
    try:
        org.full_clean(exclude=["network"] if "network" in errors else None, validate_unique=True)
    except ValidationError as exc:
        for name, msgs in exc.message_dict.items():
            errors.setdefault(name, []).extend(msgs)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)


def organisation_create(*, actor: User, **data: Any) -> Organisation:
    require(actor, "organisation.manage", network=data.get("network"))
    unknown = set(data) - ORGANISATION_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in unknown})
    org = Organisation(**data)
    _clean_organisation(org)
    with transaction.atomic():
        org.save()
        audit_log(actor=actor, action="organisation.created", obj=org,
                  data={"legal_name": org.legal_name}, network_id=org.network_id)
    return org


def organisation_update(*, actor: User, organisation: Organisation, **data: Any) -> Organisation:
    require(actor, "organisation.manage", network=organisation.network_id)
    unknown = set(data) - ORGANISATION_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in unknown})
    for name, value in data.items():
        setattr(organisation, name, value)
    _clean_organisation(organisation)
    with transaction.atomic():
        organisation.save()
        audit_log(actor=actor, action="organisation.updated", obj=organisation,
                  data={k: str(v) for k, v in data.items()}, network_id=organisation.network_id)
    return organisation


# --- Users and roles ------------------------------------------------------------


def user_create(
    *, email: str, password: str | None = None, actor: User | None = None, **extra: Any
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("A user with this email exists already."), fields={"email": [
            _("Already used.")]})
    user = User.objects.create_user(email, password, **extra)
    audit_log(actor=actor, action="user.created", obj=user, network_id=user.network_id)
    return user


def role_assign(
    *, actor: User, user: User, role: str, network: Any = None, centre: Any = None,
    organisation: Organisation | None = None,
) -> RoleAssignment:
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    scope: dict[str, Any] = {}
    if role == Role.OPERATOR:
        if network is None:
            raise InvalidInput(_("An operator role needs a network."),
                               fields={"network": [_("Required for this role.")]})
        require(actor, "role.assign", network=network)
        scope = {"network": network}
    elif role in (Role.CENTRE_MANAGER, Role.RECEPTIONIST):
        if centre is None:
            raise InvalidInput(_("This role needs a centre."),
                               fields={"centre": [_("Required for this role.")]})
        require(actor, "role.assign", network=centre.network_id)
        scope = {"centre": centre}
    else:
        if organisation is None:
            raise InvalidInput(_("A company admin role needs a company."),
                               fields={"organisation": [_("Required for this role.")]})
        if organisation.kind != OrganisationKind.COMPANY:
            raise InvalidInput(_("Company admins administer customer companies only."),
                               fields={"organisation": [_("Not a customer company.")]})
        require(actor, "role.assign", network=organisation.network_id)
        scope = {"organisation": organisation}
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
        if created:
            audit_log(actor=actor, action="role.assigned", obj=assignment,
                      data={"user": user.email, "role": role})
    forget_roles(user)
    return assignment


def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    network_id = assignment.network_id
    if assignment.centre is not None:
        network_id = assignment.centre.network_id
    elif assignment.organisation is not None:
        network_id = assignment.organisation.network_id
    require(actor, "role.assign", network=network_id)
    with transaction.atomic():
        audit_log(actor=actor, action="role.revoked", obj=assignment,
                  data={"user": assignment.user.email, "role": assignment.role},
                  network_id=network_id)
        assignment.delete()
    forget_roles(assignment.user)


def profile_update(*, user: User, **data: Any) -> User:
    allowed = {"first_name", "last_name", "language", "phone", "home_town", "home_lat",
               "home_lon", "commute_mode"}
    unknown = set(data) - allowed
    if unknown:
        raise InvalidInput(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in unknown})
    for name, value in data.items():
        setattr(user, name, value)
    if (user.home_lat is None) != (user.home_lon is None):
        raise InvalidInput(_("Give both latitude and longitude of home, or neither."),
                           fields={"home_lat": [_("Both or neither.")]})
    try:
        user.full_clean(exclude=["password", "company", "network"])
    except ValidationError as exc:
        fields = {k: list(v) for k, v in exc.message_dict.items()}
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields) from exc
    user.save()
    audit_log(actor=user, action="user.profile_updated", obj=user,
              data={k: str(v) for k, v in data.items()})
    return user
