"""The Content-Security-Policy in a real browser: the pages of each role, maps, htmx
swaps and the behaviours moved out of on* attributes work, and Chromium reports no
violation (the `site` fixture fails the test on any CSP message in the console)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smartwork.core import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_csp_violation_is_caught(browser, live_server):
    """The check itself: an inline script is blocked, and Chromium says so in the console
    (which the `site` fixture turns into a failure)."""
    context = browser.new_context()
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    try:
        page.goto(live_server.url + "/login/")
        page.evaluate("""() => {
            const s = document.createElement('script');
            s.textContent = 'window.__inline = 1';
            document.body.appendChild(s);
        }""")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__inline") is None
        assert any("Content Security Policy" in m for m in messages), messages
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/centres/", "/bookings/", "/profile/", "/credit/",
                                  "/wifi/", "/invoices/"])
def test_member_pages_run_under_the_policy(site, member, centre, path):
    site.login(member)
    response = site.go(path)
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_operator_pages_with_maps_filters_and_confirmations(site, network, operator, company):
    testing.make_centre(network=network, name="Ciney Centre", city="Ciney")
    staff = testing.make_user(company=company, network=network, first_name="Leaving")
    page = site.page
    site.login(operator)
    site.go("/staff/centres/")
    page.locator("select[data-autosubmit]").select_option("labelled")
    page.wait_for_url("**label_status=labelled**")
    site.go("/network/placement/")
    site.go(f"/company/{company.pk}/staff/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name=f"Deactivate {staff}").click()
    staff.refresh_from_db()
    assert staff.is_active  # dismissed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Deactivate {staff}").click()
    expect(page.get_by_text("left").first).to_be_visible()
