"""Builders for the two-factor tests: an authenticator app set up the way a user does
(start, then confirm with a code), and the code an app shows at a given time."""

from __future__ import annotations

import base64
import time

import pyotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartwork.twofactor import services


def secret(device: TOTPDevice) -> str:
    return base64.b32encode(bytes(device.bin_key)).decode()


def code_at(device_or_secret: TOTPDevice | str, at: float | None = None) -> str:
    """The code of an authenticator app (pyotp, an independent implementation of RFC
    6238) at time `at` (now by default)."""
    b32 = device_or_secret if isinstance(device_or_secret, str) else secret(device_or_secret)
    return pyotp.TOTP(b32).at(int(at if at is not None else time.time()))


def enrol_totp(user) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator app for `user` with a code of the previous 30 s step
    (so that the current step's code is still unused for the login)."""
    device = services.totp_enrolment_start(user=user)
    codes = services.totp_enrolment_confirm(user=user, code=code_at(device, time.time() - 30))
    device.refresh_from_db()
    return device, codes


class SoftAuthenticator:
    """A passkey in software (an ES256 key, as a platform authenticator has): its stored
    `Passkey` row and the assertions it signs, built as WebAuthn (level 2) says, so that
    py_webauthn checks them exactly as it checks a browser's."""

    def __init__(self, user, *, sign_count: int = 0, rp_id: str = "testserver",
                 stored: bool = True) -> None:
        import secrets

        import cbor2
        from cryptography.hazmat.primitives.asymmetric import ec
        from webauthn.helpers import bytes_to_base64url

        from smartwork.twofactor.models import Passkey

        self.rp_id = rp_id
        self.origin = f"http://{rp_id}"
        self.key = ec.generate_private_key(ec.SECP256R1())
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})
        self.cose = cose
        self.credential_id = secrets.token_bytes(16)
        if stored:  # else registered through services.passkey_register (registration())
            self.passkey = Passkey.objects.create(
                user=user, name="Soft key", credential_id=self.credential_id,
                credential_id_b64=bytes_to_base64url(self.credential_id), public_key=cose,
                sign_count=sign_count)

    def registration(self, challenge: bytes) -> dict:
        """What `navigator.credentials.create` returns for `challenge`: a "none"
        attestation of this key and its credential id."""
        import hashlib
        import json

        import cbor2
        from webauthn.helpers import bytes_to_base64url

        client_data = json.dumps({"type": "webauthn.create",
                                  "challenge": bytes_to_base64url(challenge),
                                  "origin": self.origin, "crossOrigin": False}).encode()
        # rpIdHash, flags (user present, verified, attested data), signCount, then the
        # attested credential: AAGUID, the id's length and the id, the COSE key.
        auth_data = (hashlib.sha256(self.rp_id.encode()).digest() + bytes([0x45])
                     + (0).to_bytes(4, "big") + bytes(16)
                     + len(self.credential_id).to_bytes(2, "big") + self.credential_id
                     + self.cose)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        cid = bytes_to_base64url(self.credential_id)
        return {"id": cid, "rawId": cid, "type": "public-key", "response": {
            "clientDataJSON": bytes_to_base64url(client_data),
            "attestationObject": bytes_to_base64url(attestation),
            "transports": ["internal"]}}

    def assertion(self, challenge: bytes, *, sign_count: int) -> dict:
        """What `navigator.credentials.get` returns for `challenge`, with the
        authenticator's counter at `sign_count`."""
        import hashlib
        import json

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from webauthn.helpers import bytes_to_base64url

        client_data = json.dumps({"type": "webauthn.get",
                                  "challenge": bytes_to_base64url(challenge),
                                  "origin": self.origin, "crossOrigin": False}).encode()
        # rpIdHash, flags (user present and verified), signCount.
        auth_data = (hashlib.sha256(self.rp_id.encode()).digest() + bytes([0x05])
                     + sign_count.to_bytes(4, "big"))
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        cid = bytes_to_base64url(self.credential_id)
        return {"id": cid, "rawId": cid, "type": "public-key", "response": {
            "clientDataJSON": bytes_to_base64url(client_data),
            "authenticatorData": bytes_to_base64url(auth_data),
            "signature": bytes_to_base64url(signature), "userHandle": None}}
