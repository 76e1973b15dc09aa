"""A receptionist registers a walk-in guest who is not a member yet, books them a desk
paid at the desk and prints the receipt; in French and Dutch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smartwork.accounts.choices import Role
from smartwork.accounts.models import User
from smartwork.billing.models import Invoice
from smartwork.billing.tests.factories import billing_ready, sqlite_flushable
from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.core import testing
from tests.browser.test_booking_journeys import round_the_clock_centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {"submit": "Inscrire, réserver et enregistrer", "paid": "Payé à la réception",
           "receipt": "Imprimer le reçu (PDF)"},
    "nl": {"submit": "Inschrijven, boeken en aanmelden", "paid": "Betaald aan de receptie",
           "receipt": "Het ontvangstbewijs afdrukken (PDF)"},
}


@pytest.fixture
def flushable(transactional_db):
    yield from sqlite_flushable()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_receptionist_books_a_walk_in_guest_paid_at_the_desk(site, flushable, network, lang):
    billing_ready(network)
    centre = round_the_clock_centre(network)
    receptionist = testing.make_centre_staff(centre, role=Role.RECEPTIONIST)
    t = TEXT[lang]
    page = site.page
    site.login(receptionist)
    site.switch_language(lang)
    site.go(f"/desk/{centre.pk}/")
    form = page.locator("#guest")
    form.locator("input[name=first_name]").fill("Ana")
    form.locator("input[name=last_name]").fill("Lopes")
    form.locator("input[name=email]").fill("ana.lopes@example.org")
    form.locator("input[name=paid_by][value=desk]").check()
    form.get_by_role("button", name=t["submit"]).click()
    expect(page.locator(".msg.success")).to_contain_text(t["paid"])
    expect(page.locator("#present")).to_contain_text("Ana Lopes")
    expect(page.get_by_role("link", name=t["receipt"])).to_be_visible()
    guest = User.objects.get(email="ana.lopes@example.org")
    assert Booking.objects.get(member=guest).state == BookingState.CHECKED_IN
    assert Invoice.objects.get(customer_member=guest).state == "paid"
    site.shot(f"desk-guest-{lang}")


def test_the_front_desk_with_the_guest_form_fits_a_phone(phone_site, network):
    centre = round_the_clock_centre(network)
    receptionist = testing.make_centre_staff(centre, role=Role.RECEPTIONIST)
    member = testing.make_user(network=network, first_name="Jan", last_name="Peeters")
    import datetime as dt
    from zoneinfo import ZoneInfo

    from smartwork.bookings.services import booking_create

    booking_create(actor=member, centre=centre, slot="full_day",
                   on=dt.datetime.now(ZoneInfo(centre.timezone)).date())
    site = phone_site
    site.login(receptionist)
    site.switch_language("fr")
    site.go(f"/desk/{centre.pk}/")
    expect(site.page.locator("#guest")).to_be_attached()
    expect(site.page.locator("#expected-count .stat")).to_have_text("1")
    width = site.width()
    assert width <= 390, f"the page scrolls sideways: {width} px"
    site.shot("desk-guest-phone-fr")
