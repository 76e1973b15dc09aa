"""The login in two steps, through the pages: password, then a code of the
authenticator app or a recovery code; nothing is open between the two steps."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from smartwork.accounts.models import ApiToken, LoginThrottle
from smartwork.twofactor.models import RecoveryCode
from smartwork.twofactor.tests.helpers import code_at, enrol_totp

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts"


def password_step(client, user, password="pass-1234", address="10.0.0.1", next_url=""):
    data = {"username": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data, REMOTE_ADDR=address)


def test_without_a_second_factor_the_password_logs_in(member):
    client = Client()
    response = password_step(client, member)
    assert response.status_code == 302 and "/login/" not in response["Location"]
    assert client.session.get("_auth_user_id") == str(member.pk)


def test_the_totp_code_of_a_real_generator_completes_the_login(member):
    device, codes = enrol_totp(member)
    assert len(codes) == 10
    client = Client()
    response = password_step(client, member, next_url="/bookings/")
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    assert "_auth_user_id" not in client.session, "logged in before the second step"
    page = client.get("/login/verify/")
    assert page.status_code == 200 and b"authenticator app" in page.content
    response = client.post("/login/verify/", {"code": code_at(device)}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302 and response["Location"] == "/bookings/"
    assert client.session.get("_auth_user_id") == str(member.pk)


def test_a_code_of_another_time_or_used_twice_is_refused(member):
    device, _codes = enrol_totp(member)
    client = Client()
    password_step(client, member)
    # Ten minutes off: no authenticator app shows this code now.
    response = client.post("/login/verify/", {"code": code_at(device, time.time() + 600)})
    assert response.status_code == 200 and b"This code is not valid." in response.content
    code = code_at(device)
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    # The same code again, in another browser after the password: refused (replay).
    other = Client()
    password_step(other, member)
    response = other.post("/login/verify/", {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in other.session


def test_between_the_two_steps_nothing_is_open(member):
    enrol_totp(member)
    client = Client()
    password_step(client, member)
    assert client.get("/profile/").status_code == 302
    assert client.get("/profile/security/").status_code == 302
    # No API token by the half-open session (API token creation needs the full login).
    response = client.post("/api/v1/me/tokens", {"name": "sneaky"},
                           content_type="application/json")
    assert response.status_code == 401
    assert not ApiToken.objects.filter(user=member).exists()
    # The admin's own login form is not a way round: it sends to the site's login.
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_second_step_expires(member, settings):
    device, _codes = enrol_totp(member)
    settings.TWO_FACTOR_PENDING_SECONDS = 0
    client = Client()
    password_step(client, member)
    time.sleep(0.01)
    response = client.post("/login/verify/", {"code": code_at(device)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once(member):
    _device, codes = enrol_totp(member)
    # Stored as hashes only.
    stored = set(RecoveryCode.objects.filter(user=member).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    client = Client()
    password_step(client, member)
    response = client.post("/login/verify/", {"code": codes[3].upper()})
    assert response.status_code == 302
    assert RecoveryCode.objects.filter(user=member, used_at__isnull=False).count() == 1
    again = Client()
    password_step(again, member)
    response = again.post("/login/verify/", {"code": codes[3]})
    assert response.status_code == 200 and b"This code is not valid." in response.content
    assert again.post("/login/verify/", {"code": codes[4]}).status_code == 302


def test_wrong_codes_are_counted_like_wrong_passwords(member):
    device, _codes = enrol_totp(member)
    client = Client()
    password_step(client, member)
    for n in range(5):
        if n == 2:
            # Typing the password again does not wipe the count of wrong codes.
            assert password_step(client, member).status_code == 302
        response = client.post("/login/verify/", {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 200
    assert LoginThrottle.objects.get(scope="account", key=member.email).locked_until
    # Locked: the right code is refused too.
    response = client.post("/login/verify/", {"code": code_at(device)}, REMOTE_ADDR="10.0.0.1")
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_codes_of_an_address_are_counted(member, company_admin, settings):
    settings.SMARTWORK = {**settings.SMARTWORK, "LOGIN_MAX_FAILURES_PER_ADDRESS": 3}
    enrol_totp(member)
    device, _codes = enrol_totp(company_admin)
    other = Client()
    password_step(other, company_admin, address="10.9.9.9")  # already at the second step
    client = Client()
    password_step(client, member, address="10.9.9.9")
    for _ in range(3):
        client.post("/login/verify/", {"code": "123456"}, REMOTE_ADDR="10.9.9.9")
    # The address is locked: another account's right code from there is refused, and so
    # is a password.
    response = other.post("/login/verify/", {"code": code_at(device)}, REMOTE_ADDR="10.9.9.9")
    assert LOCKED in response.content.decode() and "_auth_user_id" not in other.session
    response = password_step(Client(), company_admin, address="10.9.9.9")
    assert LOCKED in response.content.decode()


def test_the_page_in_french_and_dutch(member):
    enrol_totp(member)
    for language, words in (("fr", "Deuxième étape"), ("nl", "Tweede stap")):
        client = Client()
        client.cookies["django_language"] = language
        password_step(client, member)
        page = client.get("/login/verify/")
        assert words in page.content.decode()


def test_accepting_an_invitation_does_not_skip_the_second_step(network, company,
                                                                company_admin):
    from smartwork.accounts.services import invitation_create
    from smartwork.core import testing

    person = testing.make_user(network=network)
    device, _codes = enrol_totp(person)
    _invitation, token = invitation_create(actor=company_admin, company=company,
                                           email=person.email)
    client = Client()
    response = client.post("/invitations/accept", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    assert "_auth_user_id" not in client.session
    response = client.post("/login/verify/", {"code": code_at(device)})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)
