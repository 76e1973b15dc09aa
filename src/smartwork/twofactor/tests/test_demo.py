"""The demo's two-factor login: the Mobispot operator passes the second step with the
printed secret; the Walloon staff may put enrolment off; a member is not asked."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from smartwork.demo import DEMO_PASSWORD, demo_load
from smartwork.twofactor.demo import DEMO_TOTP_USER, demo_totp_secret, describe

pytestmark = pytest.mark.django_db


def login(client, email):
    return client.post("/login/", {"username": email, "password": DEMO_PASSWORD})


def test_the_demo_logins_work_in_a_browser_with_two_factor(db):
    logins = {login.role + login.email: login.email for login in demo_load()}
    assert demo_totp_secret() in " ".join(describe())
    client = Client()
    assert login(client, DEMO_TOTP_USER)["Location"] == "/login/verify/"
    response = client.post("/login/verify/", {"code": pyotp.TOTP(demo_totp_secret()).now()})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    walloon = next(e for e in logins.values() if e.startswith("operator.walloon@"))
    client = Client()
    assert login(client, walloon)["Location"] == "/login/enrol/"
    assert b"Later" in client.get("/login/enrol/").content
    client.post("/login/enrol/later/")
    assert "_auth_user_id" in client.session
    member = next(e for e in logins.values() if e.startswith("member@"))
    client = Client()
    assert "/login/" not in login(client, member)["Location"]
