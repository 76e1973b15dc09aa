"""Secrets of the WiFi app: access-point shared secrets (encrypted, RADIUS needs
them in clear) and WiFi passwords (keyed hash, never stored in clear).

Keys are derived from SECRET_KEY with a purpose string, so a key used here is
never the one Django signs cookies with; SECRET_KEY_FALLBACKS keep working for
reading, so a key rotation does not lock every access point out.

Why a keyed hash and not argon2 for WiFi passwords: they are generated here,
random, 138 bits (see `generate_password`), never chosen by a person. A slow hash
protects low-entropy secrets against guessing after a leak; a 138-bit secret
cannot be guessed whatever the hash costs. HMAC-SHA256 with a per-identity salt
and a server-side key (a leaked table without SECRET_KEY cannot even be tested
against) costs microseconds, so the RADIUS server answers hundreds of requests a
second on two cores. Details in docs/wifi.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterator

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1: easy to type
PASSWORD_LENGTH = 28  # 28 * log2(31) = 138.7 bits
HASH_ALGORITHM = "hmac_sha256"


def _secret_keys() -> Iterator[str]:
    yield settings.SECRET_KEY
    yield from getattr(settings, "SECRET_KEY_FALLBACKS", []) or []


def _derive(secret_key: str, purpose: str) -> bytes:
    return hashlib.sha256(f"smartwork.wifi.{purpose}:{secret_key}".encode()).digest()


# --- Access-point secrets --------------------------------------------------------


def _fernet() -> MultiFernet:
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(_derive(key, "nas-secret"))) for key in _secret_keys()
    ])


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The access-point secret cannot be decrypted with SECRET_KEY") from exc


def generate_nas_secret() -> str:
    # RADIUS secrets are typed into access points: letters and digits, 32 of them.
    return secrets.token_urlsafe(24).replace("-", "x").replace("_", "y")


# --- WiFi passwords --------------------------------------------------------------


def generate_password() -> str:
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, PASSWORD_LENGTH, 4))


def normalise_password(password: str) -> str:
    """Dashes, spaces and case do not count: phones capitalise the first letter."""
    return "".join(password.split()).replace("-", "").lower()


def _digest(key: bytes, salt: str, password: str) -> str:
    return hmac.new(key, f"{salt}${normalise_password(password)}".encode(), "sha256").hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_hex(8)
    return f"{HASH_ALGORITHM}${salt}${_digest(_derive(settings.SECRET_KEY, 'password'), salt, password)}"


def check_password(password: str, encoded: str) -> bool:
    """Constant-time check against the current key and every fallback key."""
    try:
        algorithm, salt, expected = encoded.split("$", 2)
    except ValueError:
        return False
    if algorithm != HASH_ALGORITHM:
        return False
    ok = False
    for key in _secret_keys():
        # No early exit: the time does not tell which key matched.
        ok |= hmac.compare_digest(_digest(_derive(key, "password"), salt, password), expected)
    return ok


# --- REST tokens -----------------------------------------------------------------

REST_TOKEN_PREFIX = "swr_"


def generate_rest_token() -> str:
    return REST_TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
