"""The operator invoices last month and downloads a PDF; the company admin finds
the same invoice. In English and French."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from smartwork.billing.models import Invoice
from smartwork.billing.tests.factories import billing_ready, sqlite_flushable
from smartwork.bookings.services import booking_create
from smartwork.core import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"network": "Network", "invoicing": "Invoicing", "start": "Start the invoicing run",
           "done": "Done", "issued": "1 invoice issued"},
    "fr": {"network": "Réseau", "invoicing": "Facturation", "start": "Lancer la facturation",
           "done": "Terminé", "issued": "1 facture émise"},
}


@pytest.fixture
def flushable(transactional_db):
    yield from sqlite_flushable()


def a_weekday_last_month() -> dt.date:
    day = dt.date.today().replace(day=1) - dt.timedelta(days=20)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_operator_runs_invoicing_and_downloads_a_pdf(site, flushable, network, centre, operator,
                                                      lang):
    billing_ready(network)
    member = testing.make_user(network=network, first_name="Paul", last_name="Payg")
    on = a_weekday_last_month()
    booking_create(actor=member, centre=centre, slot="full_day", on=on,
                   now=dt.datetime.combine(on - dt.timedelta(days=2), dt.time(9),
                                           tzinfo=dt.UTC))
    t = TEXT[lang]
    page = site.page
    site.login(operator)
    if lang != "en":
        site.switch_language(lang)
    site.go("/network/")
    page.locator("main article").filter(
        has=page.get_by_role("heading", name=t["invoicing"], exact=True)).get_by_role("link").click()
    form = page.locator("#run-form")
    expect(form.locator("input[name=period]")).to_have_value(on.strftime("%Y-%m"))
    form.get_by_role("button", name=t["start"]).click()
    expect(page.locator("#run-state .badge")).to_have_text(t["done"])
    expect(page.locator("#run-state")).to_contain_text(t["issued"])
    site.shot(f"operator-invoicing-{lang}")
    with page.expect_download() as info:
        page.locator("#run-invoices a.pdf").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    invoice = Invoice.objects.get(customer_member=member)
    assert invoice.total_net == Decimal("25.00")
    # The dashboard of that month shows the booking and what was invoiced, with charts.
    site.go(f"/network/?period={on:%Y-%m}")
    expect(page.locator(".dashboard svg").first).to_be_visible()
    expect(page.locator(".dashboard .kpis")).to_contain_text("25")
    site.shot(f"operator-dashboard-{lang}")
