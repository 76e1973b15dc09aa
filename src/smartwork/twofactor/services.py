"""Writes of the two-factor login: enrol an authenticator app (django-otp's TOTP),
recovery codes, passkeys (WebAuthn through py_webauthn), the second step's checks
(behind the failed-login limits of accounts/throttle.py) and the policies."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from smartwork.accounts import throttle
from smartwork.accounts.models import User
from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.core.permissions import require
from smartwork.twofactor.models import CompanyPolicy, NetworkPolicy, Passkey, RecoveryCode

RECOVERY_CODES = 10
# 12 characters of an alphabet without look-alikes (0/O, 1/l/I): about 60 bits each.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RP_NAME = "smartwork"


class SecondFactorInvalid(InvalidInput):
    code = "second_factor_invalid"


def _hash(code: str) -> str:
    normal = "".join(c for c in code.lower() if c.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


# --- Authenticator app (TOTP) ------------------------------------------------------------

def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed secret for the user's authenticator app (the previous
    unconfirmed one, if any, is dropped); it counts once confirmed with a code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_pending(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def totp_enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the pending secret with a code the app shows. Replaces a previous app;
    returns new recovery codes when the user had none left (shown once)."""
    device = totp_pending(user=user)
    if device is None:
        raise InvalidInput(_("Start the set-up again."), fields={"code": [_("Start the set-up again.")]})
    if not _code_ok(device, code):
        raise SecondFactorInvalid(_("This code is not valid."),
                                  fields={"code": [_("This code is not valid.")]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_log(actor=user, action="twofactor.totp_enrolled", obj=user)
        codes: list[str] = []
        if not RecoveryCode.objects.filter(user=user, used_at__isnull=True).exists():
            codes = recovery_codes_generate(user=user)
    return codes


def totp_remove(*, user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        _drop_codes_without_factor(user)
        audit_log(actor=user, action="twofactor.totp_removed", obj=user)


def _code_ok(device: TOTPDevice, code: str) -> bool:
    code = "".join((code or "").split())
    if not code.isdigit() or len(code) != device.digits:
        return False
    # django-otp checks the code within one step of drift and refuses a code already used.
    return bool(device.verify_token(code))


# --- Recovery codes ----------------------------------------------------------------------

def recovery_codes_generate(*, user: User) -> list[str]:
    """Ten new single-use codes (the old ones stop working). Returned in clear once;
    only their hashes are stored."""
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    with transaction.atomic():
        # Made twice at once (a double click), each would delete the codes committed
        # before it and both sets would stay valid: the user's row queues them.
        _user_row_lock(user)
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user=user, code_hash=_hash(c)) for c in codes])
        audit_log(actor=user, action="twofactor.recovery_codes_generated", obj=user)
    return codes


def recovery_code_use(*, user: User, code: str) -> bool:
    """Use one recovery code: True once per code. The conditional UPDATE is the lock:
    two requests with the same code cannot both succeed."""
    if not code or len(code) > 40:
        return False
    used = RecoveryCode.objects.filter(user=user, code_hash=_hash(code),
                                       used_at__isnull=True).update(used_at=timezone.now())
    return used == 1


def _drop_codes_without_factor(user: User) -> None:
    if not (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or Passkey.objects.filter(user=user).exists()):
        RecoveryCode.objects.filter(user=user).delete()


# --- The second step of the login --------------------------------------------------------

def _user_row_lock(user: User) -> None:
    """Lock the user's row until the caller's transaction ends (SQLite's IMMEDIATE
    transactions queue anyway): the user's second-step attempts, and the making of
    their recovery codes, wait for each other. Each attempt then checks the lock and
    counts its failure before the next one looks, so guesses sent at once get no more
    tries than the failed-login limit."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))


def second_factor_verify(*, user: User, code: str, address: str = "") -> str:
    """Check a code of the second step: the authenticator app's code, or a recovery
    code. Refused while the account or the address is locked; every failure counts
    towards the same limits as a wrong password. Returns "totp" or "recovery"."""
    method = ""
    with transaction.atomic():
        _user_row_lock(user)
        throttle.login_check(account=user.email, address=address)
        # The device's row is locked while the code is checked and its step recorded,
        # so that one code passes once even when sent twice at the same moment.
        device = TOTPDevice.objects.select_for_update().filter(
            user=user, confirmed=True).order_by("-id").first()
        if device is not None and _code_ok(device, code):
            method = "totp"
        if not method and recovery_code_use(user=user, code=code):
            method = "recovery"
        if method:
            throttle.login_succeeded(account=user.email)
            audit_log(actor=user, action=f"twofactor.login_{method}", obj=user)
        else:
            # Counted in this transaction: the next attempt in the queue sees it.
            throttle.login_failed(account=user.email, address=address)
    if not method:
        raise SecondFactorInvalid(_("This code is not valid."),
                                  fields={"code": [_("This code is not valid.")]})
    return method


# --- Passkeys (WebAuthn) -----------------------------------------------------------------

def passkey_registration_options(*, user: User, rp_id: str) -> tuple[str, bytes]:
    """The options the browser's `navigator.credentials.create` takes (JSON) and the
    challenge to keep in the session until the answer comes."""
    options = generate_registration_options(
        rp_id=rp_id, rp_name=RP_NAME, user_name=user.email,
        user_id=f"smartwork-user-{user.pk}".encode(),
        user_display_name=user.get_full_name() or user.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=bytes(p.credential_id))
                             for p in Passkey.objects.filter(user=user)],
    )
    return options_to_json(options), options.challenge


def _credential(data: Any) -> str:
    if isinstance(data, str):
        return data
    return json.dumps(data)


def passkey_register(*, user: User, name: str, credential: Any, challenge: bytes, rp_id: str,
                     origin: str) -> Passkey:
    name = (name or "").strip()[:100] or _("Passkey")
    try:
        verified = verify_registration_response(
            credential=_credential(credential), expected_challenge=challenge,
            expected_rp_id=rp_id, expected_origin=origin)
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(_("The passkey could not be registered."),
                           fields={"credential": [_("The passkey could not be registered.")]}
                           ) from exc
    cid = bytes_to_base64url(verified.credential_id)
    already = InvalidInput(_("This passkey is already registered."),
                           fields={"credential": [_("This passkey is already registered.")]})
    if Passkey.objects.filter(credential_id_b64=cid).exists():
        raise already
    transports: list[str] = []
    if isinstance(credential, dict):
        transports = [str(t) for t in (credential.get("response") or {}).get("transports") or []]
    try:
        # The unique credential id decides between two registrations at once (a double
        # submit passes the check above twice): the second insert fails in its own
        # transaction (a savepoint when nested) and gets the same answer.
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user, name=name, credential_id=verified.credential_id,
                credential_id_b64=cid, public_key=verified.credential_public_key,
                sign_count=verified.sign_count, transports=transports[:8])
            audit_log(actor=user, action="twofactor.passkey_added", obj=passkey,
                      data={"name": name})
    except IntegrityError as exc:
        if Passkey.objects.filter(credential_id_b64=cid).exists():
            raise already from exc
        raise
    return passkey


def passkey_remove(*, user: User, passkey_id: int) -> None:
    passkey = Passkey.objects.filter(user=user, pk=passkey_id).first()
    if passkey is None:
        raise NotFound(_("No such passkey."))
    with transaction.atomic():
        passkey.delete()
        _drop_codes_without_factor(user)
        audit_log(actor=user, action="twofactor.passkey_removed", obj=user,
                  data={"name": passkey.name})


def passkey_authentication_options(*, user: User, rp_id: str) -> tuple[str, bytes]:
    options = generate_authentication_options(
        rp_id=rp_id, user_verification=UserVerificationRequirement.PREFERRED,
        allow_credentials=[PublicKeyCredentialDescriptor(id=bytes(p.credential_id))
                           for p in Passkey.objects.filter(user=user)],
    )
    return options_to_json(options), options.challenge


def passkey_verify(*, user: User, credential: Any, challenge: bytes, rp_id: str, origin: str,
                   address: str = "") -> Passkey:
    """The second step with a passkey: one of the user's, signing this challenge. The
    passkey's row is locked while its sign counter is checked and moved on, so that an
    answer replayed at the same moment is refused and the counter never goes back."""
    raw_id = credential.get("rawId") or credential.get("id") if isinstance(credential, dict) \
        else None
    cid = ""
    if isinstance(raw_id, str) and len(raw_id) < 1400:
        try:
            cid = bytes_to_base64url(base64url_to_bytes(raw_id))
        except (ValueError, TypeError):
            cid = ""
    passkey = None
    with transaction.atomic():
        _user_row_lock(user)
        throttle.login_check(account=user.email, address=address)
        if cid:
            passkey = Passkey.objects.select_for_update().filter(
                user=user, credential_id_b64=cid).first()
        try:
            if passkey is None:
                raise InvalidAuthenticationResponse("unknown credential")
            verified = verify_authentication_response(
                credential=_credential(credential), expected_challenge=challenge,
                expected_rp_id=rp_id, expected_origin=origin,
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count)
        except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Counted in this transaction: the next attempt in the queue sees it.
            throttle.login_failed(account=user.email, address=address)
            refused: Exception | None = exc
        else:
            refused = None
            assert passkey is not None
            Passkey.objects.filter(pk=passkey.pk).update(sign_count=verified.new_sign_count,
                                                         last_used_at=timezone.now())
            throttle.login_succeeded(account=user.email)
            audit_log(actor=user, action="twofactor.login_passkey", obj=user)
    if refused is not None or passkey is None:
        raise SecondFactorInvalid(_("This passkey was not accepted."),
                                  fields={"credential": [_("This passkey was not accepted.")]}
                                  ) from refused
    return passkey


# --- Policies ----------------------------------------------------------------------------

def network_policy_set(*, actor: User, network: Any, staff_required: bool,
                       grace_until: dt.date | None = None) -> NetworkPolicy:
    """The operator requires (or stops requiring) a second factor of the network's
    operators, centre managers and company admins."""
    require(actor, "network.edit", network=network)
    with transaction.atomic():
        policy, _created = NetworkPolicy.objects.update_or_create(
            network=network, defaults={"staff_required": staff_required,
                                       "grace_until": grace_until})
        audit_log(actor=actor, action="twofactor.network_policy", obj=network,
                  data={"staff_required": staff_required, "grace_until": str(grace_until or "")},
                  network_id=network.pk)
    return policy


def company_policy_set(*, actor: User, company: Any, staff_required: bool,
                       grace_until: dt.date | None = None) -> CompanyPolicy:
    """A company admin (or the network's operator) requires a second factor of every
    one of the company's staff."""
    require(actor, "company.staff", company=company)
    with transaction.atomic():
        policy, _created = CompanyPolicy.objects.update_or_create(
            company=company, defaults={"staff_required": staff_required,
                                       "grace_until": grace_until})
        audit_log(actor=actor, action="twofactor.company_policy", obj=company,
                  data={"staff_required": staff_required, "grace_until": str(grace_until or "")},
                  network_id=company.network_id)
    return policy
