"""The community in a real browser, on the demo: a member in French finds the networking
workshop on the community page and registers (htmx, no reload); a member in Dutch finds
the full breakfast full, registers for the lunch and sees it on their home page; the
directory in French shows the opted-in members without an email address."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smartwork.accounts.models import User
from smartwork.community.models import Event, Registration
from smartwork.demo import WALLOON_SLUG, demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_in_french_registers_for_the_workshop(site):
    demo_load()
    page = site.page
    claire = User.objects.get(email__startswith="member@meuse-energie")
    workshop = Event.objects.get(title__startswith="Atelier")
    site.login(claire)
    site.switch_language("fr")
    page.locator("nav.top").get_by_role("link", name="Communauté").click()
    expect(page.locator("h1")).to_have_text("Communauté")
    page.get_by_role("link", name=workshop.title).first.click()
    expect(page.locator("#registration")).to_contain_text("places prises sur")
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.locator("#registration")).to_contain_text("Vous êtes inscrit")
    assert Registration.objects.filter(event=workshop, member=claire,
                                       cancelled_at__isnull=True).exists()
    site.shot("community-event-fr")
    site.go("/community/members/")
    expect(page.locator("#directory article").first).to_be_visible()
    assert "@" not in page.locator("#directory").inner_text()
    site.shot("community-directory-fr")


def test_member_in_dutch_meets_a_full_event_and_registers_for_the_lunch(site):
    demo_load()
    page = site.page
    taken = Registration.objects.values("member_id")
    person = (User.objects.filter(network__slug=WALLOON_SLUG, roles__isnull=True,
                                  company__isnull=False).exclude(pk__in=taken)
              .order_by("email").first())
    full = Event.objects.get(title__startswith="Petit-déjeuner")
    lunch = Event.objects.get(title__startswith="Déjeuner")
    site.login(person)
    site.switch_language("nl")
    site.go(f"/community/events/{full.pk}/")
    expect(page.locator("#registration")).to_contain_text("Volzet")
    expect(page.get_by_role("button", name="Inschrijven")).to_have_count(0)
    site.go(f"/community/events/{lunch.pk}/")
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.locator("#registration")).to_contain_text("U bent ingeschreven")
    assert Registration.objects.filter(event=lunch, member=person).exists()
    site.go("/")
    expect(page.locator("#home-community")).to_contain_text(lunch.title)
    site.shot("community-home-nl")
