"""Every page of every role fits a 390 px phone and a 1366 px desktop, in French, Dutch
and German: the page never scrolls sideways and no action (link or button in the main
part) lies outside what the reader sees — not past the window's edge, not cut off by a
box that hides or scrolls its overflow.

The pages are the ones `smartwork.web.tests.pages.walk` reaches from each role's home
over the demo data (every app's demo), so pages added by any app are checked too; pages
nothing links to go in `pages.EXTRA_PAGES`.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from smartwork.accounts.models import User
from smartwork.demo import demo_load
from smartwork.web.tests.pages import EXTRA_PAGES, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 1366]

# Pages whose layout fix is still owed (route names); they are walked but not measured.
# Remove an entry once fixed, and the test holds the page to the rule like the others.
LAYOUT_PENDING: set[str] = set()

# Run in the page: what sticks out at the current width. An action is cut when its box
# leaves the window or the visible box of an ancestor that clips or scrolls sideways.
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > vw + 1)
    out.push(`page is ${document.documentElement.scrollWidth} px wide`);
  const actions = document.querySelectorAll(
    "main a[href], main button, main input[type=submit], main [role=button], header a, header button");
  for (const el of actions) {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) continue;              // hidden, or visually-hidden
    if (el.closest(".leaflet-container")) continue;         // the map's own controls
    const name = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40);
    if (r.left < -1 || r.right > vw + 1) { out.push(`"${name}" outside the window (${Math.round(r.left)}-${Math.round(r.right)})`); continue; }
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "visible") continue;
      const b = p.getBoundingClientRect();
      if (r.left < b.left - 1 || r.right > b.right + 1) {
        out.push(`"${name}" cut by its box (${Math.round(r.right)} > ${Math.round(b.right)})`);
        break;
      }
    }
  }
  return out;
}"""


def _pages_per_role() -> list[tuple[str, str | None, list[str]]]:
    roles: dict[str, str] = {}
    for login in demo_load():
        roles.setdefault(login.role, login.email)
    found = []
    for role, email in [("anonymous", None), *roles.items()]:
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))

        def get(path: str, client: Client = client) -> tuple[int, str, str]:
            response = client.get(path, follow=True)
            kind = response.get("Content-Type", "")
            return response.status_code, kind, response.content.decode() if "html" in kind else ""

        pages = walk(get, ["/", *EXTRA_PAGES.get(role if email is None else "all", [])])
        found.append((role, email, [p.path for p in pages
                                    if p.status == 200 and p.route not in LAYOUT_PENDING]))
    return found


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_every_page_fits_a_phone_and_a_desktop(browser, live_server, language):
    problems: list[str] = []
    checked = 0
    for role, email, paths in _pages_per_role():
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 844},
                                      locale="en-GB")
        context.set_default_navigation_timeout(60_000)
        origin = live_server.url
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith(origin) else route.abort())
        cookies = [{"name": "django_language", "value": language, "url": origin}]
        if email:
            client = Client()
            client.force_login(User.objects.get(email=email))
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "url": origin,
                            "value": client.cookies[settings.SESSION_COOKIE_NAME].value})
        context.add_cookies(cookies)
        page = context.new_page()
        try:
            for path in paths:
                page.set_viewport_size({"width": WIDTHS[0], "height": 844})
                page.goto(origin + path, wait_until="load")
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 844 if width < 800 else 860})
                    page.wait_for_timeout(50)
                    checked += 1
                    problems += [f"{role} {path} @{width}: {p}" for p in page.evaluate(MEASURE)]
        finally:
            context.close()
    assert checked > 80
    assert not problems, f"{len(problems)} layout problems ({language}):\n" + "\n".join(problems)


def test_on_a_phone_the_menu_folds_and_tables_read_as_cards(phone_site, network, centre,
                                                              company_admin):
    """The menu hides behind its button; a table's cells carry their column's name; the
    finder's map comes before the cards."""
    from playwright.sync_api import expect

    page = phone_site.page
    phone_site.login(company_admin)
    phone_site.go("/")
    phone_site.switch_language("fr")
    profile = page.locator("#site-menu a[href='/profile/']")
    toggle = page.locator("[data-menu-toggle]")
    expect(toggle).to_be_visible()
    expect(profile).to_be_hidden()
    expect(page.locator("form.lang button[value=nl]")).to_be_visible()  # always in sight
    toggle.click()
    expect(profile).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    phone_site.go(f"/company/{company_admin.company_id}/staff/")
    cell = page.locator("main table tbody td[data-label]").first
    if cell.count():
        expect(cell).to_have_attribute("data-label", re.compile(r"\w"))
    phone_site.go(f"/centres/{centre.slug}/")
    box = page.locator("#avail button").first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone_site.shot("phone-centre-fr")
    phone_site.go("/centres/")
    box_map = page.locator("#finder-map").bounding_box()
    box_list = page.locator("#results").bounding_box()
    assert box_map and box_list and box_map["y"] < box_list["y"]
    phone_site.shot("phone-finder-fr")
