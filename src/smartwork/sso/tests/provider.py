"""A real OpenID Connect provider for the tests: `oidc-provider-mock` (PyPI; built on
Authlib's server and Flask) started as its own process on 127.0.0.1. It serves
discovery, a JWKS, the authorisation and token endpoints with PKCE and nonces, and
signs real RS256 ID tokens. What it puts in a token comes from the user's claims set
through its `PUT /users/{sub}`: a claim named `aud` or `exp` replaces the token's own
(Authlib's `generate_id_token` applies the user's claims last), which is how the tests
get a correctly signed token for another audience or an expired one."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from urllib.parse import quote

import requests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OidcProvider:
    def __init__(self) -> None:
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1",
             "--port", str(self.port), "--require-nonce"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.issuer + "/.well-known/openid-configuration",
                                timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the OpenID Connect provider did not start")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def set_user(self, sub: str, **claims: object) -> None:
        """The claims the provider asserts for `sub` from now on."""
        response = requests.put(f"{self.issuer}/users/{quote(sub, safe='')}", json=claims,
                                timeout=10)
        assert response.status_code == 204, response.text

    def answer(self, authorize_url: str, sub: str = "", *, deny: bool = False) -> str:
        """The person at the provider's page chooses `sub` (or denies): the redirect
        back to the application (its URL)."""
        data = {"action": "deny"} if deny else {"sub": sub}
        response = requests.post(authorize_url, data=data, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return str(response.headers["Location"])
