"""The approval journey: an employee over the monthly cap books a desk, which waits for
approval; the company admin approves it on the Approvals page; the employee sees it
confirmed. In English and French."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.bookings.tests.test_approvals import HALF_DAY, month_days
from smartwork.core import testing
from smartwork.credits import services as credit_services
from smartwork.credits.tests.factories import book, buy
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"requested": "waits for your company's approval", "pending": "Waiting for approval",
           "approve": "Approve", "approved": "Approved:", "confirmed": "Confirmed",
           "tab": "Approvals", "none": "Nothing waits for your approval."},
    "fr": {"requested": "attend l'approbation de votre entreprise",
           "pending": "En attente d'approbation", "approve": "Approuver",
           "approved": "Approuvé :", "confirmed": "Confirmée", "tab": "Approbations",
           "none": "Rien n'attend votre approbation."},
}


def _second_site(browser: Any, live_server: Any) -> tuple[Any, Site]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(60_000)
    origin = live_server.url
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                  else route.abort())
    return context, Site(context.new_page(), origin)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_over_the_cap_the_admin_approves(site, browser, live_server, network, centre, company,
                                         company_admin, lang):
    t = TEXT[lang]
    member = testing.make_user(company=company, network=network, first_name="Marc",
                               last_name="Lenoir")
    buy(company, hours=100)
    credit_services.credit_policy_set(actor=company_admin, company=company,
                                      pool_cap_minutes_per_month=HALF_DAY,
                                      approval_beyond_cap=True)
    first, second = month_days(2)
    book(member, centre, on=first)  # the month's cap is used

    # The employee books a second morning that month from the centre's page.
    page = site.page
    site.login(member)
    if lang != "en":
        site.switch_language(lang)
    site.go(f"/centres/{centre.slug}/?date={second.isoformat()}")
    page.locator("#avail form:has(input[name=slot][value=morning]) button").click()
    # The page before booking says it waits for the company's approval.
    expect(page.locator("#quote-why")).to_be_visible()
    page.locator("#booking-quote button[type=submit]").click()
    expect(page.locator(".messages .msg.warning")).to_contain_text(t["requested"])
    pending = Booking.objects.get(member=member, state=BookingState.PENDING_APPROVAL)
    card = page.locator(f"article[data-booking='{pending.pk}']")
    expect(card.locator(".badge")).to_have_text(t["pending"])
    expect(card.locator(".pending-note")).to_be_visible()
    site.shot(f"member-pending-{lang}")

    # The company admin approves it on the Approvals page (htmx swaps the list).
    context, admin_site = _second_site(browser, live_server)
    try:
        admin_site.login(company_admin)
        if lang != "en":
            admin_site.switch_language(lang)
        admin_site.go(f"/company/{company.pk}/staff/")
        admin_page = admin_site.page
        admin_page.locator("ul.tabs").get_by_role("link", name=t["tab"]).click()
        row = admin_page.locator(f"article[data-booking='{pending.pk}']")
        expect(row).to_contain_text("Marc Lenoir")
        admin_site.shot(f"company-approvals-{lang}")
        row.get_by_role("button", name=re.compile(f"^{t['approve']} Marc Lenoir")).click()
        # htmx swaps the list with its notice; before htmx has loaded (a busy machine) the
        # plain form posts and the page comes back with the same notice as a message.
        expect(admin_page.locator(".msg.success").first).to_contain_text(t["approved"])
        expect(admin_page.locator("#approvals")).to_contain_text(t["none"])
    finally:
        context.close()
    pending.refresh_from_db()
    assert pending.state == BookingState.CONFIRMED and pending.credit_minutes == HALF_DAY

    # The employee sees it confirmed.
    site.go("/bookings/")
    expect(page.locator(f"article[data-booking='{pending.pk}'] .badge")).to_have_text(
        t["confirmed"])
