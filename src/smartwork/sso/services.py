"""Writes of company single sign-on: the company admin connects the provider; a
sign-in through it logs the employee in, creates a new employee just in time, or
applies the leaver flow when the provider says the person has left."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, User
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput
from smartwork.core.permissions import require
from smartwork.sso.models import CompanySso, SsoDomain, SsoStateUse
from smartwork.sso.oidc import SsoRefused
from smartwork.sso.sealing import secret_seal

DOMAIN_RE = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_DOMAINS = 20
# A login flow (from the login page to the provider's answer) lasts at most this long;
# its state is remembered as used for longer, so that no flow can be used twice.
FLOW_MAX_AGE = dt.timedelta(hours=1)
STATE_KEEP = dt.timedelta(days=1)


def domains_parse(raw: str | list[str]) -> list[str]:
    items = raw if isinstance(raw, list) else re.split(r"[\s,;]+", raw)
    domains = sorted({d.strip().lower().lstrip("@") for d in items if d and d.strip()})
    bad = [d for d in domains if not DOMAIN_RE.match(d)]
    if bad:
        raise InvalidInput(_("Not an email domain: %(d)s.") % {"d": ", ".join(bad)},
                           fields={"domains": [_("Type domains such as example.com.")]})
    if not domains:
        raise InvalidInput(_("Give at least one email domain."),
                           fields={"domains": [_("Give at least one email domain.")]})
    if len(domains) > MAX_DOMAINS:
        raise InvalidInput(_("At most %(n)d domains.") % {"n": MAX_DOMAINS},
                           fields={"domains": [_("At most %(n)d domains.") % {"n": MAX_DOMAINS}]})
    return domains


def sso_configure(*, actor: User, company: Organisation, issuer: str, client_id: str,
                  client_secret: str | None, domains: str | list[str], leaver_claim: str = "",
                  enabled: bool = True) -> CompanySso:
    """Connect (or change) the company's identity provider. `client_secret` None or
    empty keeps the stored one. The secret is stored encrypted and never shown back;
    the audit entry names what changed, never the secret."""
    require(actor, "company.sso", company=company)
    issuer = issuer.strip()
    if not re.match(r"^https?://[^\s/]+", issuer):
        raise InvalidInput(_("The issuer is the provider's URL (https://…)."),
                           fields={"issuer": [_("Type the issuer URL.")]})
    client_id = client_id.strip()
    if not client_id:
        raise InvalidInput(_("Give the client id."), fields={"client_id": [_("Required.")]})
    if leaver_claim and not re.match(r"^[A-Za-z0-9_.:-]{1,100}$", leaver_claim):
        raise InvalidInput(_("A claim name is letters, digits, _ . : -."),
                           fields={"leaver_claim": [_("A claim name is letters, digits, _ . : -.")]})
    names = domains_parse(domains)
    with transaction.atomic():
        # The company's row first: two first saves at once (a double click) find no
        # connection yet; the second waits here and then changes the first's.
        list(Organisation.objects.select_for_update().filter(pk=company.pk).values_list("pk"))
        sso = CompanySso.objects.select_for_update().filter(company=company).first()
        created = sso is None
        if sso is None:
            sso = CompanySso(company=company)
        if created and not client_secret:
            raise InvalidInput(_("Give the client secret."),
                               fields={"client_secret": [_("Required.")]})
        changed = [f for f, v in (("issuer", issuer), ("client_id", client_id),
                                  ("leaver_claim", leaver_claim), ("enabled", enabled))
                   if getattr(sso, f) != v or created]
        sso.issuer, sso.client_id = issuer, client_id
        sso.leaver_claim, sso.enabled = leaver_claim, enabled
        if client_secret:
            sso.client_secret_encrypted = secret_seal(client_secret)
            changed.append("client_secret")
        sso.save()
        before = sorted(sso.domains.values_list("domain", flat=True))
        if before != names:
            changed.append("domains")
            sso.domains.all().delete()
            try:
                with transaction.atomic():
                    SsoDomain.objects.bulk_create([SsoDomain(sso=sso, domain=d) for d in names])
            except IntegrityError as exc:
                taken = sorted(SsoDomain.objects.filter(domain__in=names).exclude(sso=sso)
                               .values_list("domain", flat=True))
                raise Conflict(_("This domain is already connected by another company: "
                                 "%(d)s.") % {"d": ", ".join(taken)}, code="domain_taken",
                               fields={"domains": [_("Already connected by another company.")]}
                               ) from exc
        audit_log(actor=actor, action="company.sso_configured", obj=company,
                  network_id=company.network_id,
                  data={"issuer": issuer, "client_id": client_id, "domains": names,
                        "enabled": enabled, "changed": changed})
    return sso


def sso_disconnect(*, actor: User, company: Organisation) -> None:
    require(actor, "company.sso", company=company)
    with transaction.atomic():
        deleted, _rows = CompanySso.objects.filter(company=company).delete()
        if deleted:
            audit_log(actor=actor, action="company.sso_disconnected", obj=company,
                      network_id=company.network_id)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "left", "leaver"}
    return bool(value)


def _text(value: Any, limit: int = 100) -> str:
    """A claim as a column takes it: at most `limit` characters, no NUL (PostgreSQL
    refuses it, in text and in JSON)."""
    return str(value or "").replace("\x00", "")[:limit]


def sso_login_complete(*, sso: CompanySso, claims: dict[str, Any]) -> User:
    """The account for validated ID-token claims: the employee (created just in time as
    a member of the company on a first login), or SsoRefused with why. A leaver by the
    provider's claim goes through the company's leaver flow and is refused."""
    company = sso.company
    email = str(claims.get("email") or "").strip().lower()
    try:  # the users' column holds 254 characters; no NUL (PostgreSQL refuses it)
        validate_email(email)
    except ValidationError:
        email = ""
    if not email or len(email) > 254:
        raise SsoRefused(_("The identity provider gave no email address."), code="no_email")
    if claims.get("email_verified") is False:
        raise SsoRefused(_("The identity provider has not verified this email address."),
                         code="email_not_verified")
    domain = email.rsplit("@", 1)[1]
    if not sso.domains.filter(domain__iexact=domain).exists():
        raise SsoRefused(_("The email %(email)s is not in a domain of %(company)s: log in "
                           "through your own company.") % {"email": email,
                                                          "company": company.legal_name},
                         code="other_domain")
    if sso.leaver_claim and _truthy(claims.get(sso.leaver_claim)):
        with transaction.atomic():
            user = User.objects.select_for_update().filter(email__iexact=email).first()
            if user is not None and user.company_id == company.pk and user.is_active:
                from smartwork.accounts.services import staff_leave

                staff_leave(actor=None, company=company, user=user, canceller=user)
            audit_log(actor=None, action="company.sso_leaver_refused", obj=company,
                      network_id=company.network_id, data={"email": email})
        # Refused once the leaver flow is committed (raising inside would undo it).
        raise SsoRefused(_("Your company's identity provider says you have left "
                           "%(company)s: this account is closed.")
                         % {"company": company.legal_name}, code="leaver")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.company_id != company.pk:
            raise SsoRefused(_("This email belongs to an account that is not on %(company)s's "
                               "staff.") % {"company": company.legal_name},
                             code="not_company_staff")
        if user is not None and not user.is_active:
            raise SsoRefused(_("This account is closed: ask your company's administrator."),
                             code="account_closed")
        if user is None:
            first = _text(claims.get("given_name"))
            last = _text(claims.get("family_name"))
            if not first and not last and claims.get("name"):
                first = _text(claims["name"])
            language = str(claims.get("locale") or "")[:2].lower()
            extra: dict[str, Any] = {}
            if language in {"fr", "nl", "de", "en"}:
                extra["language"] = language
            try:
                with transaction.atomic():
                    user = User.objects.create_user(email, None, first_name=first,
                                                    last_name=last, company=company,
                                                    network=company.network, **extra)
            except IntegrityError:
                # A second tab finished the same first login a moment before.
                user = User.objects.get(email__iexact=email)
                if user.company_id != company.pk or not user.is_active:
                    raise SsoRefused(_("This account is closed: ask your company's "
                                       "administrator."), code="account_closed") from None
                user.last_login = timezone.now()
                user.save(update_fields=["last_login"])
                return user
            audit_log(actor=user, action="company.sso_member_created", obj=user,
                      network_id=company.network_id,
                      data={"company": company.pk,
                            "subject": _text(claims.get("sub"), 255)})
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
    return user


def sso_state_claim(*, state: str, started_at: float | None,
                    now: dt.datetime | None = None) -> None:
    """Use a login flow's state once, before its code goes to the provider: the unique
    row (models.SsoStateUse) lets one of two callbacks at once through (the session's
    flow is popped by both when both read the session before either saved it); the
    other, a replay and a flow older than FLOW_MAX_AGE are refused alike."""
    now = now or timezone.now()
    again = SsoRefused(_("This login was not started here or was already used: please log "
                         "in again."), code="state_used")
    if not state or started_at is None \
            or not 0 <= now.timestamp() - started_at <= FLOW_MAX_AGE.total_seconds():
        raise again
    digest = hashlib.sha256(state.encode()).hexdigest()
    try:
        with transaction.atomic():
            SsoStateUse.objects.create(state_hash=digest, used_at=now)
    except IntegrityError as exc:
        raise again from exc
    SsoStateUse.objects.filter(used_at__lt=now - STATE_KEEP).delete()
