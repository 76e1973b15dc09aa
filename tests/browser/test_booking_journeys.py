"""Journeys through bookings: a member finds and books a desk, then cancels it;
a receptionist checks a member in and books a walk-in. In English and French."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from smartwork.accounts.choices import Role
from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.bookings.services import booking_create
from smartwork.core import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"find": "Find a centre", "book": "Book a desk", "mine": "My bookings",
           "booked": "Booked:", "cancel": "Cancel booking", "cancelled": "Cancelled",
           "check_in": "Check in", "checked_in": "Checked in", "walk_in": "Book and check in",
           "desk": "Front desk", "free": "desks free", "price": "€30.25"},
    "fr": {"find": "Trouver un centre", "book": "Réserver un poste", "mine": "Mes réservations",
           "booked": "Réservé :", "cancel": "Annuler la réservation", "cancelled": "Annulée",
           "check_in": "Enregistrer l'arrivée", "checked_in": "Arrivé",
           "walk_in": "Réserver et enregistrer", "desk": "Réception", "free": "postes libres",
           "price": "30,25\u00a0€"},
}


def nav(page):
    return page.get_by_role("navigation", name=re.compile("Main|Principal"))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_member_finds_books_and_cancels_a_desk(site, network, centre, lang):
    member = testing.make_user(network=network, home_lat="50.4674", home_lon="4.8720",
                               first_name="Marie")
    t = TEXT[lang]
    page = site.page
    site.login(member)
    if lang != "en":
        site.switch_language(lang)
    # Click 1: the finder (tomorrow or next working day, full day, by default).
    nav(page).get_by_role("link", name=t["find"]).click()
    card = page.locator("#results article", has_text="Namur Centre")
    expect(card).to_contain_text(t["free"])
    # Click 2: book; click 3: confirm, having seen the price and who pays.
    card.get_by_role("button", name=t["book"]).click()
    expect(page.locator("#quote-price")).to_contain_text(t["price"])
    site.shot(f"cost-before-booking-{lang}")
    page.locator("#booking-quote button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text(t["booked"])
    expect(page.locator("h1")).to_have_text(t["mine"])
    booking = Booking.objects.get(member=member)
    assert booking.state == BookingState.CONFIRMED
    site.shot(f"member-bookings-{lang}")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"article[data-booking='{booking.pk}']").get_by_role(
        "button", name=t["cancel"]).click()
    expect(page.locator(f"article[data-booking='{booking.pk}'] .badge")).to_have_text(
        t["cancelled"])
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED


def round_the_clock_centre(network):
    """Open every day all day, so the journey runs whatever the hour of the test."""
    return testing.make_centre(
        network=network, name="Gembloux Centre", hours=(dt.time(0, 0), dt.time(23, 59)),
        weekdays=(0, 1, 2, 3, 4, 5, 6), morning_start=dt.time(0, 0), morning_end=dt.time(12, 0),
        afternoon_start=dt.time(12, 0), afternoon_end=dt.time(23, 59))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_receptionist_checks_a_member_in(site, network, lang):
    centre = round_the_clock_centre(network)
    receptionist = testing.make_centre_staff(centre, role=Role.RECEPTIONIST)
    member = testing.make_user(network=network, first_name="Jan", last_name="Peeters")
    walker = testing.make_user(network=network, first_name="Ana", last_name="Lopes")
    today = dt.datetime.now(ZoneInfo(centre.timezone)).date()
    booking = booking_create(actor=member, centre=centre, slot="full_day", on=today)
    t = TEXT[lang]
    page = site.page
    site.login(receptionist)
    if lang != "en":
        site.switch_language(lang)
    nav(page).get_by_role("link", name=t["desk"]).click()
    row = page.locator(f"tr[data-booking='{booking.pk}']")
    expect(row).to_contain_text("Jan Peeters")
    site.shot(f"desk-today-{lang}")
    row.get_by_role("button", name=t["check_in"]).click()
    expect(page.locator(f"tr[data-booking='{booking.pk}'] .badge")).to_have_text(t["checked_in"])
    expect(page.locator("#present")).to_contain_text("Jan Peeters")
    booking.refresh_from_db()
    assert booking.state == BookingState.CHECKED_IN

    form = page.locator("#walk-in")
    form.locator("input[name=email]").fill(walker.email)
    form.get_by_role("button", name=t["walk_in"]).click()
    expect(page.locator("#present")).to_contain_text("Ana Lopes")
    assert Booking.objects.get(member=walker).state == BookingState.CHECKED_IN
