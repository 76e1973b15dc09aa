"""Two first logins of the same new employee at once (two tabs, a double click on the
provider's page): one account, both logged in. And a leaver claim arriving while the
same person logs in without it: the account ends closed, never half-closed.

Real threads, each with its own database connection, on whichever database the run
uses. The account's email is unique in the database; the loser of the insert reads the
winner's account."""

from __future__ import annotations

import pytest

from smartwork.accounts.models import User
from smartwork.core import testing
from smartwork.sso.oidc import SsoRefused
from smartwork.sso.services import sso_configure, sso_login_complete

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ROUNDS = 6


def _sso():
    network = testing.make_network()
    company = testing.make_organisation(kind="company", network=network, legal_name="Acme SA")
    admin = testing.make_company_admin(company)
    return sso_configure(actor=admin, company=company, issuer="https://idp.example",
                         client_id="smartwork", client_secret="x", domains="acme.example",
                         leaver_claim="employee_left")


def test_two_first_logins_at_once_make_one_account():
    sso = _sso()
    for i in range(ROUNDS):
        claims = {"sub": f"s{i}", "email": f"new{i}@acme.example", "email_verified": True}
        first, second = testing.run_together([
            lambda: sso_login_complete(sso=sso, claims=claims),
            lambda: sso_login_complete(sso=sso, claims=claims),
        ])
        assert not isinstance(first, Exception), first
        assert not isinstance(second, Exception), second
        assert first.pk == second.pk
        assert User.objects.filter(email=f"new{i}@acme.example").count() == 1


def test_a_leaver_claim_during_a_login_leaves_the_account_closed():
    sso = _sso()
    for i in range(ROUNDS):
        person = testing.make_user(email=f"p{i}@acme.example", company=sso.company,
                                   network=sso.company.network)
        plain = {"sub": f"p{i}", "email": person.email}
        gone = {**plain, "employee_left": True}
        _login, refused = testing.run_together([
            lambda plain=plain: sso_login_complete(sso=sso, claims=plain),
            lambda gone=gone: sso_login_complete(sso=sso, claims=gone),
        ])
        assert isinstance(refused, SsoRefused) and refused.code == "leaver", refused
        person.refresh_from_db()
        assert not person.is_active and person.deactivated_at is not None
        with pytest.raises(SsoRefused):
            sso_login_complete(sso=sso, claims=plain)


def test_the_first_configuration_saved_twice_at_once_makes_one_connection():
    """A double click on "Save" when the company connects its provider: one connection
    (the second save changes it), never a 500 from the one-per-company row."""
    from smartwork.sso.models import CompanySso

    network = testing.make_network()
    for n in range(ROUNDS):
        company = testing.make_organisation(kind="company", network=network,
                                            legal_name=f"Beta {n} SA")
        admin = testing.make_company_admin(company)
        results = testing.run_together([
            (lambda d=d, company=company, admin=admin: sso_configure(
                actor=admin, company=company, issuer="https://idp.example", client_id="sw",
                client_secret="x", domains=f"{d}{n}.example"))
            for d in ("beta", "beta")])
        assert all(isinstance(r, CompanySso) for r in results), results
        assert CompanySso.objects.filter(company=company).count() == 1


@pytest.fixture(scope="module")
def oidc_provider():
    from smartwork.sso.tests.provider import OidcProvider

    provider = OidcProvider()
    try:
        yield provider
    finally:
        provider.stop()


def test_two_callbacks_with_one_state_at_once_log_in_once(oidc_provider):
    """A double click on the provider's "Continue": two callbacks with one state and one
    session, at the same moment. Both find the flow in the session (neither has saved
    it yet); the state's unique row lets one through and refuses the other with the
    login page's message, whatever the provider does with a code sent twice."""
    import html
    import re
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.test import Client

    network = testing.make_network()
    company = testing.make_organisation(kind="company", network=network, legal_name="Acme SA")
    sso_configure(actor=testing.make_company_admin(company), company=company,
                  issuer=oidc_provider.issuer, client_id="smartwork-acme",
                  client_secret="s3cret", domains="acme.example")
    for i in range(ROUNDS):
        email = f"double{i}@acme.example"
        oidc_provider.set_user(email, email=email, email_verified=True)
        first = Client()
        page = first.post("/login/sso/", {"username": email}).content.decode()
        url = html.unescape(re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', page)[1])
        back = urlsplit(oidc_provider.answer(url, email))
        second = Client()
        second.cookies[settings.SESSION_COOKIE_NAME] = \
            first.cookies[settings.SESSION_COOKIE_NAME].value
        path = f"{back.path}?{back.query}"
        answers = testing.run_together([lambda c=c: c.get(path) for c in (first, second)])
        assert all(not isinstance(a, Exception) for a in answers), answers
        # One logs in; the other is refused: by the state already claimed (back to the
        # login page), or, when the winner's login deleted the shared session while the
        # other was in flight, by Django's SessionInterrupted (400).
        logged_in = [a for a in answers if (a.status_code, a.get("Location")) == (302, "/")]
        assert len(logged_in) == 1, answers
        other = next(a for a in answers if a is not logged_in[0])
        assert (other.status_code, other.get("Location")) in ((302, "/login/"), (400, None)), \
            answers
        assert User.objects.filter(email=email).count() == 1
