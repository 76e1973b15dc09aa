"""Company single sign-on in the browser, in French and Dutch: an employee types the
work email on the login page, chooses their identity at the company's provider (a real
OpenID Connect provider process on 127.0.0.1) and comes back logged in, created just in
time; an address of another company's domain is refused with the reason, in the
reader's language. On a 390 px phone, under the Content-Security-Policy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from smartwork.accounts.models import User
from smartwork.sso.services import sso_configure
from smartwork.sso.tests.provider import OidcProvider

from .conftest import PHONE, SCREENSHOTS, local_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {"button": "Me connecter avec mon compte d'entreprise", "hello": "Bonjour, Noa",
           "refused": "n'est pas dans un domaine de Acme SA"},
    "nl": {"button": "Aanmelden met mijn bedrijfsaccount", "hello": "Hallo, Noa",
           "refused": "valt niet onder een domein van Acme SA"},
}


@pytest.fixture
def page(browser: Any, live_server: Any, oidc_provider: OidcProvider) -> Iterator[Any]:
    """A phone-sized page that may reach the live server and the provider, nothing else;
    the provider's own pages are not held to the site's Content-Security-Policy."""
    with local_page(browser, PHONE, (live_server.url, oidc_provider.issuer),
                    csp_only_on=live_server.url) as page:
        yield page


def _sideways(page: Any) -> bool:
    page.wait_for_load_state("load")  # measured with the stylesheets in (Site.width)
    return bool(page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"))


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_an_employee_logs_in_with_the_company_account(page, live_server, oidc_provider,
                                                      company, company_admin, lang):
    sso_configure(actor=company_admin, company=company, issuer=oidc_provider.issuer,
                  client_id="smartwork", client_secret="browser-secret",
                  domains="acme.example")
    t = TEXT[lang]
    email = f"new.{lang}@acme.example"
    oidc_provider.set_user(email, email=email, email_verified=True, given_name="Noa",
                           family_name="Sso", locale=lang)
    page.context.add_cookies([{"name": "django_language", "value": lang,
                               "url": live_server.url}])
    page.goto(live_server.url + "/login/")
    page.locator("input[name=username]").fill(email)
    assert not _sideways(page)
    if lang == "fr" and os.environ.get("SMARTWORK_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "sso-login.png"), full_page=True)
    page.get_by_role("button", name=t["button"]).click()
    # The company's provider: the person chooses who they are there.
    page.wait_for_url(oidc_provider.issuer + "/**")
    page.locator("#subject-input").fill(email)
    page.locator("#subject-input").press("Enter")
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t["hello"])
    user = User.objects.get(email=email)
    assert (user.company_id, user.first_name, user.language) == (company.pk, "Noa", lang)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_an_address_of_another_domain_is_refused_with_the_reason(
        page, live_server, oidc_provider, company, company_admin, lang):
    sso_configure(actor=company_admin, company=company, issuer=oidc_provider.issuer,
                  client_id="smartwork", client_secret="browser-secret",
                  domains="acme.example")
    oidc_provider.set_user("intruder", email="boss@brabant.example", email_verified=True)
    page.context.add_cookies([{"name": "django_language", "value": lang,
                               "url": live_server.url}])
    page.goto(live_server.url + "/login/")
    page.locator("input[name=username]").fill("someone@acme.example")
    page.get_by_role("button", name=TEXT[lang]["button"]).click()
    page.wait_for_url(oidc_provider.issuer + "/**")
    page.locator("#subject-input").fill("intruder")
    page.locator("#subject-input").press("Enter")
    page.wait_for_url(live_server.url + "/login/")
    expect(page.get_by_text(TEXT[lang]["refused"])).to_be_visible()
    assert not _sideways(page)
    assert not User.objects.filter(email="boss@brabant.example").exists()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_admin_settings_page_fits_a_phone(page, live_server, oidc_provider, company,
                                              company_admin, lang):
    from django.conf import settings
    from django.test import Client

    sso_configure(actor=company_admin, company=company, issuer=oidc_provider.issuer,
                  client_id="smartwork-with-a-long-client-identifier-0123456789",
                  client_secret="browser-secret", domains="acme.example, acme.be",
                  leaver_claim="employee_left")
    client = Client()
    client.force_login(company_admin)
    page.context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME,
         "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url},
        {"name": "django_language", "value": lang, "url": live_server.url}])
    page.goto(f"{live_server.url}/company/{company.pk}/sso/")
    expect(page.locator("code.wrap")).to_contain_text("/login/sso/callback/")
    assert page.locator("input[name=client_secret]").input_value() == ""
    assert not _sideways(page)
