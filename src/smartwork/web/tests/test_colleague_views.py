"""Colleagues on the pages: the choice in the profile, "Colleagues here that day" on the
centre page, the finder and the floor plan (marked places), and "Book next to …", which
opens the booking confirmation for the free desk next to them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from smartwork.accounts.choices import OrganisationKind
from smartwork.bookings.models import ColleagueSharing, FloorPlan, PlacePosition
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.network.models import Resource
from smartwork.web.tests.helpers import client_for, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def on():
    return workday(2)


@pytest.fixture
def anna(centre, company, on):
    """A colleague who shows her bookings, on Desk 01 of the ground floor (Desk 02 beside
    her is taken by someone else, Desk 03 is the next one along)."""
    anna = testing.make_user(company=company, network=company.network, first_name="Anna",
                             last_name="Peeters")
    ColleagueSharing.objects.create(member=anna, show_bookings=True)
    floor = FloorPlan.objects.create(centre=centre, name="Ground", level=0, image=b"<svg/>",
                                     content_type="image/svg+xml", width=1000, height=1000)
    for name, x in (("Desk 01", 10), ("Desk 02", 20), ("Desk 03", 30), ("Desk 04", 90)):
        PlacePosition.objects.create(plan=floor, resource=Resource.objects.get(
            centre=centre, name=name), x=x, y=50)
    desk = Resource.objects.get(centre=centre, name="Desk 01")
    booking_row(member=anna, resource=desk, on=on, slot="full_day")
    booking_row(member=testing.make_user(network=centre.network),
                resource=Resource.objects.get(centre=centre, name="Desk 02"), on=on,
                slot="full_day")
    return anna


def next_to_link(page):
    found = re.search(r'<a href="([^"]+)" role="button" class="small secondary" '
                      r'data-next-to="\d+">([^<]+)</a> <small>([^<]+)</small>', page)
    assert found, page[page.index("<main"):]
    return found.group(1), found.group(2), found.group(3)


# --- The choice -----------------------------------------------------------------------


def test_the_profile_links_the_choice_which_is_off_until_ticked(member):
    client = client_for(member)
    assert reverse("web:my_colleague_sharing") in text(client.get(reverse("web:profile")))
    page = text(client.get(reverse("web:my_colleague_sharing")))
    assert "Show my bookings to colleagues of my company" in page
    assert 'name="show_bookings"' in page and "checked" not in page
    assert "Your bookings are hidden from colleagues." in page
    response = client.post(reverse("web:my_colleague_sharing"), {"show_bookings": "on"})
    assert response.status_code == 302
    assert ColleagueSharing.objects.get(member=member).show_bookings is True
    page = text(client.get(reverse("web:my_colleague_sharing")))
    assert "Your bookings are shown to colleagues of your company." in page
    client.post(reverse("web:my_colleague_sharing"), {})
    assert ColleagueSharing.objects.get(member=member).show_bookings is False


def test_someone_without_a_company_has_no_choice_to_make(outsider):
    client = client_for(outsider)
    page = text(client.get(reverse("web:my_colleague_sharing")))
    assert "Only a company's employees" in page and 'name="show_bookings"' not in page
    assert client.post(reverse("web:my_colleague_sharing"),
                       {"show_bookings": "on"}).status_code == 200
    assert not ColleagueSharing.objects.exists()


# --- The centre page, the finder, the plan ---------------------------------------------


def test_the_centre_page_shows_colleagues_and_books_next_to_them(centre, member, anna, on):
    client = client_for(member)
    page = text(client.get(reverse("web:centre_detail", args=[centre.slug]),
                           {"date": on.isoformat()}))
    assert ('Colleagues here that day:</strong> <span class="colleague">Anna Peeters (Desk 01)'
            '</span>') in page
    url, label, why = next_to_link(page)
    assert label == "Book next to Anna Peeters"
    assert why == "Desk 03 is the free desk nearest to Anna Peeters's (Desk 01) on the floor plan."
    query = parse_qs(urlparse(url).query)
    desk3 = Resource.objects.get(centre=centre, name="Desk 03")
    assert query["resource"] == [str(desk3.pk)] and query["slot"] == ["full_day"]
    assert query["date"] == [on.isoformat()]
    assert "Your own bookings are hidden from colleagues." in page  # and where to change it
    confirm = text(client.get(url))
    assert "Desk 03" in confirm and "Confirm the booking" in confirm


def test_a_member_who_holds_a_desk_that_day_gets_the_reason_not_the_button(centre, member,
                                                                          anna, on):
    booking_row(member=member, resource=Resource.objects.get(centre=centre, name="Desk 05"),
                on=on, slot="morning")
    page = text(client_for(member).get(reverse("web:centre_detail", args=[centre.slug]),
                                       {"date": on.isoformat()}))
    assert "Anna Peeters (Desk 01)" in page
    assert "Book next to" not in page
    assert "You already hold a desk on" in page


def test_others_see_no_colleague(centre, network, anna, on, operator, outsider):
    other = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                      legal_name="Other SA")
    stranger = testing.make_user(company=other, network=network)
    for viewer in (stranger, operator, outsider):
        client = client_for(viewer)
        for url, params in ((reverse("web:centre_detail", args=[centre.slug]),
                             {"date": on.isoformat()}),
                            (reverse("web:centre_finder"), {"date": on.isoformat()}),
                            (reverse("web:centre_plan", args=[centre.slug]),
                             {"date": on.isoformat()})):
            response = client.get(url, params)
            assert response.status_code == 200
            assert "Anna" not in text(response) and "Colleagues here" not in text(response)


def test_a_bad_date_on_the_centre_page_is_an_inline_error_not_a_500(centre, member, anna):
    response = client_for(member).get(reverse("web:centre_detail", args=[centre.slug]),
                                      {"date": "31/02/2026"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in text(response)


def test_the_finder_shows_colleagues_on_the_centre_s_card(centre, member, anna, on):
    page = text(client_for(member).get(reverse("web:centre_finder"),
                                       {"date": on.isoformat(), "slot": "morning"}))
    assert "Anna Peeters (Desk 01)" in page
    url, _label, _why = next_to_link(page)
    assert parse_qs(urlparse(url).query)["slot"] == ["morning"]


def test_the_plan_marks_the_colleague_s_place_with_words_and_her_initial(centre, member, anna,
                                                                        on):
    page = text(client_for(member).get(reverse("web:centre_plan", args=[centre.slug]),
                                       {"date": on.isoformat()}))
    marker = re.search(r'<span class="place taken colleague"[^>]*aria-label="([^"]+)"[^>]*>'
                       r'([^<]*)</span>', page)
    assert marker, page
    assert marker.group(1) == "Desk 01, taken by your colleague Anna Peeters"
    assert marker.group(2) == "A"
    url, _label, why = next_to_link(page)
    assert "Desk 03 is the free desk nearest" in why
    assert "plan=" in parse_qs(urlparse(url).query)["next"][0]


def test_dutch_words(centre, member, anna, on):
    page = text(client_for(member, "nl").get(reverse("web:centre_detail", args=[centre.slug]),
                                             {"date": on.isoformat()}))
    assert "Collega's hier die dag:" in page
    _url, label, why = next_to_link(page)
    assert label == "Boek naast Anna Peeters"
    assert why.startswith("Desk 03 is de vrije werkplek het dichtst bij die van Anna Peeters")
