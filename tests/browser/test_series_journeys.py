"""A member books "every Monday and Thursday for 8 weeks" in German on a 390 px phone,
with the keyboard: the form from the centre's page, the preview of every date (one
already taken by the member elsewhere), one button, the per-date report, then "cancel
the rest of the series" from My bookings. Every visible word is German."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking, BookingSeries
from smartwork.core import testing
from smartwork.credits.tests.factories import book
from smartwork.web.tests.pages import EnglishFinder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_monday() -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


def named_in_french(centre, name):
    """The operator names its places in French (data, not translated per reader)."""
    centre.name = name
    centre.save(update_fields=["name"])
    for resource in centre.resources.all():
        resource.name = resource.name.replace("Desk", "Poste").replace("Room", "Salle")
        resource.save(update_fields=["name"])
    return centre


def all_german(page, finder: EnglishFinder) -> None:
    assert finder.find(page.content()) == []
    page.wait_for_load_state("load")  # measured with the stylesheets in (Site.width)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"the page is {width} px wide"


def test_a_member_books_every_monday_and_thursday_in_german_on_a_phone(phone_site, network,
                                                                       centre):
    named_in_french(centre, "Espace Namur")
    member = testing.make_user(network=network, first_name="Lena")
    first = next_monday()
    taken = first + dt.timedelta(days=10)  # the second Thursday: a desk elsewhere
    elsewhere = named_in_french(testing.make_centre(network=network), "Espace Ciney")
    book(member, elsewhere, on=taken, slot="morning")
    finder = EnglishFinder("de")
    page = phone_site.page
    phone_site.login(member)
    phone_site.switch_language("de")

    phone_site.go(f"/centres/{centre.slug}/")
    page.get_by_role("link", name="Jede Woche dasselbe Zeitfenster buchen (Serienbuchung)").click()
    expect(page.locator("h1")).to_have_text("Serienbuchung")
    all_german(page, finder)
    # With the keyboard: tick Monday and Thursday, type the first date, send.
    page.get_by_label("Montag").focus()
    page.keyboard.press("Space")
    page.get_by_label("Donnerstag").focus()
    page.keyboard.press("Space")
    date_field = page.get_by_label("Erstes Datum")
    date_field.fill(first.strftime("%d.%m.%Y"))
    expect(page.get_by_label("Für wie viele Wochen")).to_have_value("8")
    expect(page.get_by_label("Die freien Daten buchen und die anderen auslassen")).to_be_checked()
    page.get_by_role("button", name="Daten und Preis ansehen").focus()
    page.keyboard.press("Enter")

    preview = page.locator("#series-preview")
    expect(preview).to_contain_text("15 Daten würden gebucht; 1 Datum kann nicht gebucht werden.")
    expect(page.locator("#series-dates tbody tr")).to_have_count(16)
    refused = page.locator(f"#series-dates tr[data-date='{taken.isoformat()}']")
    expect(refused).to_contain_text("Bereits von Ihnen gebucht")
    expect(page.locator("#series-totals")).to_contain_text("453,75\u00a0€")  # 15 × 30,25 €
    assert not BookingSeries.objects.exists()  # the preview wrote nothing
    all_german(page, finder)
    phone_site.shot("series-preview-de-phone")
    page.get_by_role("button", name="Diese 15 Daten buchen").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".msg.warning")).to_contain_text(
        "15 Daten gebucht. 1 Datum konnte nicht gebucht werden (siehe unten).")
    series = BookingSeries.objects.get(member=member)
    assert sorted(b.start.date() for b in series.occurrences.all()) == sorted(
        first + dt.timedelta(days=7 * week + day) for week in range(8) for day in (0, 3)
        if first + dt.timedelta(days=7 * week + day) != taken)
    expect(page.locator("#series-report-dates tbody tr")).to_have_count(16)
    expect(page.locator(f"#series-report-dates tr[data-date='{taken.isoformat()}']")
           ).to_contain_text("Bereits von Ihnen gebucht")
    all_german(page, finder)
    phone_site.shot("series-report-de-phone")

    phone_site.go("/bookings/")
    expect(page.locator("article.booking .series-mark").first).to_contain_text(
        "Teil einer Serienbuchung")
    all_german(page, finder)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Den Rest der Serie stornieren").click()
    expect(page.locator(".msg.success")).to_contain_text(
        "15 kommende Daten der Serienbuchung storniert.")
    assert set(series.occurrences.values_list("state", flat=True)) == {BookingState.CANCELLED}
    assert Booking.objects.get(centre=elsewhere).state == BookingState.CONFIRMED
