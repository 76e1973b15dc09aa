"""Failed-login limits, per account name and per client address, in the database.

`login_check` refuses while a lock holds; `login_failed` counts a failure and, after
`LOGIN_MAX_FAILURES` for a name (`LOGIN_MAX_FAILURES_PER_ADDRESS` for an address),
locks it for `LOGIN_LOCK_SECONDS`, doubled at each new lock up to
`LOGIN_LOCK_MAX_SECONDS` (settings.SMARTWORK). The first lock of an account that exists
mails its owner a link that lifts the lock (`login_unlock`). Names that are no account
are counted and locked the same way, and every refusal says the same thing, so the
answers tell nobody which accounts exist. Rows are locked while counted: parallel
guesses, from any number of processes, are all counted. `login_settle` checks the lock
and counts in one transaction after the password check, so that guesses sent at once
get no more answers than the limit (`login_check` before it only spares a locked
account the cost of the password hash)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import LoginThrottle, User
from smartwork.core.errors import DomainError

log = logging.getLogger("smartwork.accounts.throttle")

ACCOUNT = "account"
ADDRESS = "address"
UNLOCK_SALT = "smartwork.accounts.login-unlock"
UNLOCK_MAX_AGE = 24 * 3600


class LoginLocked(DomainError):
    status = 429
    code = "login_locked"


def _setting(name: str) -> int:
    return int(settings.SMARTWORK[name])


def normalise(account: str) -> str:
    return (account or "").strip().lower()[:254]


def _locked(scope: str, key: str, now: dt.datetime) -> bool:
    return LoginThrottle.objects.filter(scope=scope, key=key, locked_until__gt=now).exists()


def locked_message() -> str:
    return _("Too many failed attempts. Wait a moment and try again, or use the link we "
             "mailed to the account's address.")


def login_check(*, account: str, address: str = "", now: dt.datetime | None = None) -> None:
    """Refuse (LoginLocked, 429) while the account name or the address is locked."""
    now = now or timezone.now()
    if _locked(ACCOUNT, normalise(account), now) or (address and _locked(ADDRESS, address, now)):
        raise LoginLocked(locked_message())


def _held(scope: str, key: str, *, create: bool = True) -> LoginThrottle | None:
    """The row of `key` in `scope`, locked until the caller's transaction ends (made
    first when `create`; else None when there is none: nothing counted, nothing locked)."""
    if create:
        try:
            with transaction.atomic():
                LoginThrottle.objects.get_or_create(scope=scope, key=key)
        except IntegrityError:
            pass  # made meanwhile by a concurrent failure: count on theirs
    return LoginThrottle.objects.select_for_update().filter(scope=scope, key=key).first()


def _row_locked(row: LoginThrottle | None, now: dt.datetime) -> bool:
    return row is not None and row.locked_until is not None and row.locked_until > now


def _count(scope: str, key: str, limit: int, now: dt.datetime, *, lock_seconds: int | None = None,
           max_seconds: int | None = None) -> tuple[LoginThrottle, bool]:
    """Count one failure; (the row, whether this failure locked it). The lock lasts
    `lock_seconds`, doubled at each new lock up to `max_seconds` (the login settings
    unless given)."""
    row = _held(scope, key)
    assert row is not None
    cap = max_seconds if max_seconds is not None else _setting("LOGIN_LOCK_MAX_SECONDS")
    first = lock_seconds if lock_seconds is not None else _setting("LOGIN_LOCK_SECONDS")
    if row.last_failure_at is not None and now - row.last_failure_at > dt.timedelta(seconds=cap):
        row.failures, row.locks = 0, 0  # quiet for a long while: start afresh
    row.failures += 1
    row.last_failure_at = now
    just_locked = row.failures >= limit
    if just_locked:
        seconds = min(first * 2 ** row.locks, cap)
        row.locked_until = now + dt.timedelta(seconds=seconds)
        row.locks += 1
        row.failures = 0
        log.warning("login %s %s locked for %ss", scope, key, seconds)
    row.save()
    return row, just_locked


def login_failed(*, account: str, address: str = "", now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    name = normalise(account)
    with transaction.atomic():
        row, just_locked = _count(ACCOUNT, name, _setting("LOGIN_MAX_FAILURES"), now)
        if address:
            _count(ADDRESS, address, _setting("LOGIN_MAX_FAILURES_PER_ADDRESS"), now)
        if just_locked and row.locks == 1:
            # Locked for the first time: tell the owner, with a way out (the outbox,
            # core/mail.py: sent by the worker after commit).
            from smartwork.core.mail import mail_later

            mail_later("smartwork.accounts.throttle.unlock_mail_send", account=name)


def login_succeeded(*, account: str) -> None:
    LoginThrottle.objects.filter(scope=ACCOUNT, key=normalise(account)).update(
        failures=0, locks=0, locked_until=None)


def login_settle(*, account: str, address: str = "", succeeded: bool, forget: bool = True,
                 now: dt.datetime | None = None) -> None:
    """After the password was checked: in one transaction holding the account's row and
    the address's, refuse (LoginLocked) when either is locked by now, else count the
    failure, or forget the account's failures (a success, when `forget`).

    Guesses sent at once queue here one by one, each seeing the failures counted before
    it, so no more of them are answered than the limit allows; the rest are refused as
    locked, right password or not. The password itself is checked before, outside the
    lock: a right one waits for no other attempt's check, only for this short step."""
    now = now or timezone.now()
    name = normalise(account)
    with transaction.atomic():
        # Always the account's row before the address's: no deadlock between two attempts.
        rows = [_held(ACCOUNT, name, create=not succeeded)]
        if address:
            rows.append(_held(ADDRESS, address, create=not succeeded))
        if any(_row_locked(row, now) for row in rows):
            raise LoginLocked(locked_message())
        if not succeeded:
            login_failed(account=name, address=address, now=now)
        elif forget:
            login_succeeded(account=name)


def unlock_token(*, account: str) -> str:
    return signing.TimestampSigner(salt=UNLOCK_SALT).sign(normalise(account))


def login_unlock(*, token: str) -> bool:
    """Lift an account's lock with the link mailed to it; False when the link is bad."""
    try:
        name = signing.TimestampSigner(salt=UNLOCK_SALT).unsign(token, max_age=UNLOCK_MAX_AGE)
    except signing.BadSignature:
        return False
    login_succeeded(account=name)
    return True


def unlock_mail_send(*, account: str) -> None:
    from django.core.mail import EmailMessage
    from django.urls import reverse
    from django.utils import translation

    user: Any = User.objects.filter(email__iexact=account, is_active=True).first()
    if user is None:
        return
    base = settings.SMARTWORK["BASE_URL"].rstrip("/")
    link = base + reverse("web:login_unlock", kwargs={"token": unlock_token(account=account)})
    with translation.override(user.language or "fr"):
        body = _("Someone tried to log in to your smartwork account with a wrong password "
                 "several times, so logging in is paused for a while. If it was you, this "
                 "link lifts the pause at once (valid 24 hours):\n\n%(link)s\n\nIf it was "
                 "not you, change your password.") % {"link": link}
        EmailMessage(subject=_("Logging in to smartwork is paused"), body=body,
                     to=[user.email]).send()


# --- The same counters for other logins (the WiFi password: wifi.services) --------


def throttle_locked(*, scope: str, keys: list[str], now: dt.datetime | None = None) -> bool:
    """Whether any of `keys` is locked in `scope` (one indexed query)."""
    now = now or timezone.now()
    keys = [k for k in keys if k]
    return bool(keys) and LoginThrottle.objects.filter(
        scope=scope, key__in=keys, locked_until__gt=now).exists()


def throttle_hold(*, scope: str, key: str, create: bool = True,
                  now: dt.datetime | None = None) -> bool:
    """In the caller's transaction: lock `key`'s row in `scope` until it ends (made first
    when `create`) and tell whether it is locked; attempts on one key queue here, each
    checking and then counting (`throttle_failed`) before the next one looks."""
    if not key:
        return False
    return _row_locked(_held(scope, key[:254], create=create), now or timezone.now())


def throttle_failed(*, scope: str, key: str, limit: int, lock_seconds: int, max_seconds: int,
                    now: dt.datetime | None = None) -> bool:
    """Count one failure of `key` in `scope` under the row lock; True when it locked it."""
    if not key:
        return False
    with transaction.atomic():
        _row, just_locked = _count(scope, key[:254], limit, now or timezone.now(),
                                   lock_seconds=lock_seconds, max_seconds=max_seconds)
    return just_locked

