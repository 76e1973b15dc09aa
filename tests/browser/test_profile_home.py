"""The profile's home: typed as an address or a postcode and town, matched against the
Belgian gazetteer; an ambiguous town shows suggestions inline, one click picks one. In
French and Dutch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smartwork.core import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {"save": "Enregistrer", "ambiguous": "ajoutez le code postal",
           "mean": "Vouliez-vous dire"},
    "nl": {"save": "Opslaan", "ambiguous": "voeg de postcode toe", "mean": "Bedoelde u"},
}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_member_sets_home_by_postcode_and_town(site, network, lang):
    member = testing.make_user(network=network, first_name="Lena")
    t = TEXT[lang]
    page = site.page
    site.login(member)
    site.switch_language(lang)
    site.go("/profile/")
    page.locator("#id_home").fill("Halle")
    page.get_by_role("button", name=t["save"], exact=True).click()
    expect(page.locator("#id_home_error")).to_contain_text(t["ambiguous"])
    expect(page.locator("#home-suggestions")).to_contain_text(t["mean"])
    page.get_by_role("button", name="1500 Halle").click()
    expect(page.locator(".msg.success")).to_be_visible()
    expect(page.locator("#home-found")).to_contain_text("1500 Halle")
    expect(page.locator("#id_home")).to_have_value("1500 Halle")
    member.refresh_from_db()
    assert member.home_town == "1500 Halle" and member.home_lat is not None
    # The map draws the home over the shipped base layer (no tiles here).
    expect(page.locator("#home-map .leaflet-base-pane path")).to_have_count(3)
    site.shot(f"profile-home-{lang}")
