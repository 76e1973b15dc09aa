"""API tokens: an expiry (default and most from settings), scopes, last use, a cap per
user, listing and revocation by the user and by the company admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from smartwork.accounts.models import ApiToken
from smartwork.accounts.services import api_token_cache_forget
from smartwork.core import testing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    api_token_cache_forget()
    yield
    api_token_cache_forget()


def create(api, user, **data):
    return api(user, auth="session").post("/me/tokens", {"name": "script", **data})


def bearer(raw):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_expires_by_default_and_no_later_than_the_most(api, member, settings):
    settings.SMARTWORK = {**settings.SMARTWORK, "API_TOKEN_DEFAULT_DAYS": 30,
                          "API_TOKEN_MAX_DAYS": 60}
    body = create(api, member).json()
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert abs((expires - timezone.now()) - dt.timedelta(days=30)) < dt.timedelta(minutes=1)
    assert create(api, member, expires_in_days=61).status_code == 422
    assert create(api, member, expires_in_days=60).status_code == 201


def test_an_expired_token_is_refused(api, member):
    raw = create(api, member).json()["token"]
    assert bearer(raw).get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(user=member).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    api_token_cache_forget()
    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_last_use_is_recorded(api, member):
    raw = create(api, member).json()["token"]
    assert ApiToken.objects.get(user=member).last_used_at is None
    bearer(raw).get("/api/v1/me")
    assert ApiToken.objects.get(user=member).last_used_at is not None


def test_read_only_and_bookings_only_scopes(api, member, centre):
    read = create(api, member, scope="read").json()["token"]
    assert bearer(read).get("/api/v1/bookings").status_code == 200
    response = bearer(read).post("/api/v1/me/tokens", data='{"name": "escalate"}',
                                 content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "token_scope"
    bookings = create(api, member, scope="bookings").json()["token"]
    assert bearer(bookings).get("/api/v1/bookings").status_code == 200
    assert bearer(bookings).get(f"/api/v1/centres/{centre.pk}").status_code == 200
    assert bearer(bookings).get("/api/v1/invoices").status_code == 403
    assert bearer(bookings).get("/api/v1/me/tokens").status_code == 403
    assert bearer(bookings).patch("/api/v1/me", data="{}",
                                  content_type="application/json").status_code == 403


def test_a_user_holds_at_most_the_cap(api, member, settings):
    settings.SMARTWORK = {**settings.SMARTWORK, "API_TOKENS_PER_USER": 3}
    ids = [create(api, member).json()["id"] for _ in range(3)]
    response = create(api, member)
    assert response.status_code == 409 and response.json()["error"]["code"] == "too_many_tokens"
    assert api(member, auth="session").delete(f"/me/tokens/{ids[0]}").status_code == 204
    assert create(api, member).status_code == 201


def test_the_company_admin_lists_and_revokes_the_staffs_tokens(api, member, company,
                                                             company_admin, outsider):
    raw = create(api, member).json()["token"]
    listed = api(company_admin, auth="session").get(f"/companies/{company.pk}/tokens").json()
    assert [t["user_email"] for t in listed["items"]] == [member.email]
    token_id = listed["items"][0]["id"]
    other_admin = testing.make_company_admin(testing.make_organisation(network=company.network))
    assert api(other_admin, auth="session").get(
        f"/companies/{company.pk}/tokens").status_code == 403
    assert api(other_admin, auth="session").delete(
        f"/companies/{company.pk}/tokens/{token_id}").status_code == 403
    assert api(member, auth="session").get(f"/companies/{company.pk}/tokens").status_code == 403
    assert api(company_admin, auth="session").delete(
        f"/companies/{company.pk}/tokens/{token_id}").status_code == 204
    api_token_cache_forget()
    assert bearer(raw).get("/api/v1/me").status_code == 401
