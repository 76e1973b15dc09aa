"""Writes of the WiFi app: identities, access points, REST tokens, and the two
RADIUS decisions (authenticate an Access-Request, record accounting).

The RADIUS decisions are called by the built-in server (wifi.server) and by the
REST endpoints FreeRADIUS calls (wifi.api), so both paths obey the same rules.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import re
import time
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.accounts.throttle import throttle_failed, throttle_hold, throttle_locked
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from smartwork.core.permissions import allowed, require
from smartwork.network.choices import LabelStatus, WifiAccessRule
from smartwork.network.models import Centre, Network
from smartwork.network.selectors import allied_network_ids
from smartwork.wifi import crypto
from smartwork.wifi.calendar import seconds_until_closing
from smartwork.wifi.choices import AcctStatus, AuthReason, AuthResult
from smartwork.wifi.conf import wifi_setting
from smartwork.wifi.models import AuthAttempt, Nas, PresenceSession, RadiusRestToken, WifiIdentity

log = logging.getLogger("smartwork.wifi")

# RADIUS User-Name is at most 253 octets; ours are short and lower case.
USERNAME_MAX = 40
MIN_SECRET_LENGTH = 16

# --- Identities ------------------------------------------------------------------


def _username_base(member: User) -> str:
    raw = f"{member.first_name}.{member.last_name}".strip(".")
    if not raw.replace(".", ""):
        raw = member.email.split("@", 1)[0]
    ascii_only = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9.]+", "", ascii_only.replace(" ", "."))
    base = re.sub(r"\.{2,}", ".", base).strip(".")[:USERNAME_MAX - 6]
    return base or f"member{member.pk}"


def _username_candidates(member: User) -> Any:
    base = _username_base(member)
    yield base
    for n in range(2, 1000):
        yield f"{base}{n}"
    yield f"{base}.{member.pk}"


def wifi_identity_rotate_password(
    *, member: User, actor: User, password: str | None = None
) -> tuple[WifiIdentity, str]:
    """Create the member's WiFi login, or give it a new password. The clear
    password is returned once and never stored or logged. `password` is for the
    deterministic demo only; people always get a generated one."""
    if actor.pk != member.pk and not allowed(actor, "network.wifi", network=member.network_id):
        raise Forbidden(_("Only the member or their network's operator may do this."))
    if not member.is_active:
        raise InvalidInput(_("This member is deactivated."), code="member_inactive")
    password = password or crypto.generate_password()
    now = timezone.now()
    with transaction.atomic():
        identity = WifiIdentity.objects.select_for_update().filter(member=member).first()
        if identity is not None:
            identity.password_hash = crypto.hash_password(password)
            identity.password_set_at = now
            identity.failed_attempts = 0
            identity.last_failed_at = None
            identity.locked_until = None
            identity.save(update_fields=["password_hash", "password_set_at", "failed_attempts",
                                         "last_failed_at", "locked_until"])
            action = "wifi.password_rotated"
        else:
            identity = _identity_create(member=member, password=password, now=now)
            action = "wifi.identity_created"
        audit_log(actor=actor, action=action, obj=identity,
                  data={"username": identity.username, "member": member.pk},
                  network_id=member.network_id)
    return identity, password


def _identity_create(*, member: User, password: str, now: dt.datetime) -> WifiIdentity:
    taken = set(
        WifiIdentity.objects.filter(username__startswith=_username_base(member))
        .values_list("username", flat=True)
    )
    for candidate in _username_candidates(member):
        if candidate in taken:
            continue
        try:
            # A savepoint: a concurrent insert of the same name only costs a retry.
            with transaction.atomic():
                return WifiIdentity.objects.create(
                    member=member, username=candidate,
                    password_hash=crypto.hash_password(password), password_set_at=now,
                )
        except IntegrityError:
            if WifiIdentity.objects.filter(member=member).exists():
                raise Conflict(_("This member's WiFi login was just created; try again.")) from None
            continue
    raise Conflict(_("No free WiFi username for this member."))


def wifi_identity_set_active(*, identity: WifiIdentity, active: bool, actor: User) -> WifiIdentity:
    require(actor, "network.wifi", network=identity.member.network_id)
    if identity.is_active != active:
        identity.is_active = active
        identity.save(update_fields=["is_active"])
        audit_log(actor=actor, action="wifi.identity_enabled" if active else "wifi.identity_disabled",
                  obj=identity, network_id=identity.member.network_id)
    return identity


# --- Access points ---------------------------------------------------------------


def _parse_address(address: str) -> str:
    try:
        net = ipaddress.ip_network(address.strip(), strict=False)
    except ValueError as exc:
        raise InvalidInput(
            _("Give an IP address or a CIDR range (e.g. 10.1.2.0/24)."),
            fields={"address": [_("Not an IP address or range.")]},
        ) from exc
    return str(net.network_address) if net.num_addresses == 1 else str(net)


def _check_secret(secret: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH or len(secret) > 128 or not secret.isprintable():
        raise InvalidInput(
            _("The shared secret must be %(n)d to 128 printable characters.")
            % {"n": MIN_SECRET_LENGTH},
            fields={"secret": [_("Too short, too long or not printable.")]},
        )
    return secret


def _lock_nas_registry() -> None:
    """Serialise changes of access-point addresses: two ranges must never overlap,
    or a packet could belong to two centres. SQLite's IMMEDIATE transactions are
    serial already; PostgreSQL takes a transaction-scoped advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x5717F1])


def _check_no_overlap(address: str, exclude_pk: int | None = None) -> None:
    net = ipaddress.ip_network(address, strict=False)
    others = Nas.objects.filter(is_active=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    others = others.select_related("centre")
    for other in others:
        other_net = other.network
        if other_net.version == net.version and other_net.overlaps(net):
            raise Conflict(
                _("This address overlaps access point %(nas)s of %(centre)s.")
                % {"nas": other.name, "centre": other.centre.name},
                fields={"address": [_("Overlaps another access point.")]},
            )


def nas_create(
    *, actor: User, centre: Centre, name: str, address: str, secret: str | None = None,
    require_message_authenticator: bool | None = None,
) -> tuple[Nas, str]:
    """Register an access point; returns it and its shared secret (generated
    when not given), to be typed into the access point."""
    require(actor, "centre.wifi", centre=centre)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the access point a name."), fields={"name": [_("Required.")]})
    address = _parse_address(address)
    secret = _check_secret(secret) if secret else crypto.generate_nas_secret()
    if require_message_authenticator is None:
        require_message_authenticator = bool(wifi_setting("REQUIRE_MESSAGE_AUTHENTICATOR"))
    with transaction.atomic():
        _lock_nas_registry()
        _check_no_overlap(address)
        if Nas.objects.filter(centre=centre, name=name).exists():
            raise Conflict(_("This centre already has an access point of that name."),
                           fields={"name": [_("Already used in this centre.")]})
        nas = Nas.objects.create(
            centre=centre, name=name[:100], address=address,
            secret_encrypted=crypto.encrypt_secret(secret),
            require_message_authenticator=require_message_authenticator,
        )
        audit_log(actor=actor, action="wifi.nas_created", obj=nas,
                  data={"address": address, "centre": centre.pk})
    return nas, secret


def nas_update(*, actor: User, nas: Nas, **changes: Any) -> Nas:
    require(actor, "centre.wifi", centre=nas.centre)
    allowed_fields = {"name", "address", "is_active", "require_message_authenticator"}
    unknown = set(changes) - allowed_fields
    if unknown:
        raise InvalidInput(_("These fields cannot be changed."),
                           fields={f: [_("Not editable.")] for f in unknown})
    with transaction.atomic():
        _lock_nas_registry()
        nas = Nas.objects.select_for_update().get(pk=nas.pk)
        if "name" in changes:
            name = (changes["name"] or "").strip()
            if not name:
                raise InvalidInput(_("Give the access point a name."),
                                   fields={"name": [_("Required.")]})
            if Nas.objects.filter(centre_id=nas.centre_id, name=name).exclude(pk=nas.pk).exists():
                raise Conflict(_("This centre already has an access point of that name."),
                               fields={"name": [_("Already used in this centre.")]})
            nas.name = name
        if "address" in changes:
            nas.address = _parse_address(changes["address"] or "")
        if "is_active" in changes:
            nas.is_active = bool(changes["is_active"])
        if "require_message_authenticator" in changes:
            nas.require_message_authenticator = bool(changes["require_message_authenticator"])
        if nas.is_active:
            _check_no_overlap(nas.address, exclude_pk=nas.pk)
        nas.save()
        audit_log(actor=actor, action="wifi.nas_updated", obj=nas,
                  data={k: v for k, v in changes.items()})
    return nas


def nas_rotate_secret(*, actor: User, nas: Nas, secret: str | None = None) -> tuple[Nas, str]:
    require(actor, "centre.wifi", centre=nas.centre)
    secret = _check_secret(secret) if secret else crypto.generate_nas_secret()
    with transaction.atomic():
        nas = Nas.objects.select_for_update().get(pk=nas.pk)
        nas.secret_encrypted = crypto.encrypt_secret(secret)
        nas.save(update_fields=["secret_encrypted", "updated_at"])
        audit_log(actor=actor, action="wifi.nas_secret_rotated", obj=nas)
    return nas, secret


def nas_for_address(*, address: str) -> Nas | None:
    """The active access point whose address or range holds `address` (the most
    specific range wins), with its centre and network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    best: Nas | None = None
    for nas in Nas.objects.filter(is_active=True).select_related("centre__network"):
        net = nas.network
        if ip.version == net.version and ip in net and (
            best is None or net.prefixlen > best.network.prefixlen
        ):
            best = nas
    return best


# --- REST tokens for FreeRADIUS --------------------------------------------------


def radius_token_create(*, actor: User, network: Network, name: str) -> tuple[RadiusRestToken, str]:
    require(actor, "network.wifi", network=network)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the token a name."), fields={"name": [_("Required.")]})
    raw = crypto.generate_rest_token()
    token = RadiusRestToken.objects.create(
        network=network, name=name[:100], prefix=raw[:10], key_hash=crypto.token_hash(raw)
    )
    audit_log(actor=actor, action="wifi.rest_token_created", obj=token,
              data={"name": token.name}, network_id=network.pk)
    return token, raw


def radius_token_revoke(*, actor: User, token: RadiusRestToken) -> RadiusRestToken:
    require(actor, "network.wifi", network=token.network_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="wifi.rest_token_revoked", obj=token,
                  network_id=token.network_id)
    return token


def radius_token_authenticate(*, raw: str) -> RadiusRestToken | None:
    if not raw or not raw.startswith(crypto.REST_TOKEN_PREFIX):
        return None
    # The lookup is by SHA-256 of the token: equal hashes, not a string compare
    # on the secret, so the time does not leak a prefix.
    token = RadiusRestToken.objects.filter(
        key_hash=crypto.token_hash(raw), revoked_at__isnull=True
    ).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        RadiusRestToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Authentication --------------------------------------------------------------


@dataclass
class AuthDecision:
    """The answer to one Access-Request, and what the operator's log records."""

    accept: bool
    reason: str
    username: str
    nas_id: int | None = None
    centre_id: int | None = None
    identity_id: int | None = None
    member_id: int | None = None
    session_timeout: int | None = None
    calling_station_id: str = ""
    at: dt.datetime = field(default_factory=timezone.now)

    @property
    def message(self) -> str:
        return str(AuthReason(self.reason).label)

    def as_attempt(self, via: str) -> AuthAttempt:
        return AuthAttempt(
            created_at=self.at, username=self.username[:64], identity_id=self.identity_id,
            member_id=self.member_id, nas_id=self.nas_id, centre_id=self.centre_id,
            result=AuthResult.ACCEPT if self.accept else AuthResult.REJECT, reason=self.reason,
            via=via, session_timeout=self.session_timeout,
            calling_station_id=self.calling_station_id[:64],
        )


def normalise_username(username: str) -> str:
    return username.strip().lower()[:64]


# Failed WiFi passwords are also counted per client address, in accounts' login
# throttle (the table `accounts_loginthrottle`, shared by every process): the device
# (Calling-Station-Id, its MAC) or, when the access point sends none, the access point.
# Unknown usernames are counted under their name too, so a wrong name costs what a
# wrong password costs.
THROTTLE_ADDRESS = "wifi_addr"
THROTTLE_NAME = "wifi_name"


def client_address_key(*, nas_id: int | None, calling_station_id: str) -> str:
    station = re.sub(r"[^0-9a-z]", "", calling_station_id.lower())[:64]
    return f"station:{station}" if station else f"nas:{nas_id}"


def _address_failed(key: str, now: dt.datetime) -> None:
    # An access point that sends no Calling-Station-Id shares one count among all its
    # devices: a higher limit, or a few people mistyping would lock everyone there.
    limit = wifi_setting("MAX_FAILURES_PER_ACCESS_POINT" if key.startswith("nas:")
                         else "MAX_FAILURES_PER_ADDRESS")
    throttle_failed(
        scope=THROTTLE_ADDRESS, key=key, limit=int(limit),
        lock_seconds=int(wifi_setting("LOCKOUT_SECONDS")),
        max_seconds=int(wifi_setting("ADDRESS_LOCKOUT_MAX_SECONDS")), now=now)


def _unknown_name_failed(username: str, now: dt.datetime) -> None:
    throttle_failed(
        scope=THROTTLE_NAME, key=username, limit=int(wifi_setting("MAX_FAILURES")),
        lock_seconds=int(wifi_setting("LOCKOUT_SECONDS")),
        max_seconds=int(wifi_setting("LOCKOUT_SECONDS")), now=now)


def _record_failure(identity_id: int, now: dt.datetime) -> None:
    """Count a failed attempt; lock the identity after MAX_FAILURES in the window.
    Row-locked so that parallel guesses are all counted."""
    window = dt.timedelta(seconds=wifi_setting("FAILURE_WINDOW_SECONDS"))
    with transaction.atomic():
        identity = WifiIdentity.objects.select_for_update().filter(pk=identity_id).first()
        if identity is None:
            return
        if identity.last_failed_at is None or now - identity.last_failed_at > window:
            identity.failed_attempts = 0
        identity.failed_attempts += 1
        identity.last_failed_at = now
        if identity.failed_attempts >= wifi_setting("MAX_FAILURES"):
            identity.locked_until = now + dt.timedelta(seconds=wifi_setting("LOCKOUT_SECONDS"))
            identity.failed_attempts = 0
            log.warning("wifi login %s locked after repeated failures", identity.username)
        identity.save(update_fields=["failed_attempts", "last_failed_at", "locked_until"])


def _failure_settle(*, identity_id: int | None, username: str, address: str,
                    now: dt.datetime) -> bool:
    """A wrong password (or a name that is no login), once checked: in one transaction
    holding the login's row and the address's, count it unless either got locked
    meanwhile (False: to be refused as locked). Guesses sent at once queue here, each
    seeing the failures counted before it, so no more of them are answered than the
    limits allow. Always the login's row before the address's: no deadlock."""
    with transaction.atomic():
        if identity_id is not None:
            held = WifiIdentity.objects.select_for_update().filter(
                pk=identity_id).values_list("locked_until", flat=True).first()
            if held is not None and held > now:
                return False
        if throttle_hold(scope=THROTTLE_ADDRESS, key=address, now=now):
            return False
        if identity_id is not None:
            _record_failure(identity_id, now)
        elif username:
            _unknown_name_failed(username, now)
        _address_failed(address, now)
    return True


def _failures_forget(row: IdentityRow, now: dt.datetime) -> None:
    """A right password after failures: forget them, unless one was counted (or a lock
    set) since `row` was read. The accept stands at that read, before any failure
    counted after it, which must not be wiped. (The count cannot come back to the same
    number within the milliseconds of a password check: it only grows, or starts
    afresh after a quiet window.)"""
    WifiIdentity.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now), pk=row.identity_id,
        failed_attempts=row.failed_attempts,
    ).update(failed_attempts=0, last_failed_at=None)


_credit_cache: dict[tuple[int, int, dt.date], tuple[float, bool]] = {}


def _credit_selector() -> Any:
    try:
        from smartwork.credits.selectors import member_credit
    except ImportError:  # the credits app is optional for this rule
        return None
    return member_credit


def _member_has_credit(member_id: int, centre: Centre, on: dt.date) -> bool:
    """"Open to every member with credit": an allotment usable at this centre, the
    company pool (within the monthly cap) or membership hours, with minutes left
    (credits.selectors.member_credit). Cached a minute per member and day: the
    selector costs several queries and a balance change may wait that long."""
    key = (member_id, centre.pk, on)
    now = time.monotonic()
    hit = _credit_cache.get(key)
    if hit is not None and now - hit[0] < 60:
        return hit[1]
    member_credit = _credit_selector()
    if member_credit is None:
        return True
    member = User.objects.select_related("company").get(pk=member_id)
    credit = member_credit(actor=member, on=on)
    ok = any(
        a["balance_minutes"] > 0 and (not a["centre_ids"] or centre.pk in a["centre_ids"])
        for a in credit["allotments"]
    )
    cap = credit.get("pool_cap_minutes")
    ok = ok or (credit["pool_minutes"] > 0
                and (cap is None or credit["pool_used_this_month"] < cap))
    membership = credit.get("membership")
    ok = ok or bool(membership and membership["balance_minutes"] > 0)
    if len(_credit_cache) > 50_000:
        _credit_cache.clear()
    _credit_cache[key] = (now, ok)
    return ok


def _has_booking_today(member_id: int, centre: Centre, local_day: dt.date, tz: Any) -> bool:
    from smartwork.bookings.models import Booking

    day_start = dt.datetime.combine(local_day, dt.time.min, tzinfo=tz)
    day_end = day_start + dt.timedelta(days=1)
    return Booking.objects.filter(
        member_id=member_id, centre_id=centre.pk, state__in=["confirmed", "checked_in"],
        start__lt=day_end, end__gt=day_start,
    ).exists()


_allied_cache: dict[tuple[int, dt.date], tuple[float, set[int]]] = {}


def _allied(network_id: int, on: dt.date) -> set[int]:
    # Alliances change a few times a year; a minute of cache spares a query per roaming login.
    key = (network_id, on)
    hit = _allied_cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < 60:
        return hit[1]
    ids = allied_network_ids(network_id=network_id, on=on)
    if len(_allied_cache) > 1000:
        _allied_cache.clear()
    _allied_cache[key] = (now, ids)
    return ids


def clear_caches() -> None:
    """Forget cached alliances and opening hours (tests; after bulk changes)."""
    from smartwork.wifi import calendar

    _allied_cache.clear()
    _credit_cache.clear()
    calendar.clear_cache()


def may_use_centre(*, member_network_id: int | None, centre: Centre, on: dt.date) -> bool:
    """The booking right (network.selectors.member_may_book_at) read from ids."""
    if centre.label_status != LabelStatus.LABELLED or member_network_id is None:
        return False
    return (centre.network_id == member_network_id
            or centre.network_id in _allied(member_network_id, on))


@dataclass(frozen=True)
class IdentityRow:
    identity_id: int
    password_hash: str
    identity_active: bool
    locked: bool
    failed_attempts: int
    member_id: int
    member_active: bool
    member_network_id: int | None
    company_active: bool | None


_identity_sql: str | None = None


def _identity_row(username: str, now: dt.datetime) -> IdentityRow | None:
    """One indexed query with no ORM compilation: it runs for every Access-Request."""
    global _identity_sql
    if _identity_sql is None:
        from smartwork.accounts.models import Organisation

        q = connection.ops.quote_name
        # Table names come from the models; values are parameters.
        _identity_sql = (
            "SELECT i.id, i.password_hash, i.is_active, "  # noqa: S608
            "CASE WHEN i.locked_until IS NOT NULL AND i.locked_until > %s THEN 1 ELSE 0 END, "
            "i.failed_attempts, u.id, u.is_active, u.network_id, o.is_active "
            f"FROM {q(WifiIdentity._meta.db_table)} i "
            f"JOIN {q(User._meta.db_table)} u ON u.id = i.member_id "
            f"LEFT JOIN {q(Organisation._meta.db_table)} o ON o.id = u.company_id "
            "WHERE i.username = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(_identity_sql,
                       [connection.ops.adapt_datetimefield_value(now), username])
        row = cursor.fetchone()
    if row is None:
        return None
    return IdentityRow(
        identity_id=row[0], password_hash=row[1], identity_active=bool(row[2]),
        locked=bool(row[3]), failed_attempts=row[4], member_id=row[5],
        member_active=bool(row[6]), member_network_id=row[7],
        company_active=None if row[8] is None else bool(row[8]),
    )


def radius_authenticate(
    *, nas: Nas, username: str, password: str | None, now: dt.datetime | None = None,
    calling_station_id: str = "",
) -> AuthDecision:
    """Decide an Access-Request from an access point. `nas.centre.network` must be
    loaded. Failed passwords are counted; the caller records the decision."""
    now = now or timezone.now()
    centre = nas.centre
    decision = AuthDecision(
        accept=False, reason=AuthReason.UNKNOWN_USER, username=normalise_username(username),
        nas_id=nas.pk, centre_id=centre.pk, calling_station_id=calling_station_id, at=now,
    )
    if not nas.is_active:
        decision.reason = AuthReason.NAS_DISABLED
        return decision
    row = _identity_row(decision.username, now) if decision.username else None
    address = client_address_key(nas_id=nas.pk, calling_station_id=calling_station_id)
    if row is not None:
        decision.identity_id, decision.member_id = row.identity_id, row.member_id
    if throttle_locked(scope=THROTTLE_ADDRESS, keys=[address], now=now):
        # Too many failures from this device (or access point), whatever the name.
        crypto.check_password(password or "", "hmac_sha256$0$0")
        decision.reason = AuthReason.RATE_LIMITED
        return decision
    if row is None:
        # Spend the same time as a password check, and count it as a wrong password
        # is counted: no username oracle by timing.
        crypto.check_password(password or "", "hmac_sha256$0$0")
        if not _failure_settle(identity_id=None, username=decision.username, address=address,
                               now=now):
            decision.reason = AuthReason.RATE_LIMITED
        return decision
    if row.locked:
        # As long as a password check, and the device is told what an unknown username
        # or a wrong password is told (server.PUBLIC_MESSAGES): no username oracle.
        crypto.check_password(password or "", "hmac_sha256$0$0")
        decision.reason = AuthReason.RATE_LIMITED
        return decision
    if not password:
        decision.reason = AuthReason.NO_PASSWORD
        return decision
    if not crypto.check_password(password, row.password_hash):
        decision.reason = AuthReason.BAD_PASSWORD
        if not _failure_settle(identity_id=row.identity_id, username=decision.username,
                               address=address, now=now):
            decision.reason = AuthReason.RATE_LIMITED
        return decision
    # A right password needs no lock: it stands at the reads above (no lock then), and
    # writes nothing unless there are failures to forget.
    if row.failed_attempts:
        _failures_forget(row, now)
    tz = zoneinfo.ZoneInfo(centre.timezone)
    local_day = now.astimezone(tz).date()
    reason = None
    if not row.identity_active:
        reason = AuthReason.IDENTITY_DISABLED
    elif not row.member_active:
        reason = AuthReason.MEMBER_INACTIVE
    elif row.company_active is False:
        reason = AuthReason.COMPANY_INACTIVE
    elif not may_use_centre(member_network_id=row.member_network_id, centre=centre,
                            on=local_day):
        reason = AuthReason.NO_RIGHT
    if reason is None:
        timeout = seconds_until_closing(centre, now, int(wifi_setting("MAX_SESSION_SECONDS")))
        if timeout is None:
            reason = AuthReason.CENTRE_CLOSED
        elif centre.network.wifi_access_rule == WifiAccessRule.BOOKING_REQUIRED:
            if not _has_booking_today(row.member_id, centre, local_day, tz):
                reason = AuthReason.NO_BOOKING
        elif not _member_has_credit(row.member_id, centre, local_day) and not (
            _has_booking_today(row.member_id, centre, local_day, tz)
        ):
            # A member who booked (and paid) here today gets on without credit.
            reason = AuthReason.NO_CREDIT
        decision.session_timeout = timeout
    if reason is not None:
        decision.reason = reason
        decision.session_timeout = None
        return decision
    decision.accept = True
    decision.reason = AuthReason.OK
    return decision


def auth_attempts_record(*, decisions: list[AuthDecision], via: str) -> None:
    """Write decisions to the operator's log (the built-in server batches them)."""
    if decisions:
        AuthAttempt.objects.bulk_create([d.as_attempt(via) for d in decisions])


# --- Accounting ------------------------------------------------------------------


@dataclass
class AccountingRecord:
    """One Accounting-Request, parsed (from RADIUS attributes or from rlm_rest JSON)."""

    status: str
    username: str
    acct_session_id: str
    session_time: int = 0
    input_octets: int = 0
    output_octets: int = 0
    input_gigawords: int = 0
    output_gigawords: int = 0
    terminate_cause: str = ""
    delay_time: int = 0

    @property
    def total_input(self) -> int:
        return self.input_gigawords * 2**32 + self.input_octets

    @property
    def total_output(self) -> int:
        return self.output_gigawords * 2**32 + self.output_octets


def radius_accounting(
    *, nas: Nas, record: AccountingRecord, now: dt.datetime | None = None
) -> PresenceSession | None:
    """Start / Interim-Update / Stop → one presence session per (access point,
    Acct-Session-Id). Idempotent: retransmissions change nothing. A Start checks
    in the member's booking of that slot at that centre."""
    now = now or timezone.now()
    if not record.acct_session_id:
        raise InvalidInput(_("Acct-Session-Id is missing."),
                           fields={"Acct-Session-Id": [_("Required.")]})
    if record.status not in AcctStatus.values:
        raise InvalidInput(_("Unknown Acct-Status-Type."),
                           fields={"Acct-Status-Type": [_("Start, Interim-Update or Stop.")]})
    event_at = now - dt.timedelta(seconds=max(0, record.delay_time))
    identity = (
        WifiIdentity.objects.select_related("member")
        .filter(username=normalise_username(record.username)).first()
    )
    if identity is None:
        log.info("accounting for unknown wifi username from nas %s ignored", nas.pk)
        return None
    started = event_at - dt.timedelta(seconds=max(0, record.session_time))
    created = False
    with transaction.atomic():
        session = (
            PresenceSession.objects.select_for_update()
            .filter(nas=nas, acct_session_id=record.acct_session_id[:128]).first()
        )
        if session is None:
            try:
                with transaction.atomic():
                    session = PresenceSession.objects.create(
                        member=identity.member, centre_id=nas.centre_id, nas=nas,
                        acct_session_id=record.acct_session_id[:128],
                        started_at=event_at if record.status == AcctStatus.START else started,
                        last_update_at=event_at,
                        input_octets=record.total_input, output_octets=record.total_output,
                    )
                    created = True
            except IntegrityError:
                # A retransmission handled in parallel stored it first.
                session = PresenceSession.objects.select_for_update().get(
                    nas=nas, acct_session_id=record.acct_session_id[:128])
        if record.status != AcctStatus.START or not created:
            # Counters only grow; a late or repeated packet must not roll them back.
            session.input_octets = max(session.input_octets, record.total_input)
            session.output_octets = max(session.output_octets, record.total_output)
            session.last_update_at = max(session.last_update_at, event_at)
            if record.status == AcctStatus.STOP and session.ended_at is None:
                session.ended_at = max(event_at, session.started_at)
                session.stop_cause = record.terminate_cause[:40]
            session.save(update_fields=["input_octets", "output_octets", "last_update_at",
                                        "ended_at", "stop_cause"])
    if created and record.status == AcctStatus.START:
        booking_check_in_from_wifi(member=identity.member, centre_id=nas.centre_id, at=event_at)
    return session


def booking_check_in_from_wifi(*, member: User, centre_id: int, at: dt.datetime) -> Any:
    """Check in the member's confirmed booking of the slot under way (or starting
    soon) at that centre, through the bookings app's service."""
    try:
        from smartwork.bookings.choices import CHECK_IN_EARLY_MINUTES
        from smartwork.bookings.models import Booking
        from smartwork.bookings.services import booking_check_in
    except ImportError:
        log.info("bookings service not available: no automatic check-in")
        return None
    early = dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
    booking = (
        Booking.objects.filter(member_id=member.pk, centre_id=centre_id, state="confirmed",
                               start__lte=at + early, end__gt=at)
        .order_by("start").first()
    )
    if booking is None:
        return None
    try:
        return booking_check_in(booking=booking, actor=member, via="wifi", now=at)
    except DomainError as exc:
        log.info("wifi check-in of booking %s refused: %s", booking.pk, exc.code)
        return None


def presence_close_stale(*, now: dt.datetime | None = None) -> int:
    """Close sessions whose access point stopped reporting (lost Stop packets):
    they end at their last accounting update. Idempotent."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=int(wifi_setting("STALE_SESSION_SECONDS")))
    closed = 0
    with transaction.atomic():
        for session in PresenceSession.objects.select_for_update().filter(
            ended_at__isnull=True, last_update_at__lt=limit
        ):
            session.ended_at = max(session.last_update_at, session.started_at)
            session.stop_cause = "Stale"
            session.save(update_fields=["ended_at", "stop_cause"])
            closed += 1
    return closed


def presence_close_for_nas(*, nas: Nas, now: dt.datetime | None = None,
                           cause: str = "NAS-Reboot") -> int:
    """Accounting-On/Off: the access point restarted, so its open sessions ended."""
    now = now or timezone.now()
    closed = 0
    with transaction.atomic():
        for session in PresenceSession.objects.select_for_update().filter(
            nas=nas, ended_at__isnull=True
        ):
            session.ended_at = max(now, session.started_at)
            session.stop_cause = cause
            session.save(update_fields=["ended_at", "stop_cause"])
            closed += 1
    return closed
