"""The operator offers a membership plan and an independent member subscribes to it;
a centre manager registers a WiFi access point, rotates its secret and deactivates it;
the operator looks at the network's presence and credit packages. In English and French."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smartwork.core import testing
from smartwork.credits.models import Membership, MembershipPlan
from smartwork.credits.services import credit_package_create
from smartwork.wifi import crypto
from smartwork.wifi.models import Nas, PresenceSession
from smartwork.wifi.tests.helpers import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"main": "Main", "plans": "Plans", "plans_tab": "Membership plans", "create": "Create the plan", "created": "created",
           "fee": "49.90", "fee_shown": "€49.90", "membership": "Membership",
           "subscribe": "Subscribe", "welcome": "Welcome to", "hours": "0\u00a0h / 10\u00a0h",
           "centres": "Centres", "wifi": "WiFi access points", "register": "Register",
           "registered": "registered", "new_secret": "New secret", "deactivate": "Deactivate",
           "deactivated": "deactivated", "network": "Network", "presence": "Presence",
           "packages": "Credit packages", "date_hint": "yyyy-mm-dd"},
    "fr": {"main": "Principal", "plans": "Formules", "plans_tab": "Formules d’abonnement", "create": "Créer la formule",
           "created": "créée", "fee": "49,90", "fee_shown": "49,90\u00a0€",
           "membership": "Abonnement", "subscribe": "S’abonner", "welcome": "Bienvenue",
           "hours": "0\u00a0h / 10\u00a0h", "centres": "Centres", "wifi": "Points d’accès WiFi",
           "register": "Enregistrer", "registered": "enregistré",
           "new_secret": "Nouveau secret", "deactivate": "Désactiver",
           "deactivated": "désactivé", "network": "Réseau", "presence": "Présence",
           "packages": "Forfaits de crédit", "date_hint": "jj/mm/aaaa"},
}


def _nav(page, t):
    return page.get_by_role("navigation", name=t["main"])


def _login_as(site, user, lang):
    site.page.context.clear_cookies()
    site.login(user)
    if lang != "en":
        site.switch_language(lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_operator_offers_a_plan_and_an_independent_subscribes(site, network, operator, lang):
    t = TEXT[lang]
    page = site.page
    _login_as(site, operator, lang)
    _nav(page, t).get_by_role("link", name=t["network"]).click()
    page.get_by_role("navigation", name=t["network"]).get_by_role(
        "link", name=t["plans_tab"]).click()
    form = page.locator("#plan-form")
    form.locator("input[name=name]").fill("Flex 10")
    form.locator("input[name=monthly_fee_net]").fill(t["fee"])
    form.locator("input[name=included_hours]").fill("10")
    form.get_by_role("button", name=t["create"]).click()
    expect(page.locator(".msg.success")).to_contain_text(t["created"])
    expect(page.locator("#plans")).to_contain_text(t["fee_shown"])
    assert MembershipPlan.objects.get(name="Flex 10").monthly_fee_net == Decimal("49.90")
    site.shot(f"plans-{lang}")

    independent = testing.make_user(network=network, first_name="Iris", last_name="Indie")
    _login_as(site, independent, lang)
    _nav(page, t).get_by_role("link", name=t["membership"]).click()
    card = page.locator("#plan-cards article", has_text="Flex 10")
    expect(card).to_contain_text(t["fee_shown"])
    card.get_by_role("button", name=re.compile(t["subscribe"])).click()
    expect(page.locator(".msg.success")).to_contain_text(t["welcome"])
    expect(page.locator("#membership-hours")).to_contain_text(t["hours"])
    assert Membership.objects.filter(member=independent, plan__name="Flex 10").exists()
    site.shot(f"membership-{lang}")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_manager_registers_an_access_point(site, network, centre, manager, operator, lang):
    t = TEXT[lang]
    page = site.page
    page.on("dialog", lambda dialog: dialog.accept())
    _login_as(site, manager, lang)
    _nav(page, t).get_by_role("link", name=t["centres"]).click()
    if "/staff/centres/" not in page.url or page.url.rstrip("/").endswith("/centres"):
        page.get_by_role("link", name=centre.name).first.click()
    page.get_by_role("navigation", name=re.compile("Centre")).get_by_role(
        "link", name=t["wifi"]).click()
    form = page.locator("#nas-form")
    form.locator("input[name=name]").fill("AP hall")
    form.locator("input[name=address]").fill("10.77.0.0/28")
    form.get_by_role("button", name=t["register"]).click()
    expect(page.locator(".msg.success")).to_contain_text(t["registered"])
    nas = Nas.objects.get(centre=centre, name="AP hall")
    first = page.locator("#nas-secret-value").inner_text()
    assert first == crypto.decrypt_secret(nas.secret_encrypted)
    site.shot(f"access-points-{lang}")

    # A new secret, in place (htmx): the old one stops working.
    page.locator("#access-points").get_by_role("button", name=re.compile(t["new_secret"])).click()
    expect(page.locator("#nas-secret-value")).not_to_have_text(first)
    nas.refresh_from_db()
    assert page.locator("#nas-secret-value").inner_text() == crypto.decrypt_secret(
        nas.secret_encrypted)
    page.locator("#access-points").get_by_role("button", name=re.compile(t["deactivate"])).click()
    expect(page.locator("#access-points")).to_contain_text(t["deactivated"])
    nas.refresh_from_db()
    assert not nas.is_active

    # The operator's network pages: presence (filters with the language's dates), packages.
    checked_in = testing.make_user(network=network, first_name="Carla", last_name="Check")
    booking = make_booking(member=checked_in, centre=centre, state="checked_in")
    booking.checked_in_at = timezone.now() - dt.timedelta(minutes=5)
    booking.save()
    on_wifi = testing.make_user(network=network, first_name="Walt", last_name="Wifi")
    now = timezone.now()
    PresenceSession.objects.create(member=on_wifi, centre=centre, nas=nas, acct_session_id="b1",
                                   started_at=now - dt.timedelta(hours=1), last_update_at=now)
    credit_package_create(actor=operator, network=network, name="Pack 100 h", hours=100,
                          price_net=Decimal("550.00"))
    _login_as(site, operator, lang)
    _nav(page, t).get_by_role("link", name=t["network"]).click()
    tabs = page.get_by_role("navigation", name=t["network"])
    tabs.get_by_role("link", name=t["presence"]).click()
    expect(page.locator("#presence-filters input[name=on]")).to_have_attribute(
        "placeholder", t["date_hint"])
    expect(page.locator("#presence-centres")).to_contain_text(centre.name)
    expect(page.locator("#presence-centres")).to_contain_text("Carla Check")
    expect(page.locator("#presence-centres")).to_contain_text("Walt Wifi")
    expect(page.locator("#total-in-now")).to_have_text("2")
    site.shot(f"presence-{lang}")
    page.get_by_role("navigation", name=t["network"]).get_by_role(
        "link", name=t["packages"]).click()
    expect(page.locator("#packages")).to_contain_text("Pack 100 h")
    site.shot(f"packages-{lang}")


def test_new_pages_fit_a_phone(phone_site, network, centre, manager, operator):
    """No page scrolls sideways on a 390 px phone; wide tables scroll inside their box."""
    page = phone_site.page
    independent = testing.make_user(network=network)
    pages = [(independent, "/membership/"), (manager, f"/staff/centres/{centre.pk}/wifi/"),
             (operator, "/network/presence/"), (operator, "/network/packages/"),
             (operator, "/staff/plans/")]
    for user, path in pages:
        page.context.clear_cookies()
        phone_site.login(user)
        phone_site.go(path)
        expect(page.locator("main h1")).to_be_visible()
        width = phone_site.width()
        assert width <= 390, f"{path} is {width} px wide on a phone"
        if path == "/network/packages/":
            phone_site.shot("packages-phone")
