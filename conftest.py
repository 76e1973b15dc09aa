"""Fixtures shared by every app's tests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from smartwork.core import testing


class ApiClient:
    """Django's test client speaking JSON to /api/v1, as a given user (or anonymous)."""

    def __init__(self, user: Any = None, **headers: str) -> None:
        self.client = Client(**headers)
        if user is not None:
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
