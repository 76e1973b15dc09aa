"""Recurring bookings on the pages: the form (inline errors, nothing written), the
preview (the booking engine's answer for each date, rolled back), the series it books
(the same dates, the same payer on each), the per-date report, and cancelling the rest."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking, BookingSeries
from smartwork.bookings.services import series_cancel, series_create
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.credits import services as credit_services
from smartwork.credits.models import LedgerEntry, PaygCharge
from smartwork.credits.tests.factories import book, buy, employee
from smartwork.network.models import Closure, OpeningHours
from smartwork.web.series_forms import series_dates
from smartwork.web.tests.helpers import client_for
from smartwork.web.tests.pages import EnglishFinder

pytestmark = pytest.mark.django_db


def next_monday(weeks_ahead: int = 1) -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=7 * weeks_ahead - today.weekday())


def params(centre, **extra):
    values = {"centre": centre.slug, "slot": "full_day", "weekdays": ["0", "3"],
              "date_from": next_monday().isoformat(), "weeks": "8",
              "conflict_policy": "skip"}
    values.update(extra)
    return values


def preview(client, centre, **extra):
    response = client.get(reverse("web:series_preview"), params(centre, **extra))
    return response, html.unescape(response.content.decode())


def rows_of(page: str) -> dict[str, str]:
    """The preview's rows: date (ISO) -> the row's class (booked, pending, refused)."""
    return dict(re.findall(r'<tr data-date="([\d-]+)" class="(\w+)"', page))


def field_error(page: str, field: str) -> str:
    """The errors shown under one input (Django ties them to it: aria-describedby)."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


def written() -> tuple[int, ...]:
    return (Booking.objects.count(), BookingSeries.objects.count(), LedgerEntry.objects.count(),
            PaygCharge.objects.count(), AuditEntry.objects.count())


# --- The form -------------------------------------------------------------------


def test_the_form_offers_the_weekdays_the_centre_opens(network, centre):
    member = testing.make_user(network=network)
    page = client_for(member).get(reverse("web:series_new"), {"centre": centre.slug})
    text = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{centre.slug}" selected>' in text
    assert "Monday" in text and "Friday" in text and "Saturday" not in text
    assert "Any free desk" in text and "Room 1" in text
    OpeningHours.objects.create(centre=centre, weekday=5, opens=dt.time(9), closes=dt.time(13))
    text = client_for(member).get(reverse("web:series_new"), {"centre": centre.slug}).content
    assert b"Saturday" in text and b"Sunday" not in text


def test_the_centre_page_and_my_bookings_lead_to_the_form(network, centre):
    member = testing.make_user(network=network)
    client = client_for(member)
    centre_page = client.get(reverse("web:centre_detail", args=[centre.slug])).content.decode()
    assert f'/book/series/?centre={centre.slug}' in centre_page
    assert 'id="series-new-link"' in client.get(reverse("web:my_bookings")).content.decode()


@pytest.mark.parametrize(("change", "field", "error"), [
    ({"date_to": "PAST"}, "date_to", "The end is before the first date."),
    ({"weekdays": ["3"], "weeks": "", "date_to": "MONDAY"}, "weekdays",
     "falls on the days you chose"),
    ({"weeks": "20"}, "weeks", "Bookings open 90 days ahead"),
    ({"weeks": "", "date_to": ""}, "weeks", "Give a number of weeks or a last date."),
    ({"weekdays": []}, "weekdays", "This field is required."),
    ({"weeks": "0"}, "weeks", "greater than or equal to 1"),
    ({"date_from": "31/02/2027"}, "date_from", "Enter a valid date."),
    ({"slot": "range"}, "start_time", "Give the start and the end time of the room."),
    ({"weekdays": ["0", "1", "2", "3", "4"], "weeks": "13"}, "weeks",
     "a recurring booking holds at most 60"),
])
def test_bad_input_is_said_inline_and_nothing_is_written(network, centre, change, field, error):
    network.booking_window_days = 120 if "holds at most" in error else 90
    network.save()
    member = testing.make_user(network=network)
    monday = next_monday()
    change = {k: {"PAST": (monday - dt.timedelta(days=1)).isoformat(),
                  "MONDAY": monday.isoformat()}.get(v, v) if isinstance(v, str) else v
              for k, v in change.items()}
    before = written()
    client = client_for(member)
    for response in (client.get(reverse("web:series_preview"), params(centre, **change)),
                     client.post(reverse("web:series_new"), params(centre, **change))):
        page = html.unescape(response.content.decode())
        assert response.status_code == 422
        assert error in field_error(page, field), page
        assert 'id="series-preview"' not in page
    assert written() == before


def test_a_weekday_the_centre_never_opens_is_said_inline(network, centre):
    OpeningHours.objects.filter(centre=centre, weekday=2).delete()  # closed on Wednesdays
    member = testing.make_user(network=network)
    response, page = preview(client_for(member, "fr"), centre, weekdays=["0", "2"])
    assert response.status_code == 422
    assert f"{centre.name} est fermé ces jours-là : mercredi." in page


def test_a_resource_of_another_kind_is_refused_by_the_engine_inline(network, centre):
    member = testing.make_user(network=network)
    room = centre.resources.get(name="Room 1")
    response, page = preview(client_for(member), centre, resource=str(room.pk))
    assert response.status_code == 422 and 'id="series-preview"' not in page
    assert not Booking.objects.exists()


# --- The preview, then the series ------------------------------------------------


def test_the_preview_writes_nothing_and_shows_each_date_with_its_price(network, centre):
    member = testing.make_user(network=network)
    before = written()
    response, page = preview(client_for(member, "fr"), centre)
    assert response.status_code == 200, page
    assert written() == before  # rolled back: no booking, ledger line, charge or audit
    rows = rows_of(page)
    first = next_monday()
    assert list(rows) == [d.isoformat() for d in series_dates(
        first, first + dt.timedelta(days=55), {0, 3})]
    assert set(rows.values()) == {"booked"} and len(rows) == 16
    assert "30,25\xa0€" in page and "484,00\xa0€" in page  # each date, and the 16 together
    assert "Réserver ces 16 dates" in page


def test_what_is_booked_is_what_the_preview_showed_date_by_date(company, company_admin, centre):
    """Credit for a few days, then overage billed to the company: the payer changes
    within the series, and on the same date in the preview and in the booking."""
    credit_services.credit_policy_set(actor=company_admin, company=company, allow_overage=True)
    buy(company, hours=30)
    member = employee(company)
    client = client_for(member)
    response, page = preview(client, centre)
    shown = {}
    for date, cells in re.findall(r'<tr data-date="([\d-]+)" class="\w+">(.*?)</tr>', page,
                                  re.S):
        shown[date] = "credit" if "of your company&#x27;s credit" in cells or \
            "of your company's credit" in cells else "payg"
    assert set(shown.values()) == {"credit", "payg"}, page  # the credit runs out mid-way
    assert "Your company" in page
    response = client.post(reverse("web:series_new"), params(centre))
    series = BookingSeries.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bookings/series/{series.pk}/"
    booked = {b.start.date().isoformat(): b.payment_method
              for b in Booking.objects.filter(series=series)}
    assert booked == shown
    assert all(c.bill_to == "company" for c in PaygCharge.objects.filter(booking__series=series))


def test_the_preview_says_why_a_date_cannot_be_booked_and_the_series_skips_it(network, centre):
    member = testing.make_user(network=network)
    first = next_monday()
    thursday = first + dt.timedelta(days=3)
    Closure.objects.create(centre=centre, start_date=first + dt.timedelta(days=7),
                           end_date=first + dt.timedelta(days=7), reason="Inventaire")
    other = testing.make_centre(network=network)
    book(member, other, on=thursday, slot="morning")
    client = client_for(member)
    _response, page = preview(client, centre)
    rows = rows_of(page)
    assert rows[(first + dt.timedelta(days=7)).isoformat()] == "refused"
    assert rows[thursday.isoformat()] == "refused"
    assert "Closed" in page and "Inventaire" in page
    assert "Already booked by you" in page and "You already hold a desk" in page
    assert "14 dates would be booked; 2 dates cannot be booked." in page
    client.post(reverse("web:series_new"), params(centre))
    series = BookingSeries.objects.get()
    booked = {b.start.date().isoformat() for b in series.occurrences.all()}
    assert booked == {d for d, kind in rows.items() if kind == "booked"}
    assert {row["date"] for row in series.skipped} == {d for d, k in rows.items()
                                                        if k == "refused"}
    report = html.unescape(client.get(reverse("web:series_detail",
                                              args=[series.pk])).content.decode())
    assert report.count("data-booking=") == 14
    assert "Already booked by you" in report and "Inventaire" in report


def test_all_or_nothing_offers_no_button_and_a_late_conflict_books_nothing(network, centre):
    member = testing.make_user(network=network)
    first = next_monday()
    other = testing.make_centre(network=network)
    taken = book(member, other, on=first + dt.timedelta(days=14), slot="afternoon")
    client = client_for(member)
    response, page = preview(client, centre, conflict_policy="all_or_nothing")
    assert 'id="series-all-or-nothing"' in page and 'id="series-confirm"' not in page
    before = written()
    response = client.post(reverse("web:series_new"), params(centre,
                                                              conflict_policy="all_or_nothing"))
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert "1 of the dates cannot be booked; nothing was booked." in page
    assert f'data-date="{(first + dt.timedelta(days=14)).isoformat()}"' in page
    assert written() == before
    taken.refresh_from_db()
    assert taken.state == BookingState.CONFIRMED


# --- The series in "My bookings": cancel the rest, or one date ------------------------


def weekly(member, centre, weeks=4):
    first = next_monday()
    return series_create(actor=member, centre=centre, slot="full_day",
                         dates=[first + dt.timedelta(weeks=i) for i in range(weeks)],
                         notify=False)


def test_my_bookings_marks_the_series_and_cancels_the_rest(network, centre):
    member = testing.make_user(network=network)
    result = weekly(member, centre)
    client = client_for(member)
    page = client.get(reverse("web:my_bookings")).content.decode()
    assert page.count("Part of a recurring booking") == 4
    assert page.count('class="inline series-cancel-rest"') == 1  # on its first date only
    response = client.post(reverse("web:series_cancel", args=[result.series.pk]),
                           {"next": "/bookings/"})
    assert response.status_code == 302 and response["Location"] == "/bookings/"
    assert set(Booking.objects.filter(series=result.series).values_list("state", flat=True)) \
        == {BookingState.CANCELLED}


def test_one_date_of_a_series_is_cancelled_alone(network, centre):
    member = testing.make_user(network=network)
    result = weekly(member, centre)
    client = client_for(member)
    first = result.bookings[0]
    client.post(reverse("web:booking_cancel", args=[first.pk]),
                {"next": f"/bookings/series/{result.series.pk}/"})
    states = dict(Booking.objects.filter(series=result.series).values_list("pk", "state"))
    assert states.pop(first.pk) == BookingState.CANCELLED
    assert set(states.values()) == {BookingState.CONFIRMED}
    page = client.get(reverse("web:series_detail", args=[result.series.pk])).content.decode()
    assert "Cancel the rest of the series (3 dates)" in page


def test_the_past_dates_stay_when_the_rest_is_cancelled(network, centre):
    member = testing.make_user(network=network)
    result = weekly(member, centre)
    later = result.bookings[1].start - dt.timedelta(hours=1)
    done = series_cancel(series=result.series, actor=member, now=later)
    assert [b.pk for b in done] == [b.pk for b in result.bookings[1:]]


def test_someone_else_cannot_see_or_cancel_a_series(network, centre):
    member = testing.make_user(network=network)
    result = weekly(member, centre)
    stranger = client_for(testing.make_user(network=network))
    assert stranger.get(reverse("web:series_detail", args=[result.series.pk])).status_code == 404
    assert stranger.post(reverse("web:series_cancel", args=[result.series.pk])).status_code == 404
    assert not Booking.objects.filter(state=BookingState.CANCELLED).exists()


# --- Languages ------------------------------------------------------------------------


def named_in_french(centre):
    """The operator names its places in its own language (data, never translated): the
    test centres' English names would read as untranslated words."""
    centre.name = f"Espace {centre.pk}"
    centre.save(update_fields=["name"])
    for resource in centre.resources.all():
        resource.name = resource.name.replace("Desk", "Poste").replace("Room", "Salle")
        resource.save(update_fields=["name"])
    return centre


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_the_pages_are_in_the_readers_language(network, centre, language):
    named_in_french(centre)
    member = testing.make_user(network=network)
    first = next_monday()
    other = named_in_french(testing.make_centre(network=network))
    book(member, other, on=first + dt.timedelta(days=3), slot="morning")
    Closure.objects.create(centre=centre, start_date=first, end_date=first, reason="Inventaire")
    client = client_for(member, language)
    finder = EnglishFinder(language)
    pages = [client.get(reverse("web:series_new"), {"centre": centre.slug}),
             client.get(reverse("web:series_preview"), params(centre)),
             client.get(reverse("web:series_preview"), params(centre, weeks="", date_to=""))]
    client.post(reverse("web:series_new"), params(centre))
    series = BookingSeries.objects.get()
    pages += [client.get(reverse("web:series_detail", args=[series.pk])),
              client.get(reverse("web:my_bookings"))]
    for response in pages:
        assert response.status_code in (200, 422)
        assert finder.find(response.content.decode()) == [], response.request["PATH_INFO"]


def confirm_fields(page: str) -> list[tuple[str, str]]:
    """The hidden fields of the preview's button, as the browser posts them."""
    form = re.search(r'<form method="post"[^>]*id="series-confirm">(.*?)</form>', page, re.S)
    assert form, "no button to book"
    return re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(1))


def test_a_room_every_monday_books_what_the_preview_showed(network, centre):
    member = testing.make_user(network=network)
    room = centre.resources.get(name="Room 1")
    client = client_for(member, "fr")
    response, page = preview(client, centre, resource=str(room.pk), slot="range",
                             start_time="10:00", end_time="11:30", weekdays=["0"], weeks="3")
    assert response.status_code == 200, page
    assert set(rows_of(page).values()) == {"booked"} and len(rows_of(page)) == 3
    assert "36,30\xa0€" in page  # 1 h 30 at 20,00 € an hour, plus 21 % VAT
    fields = confirm_fields(page)
    body: dict[str, list[str]] = {}
    for name, value in fields:
        body.setdefault(name, []).append(value)
    assert body["start_time"] == ["10:00"] and body["resource"] == [str(room.pk)]
    client.post(reverse("web:series_new"), body)
    series = BookingSeries.objects.get()
    bookings = list(series.occurrences.order_by("start"))
    assert [b.resource_id for b in bookings] == [room.pk] * 3
    assert [b.start.date().isoformat() for b in bookings] == list(rows_of(page))
    assert {b.price_net for b in bookings} == {30}
