"""A member in French stars a centre with the keyboard, finds it among the favourites on
the home page, and books again a past booking through the cost-before-booking page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from smartwork.bookings.book_again import next_open_day
from smartwork.bookings.choices import BookingState, Slot
from smartwork.bookings.models import Booking, Favourite
from smartwork.bookings.slots import slot_span, zone
from smartwork.core import testing
from smartwork.network.choices import ResourceKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_stars_a_centre_and_books_again_in_french(site, network, centre):
    member = testing.make_user(network=network, first_name="Marie")
    desk = centre.resources.get(kind=ResourceKind.DESK, name="Desk 03")
    last_week = dt.date.today() - dt.timedelta(days=7)
    span = slot_span(centre, last_week, Slot.MORNING, None, None)
    past = Booking.objects.create(member=member, booked_by=member, resource=desk, centre=centre,
                                  slot=Slot.MORNING, start=span.start, end=span.end,
                                  state=BookingState.COMPLETED)
    page = site.page
    site.login(member)
    site.switch_language("fr")

    # Star the centre with the keyboard on its page; htmx swaps the button in place.
    site.go(f"/centres/{centre.slug}/")
    star = page.get_by_role("button", name=f"Favori : {centre.name}")
    expect(star).to_have_attribute("aria-pressed", "false")
    star.focus()
    page.keyboard.press("Enter")
    expect(star).to_have_attribute("aria-pressed", "true")
    expect(star).to_contain_text("Favori")
    assert Favourite.objects.filter(member=member, centre=centre, resource=None).exists()
    site.shot("favourite-star-fr")

    # Home: the centre among the favourites, with its free desks; and 'Réserver à nouveau'.
    site.go("/")
    favourites = page.locator("#home-favourites")
    expect(favourites.get_by_role("heading", name="Favoris")).to_be_visible()
    expect(favourites.locator("article", has_text=centre.name)).to_contain_text("postes libres")
    again = page.locator(f"#home-book-again article[data-booking='{past.pk}']")
    expect(again).to_contain_text("Desk 03")
    site.shot("favourites-home-fr")
    again.get_by_role("button", name=f"Réserver à nouveau Desk 03 à {centre.name}").click()

    # The confirm page, with the same desk and slot; nothing is booked before its button.
    quote = page.locator("#booking-quote")
    expect(quote).to_contain_text("Desk 03")
    expect(quote.locator("#quote-price")).to_contain_text("€")
    assert Booking.objects.filter(member=member).count() == 1
    quote.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.locator(".msg.success")).to_contain_text("Réservé")
    booking = Booking.objects.filter(member=member).exclude(pk=past.pk).get()
    on = booking.start.astimezone(zone(centre.timezone)).date()
    assert (booking.resource_id, booking.slot) == (desk.pk, Slot.MORNING)
    assert on == next_open_day(centre=centre, after=dt.date.today())
