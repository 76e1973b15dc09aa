"""A company admin invites an employee, who joins from the mail; the admin buys
credit and gives the new employee an allotment. In English and French."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from smartwork.accounts.models import User
from smartwork.credits.models import Allotment
from smartwork.credits.services import credit_package_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"company": "Company", "send": "Send the invitation", "sent": "Invitation sent",
           "join": "Join", "credit": "Credit", "buy": "Buy", "give": "Give",
           "given": "Allotment given", "hours": "10\u00a0h"},
    "fr": {"company": "Entreprise", "send": "Envoyer l'invitation", "sent": "Invitation envoyée",
           "join": "Rejoindre", "credit": "Crédit", "buy": "Acheter", "give": "Attribuer",
           "given": "Attribution accordée", "hours": "10\u00a0h"},
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_company_admin_invites_an_employee_and_gives_an_allotment(
        site, browser, live_server, network, operator, company, company_admin, lang):
    package = credit_package_create(actor=operator, network=network, name="Pack 100 h",
                                    hours=100, price_net=Decimal("550.00"))
    t = TEXT[lang]
    page = site.page
    site.login(company_admin)
    if lang != "en":
        site.switch_language(lang)
    page.get_by_role("navigation", name=re.compile("Main|Principal")).get_by_role(
        "link", name=t["company"]).click()
    form = page.locator("#invite-form")
    form.locator("input[name='inv-email']").fill("nina@example.org")
    form.locator("input[name='inv-first_name']").fill("Nina")
    form.get_by_role("button", name=t["send"]).click()
    expect(page.locator(".msg.success")).to_contain_text(t["sent"])
    expect(page.locator("#invitations")).to_contain_text("nina@example.org")
    site.shot(f"company-staff-{lang}")

    # The invitee opens the link from the mail in their own browser.
    link = re.search(r"https?://\S+/invitations/accept\?token=\S+", mail.outbox[-1].body).group(0)
    path = link[link.index("/invitations/"):]
    other = browser.new_context()
    try:
        invitee = other.new_page()
        invitee.goto(live_server.url + path)
        invitee.locator("input[name=last_name]").fill("Nova")
        invitee.locator("input[name=password]").fill("a-long-secret-9")
        invitee.locator("main form button[type=submit]").click()
        invitee.wait_for_url(lambda url: "/invitations/" not in url)
    finally:
        other.close()
    nina = User.objects.get(email="nina@example.org")
    assert nina.company_id == company.pk

    page.locator("ul.tabs").get_by_role("link", name=t["credit"]).click()
    buy = page.locator("#buy-form")
    # Each choice says what it costs, in the page's language.
    expect(buy.locator(f"option[value='{package.pk}']")).to_contain_text("Pack 100 h — 100 h")
    buy.locator("select").select_option(value=str(package.pk))
    buy.get_by_role("button", name=t["buy"]).click()
    expect(page.locator(".msg.success")).to_be_visible()
    allot = page.locator("#allot-form")
    allot.locator("input[name='allot-hours']").fill("10")
    allot.locator("select[name='allot-member']").select_option(value=str(nina.pk))
    allot.get_by_role("button", name=t["give"]).click()
    expect(page.locator(".msg.success")).to_contain_text(t["given"])
    expect(page.locator("#allotments")).to_contain_text("Nina Nova")
    site.shot(f"company-credit-{lang}")
    assert Allotment.objects.get(member=nina).minutes_per_period == 600
