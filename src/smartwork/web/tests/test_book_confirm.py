"""Cost before booking on the pages: the Book buttons lead to a page that shows the
price, who pays and why (the quote of `credits.quote`), then books exactly that; the
finder and the centre page offer nothing the booking would refuse."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.credits.models import PaygCharge
from smartwork.credits.tests.factories import book, buy, employee, workday
from smartwork.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db


def confirm_url(centre, on, slot="full_day"):
    return (reverse("web:book_confirm")
            + f"?centre={centre.pk}&date={on.isoformat()}&slot={slot}&next=/centres/")


@pytest.mark.parametrize(("language", "price", "why"), [
    ("en", "€30.25", "pay as you go"), ("fr", "30,25\xa0€", "payez à l'usage"),
    ("nl", "€\xa030,25", "betaalt per gebruik"), ("de", "30,25\xa0€", "zahlen nach Nutzung")])
def test_an_independent_sees_the_price_then_pays_exactly_it(network, centre, language, price,
                                                            why):
    member = testing.make_user(network=network)
    on = workday()
    client = client_for(member, language)
    page = html.unescape(client.get(confirm_url(centre, on)).content.decode())
    assert 'id="booking-quote"' in page and price in page and why in page
    assert not Booking.objects.exists()  # only a quote
    response = client.post(reverse("web:book"), {"centre": centre.pk, "date": on.isoformat(),
                                                  "slot": "full_day", "next": "/centres/"})
    assert response.status_code == 302
    charge = PaygCharge.objects.get(member=member)
    assert charge.price_net == Decimal("25.00")  # 25.00 + 21 % = 30.25, as shown


def test_an_employee_sees_the_company_credit_and_the_hours(company, centre):
    buy(company, hours=10)
    member = employee(company)
    page = html.unescape(
        client_for(member).get(confirm_url(centre, workday(), "morning")).content.decode())
    assert "Your company" in page and "shared pool" in page, page[page.index("<main"):]
    assert "Confirm the booking" in page


def test_a_refusal_is_shown_instead_of_the_button_in_the_second_person(network, centre):
    member = testing.make_user(network=network)
    on = workday()
    book(member, centre, on=on, slot="full_day")
    page = client_for(member, "fr").get(confirm_url(centre, on, "morning")).content.decode()
    assert 'id="quote-refusal"' in page and "Vous avez déjà un poste" in page
    assert "Confirmer la réservation</button>" not in page


def test_the_finder_offers_no_desk_on_a_day_the_member_holds_one(network, centre):
    member = testing.make_user(network=network)
    on = workday()
    client = client_for(member)
    page = client.get(reverse("web:centre_finder"), {"date": on.isoformat(),
                                                     "slot": "full_day"}).content.decode()
    assert "Book a desk" in page and 'id="finder-blocker"' not in page
    book(member, centre, on=on, slot="morning")
    page = client.get(reverse("web:centre_finder"), {"date": on.isoformat(),
                                                     "slot": "afternoon"}).content.decode()
    assert "Book a desk" in page  # the afternoon is still free for them
    page = client.get(reverse("web:centre_finder"), {"date": on.isoformat(),
                                                     "slot": "full_day"}).content.decode()
    assert 'id="finder-blocker"' in page and "You already hold a desk" in page
    assert 'action="/book/confirm/"' not in page
    detail = client.get(reverse("web:centre_detail", args=[centre.slug]),
                        {"date": on.isoformat()}).content.decode()
    assert "You already hold a desk" in detail


def test_the_finder_offers_nothing_beyond_the_booking_window(network, centre):
    member = testing.make_user(network=network)
    far = timezone.localdate() + dt.timedelta(days=network.booking_window_days + 3)
    page = client_for(member).get(reverse("web:centre_finder"),
                                  {"date": far.isoformat()}).content.decode()
    assert 'id="finder-blocker"' in page and "days ahead" in page
    assert 'action="/book/confirm/"' not in page
