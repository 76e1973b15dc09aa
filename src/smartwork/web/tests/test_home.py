"""Home pages that say something: the next booking, the credit left, the requests
waiting for a company admin; and an independent member's own invoices in the menu."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from smartwork.core import testing
from smartwork.credits import services
from smartwork.credits.tests.factories import book, buy, employee, workday

pytestmark = pytest.mark.django_db


def page_for(user, path="/", language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(path).content.decode()


def test_the_members_home_shows_the_next_booking_and_the_credit_left(company, company_admin,
                                                                       centre):
    member = employee(company)
    buy(company, hours=10)
    services.allotment_create(actor=company_admin, company=company, member=member,
                              minutes_per_period=600)
    body = page_for(member)
    assert 'id="home-next-booking"' not in body
    assert 'id="home-credit"' in body and "10\xa0h" in body
    booking = book(member, centre, on=workday())
    body = page_for(member, language="fr")
    assert 'id="home-next-booking"' in body and "Votre prochaine réservation" in body
    assert booking.resource.name in body and "6\xa0h" in body  # 10 h less a morning


def test_the_company_admins_home_counts_the_requests_waiting(company, company_admin, centre):
    buy(company, hours=100)
    services.credit_policy_set(actor=company_admin, company=company,
                               pool_cap_minutes_per_month=240, approval_beyond_cap=True)
    member = employee(company)
    first = workday()
    book(member, centre, on=first)
    second = first + dt.timedelta(days=1)
    while second.weekday() >= 5:
        second += dt.timedelta(days=1)
    if second.month != first.month:
        pytest.skip("no second working day this month")
    book(member, centre, on=second)  # beyond the cap: waits
    body = page_for(company_admin)
    assert f'id="home-approvals-{company.pk}"' in body and "1 request waiting" in body


def test_an_independent_member_reaches_their_invoices(network):
    independent = testing.make_user(network=network)
    body = page_for(independent)
    assert 'href="/invoices/"' in body
    assert Client().get("/invoices/").status_code == 302  # not for the anonymous
    client = Client()
    client.force_login(independent)
    assert client.get("/invoices/").status_code == 200


def test_an_employee_has_no_invoices_link(company):
    assert 'href="/invoices/"' not in page_for(employee(company))
