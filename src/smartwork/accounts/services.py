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

from smartwork.accounts.choices import (
    PEPPOL_SCHEME_BE_ENTERPRISE,
    Language,
    OrganisationKind,
    Role,
    TokenScope,
)
from smartwork.accounts.models import ApiToken, Organisation, RoleAssignment, User
from smartwork.accounts.validators import clean_enterprise_number, clean_vat_number
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from smartwork.core.mail import mail_later
from smartwork.core.permissions import forget_roles, require, roles_of

TOKEN_PREFIX = "sw_"

# --- API tokens -----------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str, expires_in_days: int | None = None,
                     scope: str = TokenScope.FULL) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored. It expires after
    `expires_in_days` (API_TOKEN_DEFAULT_DAYS when not given, at most API_TOKEN_MAX_DAYS);
    a user holds at most API_TOKENS_PER_USER live tokens."""
    from django.conf import settings

    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the token a name."), fields={"name": [_("Required.")]})
    if scope not in TokenScope.values:
        raise InvalidInput(_("Unknown scope."), fields={"scope": [_("Unknown scope.")]})
    most = int(settings.SMARTWORK["API_TOKEN_MAX_DAYS"])
    days = int(settings.SMARTWORK["API_TOKEN_DEFAULT_DAYS"]) if expires_in_days is None \
        else expires_in_days
    if not 1 <= days <= most:
        raise InvalidInput(_("A token lives from 1 to %(most)d days.") % {"most": most},
                           fields={"expires_in_days": [_("From 1 to %(most)d.") % {"most": most}]})
    now = timezone.now()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # The user's row, locked: two creations at once cannot both pass the cap.
        User.objects.select_for_update().filter(pk=user.pk).first()
        live = ApiToken.objects.filter(user=user, revoked_at__isnull=True,
                                       expires_at__gt=now).count()
        cap = int(settings.SMARTWORK["API_TOKENS_PER_USER"])
        if live >= cap:
            raise Conflict(_("You hold %(cap)d live tokens, the most allowed: revoke one "
                             "first.") % {"cap": cap}, code="too_many_tokens")
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=raw[: len(TOKEN_PREFIX) + 6],
            key_hash=_token_hash(raw), expires_at=now + timedelta(days=days), scope=scope,
        )
        audit_log(actor=user, action="api_token.created", obj=token,
                  data={"name": token.name, "scope": scope, "days": days},
                  network_id=user.network_id)
    return token, raw


def api_token_list_for_company(*, actor: User, company: Organisation) -> Any:
    """The API tokens of a company's staff, for its admin (or the network's operator)."""
    require(actor, "company.staff", company=company)
    return ApiToken.objects.filter(user__company=company).select_related("user").order_by(
        "-created_at")


def api_token_revoke_for_company(*, actor: User, company: Organisation,
                                 token_id: int) -> ApiToken:
    token = api_token_list_for_company(actor=actor, company=company).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="api_token.revoked", obj=token,
                  data={"by": "company_admin"}, network_id=company.network_id)
    return token


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])  # post_save: forgotten by this process's cache
        audit_log(actor=user, action="api_token.revoked", obj=token)
    return token


# A short-lived, per-process cache of authenticated tokens (issue #4): a booking made
# with a token cost one indexed read of the token and its user per request. Entries are
# keyed by the token's SHA-256 (never the raw token) and live TOKEN_CACHE_SECONDS; a
# revoked token or a deactivated user is refused at once by the process that made the
# change (signals below drop the entries) and by every other process within that delay.
# A fresh User instance is built for each request from the cached row.
_TOKEN_CACHE: dict[str, tuple[float, int, int, Any, tuple[Any, str, tuple[Any, ...]]]] = {}
_TOKEN_CACHE_MAX = 10_000


def token_cache_seconds() -> float:
    from django.conf import settings

    return float(settings.SMARTWORK.get("API_TOKEN_CACHE_SECONDS", 5))


def api_token_cache_forget(*, user_id: int | None = None) -> None:
    """Drop the cached tokens of one user (all when None)."""
    if user_id is None:
        _TOKEN_CACHE.clear()
        return
    for key, entry in list(_TOKEN_CACHE.items()):
        if entry[1] == user_id:
            _TOKEN_CACHE.pop(key, None)


def _token_row(key_hash: str) -> tuple[int, Any, tuple[Any, str], tuple[Any, ...]] | None:

    from smartwork.core import fastsql

    user_cols = fastsql.columns(User, "u")[0]
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.last_used_at, t.expires_at, t.scope, {user_cols} "  # noqa: S608
            "FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL", [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    return (row[0], fastsql.convert(ApiToken, "last_used_at", row[1]),
            (fastsql.convert(ApiToken, "expires_at", row[2]), row[3]), tuple(row[4:]))


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user of a valid, unrevoked token, or None. Cached TOKEN_CACHE_SECONDS
    per process (see above)."""
    import time

    from smartwork.core import fastsql

    if not raw.startswith(TOKEN_PREFIX):
        return None
    key_hash = _token_hash(raw)
    clock = time.monotonic()
    cached = _TOKEN_CACHE.get(key_hash)
    if cached is None or cached[0] <= clock:
        found = _token_row(key_hash)
        if found is None:
            _TOKEN_CACHE.pop(key_hash, None)
            return None
        token_id, last_used, (expires_at, scope), values = found
        user_id = fastsql.from_row(User, values).pk
        cached = (clock + token_cache_seconds(), user_id, token_id, last_used,
                  (expires_at, scope, values))
        if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
            _TOKEN_CACHE.clear()
        _TOKEN_CACHE[key_hash] = cached
    expires, user_id, token_id, last_used, (expires_at, scope, values) = cached
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        return None
    user = fastsql.from_row(User, values)
    if not user.is_active:
        return None
    # What the token may do (config/api.BearerToken enforces it).
    user._smartwork_token_scope = scope  # type: ignore[attr-defined]
    # Record use at most once a minute: a write per request would cost throughput.
    if last_used is None or now - last_used > timedelta(minutes=1):
        from django.db import connection

        with fastsql.cursor() as cursor:
            cursor.execute("UPDATE accounts_apitoken SET last_used_at = %s WHERE id = %s",
                           [connection.ops.adapt_datetimefield_value(now), token_id])
        _TOKEN_CACHE[key_hash] = (expires, user_id, token_id, now, (expires_at, scope, values))
    return user


# --- Organisations --------------------------------------------------------------

ORGANISATION_FIELDS = {
    "legal_name", "kind", "sector", "size", "enterprise_number", "vat_number", "street",
    "postcode", "city", "country", "language", "email", "phone", "peppol_scheme", "peppol_id",
    "iban", "bic", "network", "head_office_town", "head_office_lat", "head_office_lon",
    "default_commute_mode", "is_active", "legal_form", "register_court",
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
    if org.enterprise_number and Organisation.objects.filter(
        enterprise_number=org.enterprise_number
    ).exclude(pk=org.pk).exists():
        errors.setdefault("enterprise_number", []).append(
            _("An organisation with this enterprise number exists already."))
    if org.kind == OrganisationKind.COMPANY and org.network_id is None:
        errors["network"] = [_("A customer company buys from a network: choose it.")]
    try:
        # The unique constraint on the enterprise number is checked above, by field;
        # the database still enforces it.
        org.full_clean(exclude=["network"] if "network" in errors else None,
                       validate_unique=True, validate_constraints=False)
    except ValidationError as exc:
        for name, msgs in exc.message_dict.items():
            errors.setdefault(name, []).extend(msgs)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)


PAYOUT_FIELDS = {"iban", "bic"}


def organisation_create(*, actor: User, **data: Any) -> Organisation:
    """Register an organisation with the network it works with (`network`): a customer
    company buys from it, a centre operator is about to run a centre in it."""
    network = data.get("network")
    if network is None and actor is not None and getattr(actor, "is_authenticated", False) \
            and not roles_of(actor).superuser:
        # Deny by default: an organisation is registered with a network; say which.
        raise InvalidInput(_("Choose the network the organisation works with."),
                           fields={"network": [_("Required.")]})
    require(actor, "organisation.manage", network=network)
    unknown = set(data) - ORGANISATION_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in unknown})
    if data.get("kind") != OrganisationKind.COMPANY:
        # Only a customer buys from one network (`network`); the others work with
        # networks (`networks`, filled here and by centre_create).
        data.pop("network", None)
    org = Organisation(**data)
    _clean_organisation(org)
    with transaction.atomic():
        org.save()
        if network is not None:
            org.networks.add(network)
        audit_log(actor=actor, action="organisation.created", obj=org,
                  data={"legal_name": org.legal_name}, network_id=org.network_id,
                  network_ids=_network_ids(org))
    return org


def _network_ids(org: Organisation) -> set[int]:
    from smartwork.accounts.scopes import organisation_network_ids

    return organisation_network_ids(org)


def organisation_update(*, actor: User, organisation: Organisation, **data: Any) -> Organisation:
    """Change an organisation, as the operator of one of the networks it works with.

    The payout data (IBAN, BIC) of a centre operator is not changed here: its own
    centre manager proposes a change, the network's operator approves it
    (accounts/payout.py)."""
    require(actor, "organisation.manage", target=organisation)
    unknown = set(data) - ORGANISATION_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in unknown})
    if organisation.kind == OrganisationKind.CENTRE_OPERATOR and not roles_of(actor).superuser:
        changed = {name for name in PAYOUT_FIELDS & set(data)
                   if (data[name] or "") != getattr(organisation, name)}
        if changed:
            raise Forbidden(
                _("The bank account of a centre operator is changed by a proposal of its "
                  "centre manager, approved by the network's operator."),
                code="payout_change_needs_proposal",
                fields={name: [_("Propose the change instead.")] for name in sorted(changed)})
    for name, value in data.items():
        setattr(organisation, name, value)
    _clean_organisation(organisation)
    with transaction.atomic():
        organisation.save()
        audit_log(actor=actor, action="organisation.updated", obj=organisation,
                  data={k: str(v) for k, v in data.items()}, network_id=organisation.network_id,
                  network_ids=_network_ids(organisation))
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
    try:
        if (user.home_lat is None) != (user.home_lon is None):
            raise InvalidInput(_("Give both latitude and longitude of home, or neither."),
                               fields={"home_lat": [_("Both or neither.")]})
        try:
            user.full_clean(exclude=["password", "company", "network"])
        except ValidationError as exc:
            fields = {k: list(v) for k, v in exc.message_dict.items()}
            raise InvalidInput(next(iter(fields.values()))[0], fields=fields) from exc
    except InvalidInput:
        # Leave the caller's object as it is stored: nothing was changed.
        user.refresh_from_db(fields=list(data))
        raise
    user.save()
    audit_log(actor=user, action="user.profile_updated", obj=user,
              data={k: str(v) for k, v in data.items()})
    return user


def profile_home_set(*, user: User, text: str) -> User:
    """Set one's home from an address or a postcode and town typed in, matched against
    the Belgian gazetteer (accounts/gazetteer.py): the coordinates come from it, never
    typed. Empty text forgets the home. Ambiguous or unknown text: 422 `home_not_found`
    on `home`, with suggestions in `error.data.suggestions`."""
    from smartwork.accounts.gazetteer import home_match

    text = (text or "").strip()
    if not text:
        user.home_town, user.home_lat, user.home_lon = "", None, None
    else:
        place = home_match(text=text[:200])
        user.home_town = place.label[:100]
        user.home_lat, user.home_lon = place.lat, place.lon
    user.save(update_fields=["home_town", "home_lat", "home_lon"])
    audit_log(actor=user, action="user.home_set", obj=user,
              data={"home_town": user.home_town})
    return user


# --- Staff: invitations, CSV import, teams, leavers (issue 5) -------------------------

INVITATION_SALT = "smartwork.accounts.invitation"
INVITATION_VALID_DAYS = 14
STAFF_CSV_REQUIRED = ("email", "first_name", "last_name")
STAFF_CSV_OPTIONAL = ("team",)
STAFF_CSV_MAX_ROWS = 5000


def _staff_company(company: Organisation) -> Organisation:
    if company.kind != OrganisationKind.COMPANY:
        raise InvalidInput(_("Only a customer company has staff here."),
                           fields={"company": [_("Not a customer company.")]})
    return company


def invitation_token(invitation: Any) -> str:
    """A signed, timestamped token naming the invitation; checked against its age."""
    from django.core import signing

    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT,
                         compress=True)


def invitation_mail_send(*, invitation_id: int) -> None:
    """Mail an open invitation with a fresh token (run by the outbox, core/mail.py: the
    token is made here, never stored). An invitation accepted or revoked meanwhile is
    not mailed."""
    from django.conf import settings
    from django.core.mail import EmailMessage

    from smartwork.accounts.models import Invitation

    invitation = Invitation.objects.select_related("company").filter(
        pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True).first()
    if invitation is None:
        return
    token = invitation_token(invitation)
    link = f"{settings.SMARTWORK['BASE_URL']}/invitations/accept?token={token}"
    body = _(
        "%(company)s invites you to book workplaces in its network with smartwork.\n\n"
        "Accept the invitation here (valid until %(until)s):\n%(link)s\n"
    ) % {"company": invitation.company.legal_name,
         "until": invitation.expires_at.date().isoformat(), "link": link}
    EmailMessage(subject=_("Invitation from %s") % invitation.company.legal_name, body=body,
                 to=[invitation.email]).send()


INVITATION_MAIL = "smartwork.accounts.services.invitation_mail_send"


def invitation_resend(*, actor: User, invitation: Any) -> Any:
    """Mail an open invitation again (lost, or its mails failed); an expired one gets
    INVITATION_VALID_DAYS more. Accepted or revoked invitations cannot be resent."""
    from smartwork.accounts.models import Invitation

    require(actor, "company.staff", company=invitation.company)
    if invitation.as_admin:
        require(actor, "role.assign", network=invitation.company.network_id)
    now = timezone.now()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None:
            raise Conflict(_("This invitation is no longer open."), code="invitation_closed")
        if locked.expires_at <= now:
            locked.expires_at = now + timedelta(days=INVITATION_VALID_DAYS)
            locked.save(update_fields=["expires_at"])
        audit_log(actor=actor, action="invitation.resent", obj=locked,
                  network_id=invitation.company.network_id, data={"email": locked.email})
        mail_later(INVITATION_MAIL, invitation_id=locked.pk)
    return locked


def _check_can_join(email: str, company: Organisation) -> None:
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        return
    if existing.company_id not in (None, company.pk):
        raise Conflict(_("This person is an employee of another company."),
                       code="employee_of_another_company", fields={"email": [_("Another company.")]})
    if existing.company_id == company.pk and existing.is_active:
        raise Conflict(_("This person is on the staff already."), code="already_staff",
                       fields={"email": [_("Already on the staff.")]})


def invitation_create(*, actor: User, company: Organisation, email: str, first_name: str = "",
                      last_name: str = "", team: Any = None,
                      as_admin: bool = False) -> tuple[Any, str]:
    """Invite a person by email; re-inviting replaces the open invitation. Returns the
    invitation and its token (mailed after commit, never stored). Inviting a company
    admin is the operator's (it gives a role)."""
    from django.core.validators import validate_email

    from smartwork.accounts.models import Invitation

    _staff_company(company)
    require(actor, "company.staff", company=company)
    if as_admin:
        require(actor, "role.assign", network=company.network_id)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(_("This is not an email address."),
                           fields={"email": [_("Not an email address.")]}) from exc
    if team is not None and team.company_id != company.pk:
        raise InvalidInput(_("A team of another company."), fields={"team_id": [_("Other company.")]})
    _check_can_join(email, company)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.select_for_update().filter(
            company=company, email=email, accepted_at__isnull=True, revoked_at__isnull=True,
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            company=company, email=email, first_name=first_name.strip()[:100],
            last_name=last_name.strip()[:100], team=team, invited_by=actor,
            expires_at=now + timedelta(days=INVITATION_VALID_DAYS), as_admin=as_admin,
        )
        token = invitation_token(invitation)
        audit_log(actor=actor, action="invitation.created", obj=invitation,
                  network_id=company.network_id, data={"email": email, "as_admin": as_admin})
        mail_later(INVITATION_MAIL, invitation_id=invitation.pk)
    return invitation, token


def invitation_accept(*, token: str, password: str | None = None, first_name: str = "",
                      last_name: str = "", language: str = "") -> User:
    """Accept an invitation: link the existing account with that email, or create one
    (then a password is required). The signed token proves the email was received.
    `language`, the one the invitee reads the page in, becomes the language of an account
    they set up now (a saved choice of an account already in use is kept)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core import signing

    from smartwork.accounts.models import Invitation, TeamMembership

    try:
        payload = signing.loads(token, salt=INVITATION_SALT,
                                max_age=timedelta(days=INVITATION_VALID_DAYS))
    except signing.SignatureExpired as exc:
        raise InvalidInput(_("This invitation has expired; ask for a new one."),
                           code="invitation_expired", fields={"token": [_("Expired.")]}) from exc
    except signing.BadSignature as exc:
        raise InvalidInput(_("This invitation link is not valid."), code="invalid_token",
                           fields={"token": [_("Not valid.")]}) from exc
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update(of=("self",))
                      .select_related("company", "team")
                      .filter(pk=payload.get("i"), email=payload.get("e")).first())
        if invitation is None or invitation.revoked_at is not None:
            raise InvalidInput(_("This invitation was withdrawn."), code="invalid_token",
                               fields={"token": [_("Withdrawn.")]})
        if invitation.accepted_at is not None:
            raise Conflict(_("This invitation was accepted already."), code="already_accepted")
        if invitation.expires_at < timezone.now():
            raise InvalidInput(_("This invitation has expired; ask for a new one."),
                               code="invitation_expired", fields={"token": [_("Expired.")]})
        company = invitation.company
        user = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
        if user is not None and user.company_id not in (None, company.pk):
            raise Conflict(_("This person is an employee of another company."),
                           code="employee_of_another_company")
        if user is None or not user.has_usable_password():
            if not password:
                raise InvalidInput(_("Choose a password."), fields={"password": [_("Required.")]})
            probe = user or User(email=invitation.email, first_name=first_name or
                                 invitation.first_name, last_name=last_name or invitation.last_name)
            try:
                validate_password(password, probe)
            except ValidationError as exc:
                raise InvalidInput(exc.messages[0], fields={"password": list(exc.messages)}) from exc
        language = language if language in dict(Language.choices) else ""
        if user is None:
            user = User.objects.create_user(
                invitation.email, password, first_name=(first_name or invitation.first_name)[:100],
                last_name=(last_name or invitation.last_name)[:100], company=company,
                network=company.network, **({"language": language} if language else {}),
            )
            action = "created"
        else:
            if language and not user.has_usable_password():
                user.language = language  # never logged in: no choice of theirs yet
            user.company = company
            user.network = user.network or company.network
            user.is_active = True
            user.deactivated_at = None
            if password and not user.has_usable_password():
                user.set_password(password)
            user.save()
            action = "linked"
        # Now the company's employee: a membership of their own ends with its month.
        from smartwork.credits.services import membership_member_joined_company

        membership_member_joined_company(actor=user, member=user, company=company)
        if invitation.team_id:
            TeamMembership.objects.get_or_create(team=invitation.team, user=user)
        if invitation.as_admin:
            RoleAssignment.objects.get_or_create(user=user, role=Role.COMPANY_ADMIN,
                                                 organisation=company)
            forget_roles(user)
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        audit_log(actor=user, action="invitation.accepted", obj=invitation,
                  network_id=company.network_id,
                  data={"account": action, "as_admin": invitation.as_admin})
    return user


def staff_csv_parse(*, company: Organisation, content: str) -> tuple[list[dict[str, str]],
                                                                      list[dict[str, Any]]]:
    """Every row checked; returns (rows, problems). A problem names the line (1 is the
    header), the email and the fields at fault. A file the csv module cannot read (a NUL
    byte, a field over its 128 KiB limit, an unclosed quote) is refused whole (422)."""
    import csv

    if "\x00" in content:
        raise InvalidInput(_("The file contains NUL bytes: save it as UTF-8 CSV."),
                           code="csv_invalid", fields={"file": [_("Not CSV text.")]})
    try:
        return _staff_csv_parse(company=company, content=content)
    except csv.Error as exc:
        raise InvalidInput(_("The file cannot be read as CSV: %s.") % exc, code="csv_invalid",
                           fields={"file": [_("Not CSV text.")]}) from exc


def _staff_csv_parse(*, company: Organisation, content: str) -> tuple[list[dict[str, str]],
                                                                       list[dict[str, Any]]]:
    import csv
    import io

    from django.core.validators import validate_email

    from smartwork.accounts.models import Team

    text = content.lstrip("\ufeff")
    if not text.strip():
        return [], [{"line": 1, "email": "", "errors": {"file": [_("The file is empty.")]}}]
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in STAFF_CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in STAFF_CSV_REQUIRED + STAFF_CSV_OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        why = []
        if missing:
            why.append(_("Missing columns: %s.") % ", ".join(missing))
        if unknown:
            why.append(_("Unknown columns: %s.") % ", ".join(unknown))
        if len(set(header)) != len(header):
            why.append(_("A column appears twice."))
        expected = ", ".join(STAFF_CSV_REQUIRED + STAFF_CSV_OPTIONAL)
        why.append(_("Expected: %s.") % expected)
        return [], [{"line": 1, "email": "", "errors": {"columns": why}}]
    teams = {t.name.lower(): t for t in Team.objects.filter(company=company)}
    existing = {u.email.lower(): u for u in User.objects.filter(
        email__in=[(r.get("email") or "").strip().lower() for r in csv.DictReader(
            io.StringIO(text), dialect=dialect)])}
    rows: list[dict[str, str]] = []
    problems: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    reader = csv.DictReader(io.StringIO(text), dialect=dialect, fieldnames=header)
    next(reader)  # the header
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append({"line": number, "email": "", "errors": {
                "columns": [_("More values than columns.")]}})
            continue
        row = {k: (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        errors: dict[str, list[str]] = {}
        email = row.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Not an email address.")]
        if email in seen:
            errors.setdefault("email", []).append(_("Also on line %d.") % seen[email])
        else:
            seen[email] = number
        user = existing.get(email)
        if user is not None and user.company_id not in (None, company.pk):
            errors.setdefault("email", []).append(_("An employee of another company."))
        for name in ("first_name", "last_name"):
            if not row.get(name):
                errors[name] = [_("Required.")]
            elif len(row[name]) > 100:
                errors[name] = [_("At most 100 characters.")]
        if row.get("team") and row["team"].lower() not in teams:
            errors["team"] = [_("No team with this name; create it first.")]
        if errors:
            problems.append({"line": number, "email": email, "errors": errors})
        else:
            rows.append({**row, "email": email})
        if number > STAFF_CSV_MAX_ROWS + 1:
            problems.append({"line": number, "email": "", "errors": {
                "file": [_("At most %d rows per file.") % STAFF_CSV_MAX_ROWS]}})
            break
    if not rows and not problems:
        problems.append({"line": 2, "email": "", "errors": {"file": [_("No rows.")]}})
    return rows, problems


def staff_import(*, actor: User, company: Organisation, content: str) -> dict[str, int]:
    """Import staff from CSV (email, first_name, last_name[, team]). Every row is checked
    first; if any is wrong nothing is written and every problem is reported. New people
    get an account and an invitation to choose their password; people already known
    get an invitation to join; current staff are only added to their team."""
    from smartwork.accounts.models import Invitation, Team, TeamMembership

    _staff_company(company)
    require(actor, "company.staff", company=company)
    rows, problems = staff_csv_parse(company=company, content=content)
    if problems:
        raise InvalidInput(
            _("%(n)d problem(s) in the file; nothing was imported.") % {"n": len(problems)},
            code="csv_invalid", fields={"file": [_("See data.rows.")]}, data={"rows": problems},
        )
    teams = {t.name.lower(): t for t in Team.objects.filter(company=company)}
    counts = {"created": 0, "invited": 0, "already_staff": 0}
    now = timezone.now()
    with transaction.atomic():
        for row in rows:
            team = teams.get(row.get("team", "").lower()) if row.get("team") else None
            user = User.objects.select_for_update().filter(email__iexact=row["email"]).first()
            if user is not None and user.company_id not in (None, company.pk):
                # Joined another company since the check: refuse the whole file.
                raise Conflict(_("%s became an employee of another company.") % row["email"],
                               code="employee_of_another_company")
            if user is not None and user.company_id == company.pk and user.is_active:
                if team is not None:
                    TeamMembership.objects.get_or_create(team=team, user=user)
                counts["already_staff"] += 1
                continue
            if user is None:
                # A new account, employee from the start (so no membership to end); people
                # already known join when they accept the invitation (invitation_accept).
                user = User.objects.create_user(
                    row["email"], None, first_name=row["first_name"], last_name=row["last_name"],
                    company=company, network=company.network)
                if team is not None:
                    TeamMembership.objects.create(team=team, user=user)
                counts["created"] += 1
            Invitation.objects.filter(company=company, email=row["email"],
                                      accepted_at__isnull=True, revoked_at__isnull=True
                                      ).update(revoked_at=now)
            invitation = Invitation.objects.create(
                company=company, email=row["email"], first_name=row["first_name"],
                last_name=row["last_name"], team=team, invited_by=actor,
                expires_at=now + timedelta(days=INVITATION_VALID_DAYS))
            # The mail's task row, in this transaction: every committed invitation is
            # mailed, by the worker, whatever happens to this request after the commit.
            mail_later(INVITATION_MAIL, invitation_id=invitation.pk)
            counts["invited"] += 1
        audit_log(actor=actor, action="staff.imported", obj=company,
                  network_id=company.network_id, data={**counts, "rows": len(rows)})
    return counts


def team_create(*, actor: User, company: Organisation, name: str) -> Any:
    from smartwork.accounts.models import Team

    _staff_company(company)
    require(actor, "company.staff", company=company)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the team a name."), fields={"name": [_("Required.")]})
    if Team.objects.filter(company=company, name__iexact=name).exists():
        raise Conflict(_("A team with this name exists already."), code="duplicate",
                       fields={"name": [_("Already used.")]})
    team = Team.objects.create(company=company, name=name[:100])
    audit_log(actor=actor, action="team.created", obj=team, network_id=company.network_id)
    return team


def team_member_add(*, actor: User, team: Any, user: User) -> Any:
    from smartwork.accounts.models import TeamMembership

    require(actor, "company.staff", company=team.company)
    if user.company_id != team.company_id or not user.is_active:
        raise InvalidInput(_("Only active employees of the company join its teams."),
                           fields={"user_id": [_("Not an active employee of this company.")]})
    membership, created = TeamMembership.objects.get_or_create(team=team, user=user)
    if created:
        audit_log(actor=actor, action="team.member_added", obj=team,
                  network_id=team.company.network_id, data={"user": user.pk})
    return membership


def team_member_remove(*, actor: User, team: Any, user: User) -> None:
    from smartwork.accounts.models import TeamMembership

    require(actor, "company.staff", company=team.company)
    deleted, _rows = TeamMembership.objects.filter(team=team, user=user).delete()
    if not deleted:
        raise NotFound(_("This person is not in the team."))
    audit_log(actor=actor, action="team.member_removed", obj=team,
              network_id=team.company.network_id, data={"user": user.pk})


def staff_deactivate(*, actor: User, company: Organisation, user: User) -> dict[str, int]:
    """A leaver: their future bookings are cancelled, their personal allotments end and
    what is left returns to the company pool, and their account is deactivated."""
    from smartwork.core.permissions import allowed

    _staff_company(company)
    require(actor, "company.staff", company=company)
    if user.company_id != company.pk:
        raise InvalidInput(_("This person is not on the company's staff."),
                           fields={"user_id": [_("Not an employee of this company.")]})
    if not user.is_active:
        raise Conflict(_("This person has left already."), code="already_deactivated")
    # Cancelled as the company admin when it is one, else on the leaver's behalf.
    canceller = actor if allowed(actor, "company.book_for_staff", company=company) else user
    return staff_leave(actor=actor, company=company, user=user, canceller=canceller)


def staff_leave(*, actor: User | None, company: Organisation, user: User,
                canceller: User) -> dict[str, int]:
    """The leaver flow itself, once the caller is allowed: by the company admin
    (`staff_deactivate`) or because the company's identity provider says the person has
    left (`sso`, actor None: the provider decided)."""
    from smartwork.accounts.models import TeamMembership
    from smartwork.bookings.choices import BookingState
    from smartwork.bookings.models import Booking
    from smartwork.bookings.services import booking_cancel
    from smartwork.credits.services import credit_member_left

    # One transaction: a leaver is either fully gone or still fully there.
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise Conflict(_("This person has left already."), code="already_deactivated")
        cancelled = 0
        for booking in Booking.objects.filter(
                member=locked, state__in=(BookingState.CONFIRMED, BookingState.PENDING_APPROVAL),
                start__gt=timezone.now()).order_by("start"):
            booking_cancel(booking=booking, actor=canceller, reason="left the company")
            cancelled += 1
        returned = credit_member_left(actor=actor, member=locked)
        locked.is_active = False
        locked.deactivated_at = timezone.now()
        locked.save(update_fields=["is_active", "deactivated_at"])
        TeamMembership.objects.filter(user=locked).delete()
        audit_log(actor=actor, action="staff.deactivated", obj=locked,
                  network_id=company.network_id,
                  data={"bookings_cancelled": cancelled, "minutes_returned": returned})
    return {"bookings_cancelled": cancelled, "minutes_returned": returned}
