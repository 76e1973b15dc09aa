"""Booking pages: book from the finder, list, change, cancel, calendar, check-in,
and the front desk (arrivals, check-in, walk-in, week, QR)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.bookings.qr import checkin_token_for
from smartwork.bookings.tests.factories import workday
from smartwork.core import testing
from smartwork.web.views.bookings import next_working_day

pytestmark = pytest.mark.django_db


def client_for(user, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def payg_member(network):
    """A member without a company: pays as they go, no credit needed."""
    return testing.make_user(network=network, home_lat="50.4674", home_lon="4.8720")


def test_finder_shows_free_desks_and_books_in_one_post(payg_member, centre):
    client = client_for(payg_member)
    on = next_working_day()
    body = client.get(reverse("web:centre_finder")).content.decode()
    assert "8 desks free" in body
    response = client.post(reverse("web:book"), {"centre": centre.pk, "date": on.isoformat(),
                                                 "slot": "full_day", "next": "/centres/"})
    assert response.status_code == 302 and response["Location"] == reverse("web:my_bookings")
    booking = Booking.objects.get(member=payg_member)
    assert booking.state == BookingState.CONFIRMED
    page = client.get(reverse("web:my_bookings")).content.decode()
    assert "Namur Centre" in page and "Booked:" in page
    body = client.get(reverse("web:centre_finder")).content.decode()
    assert "7 desks free" in body


def test_booking_refused_is_explained_and_nothing_stored(payg_member, centre):
    client = client_for(payg_member, "fr")
    past = dt.date.today() - dt.timedelta(days=3)
    response = client.post(reverse("web:book"), {"centre": centre.pk, "date": past.isoformat(),
                                                 "slot": "full_day", "next": "/centres/"},
                           follow=True)
    assert not Booking.objects.exists()
    body = response.content.decode()
    assert "passé" in body  # "ce créneau est passé", in French


def test_member_cancels_and_downloads_the_calendar(payg_member, centre):
    client = client_for(payg_member)
    client.post(reverse("web:book"), {"centre": centre.pk,
                                      "date": workday(7).isoformat(),
                                      "slot": "morning"})
    booking = Booking.objects.get(member=payg_member)
    ics = client.get(reverse("web:booking_calendar", args=[booking.pk]))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content
    assert client.post(reverse("web:booking_cancel", args=[booking.pk])).status_code == 302
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED


def test_another_member_cannot_touch_my_booking(payg_member, centre, network):
    client_for(payg_member).post(reverse("web:book"), {
        "centre": centre.pk, "date": workday(7).isoformat(),
        "slot": "morning"})
    booking = Booking.objects.get(member=payg_member)
    other = testing.make_user(network=network)
    client = client_for(other)
    assert client.post(reverse("web:booking_cancel", args=[booking.pk])).status_code == 404
    assert client.get(reverse("web:booking_calendar", args=[booking.pk])).status_code == 404


def test_member_changes_the_date(payg_member, centre):
    client = client_for(payg_member)
    first = workday(7)
    client.post(reverse("web:book"), {"centre": centre.pk, "date": first.isoformat(),
                                      "slot": "morning"})
    booking = Booking.objects.get(member=payg_member)
    url = reverse("web:booking_change", args=[booking.pk])
    assert client.get(url).status_code == 200
    new = first + dt.timedelta(days=7)
    while new.weekday() >= 5:
        new += dt.timedelta(days=1)
    assert client.post(url, {"date": new.isoformat(), "slot": "afternoon"}).status_code == 302
    booking.refresh_from_db()
    assert booking.slot == "afternoon"


def test_qr_check_in_page(payg_member, centre):
    from smartwork.bookings.services import booking_create

    today = dt.date.today()
    if today.weekday() >= 5:
        pytest.skip("the fixture centre is closed at weekends")
    now = dt.datetime.now(dt.UTC)
    booking = booking_create(actor=payg_member, centre=centre, slot="full_day", on=today,
                             now=now.replace(hour=0))
    client = client_for(payg_member)
    token = checkin_token_for(centre=centre)
    page = client.get(reverse("web:check_in", args=[token]))
    assert page.status_code == 200 and "Namur Centre" in page.content.decode()
    response = client.post(reverse("web:check_in", args=[token]))
    booking.refresh_from_db()
    if response.status_code == 302:
        assert booking.state == BookingState.CHECKED_IN
    else:  # outside the day's slot times: refused with the reason, nothing changed
        assert booking.state == BookingState.CONFIRMED
    bad = client.get(reverse("web:check_in", args=["1.20000101.bad"]))
    assert bad.status_code == 400


def test_front_desk_walk_in_and_week(receptionist, centre, payg_member):
    client = client_for(receptionist)
    assert client.get(reverse("web:front_desk")).status_code == 302
    today_url = reverse("web:desk_today", args=[centre.pk])
    assert client.get(today_url).status_code == 200
    response = client.post(reverse("web:desk_walk_in", args=[centre.pk]),
                           {"email": "nobody@example.org", "slot": "full_day"})
    assert "No member has this email" in response.content.decode()
    assert client.get(reverse("web:desk_week", args=[centre.pk])).status_code == 200
    qr = client.get(reverse("web:desk_qr", args=[centre.pk]))
    assert "<svg" in qr.content.decode()


def test_front_desk_refused_to_members(payg_member, centre):
    client = client_for(payg_member)
    assert client.get(reverse("web:front_desk")).status_code == 403
    assert client.get(reverse("web:desk_today", args=[centre.pk])).status_code == 404
