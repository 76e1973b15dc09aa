"""The formats in a real browser, on the demo: a partner's employee in French finds the
mini centre and Aurelium's hosted desks in the finder, each with its format, and filters
on the format; an employee of another company in Dutch sees the mini centre but not the
hosted desks (not in the list, the page answers 404); the operator in Dutch sets who
sees the hosted desks; on a 390 px phone the finder does not scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smartwork.accounts.models import User
from smartwork.demo import demo_load
from smartwork.network.models import Centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTED = "Aurelium — bureaux partagés (Gembloux)"
MINI = "Smart Work Center mini — Ciney"


def _employee_of(prefix: str) -> User:
    return (User.objects.filter(company__legal_name__startswith=prefix, roles__isnull=True)
            .order_by("email").first())


def _finder_on_the_demo(site, company: str, language: str):
    """The demo loaded, and an employee of `company` (how its name starts) logged in on
    the finder, in `language`: the page."""
    demo_load()
    site.login(_employee_of(company))
    site.go("/centres/")
    site.switch_language(language)
    return site.page


def test_a_partners_employee_in_french_finds_the_formats(site):
    page = _finder_on_the_demo(site, "Atelier Numérique", "fr")
    hosted = page.locator("article.centre-card", has=page.get_by_role("link", name=HOSTED))
    mini = page.locator("article.centre-card", has=page.get_by_role("link", name=MINI))
    expect(hosted.locator(".badge.format-hosted")).to_have_text("Hébergé par une entreprise")
    expect(hosted).to_contain_text("Postes dans les bureaux de Aurelium SA (demo)")
    expect(mini.locator(".badge.format-mini")).to_have_text("Mini-centre")
    expect(mini).to_contain_text("entrée par code ou QR")
    expect(page.locator(".badge.format-full").first).to_have_text("Label complet")
    hosted.scroll_into_view_if_needed()
    site.shot("formats-finder-fr", full_page=False)
    page.get_by_label("Format").select_option(label="Mini-centre")
    # Aurelium's desks, labelled at the mini tier, show as company-hosted.
    expect(page.locator("article.centre-card")).to_have_count(1)
    expect(page.get_by_role("link", name=MINI)).to_be_visible()
    expect(page.locator(".badge.format-full")).to_have_count(0)
    page.get_by_label("Format").select_option(label="Hébergé par une entreprise")
    expect(page.locator("article.centre-card")).to_have_count(1)
    page.get_by_role("link", name=HOSTED).click()
    expect(page.locator("#hosted-note")).to_contain_text("ouverts au réseau")


def test_another_company_in_dutch_does_not_see_the_hosted_desks(site):
    page = _finder_on_the_demo(site, "Meuse Énergie", "nl")
    expect(page.locator(".badge.format-mini").first).to_have_text("Minicentrum")
    expect(page.get_by_role("link", name=MINI)).to_be_visible()
    expect(page.get_by_role("link", name=HOSTED)).to_have_count(0)
    expect(page.locator(".badge.format-hosted")).to_have_count(0)
    hosted = Centre.objects.get(name=HOSTED)
    response = site.go(f"/centres/{hosted.slug}/")
    assert response.status == 404
    # The operator, in Dutch, opens the desks to the whole network.
    site.login(User.objects.get(email__startswith="operator.walloon@"))
    site.go(f"/staff/centres/{hosted.pk}/label/")
    section = page.locator("#hosted-visibility")
    expect(section).to_contain_text("Door een bedrijf gehoste ruimte")
    site.shot("formats-hosted-nl", full_page=False)
    section.get_by_label("Zichtbaar voor").select_option(label="Iedereen in het netwerk")
    section.get_by_role("button", name="Opslaan wie het ziet").click()
    expect(page.locator(".msg, [role=status], .messages").first).to_contain_text(
        "Wie deze ruimte ziet, is opgeslagen")
    site.login(_employee_of("Meuse Énergie"))
    site.go("/centres/")
    expect(page.get_by_role("link", name=HOSTED)).to_be_visible()


def test_the_finder_with_formats_fits_a_phone(phone_site):
    page = _finder_on_the_demo(phone_site, "Atelier Numérique", "fr")
    expect(page.locator(".badge.format-hosted")).to_be_visible()
    width = phone_site.width()
    assert width <= 390, width
