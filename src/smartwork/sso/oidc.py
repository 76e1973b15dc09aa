"""The OpenID Connect client side, with Authlib (authorisation URL with PKCE S256,
the code exchange at the token endpoint) and joserfc (Authlib's JOSE library: the ID
token's signature against the provider's JWKS). Nothing here trusts the browser: the
state, nonce and PKCE verifier stay in the server-side session, the ID token comes from
the token endpoint over the back channel, and every claim that matters is checked:
issuer, audience (and azp), expiry, issue time, nonce, signature."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from smartwork.core.errors import DomainError

SCOPES = "openid email profile"
TIMEOUT = 10  # seconds, for each call to the provider
LEEWAY = 60  # seconds of clock difference accepted on exp/iat/nbf
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


class SsoRefused(DomainError):
    """A sign-in through the company's provider that cannot be accepted; `code` says why."""

    status = 403


@dataclasses.dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoRefused(_("The company's identity provider cannot be reached."),
                         code="provider_unreachable") from exc
    if not isinstance(data, dict):
        raise SsoRefused(_("The company's identity provider cannot be reached."),
                         code="provider_unreachable")
    return data


def discover(issuer: str) -> Provider:
    """The provider's discovery document; its issuer must be the configured one."""
    doc = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if str(doc.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise SsoRefused(_("The identity provider announces another issuer."),
                         code="wrong_issuer")
    try:
        return Provider(issuer=str(doc["issuer"]),
                        authorization_endpoint=str(doc["authorization_endpoint"]),
                        token_endpoint=str(doc["token_endpoint"]), jwks_uri=str(doc["jwks_uri"]))
    except KeyError as exc:
        raise SsoRefused(_("The company's identity provider cannot be reached."),
                         code="provider_unreachable") from exc


def _session(client_id: str, client_secret: str, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(client_id, client_secret, scope=SCOPES, redirect_uri=redirect_uri,
                         code_challenge_method="S256",
                         token_endpoint_auth_method="client_secret_post")


def authorization_start(*, provider: Provider, client_id: str, redirect_uri: str,
                        login_hint: str = "") -> tuple[str, dict[str, str]]:
    """The URL to send the browser to, and what to keep in the session to check the
    answer (state, nonce, PKCE verifier)."""
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    extra = {"nonce": nonce}
    if login_hint:
        extra["login_hint"] = login_hint
    url, _state = _session(client_id, "", redirect_uri).create_authorization_url(
        provider.authorization_endpoint, state=state, code_verifier=verifier, **extra)
    return url, {"state": state, "nonce": nonce, "verifier": verifier}


def code_exchange(*, provider: Provider, client_id: str, client_secret: str,
                  redirect_uri: str, code: str, verifier: str) -> str:
    """The ID token the token endpoint answers for the code (back channel)."""
    try:
        token = _session(client_id, client_secret, redirect_uri).fetch_token(
            provider.token_endpoint, grant_type="authorization_code", code=code,
            code_verifier=verifier, timeout=TIMEOUT)
    except Exception as exc:  # Authlib raises OAuthError, requests its own: both refuse.
        raise SsoRefused(_("The identity provider did not accept the login code."),
                         code="code_refused") from exc
    id_token = token.get("id_token")
    if not id_token:
        raise SsoRefused(_("The identity provider gave no ID token."), code="no_id_token")
    return str(id_token)


def id_token_validate(*, provider: Provider, id_token: str, client_id: str, nonce: str,
                      now: int | None = None) -> dict[str, Any]:
    """The ID token's claims, once its signature (JWKS), issuer, audience, expiry and
    nonce are right; else SsoRefused naming what is wrong."""
    try:
        keys = KeySet.import_key_set(_get_json(provider.jwks_uri))  # type: ignore[arg-type]
    except (JoseError, KeyError, TypeError, ValueError, AttributeError) as exc:
        # A JWKS without keys, or keys missing their parameters: the provider is broken.
        raise SsoRefused(_("The company's identity provider cannot be reached."),
                         code="bad_keys") from exc
    try:
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except BadSignatureError as exc:
        raise SsoRefused(_("The identity provider's answer is not validly signed."),
                         code="bad_signature") from exc
    except JoseError as exc:
        raise SsoRefused(_("The identity provider's answer is not validly signed."),
                         code="bad_signature") from exc
    claims = dict(token.claims)
    if claims.get("iss") != provider.issuer:
        raise SsoRefused(_("The identity provider's answer comes from another issuer."),
                         code="wrong_issuer")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else (
        audience if isinstance(audience, list) else [])
    if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
        raise SsoRefused(_("The identity provider's answer was meant for another application "
                           "(wrong audience)."), code="wrong_audience")
    registry = jwt.JWTClaimsRegistry(now=now or int(time.time()), leeway=LEEWAY,
                                     exp={"essential": True}, iat={"essential": True},
                                     sub={"essential": True})
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise SsoRefused(_("The identity provider's answer has expired: please log in again."),
                         code="expired") from exc
    except (InvalidClaimError, MissingClaimError) as exc:
        raise SsoRefused(_("The identity provider's answer is incomplete or invalid."),
                         code="invalid_token") from exc
    if not nonce or claims.get("nonce") != nonce:
        raise SsoRefused(_("This login was not started here or was already used: please log "
                           "in again."), code="wrong_nonce")
    return claims
