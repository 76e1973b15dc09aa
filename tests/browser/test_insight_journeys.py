"""The commute study and the placement page in a real browser: the chart, the
factors, the map with the chosen sites, and the table when tiles cannot load."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from smartwork.core import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _commuters(company, centre, n=6):
    company.head_office_lat, company.head_office_lon = Decimal("50.8466"), Decimal("4.3528")
    company.save()
    for i in range(n):
        testing.make_user(email=f"b{i}@example.com", company=company,
                          home_lat=centre.lat + Decimal("0.004") * i, home_lon=centre.lon,
                          commute_mode="car" if i % 2 else "train")


def test_company_admin_reads_the_commute_study(site, company_admin, company, centre):
    _commuters(company, centre)
    page = site.page
    site.login(company_admin)
    site.go(f"/company/{company.pk}/attendance/")
    page.locator("ul.tabs").get_by_role("link", name="Commute study").click()
    page.locator("#id_days_per_week").fill("2")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("figure svg")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Total")
    expect(page.get_by_role("button", name="PDF report")).to_be_visible()
    site.shot("company-commute-en")


def test_operator_places_new_centres(site, operator, company, centre):
    _commuters(company, centre)
    page = site.page
    site.login(operator)
    site.go("/network/")
    page.locator("ul.tabs").get_by_role("link", name="Where to open next").click()
    page.get_by_label("New centres").fill("2")
    page.get_by_role("button", name="Compute").click()
    expect(page.locator(".kpis")).to_contain_text("optimality gap")
    expect(page.locator("table tbody tr")).to_have_count(3)
    # Tiles are blocked in tests: the note points to the table, the markers still draw.
    expect(page.locator("[data-map-failed]")).to_be_visible()
    expect(page.locator("#placement-map path.leaflet-interactive")).to_have_count(3)
    site.shot("operator-placement-en")
