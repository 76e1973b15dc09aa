"""Favourites and 'book again' on the pages: the star (htmx and plain POST, CSRF), the
home page's sections, the finder's 'my favourites', and a past booking turned into the
cost-before-booking page, where nothing is booked before its button."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from smartwork.bookings.choices import BookingState, Slot
from smartwork.bookings.favourites import favourite_add
from smartwork.bookings.models import Booking, Favourite
from smartwork.bookings.slots import slot_span
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.network.choices import ResourceKind
from smartwork.web.tests.helpers import client_for, text

pytestmark = pytest.mark.django_db

# A star's button (the language switcher has aria-pressed too).
STAR_ON = 'aria-pressed="true" aria-label="Favourite:'
STAR_OFF = 'aria-pressed="false" aria-label="Favourite:'


def desks(centre):
    return list(centre.resources.filter(kind=ResourceKind.DESK).order_by("name"))


def past_booking(member, resource, days_ago=7, slot=Slot.MORNING):
    on = dt.date.today() - dt.timedelta(days=days_ago)
    span = slot_span(resource.centre, on, slot, None, None)
    return Booking.objects.create(member=member, booked_by=member, resource=resource,
                                  centre=resource.centre, slot=slot, start=span.start,
                                  end=span.end, state=BookingState.COMPLETED)


# --- The star ----------------------------------------------------------------------


def test_the_centre_page_has_a_star_for_the_centre_and_each_place(member, centre):
    page = text(client_for(member).get(reverse("web:centre_detail", args=[centre.slug])))
    assert f'data-favourite="centre-{centre.pk}"' in page
    assert f'data-favourite="resource-{desks(centre)[0].pk}"' in page
    assert STAR_OFF in page and STAR_ON not in page
    assert f'aria-label="Favourite: {centre.name}"' in page


def test_htmx_star_marks_and_unmarks_and_answers_the_button(member, centre):
    client = client_for(member)
    url = reverse("web:favourite_toggle")
    r = client.post(url, {"centre": centre.pk, "favourite": "1", "name": centre.name,
                          "next": f"/centres/{centre.slug}/"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    body = text(r)
    assert STAR_ON in body and 'name="favourite" value="0"' in body
    assert "<html" not in body  # only the button's form
    assert Favourite.objects.filter(member=member, centre=centre, resource=None).exists()
    # Twice the same state: still one row (a double click changes nothing).
    client.post(url, {"centre": centre.pk, "favourite": "1"}, headers={"HX-Request": "true"})
    assert Favourite.objects.filter(member=member).count() == 1
    r = client.post(url, {"centre": centre.pk, "favourite": "0"}, headers={"HX-Request": "true"})
    assert STAR_OFF in text(r)
    assert not Favourite.objects.exists()
    page = text(client.get(reverse("web:centre_detail", args=[centre.slug])))
    assert STAR_ON not in page


def test_without_javascript_the_star_posts_and_comes_back(member, centre):
    desk = desks(centre)[1]
    client = client_for(member)
    r = client.post(reverse("web:favourite_toggle"),
                    {"resource": desk.pk, "favourite": "1", "next": f"/centres/{centre.slug}/"},
                    follow=True)
    assert r.redirect_chain[-1][0] == f"/centres/{centre.slug}/"
    assert f"{desk.name} is in your favourites." in text(r)
    assert STAR_ON in text(r)
    assert Favourite.objects.filter(member=member, resource=desk).exists()


@pytest.mark.parametrize("next_", ["a\x00b", "a b", "https://evil.example/", "//evil.example/"])
def test_a_return_address_that_is_no_local_path_goes_home(member, centre, next_):
    client = client_for(member)
    r = client.post(reverse("web:favourite_toggle"),
                    {"centre": centre.pk, "favourite": "1", "next": next_})
    assert r.status_code == 302 and r["Location"] == "/"
    assert Favourite.objects.filter(member=member, centre=centre).exists()


def test_the_star_needs_the_csrf_token(member, centre):
    client = client_for(member, enforce_csrf_checks=True)
    url = reverse("web:favourite_toggle")
    r = client.post(url, {"centre": centre.pk, "favourite": "1"})
    assert r.status_code == 403 and not Favourite.objects.exists()
    page = client.get(reverse("web:centre_detail", args=[centre.slug]))
    token = page.cookies["csrftoken"].value
    r = client.post(url, {"centre": centre.pk, "favourite": "1"},
                    headers={"HX-Request": "true", "X-CSRFToken": token})
    assert r.status_code == 200 and Favourite.objects.exists()


def test_bad_or_forbidden_stars_are_4xx_and_change_nothing(member, centre):
    client = client_for(member)
    url = reverse("web:favourite_toggle")
    htmx = {"HX-Request": "true"}
    assert client.post(url, {"favourite": "1"}, headers=htmx).status_code == 422
    assert client.post(url, {"centre": "x", "favourite": "1"}, headers=htmx).status_code == 422
    assert client.post(url, {"centre": centre.pk, "favourite": "2"},
                       headers=htmx).status_code == 422
    elsewhere = testing.make_centre()  # another network
    assert client.post(url, {"centre": elsewhere.pk, "favourite": "1"},
                       headers=htmx).status_code == 404
    assert client.post(url, {"resource": desks(elsewhere)[0].pk, "favourite": "1"},
                       headers=htmx).status_code == 404
    assert client.get(url).status_code == 405
    r = client.post(url, {"favourite": "1", "next": "https://evil.example/"}, follow=True)
    assert r.redirect_chain[-1][0] == "/"
    assert not Favourite.objects.exists()
    assert Client().post(url, {"centre": centre.pk, "favourite": "1"}).status_code == 302


# --- Home and the finder -------------------------------------------------------------


def test_home_lists_favourites_with_the_days_availability_and_only_ones_own(member, centre,
                                                                           company):
    desk = desks(centre)[0]
    favourite_add(member=member, centre_id=centre.pk)
    favourite_add(member=member, resource_id=desk.pk)
    page = text(client_for(member).get("/"))
    section = page[page.index('id="home-favourites"'):]
    assert centre.name in section and "8 desks free" in section
    assert f'name="resource" value="{desk.pk}"' in section  # book that desk
    assert reverse("web:book_confirm") in section
    colleague = testing.make_user(company=company, network=company.network)
    other = text(client_for(colleague).get("/"))
    other_section = other[other.index('id="home-favourites"'):other.index("</section>",
                                                                           other.index('id="home-favourites"'))]
    assert centre.name not in other_section and "Mark a centre" in other_section


def test_home_favourite_desk_taken_says_so(member, centre, company):
    from smartwork.web.views.bookings import next_working_day

    desk = desks(centre)[0]
    favourite_add(member=member, resource_id=desk.pk)
    other = testing.make_user(company=company, network=company.network)
    booking_row(member=other, resource=desk, on=next_working_day(), slot=Slot.FULL_DAY)
    page = text(client_for(member).get("/"))
    section = page[page.index('id="home-favourites"'):]
    assert f'name="resource" value="{desk.pk}"' not in section and "taken" in section


def test_finder_my_favourites_filter_and_marked_places(member, network, centre):
    second = testing.make_centre(network=network, name="Second centre")
    desk = desks(centre)[3]
    favourite_add(member=member, resource_id=desk.pk)
    client = client_for(member)
    on = workday(2).isoformat()
    everything = text(client.get(reverse("web:centre_finder"), {"date": on}))
    assert second.name in everything and 'id="id_favourites"' in everything
    mine = text(client.get(reverse("web:centre_finder"), {"date": on, "favourites": "on"}))
    assert second.name not in mine and centre.name in mine
    assert f'name="resource" value="{desk.pk}"' in mine and f'value="{on}"' in mine
    partial = text(client.get(reverse("web:centre_finder"), {"date": on, "favourites": "on"},
                              headers={"HX-Request": "true"}))
    assert "<html" not in partial and STAR_OFF in partial


# --- Book again ------------------------------------------------------------------------


def test_past_bookings_and_home_offer_book_again(member, centre):
    booking = past_booking(member, desks(centre)[2])
    client = client_for(member)
    past = text(client.get(reverse("web:my_bookings"), {"past": "1"}))
    assert reverse("web:book_again", args=[booking.pk]) in past
    coming = text(client.get(reverse("web:my_bookings")))
    assert reverse("web:book_again", args=[booking.pk]) not in coming
    home = text(client.get("/"))
    assert 'id="home-book-again"' in home
    assert reverse("web:book_again", args=[booking.pk]) in home


def test_book_again_opens_the_confirm_page_with_the_same_desk_and_books_nothing(member, centre):
    desk = desks(centre)[2]
    booking = past_booking(member, desk)
    client = client_for(member)
    on = workday(2)
    r = client.get(reverse("web:book_again", args=[booking.pk]), {"date": on.isoformat()})
    assert r.status_code == 302
    target = urlsplit(r["Location"])
    assert target.path == reverse("web:book_confirm")
    query = parse_qs(target.query)
    assert query["resource"] == [str(desk.pk)] and query["date"] == [on.isoformat()]
    assert query["slot"] == ["morning"] and query["centre"] == [str(centre.pk)]
    page = text(client.get(r["Location"]))
    assert desk.name in page and "Confirm the booking" in page
    assert Booking.objects.count() == 1  # only the past one: the confirm page books


def test_book_again_without_a_date_takes_the_next_open_day(member, centre):
    from smartwork.bookings.book_again import next_open_day

    booking = past_booking(member, desks(centre)[2])
    r = client_for(member).get(reverse("web:book_again", args=[booking.pk]))
    expected = next_open_day(centre=centre, after=dt.date.today()).isoformat()
    assert parse_qs(urlsplit(r["Location"]).query)["date"] == [expected]


def test_book_again_a_taken_desk_gives_any_desk_and_a_note(member, centre, company):
    desk = desks(centre)[2]
    booking = past_booking(member, desk)
    on = workday(2)
    booking_row(member=testing.make_user(company=company, network=company.network),
                resource=desk, on=on, slot=Slot.FULL_DAY)
    r = client_for(member).get(reverse("web:book_again", args=[booking.pk]),
                               {"date": on.isoformat()}, follow=True)
    page = text(r)
    assert "resource" not in parse_qs(urlsplit(r.redirect_chain[-1][0]).query)
    assert f"{desk.name} is not free" in page and "A desk" in page


def test_book_again_refuses_others_bookings_and_bad_dates(member, centre, company):
    colleague = testing.make_user(company=company, network=company.network)
    theirs = past_booking(colleague, desks(centre)[1])
    client = client_for(member)
    assert client.get(reverse("web:book_again", args=[theirs.pk])).status_code == 404
    mine = past_booking(member, desks(centre)[2])
    r = client.get(reverse("web:book_again", args=[mine.pk]), {"date": "31/02/2027"},
                   follow=True)
    assert r.redirect_chain[-1][0] == "/bookings/?past=1" and "Enter a valid date" in text(r)
    # A day with no next day (the free-desk check looks at the day after) is an error
    # message, not a 500.
    r = client.get(reverse("web:book_again", args=[mine.pk]), {"date": "9999-12-31"},
                   follow=True)
    assert "Dates must lie between the years 1900 and 2999." in text(r)
    r = client.get(reverse("web:book_again", args=[mine.pk]),
                   {"date": workday(2).isoformat(), "next": "https://evil.example/"})
    assert parse_qs(urlsplit(r["Location"]).query)["next"] == ["/bookings/?past=1"]
