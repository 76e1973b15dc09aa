"""Fixtures shared by every app's tests."""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

import pytest
from django.test import Client
from django.test import client as django_test_client

from smartwork.core import testing
from smartwork.core.wsgi import StackHandlerMixin, lean_request

# How ApiClient(user) authenticates: "session" (force_login) or "token" (a Bearer API
# token, so that requests go through the API's lean middleware stack, core/wsgi.py).
# .ci/run runs the PostgreSQL pass with "token": the whole API suite on both stacks.
API_AUTH = os.environ.get("SMARTWORK_TEST_API_AUTH", "session")


class _LeanClientHandler(StackHandlerMixin, django_test_client.ClientHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        self.middleware_list = list(settings.API_MIDDLEWARE)
        super().__init__(*args, **kwargs)


class _ClientHandler(django_test_client.ClientHandler):
    """The test client's handler, dispatching as the WSGI application does
    (core/wsgi.Application): Bearer API requests without a session cookie go through
    settings.API_MIDDLEWARE."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lean = _LeanClientHandler(*args, **kwargs)

    def __call__(self, environ: dict[str, Any]) -> Any:
        if lean_request(environ):
            return self.lean(environ)
        return super().__call__(environ)


django_test_client.ClientHandler = _ClientHandler  # type: ignore[misc]


class ApiClient:
    """Django's test client speaking JSON to /api/v1, as a given user (or anonymous),
    logged in by session or by API token (`auth`, default API_AUTH)."""

    def __init__(self, user: Any = None, auth: str | None = None, **headers: str) -> None:
        if user is not None and (auth or API_AUTH) == "token":
            # Not api_token_create: no audit entry, which tests may count.
            from smartwork.accounts.models import ApiToken
            from smartwork.accounts.services import TOKEN_PREFIX, _token_hash

            raw = TOKEN_PREFIX + secrets.token_urlsafe(16)
            ApiToken.objects.create(user=user, name="test client", prefix=raw[:10],
                                    key_hash=_token_hash(raw))
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {raw}")
        self.client = Client(**headers)
        if user is not None and (auth or API_AUTH) == "session":
            self.client.force_login(user)

    def _call(self, method: str, path: str, data: Any = None, **headers: str) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        fn = getattr(self.client, method)
        if method in ("post", "put", "patch") or (method == "delete" and data is not None):
            return fn(url, data=json.dumps(data if data is not None else {}),
                      content_type="application/json", headers=headers)
        return fn(url, data=data, headers=headers)

    def get(self, path: str, params: Any = None, **headers: str) -> Any:
        return self._call("get", path, params, **headers)

    def post(self, path: str, data: Any = None, **headers: str) -> Any:
        return self._call("post", path, data, **headers)

    def put(self, path: str, data: Any = None, **headers: str) -> Any:
        return self._call("put", path, data, **headers)

    def patch(self, path: str, data: Any = None, **headers: str) -> Any:
        return self._call("patch", path, data, **headers)

    def delete(self, path: str, data: Any = None, **headers: str) -> Any:
        return self._call("delete", path, data, **headers)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through LocaleMiddleware
    (or a view saving a profile) activates the user's language for the thread, and
    with two workers the next test on that thread would inherit it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def api():
    """api(user) -> a JSON client logged in as that user; api() is anonymous."""
    return ApiClient


@pytest.fixture
def network(db):
    return testing.make_network(name="Test network")


@pytest.fixture
def centre(network):
    return testing.make_centre(network=network, name="Namur Centre")


@pytest.fixture
def operator(network):
    return testing.make_operator(network)


@pytest.fixture
def manager(centre):
    return testing.make_centre_staff(centre)


@pytest.fixture
def receptionist(centre):
    from smartwork.accounts.choices import Role

    return testing.make_centre_staff(centre, role=Role.RECEPTIONIST)


@pytest.fixture
def company(network):
    from smartwork.accounts.choices import OrganisationKind

    return testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                     legal_name="Acme SA")


@pytest.fixture
def company_admin(company):
    return testing.make_company_admin(company)


@pytest.fixture
def member(company):
    return testing.make_user(company=company, network=company.network,
                             home_lat="50.4674", home_lon="4.8720")


@pytest.fixture
def outsider(db):
    """A member of another network, with no role anywhere here."""
    other = testing.make_network(name="Other network")
    return testing.make_user(network=other)


@pytest.fixture
def clean_registry():
    """An empty registry of periodic jobs for the test; the registered ones are put back
    after it."""
    from smartwork.core import periodic

    saved = dict(periodic._jobs)
    periodic._jobs.clear()
    yield
    periodic._jobs.clear()
    periodic._jobs.update(saved)


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider process (sso/tests/provider.py), one for the
    session: the sso tests and the browser's single sign-on journeys use it."""
    from smartwork.sso.tests.provider import OidcProvider

    provider = OidcProvider()
    try:
        yield provider
    finally:
        provider.stop()
