"""The ID token's checks against hostile answers of a provider (a company admin may
connect any issuer): a JWKS without usable keys and claims of the wrong type are
refused with SsoRefused, never an exception the login page would answer 500 with."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from smartwork.sso import oidc

KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
JWKS = {"keys": [KEY.as_dict(private=False)]}
PROVIDER = oidc.Provider(issuer="https://idp.example", authorization_endpoint="https://idp.example/a",
                         token_endpoint="https://idp.example/t",
                         jwks_uri="https://idp.example/jwks")


def _token(**claims: object) -> str:
    now = int(time.time())
    return jwt.encode({"alg": "RS256", "kid": "k1"}, {
        "iss": PROVIDER.issuer, "aud": "cid", "exp": now + 60, "iat": now, "sub": "s",
        "nonce": "n", **claims}, KEY)


def _validate(monkeypatch, jwks: object, token: str) -> dict:
    monkeypatch.setattr(oidc, "_get_json", lambda url: jwks)
    return oidc.id_token_validate(provider=PROVIDER, id_token=token, client_id="cid", nonce="n")


def test_a_good_token_passes(monkeypatch):
    assert _validate(monkeypatch, JWKS, _token())["sub"] == "s"


@pytest.mark.parametrize("jwks", [{}, {"keys": "x"}, {"keys": ["x"]}, {"keys": [{"kty": "RSA"}]},
                                  {"keys": [{"kty": "zz"}]}, {"keys": None}])
def test_a_jwks_without_usable_keys_is_refused(monkeypatch, jwks):
    with pytest.raises(oidc.SsoRefused) as refused:
        _validate(monkeypatch, jwks, _token())
    assert refused.value.code == "bad_keys"


@pytest.mark.parametrize(("claims", "code"), [
    ({"aud": 5}, "wrong_audience"), ({"aud": {"cid": 1}}, "wrong_audience"),
    ({"aud": None}, "wrong_audience"), ({"aud": [1, "cid"]}, "wrong_audience"),
    ({"exp": "later"}, "invalid_token"), ({"iss": ["https://idp.example"]}, "wrong_issuer"),
    ({"nonce": ["n"]}, "wrong_nonce"),
])
def test_claims_of_the_wrong_type_are_refused(monkeypatch, claims, code):
    with pytest.raises(oidc.SsoRefused) as refused:
        _validate(monkeypatch, JWKS, _token(**claims))
    assert refused.value.code == code


@pytest.mark.parametrize("token", ["", "a.b.c", "\x00", "x" * 10_000])
def test_a_token_that_is_not_a_jwt_is_refused(monkeypatch, token):
    with pytest.raises(oidc.SsoRefused):
        _validate(monkeypatch, JWKS, token)
