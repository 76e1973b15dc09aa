"""The security settings in the profile: set up an authenticator app, new recovery
codes (the old ones stop working), remove the app; the codes are shown once."""

from __future__ import annotations

import pytest
from django.test import Client

from smartwork.twofactor import services
from smartwork.twofactor.models import RecoveryCode
from smartwork.twofactor.selectors import has_second_factor
from smartwork.twofactor.tests.helpers import code_at, enrol_totp

pytestmark = pytest.mark.django_db


def test_set_up_an_app_from_the_profile(member):
    client = Client()
    client.force_login(member)
    page = client.get("/profile/security/")
    assert page.status_code == 200 and b"No authenticator app is set up." in page.content
    assert client.post("/profile/security/totp/start/")["Location"] == "/profile/security/totp/"
    page = client.get("/profile/security/totp/")
    assert b"<svg" in page.content and b"totp-secret" in page.content
    device = services.totp_pending(user=member)
    response = client.post("/profile/security/totp/", {"code": "111111"})
    assert b"This code is not valid." in response.content
    response = client.post("/profile/security/totp/", {"code": code_at(device)})
    assert response.status_code == 200 and response.content.count(b"<li><code>") == 10
    assert has_second_factor(user=member)


def test_new_recovery_codes_replace_the_old_and_removing_the_app_drops_them(member):
    _device, old = enrol_totp(member)
    client = Client()
    client.force_login(member)
    response = client.post("/profile/security/recovery-codes/")
    assert response.status_code == 200
    assert not services.recovery_code_use(user=member, code=old[0])
    assert RecoveryCode.objects.filter(user=member).count() == 10
    assert client.post("/profile/security/totp/remove/").status_code == 302
    assert not has_second_factor(user=member)
    assert not RecoveryCode.objects.filter(user=member).exists()
    # No factor: no codes to make.
    client.post("/profile/security/recovery-codes/")
    assert not RecoveryCode.objects.filter(user=member).exists()


def test_one_may_not_remove_someone_elses_passkey(member, company_admin):
    from smartwork.twofactor.models import Passkey

    passkey = Passkey.objects.create(user=company_admin, name="Key", credential_id=b"x",
                                     credential_id_b64="eA", public_key=b"y")
    client = Client()
    client.force_login(member)
    response = client.post(f"/profile/security/passkeys/{passkey.pk}/remove/")
    assert response.status_code == 404
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_a_bad_passkey_answer_is_refused_with_the_error_shape(member):
    client = Client()
    client.force_login(member)
    options = client.post("/profile/security/passkeys/options/").json()
    assert options["rp"]["id"] == "testserver" and options["challenge"]
    response = client.post("/profile/security/passkeys/", {"name": "x", "credential": {
        "id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}},
        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "credential": ["The passkey could not be registered."]}
    # Garbage at the second step counts as a failed attempt.
    enrol_totp(member)
    anon = Client()
    anon.post("/login/", {"username": member.email, "password": "pass-1234"})
    anon.post("/login/verify/passkey/options/")
    response = anon.post("/login/verify/passkey/", "not json", content_type="application/json")
    assert response.status_code == 422
    from smartwork.accounts.models import LoginThrottle

    assert LoginThrottle.objects.get(scope="account", key=member.email).failures == 1
