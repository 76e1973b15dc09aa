"""Journeys through the network pages: an operator labels a centre; a member finds one.
Each runs in English and in French (switched with the language switcher)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartwork.core import testing
from smartwork.network.choices import LabelStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"record": "Record the inspection", "change": "Change the label", "labelled": "Labelled",
           "needs_inspection": "only after a passed inspection", "find": "Find a centre",
           "price": "€25.00", "km": "km from home", "monday": "Monday",
           "centres_1": "1 centre", "centres_2": "2 centres"},
    "fr": {"record": "Enregistrer l'inspection", "change": "Modifier le label",
           "labelled": "Labellisé", "needs_inspection": "qu'après une inspection réussie",
           "find": "Trouver un centre", "price": "25,00\u00a0€", "km": "km du domicile",
           "monday": "Lundi", "centres_1": "1 centre", "centres_2": "2 centres"},
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_operator_inspects_and_labels_a_centre(site, network, operator, lang):
    centre = testing.make_centre(network=network, name="Ciney Centre", city="Ciney",
                                 label_status=LabelStatus.CANDIDATE)
    t = TEXT[lang]
    page = site.page
    site.login(operator)
    if lang != "en":
        site.switch_language(lang)
    site.go("/staff/centres/?label_status=candidate")
    page.get_by_role("link", name="Ciney Centre").click()
    page.locator("ul.tabs").get_by_role("link", name="Label").click()
    site.shot(f"operator-label-{lang}")

    # Granting the label before any inspection is refused, inline, in the language.
    label_form = page.locator("#label-form")
    label_form.get_by_role("combobox").select_option("labelled")
    label_form.get_by_role("button", name=t["change"]).click()
    expect(page.locator("#label-form .errorlist").first).to_contain_text(t["needs_inspection"])

    form = page.locator("#inspection-form")
    for box in form.locator("fieldset.checklist input[type=checkbox]").all():
        box.check()
    form.locator("input[name=insp-inspector_name]").fill("Reception desk staffed 8:00-18:00")
    form.get_by_role("button", name=t["record"]).click()
    expect(page.locator(".msg.success")).to_be_visible()

    page.locator("#label-form").get_by_role("combobox").select_option("labelled")
    page.locator("#label-form").get_by_role("button", name=t["change"]).click()
    expect(page.locator("h1 .badge").first).to_have_text(t["labelled"])
    centre.refresh_from_db()
    assert centre.label_status == LabelStatus.LABELLED
    assert centre.label_events.count() == 1


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_member_finds_a_centre_near_home(site, network, member, centre, lang):
    testing.make_centre(network=network, name="Liège Centre", city="Liège", lat=50.6326,
                        lon=5.5797, services=["reception", "parking"])
    t = TEXT[lang]
    page = site.page
    site.login(member)
    if lang != "en":
        site.switch_language(lang)
    page.get_by_role("navigation", name=re.compile("Main|Principal")).get_by_role(
        "link", name=t["find"]).click()
    # htmx binds the filters at DOMContentLoaded, after the deferred scripts (Leaflet is
    # large): a change made before that would be a plain change nobody listens to.
    page.wait_for_load_state("load")
    results = page.locator("#results")
    expect(results.locator("h2")).to_have_text(t["centres_2"])
    # Nearest first: home is in Namur.
    expect(results.locator("article h3 a").first).to_have_text("Namur Centre")
    expect(results.locator("article").first).to_contain_text(t["km"])
    site.shot(f"member-finder-{lang}")

    # Filters swap the list in place (htmx) and keep the address shareable.
    page.locator("#id_within_km").select_option("10")
    expect(results.locator("h2")).to_have_text(t["centres_1"])
    expect(page.locator("#results")).not_to_contain_text("Liège Centre")
    assert "within_km=10" in page.url
    page.locator("#id_within_km").select_option("")
    page.locator("input[name=service][value=parking]").check()
    expect(page.locator("#results h2")).to_have_text(t["centres_1"])
    expect(page.locator("#results")).to_contain_text("Liège Centre")

    page.locator("input[name=service][value=parking]").uncheck()
    page.locator("#results").get_by_role("link", name="Namur Centre").click()
    expect(page.locator("h1")).to_contain_text("Namur Centre")
    expect(page.locator("main")).to_contain_text(t["price"])
    expect(page.locator("main")).to_contain_text(t["monday"])
    site.shot(f"member-centre-{lang}")


def test_profile_home_is_kept_and_errors_are_inline(site, member):
    page = site.page
    site.login(member, via_form=True)
    site.go("/profile/")
    page.locator("#id_first_name").fill("Ann")
    page.locator("#id_home").fill("Nowhereville")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_home_error, .errorlist").first).to_be_visible()
    expect(page.locator("#id_first_name")).to_have_value("Ann")
    page.locator("#id_home").fill("6000 Charleroi")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".msg.success")).to_be_visible()
    member.refresh_from_db()
    assert member.first_name == "Ann" and str(member.home_lon) == "4.444500"


def test_phone_layout_finder(phone_site, member, centre):
    phone_site.login(member)
    phone_site.go("/centres/")
    expect(phone_site.page.locator("#results article")).to_have_count(1)
    # No sideways scrolling on a phone.
    width = phone_site.width()
    assert width <= 390
    phone_site.shot("member-finder-phone")


def test_error_pages_in_the_sites_look(site, member):
    site.login(member)
    response = site.go("/network/roles/")
    assert response.status == 403
    expect(site.page.locator("h1")).to_have_text("Not allowed")
    response = site.go("/no/such/page/")
    assert response.status == 404
    expect(site.page.locator("header.site")).to_be_visible()
