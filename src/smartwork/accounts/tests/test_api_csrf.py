"""An anonymous API POST is "not authenticated" (401), not a CSRF failure (403); a signed-in
browser session still needs its CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/bookings", "/api/v1/me/tokens", "/api/v1/invoices"])
def test_anonymous_post_answers_401_not_authenticated(path):
    response = Client(enforce_csrf_checks=True).post(path, data="{}",
                                                     content_type="application/json")
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_session_without_its_csrf_token_is_still_refused(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/api/v1/me/tokens", data='{"name": "x"}',
                           content_type="application/json")
    assert response.status_code == 403
    client.get("/profile/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/me/tokens", data='{"name": "x"}',
                           content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.content
