"""The client secret at rest: encrypted with a key derived from SECRET_KEY (Fernet,
AES-128-CBC with HMAC-SHA256), so a copy of the database alone does not give it away.
Rotating SECRET_KEY means typing the secrets again (docs/operations.md)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"smartwork.sso.client-secret:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_seal(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def secret_open(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return ""
