"""Company single sign-on against a real OpenID Connect provider (its own process on
127.0.0.1, real discovery, JWKS and RS256 tokens): login and just-in-time creation,
and each bad answer refused with a clear message."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from smartwork.accounts.choices import OrganisationKind
from smartwork.accounts.models import User
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.sso import oidc
from smartwork.sso.models import CompanySso
from smartwork.sso.services import sso_configure


@pytest.fixture
def sso(company, company_admin, oidc_provider):
    return sso_configure(actor=company_admin, company=company, issuer=oidc_provider.issuer,
                         client_id="smartwork-acme", client_secret="s3cret-acme",
                         domains="acme.example, acme.be", leaver_claim="employee_left")


def _start(client: Client, email: str) -> str:
    """The login page's company-account button: a page that moves on to the provider
    (meta refresh and a link: a 302 would break the login form's CSP form-action)."""
    import html
    import re

    response = client.post("/login/sso/", {"username": email})
    assert response.status_code == 200, response
    body = response.content.decode()
    url = html.unescape(re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', body)[1])
    assert f'href="{html.escape(url)}"' in body or f'href="{url}"' in body
    return url


def _finish(client: Client, back: str):
    parts = urlsplit(back)
    assert parts.path == "/login/sso/callback/"
    return client.get(parts.path + "?" + parts.query)


def _login(client, provider, email, sub=None, **claims):
    sub = sub or email
    provider.set_user(sub, email=email, email_verified=True, **claims)
    return _finish(client, provider.answer(_start(client, email), sub))


def _said(client: Client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_the_login_page_sends_the_email_to_its_companys_provider_with_pkce_and_nonce(
        client, sso, oidc_provider):
    url = _start(client, "Jane.Doe@ACME.be")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == oidc_provider.issuer
    query = parse_qs(parts.query)
    assert query["client_id"] == ["smartwork-acme"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    assert query["redirect_uri"] == ["http://testserver/login/sso/callback/"]
    assert "openid" in query["scope"][0].split()


def test_an_unknown_domain_is_told_to_use_the_password(client, sso):
    response = client.post("/login/sso/", {"username": "someone@elsewhere.example"})
    assert "No company single sign-on" in _said(client, response)


def test_first_login_creates_the_employee_just_in_time_then_logs_in_again(
        client, sso, company, oidc_provider):
    response = _login(client, oidc_provider, "new.hire@acme.example",
                      given_name="Nina", family_name="Hire", locale="nl-BE")
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="new.hire@acme.example")
    assert (user.company_id, user.network_id, user.is_active) == (
        company.pk, company.network_id, True)
    assert (user.first_name, user.last_name, user.language) == ("Nina", "Hire", "nl")
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEntry.objects.filter(action="company.sso_member_created",
                                     object_id=str(user.pk)).exists()
    again = Client()
    assert _login(again, oidc_provider, "new.hire@acme.example").status_code == 302
    assert again.session["_auth_user_id"] == str(user.pk)
    assert User.objects.filter(email="new.hire@acme.example").count() == 1


def test_an_existing_employee_logs_in(client, sso, member, oidc_provider):
    member.email = "known@acme.example"
    member.save()
    _login(client, oidc_provider, "known@acme.example")
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_token_for_another_audience_is_refused(client, sso, oidc_provider):
    response = _login(client, oidc_provider, "aud@acme.example", aud="another-application")
    assert "wrong audience" in _said(client, response)
    assert not User.objects.filter(email="aud@acme.example").exists()
    assert "_auth_user_id" not in client.session


def test_an_expired_token_is_refused(client, sso, oidc_provider):
    response = _login(client, oidc_provider, "late@acme.example",
                      exp=int(time.time()) - 3600)
    assert "has expired" in _said(client, response)
    assert not User.objects.filter(email="late@acme.example").exists()


def test_an_email_of_another_companys_domain_is_refused(client, sso, network, oidc_provider):
    other = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                      legal_name="Brabant SA")
    admin = testing.make_company_admin(other)
    sso_configure(actor=admin, company=other, issuer=oidc_provider.issuer,
                  client_id="smartwork-brabant", client_secret="x", domains="brabant.example")
    # The login starts for Acme; Acme's provider answers with a Brabant address.
    oidc_provider.set_user("intruder", email="boss@brabant.example", email_verified=True)
    back = oidc_provider.answer(_start(client, "someone@acme.example"), "intruder")
    response = _finish(client, back)
    said = _said(client, response)
    assert "boss@brabant.example is not in a domain of Acme SA" in said
    assert not User.objects.filter(email="boss@brabant.example").exists()


def test_a_tampered_signature_is_refused(sso, oidc_provider):
    """A real ID token from the provider's token endpoint, one byte of its payload
    changed (the signature no longer matches), against the provider's JWKS."""
    import requests

    provider = oidc.discover(oidc_provider.issuer)
    redirect = "http://testserver/login/sso/callback/"
    url, flow = oidc.authorization_start(provider=provider, client_id="smartwork-acme",
                                         redirect_uri=redirect)
    oidc_provider.set_user("tamper@acme.example", email="tamper@acme.example")
    back = oidc_provider.answer(url, "tamper@acme.example")
    code = parse_qs(urlsplit(back).query)["code"][0]
    token = oidc.code_exchange(provider=provider, client_id="smartwork-acme",
                               client_secret="s3cret-acme", redirect_uri=redirect, code=code,
                               verifier=flow["verifier"])
    claims = oidc.id_token_validate(provider=provider, id_token=token,
                                    client_id="smartwork-acme", nonce=flow["nonce"])
    assert claims["email"] == "tamper@acme.example"  # the untouched token is good
    header, payload, signature = token.split(".")
    import base64
    import json

    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["email"] = "boss@acme.example"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    with pytest.raises(oidc.SsoRefused) as refused:
        oidc.id_token_validate(provider=provider, id_token=f"{header}.{forged}.{signature}",
                               client_id="smartwork-acme", nonce=flow["nonce"])
    assert refused.value.code == "bad_signature"
    assert "not validly signed" in refused.value.message
    assert requests.get(provider.jwks_uri, timeout=5).json()["keys"]


def test_a_replayed_answer_is_refused(client, sso, oidc_provider):
    oidc_provider.set_user("once@acme.example", email="once@acme.example")
    back = oidc_provider.answer(_start(client, "once@acme.example"), "once@acme.example")
    assert _finish(client, back)["Location"] == "/"
    client.logout()
    assert "not started here" in _said(client, _finish(client, back))


def test_a_flow_read_by_two_requests_logs_in_once(client, sso, oidc_provider):
    """Two callbacks with one state (a double click, or a replay while the first runs)
    both read the session before either saves it: the state is claimed once in the
    database, so the second is refused by smartwork, before the code goes to the
    provider again, and nobody is logged in by it."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    oidc_provider.set_user("twice@acme.example", email="twice@acme.example")
    back = oidc_provider.answer(_start(client, "twice@acme.example"), "twice@acme.example")
    # What the second request reads: the session as it was before the first answered.
    copy = SessionStore()
    copy.update(dict(client.session.items()))
    copy.create()
    assert _finish(client, back)["Location"] == "/"
    second = Client()
    second.cookies[settings.SESSION_COOKIE_NAME] = copy.session_key
    said = _said(second, _finish(second, back))
    assert "not started here or was already used" in said
    assert "_auth_user_id" not in second.session


def test_the_provider_login_ends_as_every_login_does(client, sso, member, oidc_provider):
    """The callback ends through twofactor.flow.complete, like the second step: logged
    in, sent to a local `next` only, in the member's language, and a second step still
    pending in this browser (someone's password typed earlier) dropped with the login."""
    from smartwork.twofactor.flow import PENDING

    member.email, member.language = "known@acme.example", "fr"
    member.save()
    other = testing.make_user()
    session = client.session
    session[PENDING] = {"user": other.pk, "backend": "x", "next": "/elsewhere/",
                        "since": time.time()}
    session.save()
    oidc_provider.set_user(member.email, email=member.email, email_verified=True)
    url = _start(client, member.email)
    response = _finish(client, oidc_provider.answer(url, member.email))
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(member.pk)
    assert PENDING not in client.session
    assert response.cookies["django_language"].value == "fr"


def test_the_provider_refusing_is_said(client, sso, oidc_provider):
    back = oidc_provider.answer(_start(client, "no@acme.example"), deny=True)
    assert "refused the login (access_denied)" in _said(client, _finish(client, back))


def test_a_leaver_by_the_providers_claim_is_closed_as_a_leaver(client, sso, company,
                                                               member, oidc_provider):
    member.email = "gone@acme.example"
    member.save()
    response = _login(client, oidc_provider, "gone@acme.example", employee_left=True)
    assert "says you have left Acme SA" in _said(client, response)
    member.refresh_from_db()
    assert not member.is_active and member.deactivated_at is not None
    assert AuditEntry.objects.filter(action="staff.deactivated",
                                     object_id=str(member.pk)).exists()
    # Once left, always refused, even when the claim is gone.
    response = _login(Client(), oidc_provider, "gone@acme.example")
    assert response["Location"] == "/login/"


def test_an_account_of_another_company_is_not_taken_over(client, sso, network, oidc_provider):
    stranger = testing.make_user(email="dup@acme.example", network=network)
    response = _login(client, oidc_provider, "dup@acme.example")
    assert "not on Acme SA's staff" in _said(client, response)
    assert "_auth_user_id" not in client.session
    stranger.refresh_from_db()
    assert stranger.company_id is None


def test_the_secret_is_stored_encrypted(sso):
    stored = CompanySso.objects.get(pk=sso.pk).client_secret_encrypted
    assert stored and "s3cret-acme" not in stored


def test_an_employee_with_an_authenticator_app_still_gives_the_code(client, sso, member,
                                                                   oidc_provider):
    """The company's provider is the first factor; smartwork's second step still holds."""
    from smartwork.twofactor.tests.helpers import code_at, enrol_totp

    member.email = "careful@acme.example"
    member.save()
    device, _codes = enrol_totp(member)
    response = _login(client, oidc_provider, "careful@acme.example")
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    assert "_auth_user_id" not in client.session  # not logged in before the code
    r = client.post("/login/verify/", {"code": code_at(device)})
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_company_requiring_two_factor_sends_a_new_employee_to_enrolment(
        client, sso, company, oidc_provider):
    from smartwork.twofactor.models import CompanyPolicy

    CompanyPolicy.objects.create(company=company, staff_required=True)
    response = _login(client, oidc_provider, "new.hire@acme.example")
    assert response.status_code == 302 and response["Location"] == "/login/enrol/"
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(email="new.hire@acme.example").exists()  # created just in time
