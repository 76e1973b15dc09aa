"""The front desk's walk-in guest form: registered, booked, checked in and paid at the
desk with a printable receipt; errors inline; "N expected" counts the list's rows."""

from __future__ import annotations

import datetime as dt

import pytest

from smartwork.accounts.choices import Role
from smartwork.accounts.models import User
from smartwork.billing.tests.factories import billing_ready
from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.core import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    network = billing_ready(testing.make_network())
    return testing.make_centre(
        network=network, desks=1, name="Gembloux Centre",
        hours=(dt.time(0, 0), dt.time(23, 59)), weekdays=tuple(range(7)),
        morning_start=dt.time(0, 0), morning_end=dt.time(12, 0),
        afternoon_start=dt.time(12, 0), afternoon_end=dt.time(23, 59))


@pytest.fixture
def desk_client(client, centre):
    client.force_login(testing.make_centre_staff(centre, role=Role.RECEPTIONIST))
    return client


def post_guest(client, centre, **extra):
    data = {"first_name": "Ana", "last_name": "Lopes", "email": "ana@example.org",
            "company": "", "slot": "full_day", "paid_by": "desk", **extra}
    return client.post(f"/desk/{centre.pk}/guest/", data)


def test_a_guest_is_registered_booked_and_paid_with_a_receipt(desk_client, centre):
    r = post_guest(desk_client, centre)
    assert r.status_code == 302 and "?receipt=" in r["Location"]
    guest = User.objects.get(email="ana@example.org")
    assert Booking.objects.get(member=guest).state == BookingState.CHECKED_IN
    page = desk_client.get(r["Location"])
    html = page.content.decode()
    assert "Ana Lopes" in html and 'id="receipt-link"' in html
    receipt_id = r["Location"].split("receipt=")[1]
    pdf = desk_client.get(f"/desk/{centre.pk}/receipts/{receipt_id}/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_errors_are_inline_and_nothing_is_booked(desk_client, centre):
    r = post_guest(desk_client, centre, email="not-an-email", paid_by="company")
    assert r.status_code == 422
    assert 'aria-invalid="true"' in r.content.decode()
    r = post_guest(desk_client, centre, paid_by="company")
    assert r.status_code == 422 and "Choose the company that pays." in r.content.decode()
    post_guest(desk_client, centre)
    r = post_guest(desk_client, centre, email="bob@example.org", last_name="Bob")
    assert r.status_code == 422  # the one desk is taken: no double booking
    assert not User.objects.filter(email="bob@example.org").exists()
    assert Booking.objects.filter(centre=centre).count() == 1


def test_a_receipt_of_another_centre_is_not_found(client, desk_client, centre):
    r = post_guest(desk_client, centre)
    receipt_id = r["Location"].split("receipt=")[1]
    other = testing.make_centre(network=centre.network)
    client.force_login(testing.make_centre_staff(other, role=Role.RECEPTIONIST))
    assert client.get(f"/desk/{other.pk}/receipts/{receipt_id}/").status_code == 404


def test_expected_counts_the_rows_still_to_check_in(desk_client, centre):
    member = testing.make_user(network=centre.network)
    from zoneinfo import ZoneInfo

    from smartwork.bookings.services import booking_create

    booking_create(actor=member, centre=centre, slot="full_day",
                   on=dt.datetime.now(ZoneInfo(centre.timezone)).date())
    html = desk_client.get(f"/desk/{centre.pk}/").content.decode()
    assert 'id="expected-count"><div class="stat">1</div>' in html
