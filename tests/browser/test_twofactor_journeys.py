"""Two-factor login in the browser (Debian's Chromium): a passkey registered in the
security settings and then used to log in, with Chromium's virtual authenticator
(DevTools protocol, `WebAuthn.addVirtualAuthenticator`); an operator whom the network
requires to use two-factor login sets up an authenticator app at login, reading the
secret off the page; the authenticator app's code at the second step. In French and
Dutch."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from smartwork.core import testing
from smartwork.twofactor.models import NetworkPolicy, Passkey
from smartwork.twofactor.tests.helpers import code_at, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {"step": "Deuxième étape de la connexion", "add": "Ajouter une clé d'accès",
           "use": "Utiliser ma clé d'accès", "kept": "Je les ai gardés",
           "verify": "Vérifier", "enrol": "Configurer la connexion en deux étapes",
           "finish": "Terminer la configuration", "invalid": "Ce code n'est pas valable."},
    "nl": {"step": "Tweede stap van het aanmelden", "add": "Een passkey toevoegen",
           "use": "Mijn passkey gebruiken", "kept": "Ik heb ze bewaard",
           "verify": "Controleren", "enrol": "Aanmelden in twee stappen instellen",
           "finish": "Instellen afronden", "invalid": "Deze code is niet geldig."},
}


def set_language(site, language):
    site.page.context.add_cookies([{"name": "django_language", "value": language,
                                    "url": site.base_url}])


def password_step(site, user, language):
    set_language(site, language)
    site.go("/login/")
    site.page.get_by_label(re.compile("Email|E-mail", re.I)).fill(user.email)
    site.page.get_by_label(re.compile("Password|Mot de passe|Wachtwoord|Passwort", re.I)).fill(
        "pass-1234")
    site.page.locator("main form button[type=submit]").first.click()


def virtual_authenticator(site):
    cdp = site.page.context.new_cdp_session(site.page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    made = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True}})
    return cdp, made["authenticatorId"]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_register_a_passkey_then_log_in_with_it(site, language):
    user = testing.make_user(language=language)
    cdp, authenticator = virtual_authenticator(site)
    text = TEXT[language]
    set_language(site, language)
    site.login(user)
    site.go("/profile/security/")
    site.page.locator("[data-passkey-name]").fill("Laptop")
    site.page.get_by_role("button", name=text["add"]).click()
    # The first factor comes with recovery codes, shown once.
    site.page.wait_for_url("**/profile/security/codes/")
    expect(site.page.locator(".recovery-codes li")).to_have_count(10)
    site.page.get_by_role("button", name=text["kept"]).click()
    expect(site.page.locator(".passkeys")).to_contain_text("Laptop")
    assert Passkey.objects.filter(user=user).count() == 1
    assert len(cdp.send("WebAuthn.getCredentials",
                        {"authenticatorId": authenticator})["credentials"]) == 1

    site.page.context.clear_cookies()
    password_step(site, user, language)
    site.page.wait_for_url("**/login/verify/")
    expect(site.page.locator("h1")).to_have_text(text["step"])
    site.page.get_by_role("button", name=text["use"]).click()
    site.page.wait_for_url(lambda url: "/login/" not in url)
    site.go("/profile/security/")
    expect(site.page.locator(".passkeys")).to_contain_text("Laptop")
    assert Passkey.objects.get(user=user).last_used_at is not None


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_authenticator_app_code_at_the_second_step(site, language):
    user = testing.make_user(language=language)
    device, _codes = enrol_totp(user)
    text = TEXT[language]
    password_step(site, user, language)
    site.page.wait_for_url("**/login/verify/")
    expect(site.page.locator("h1")).to_have_text(text["step"])
    if language == "fr":
        site.page.locator("input[name=code]").fill(code_at(device))
        site.shot("two-factor-login")
    site.page.locator("input[name=code]").fill("000000")
    site.page.get_by_role("button", name=text["verify"]).click()
    expect(site.page.locator("main")).to_contain_text(text["invalid"])
    site.page.locator("input[name=code]").fill(code_at(device))
    site.page.get_by_role("button", name=text["verify"]).click()
    site.page.wait_for_url(lambda url: "/login/" not in url)
    expect(site.page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_required_operator_sets_up_the_app_at_login(phone_site, language):
    network = testing.make_network()
    operator = testing.make_operator(network, language=language)
    NetworkPolicy.objects.create(network=network, staff_required=True)
    text = TEXT[language]
    site = phone_site
    password_step(site, operator, language)
    site.page.wait_for_url("**/login/enrol/")
    expect(site.page.locator("h1")).to_have_text(text["enrol"])
    expect(site.page.locator(".totp-qr svg")).to_be_visible()
    secret = site.page.locator(".totp-secret").inner_text().replace(" ", "")
    site.page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    site.page.get_by_role("button", name=text["finish"]).click()
    expect(site.page.locator(".recovery-codes li")).to_have_count(10)
    # Fits a phone.
    assert site.width() <= 390
    site.page.get_by_role("button", name=text["kept"]).click()
    site.page.wait_for_url(lambda url: "/login/" not in url)
    site.go("/network/")
    assert "/login/" not in site.page.url


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_the_two_factor_pages_fit_a_phone_and_a_desktop(phone_site, language):
    """The pages the demo walk does not reach (the login's steps, the codes) and the
    settings with something in them, measured like tests/browser/test_layout.py."""
    from tests.browser.test_layout import MEASURE, WIDTHS

    network = testing.make_network()
    operator = testing.make_operator(network)
    enrol_totp(operator)
    Passkey.objects.create(user=operator, name="Un nom de clé plutôt long pour un téléphone",
                           credential_id=b"k", credential_id_b64="aw", public_key=b"p")
    site = phone_site
    problems: list[str] = []

    def measure(label):
        # After a click (the codes are a form's answer) the DOM can be there before the
        # stylesheets: measured then, the menu runs on one line, a width no one sees.
        site.page.wait_for_load_state("load")
        for width in WIDTHS:
            site.page.set_viewport_size({"width": width, "height": 844})
            site.page.wait_for_timeout(50)
            problems.extend(f"{label} @{width}: {p}" for p in site.page.evaluate(MEASURE))
        site.page.set_viewport_size({"width": WIDTHS[0], "height": 844})

    password_step(site, operator, language)
    site.page.wait_for_url("**/login/verify/")
    measure("verify")
    site.page.context.clear_cookies()
    NetworkPolicy.objects.create(network=network, staff_required=True)
    newcomer = testing.make_operator(network)
    password_step(site, newcomer, language)
    site.page.wait_for_url("**/login/enrol/")
    measure("enrol")
    site.page.context.clear_cookies()
    set_language(site, language)
    site.login(operator)
    for path in ("/profile/security/", f"/network/{network.pk}/two-factor/"):
        site.go(path)
        measure(path)
    site.go("/profile/security/")
    site.page.locator("form[action$='/recovery-codes/'] button").click()
    expect(site.page.locator(".recovery-codes li")).to_have_count(10)
    measure("codes")
    site.go("/profile/security/")
    site.page.locator("form[action$='/totp/start/'] button").click()
    site.page.wait_for_url("**/profile/security/totp/")
    measure("totp")
    assert not problems, "\n".join(problems)
