"""The company admin's Approvals page, booking for an employee, and pending bookings in
the member's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.formats import date_format

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.bookings.slots import to_local
from smartwork.bookings.tests.test_approvals import HALF_DAY, month_days
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.credits import services as credit_services
from smartwork.credits.tests.factories import book, buy, employee, other_company

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pending(company, company_admin, centre, member):
    buy(company, hours=100)
    credit_services.credit_policy_set(actor=company_admin, company=company,
                                      pool_cap_minutes_per_month=HALF_DAY,
                                      approval_beyond_cap=True)
    first, second = month_days(2)
    book(member, centre, on=first)
    booking = book(member, centre, on=second)
    assert booking.state == BookingState.PENDING_APPROVAL
    return booking


def test_the_member_books_beyond_the_cap_and_sees_it_waiting(company, company_admin, centre,
                                                              member):
    buy(company, hours=100)
    credit_services.credit_policy_set(actor=company_admin, company=company,
                                      pool_cap_minutes_per_month=HALF_DAY,
                                      approval_beyond_cap=True)
    first, second = month_days(2)
    client = client_for(member)
    for day in (first, second):
        response = client.post(reverse("web:book"), {"centre": centre.pk, "slot": "morning",
                                                      "date": day.isoformat()}, follow=True)
        assert response.status_code == 200
    page = response.content.decode()
    assert "waits for your company&#x27;s approval" in page or "waits for your company's" in page
    assert 'class="badge pending_approval"' in page and "pending-note" in page
    # a pending booking may be withdrawn, not changed
    pending = Booking.objects.get(state=BookingState.PENDING_APPROVAL)
    assert reverse("web:booking_cancel", args=[pending.pk]) in page
    assert reverse("web:booking_change", args=[pending.pk]) not in page


def test_the_admin_approves_on_the_page(company, company_admin, pending, member,
                                        django_capture_on_commit_callbacks):
    client = client_for(company_admin)
    url = reverse("web:company_approvals", args=[company.pk])
    page = client.get(url).content.decode()
    assert f'data-booking="{pending.pk}"' in page and str(member) in page
    assert reverse("web:company_book", args=[company.pk]) in page  # the tab
    decide = reverse("web:approval_decide", args=[company.pk, pending.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide, {"approve": "1"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == BookingState.CONFIRMED
    assert any(m.to == [member.email] and m.attachments for m in mail.outbox)
    # decided already: a notice, no error
    again = client.post(decide, {"approve": "1"}, follow=True).content.decode()
    assert "decided already" in again


def test_reject_needs_a_reason_inline_then_rejects_with_htmx(company, company_admin, pending):
    client = client_for(company_admin)
    decide = reverse("web:approval_decide", args=[company.pk, pending.pk])
    response = client.post(decide, {"reject": "1", f"r{pending.pk}-reason": ""})
    page = response.content.decode()
    assert response.status_code == 200 and 'aria-invalid="true"' in page
    pending.refresh_from_db()
    assert pending.state == BookingState.PENDING_APPROVAL
    partial = client.post(decide, {"reject": "1", f"r{pending.pk}-reason": "Over budget"},
                          headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert partial.status_code == 200 and html.lstrip().startswith('<section id="approvals"')
    assert "Rejected" in html and "<html" not in html
    pending.refresh_from_db()
    assert pending.state == BookingState.CANCELLED and pending.cancel_reason == "Over budget"


def test_an_approval_the_pool_cannot_pay_shows_the_error_in_its_row(company, company_admin,
                                                                    pending, centre):
    # drain the pool
    from smartwork.credits.models import CreditAccount
    from smartwork.credits.services import credit_adjust

    pool = CreditAccount.objects.get(kind="pool", company=company)
    credit_adjust(actor=testing.make_operator(company.network), account=pool,
                  minutes=-pool.balance_minutes, note="test")
    client = client_for(company_admin)
    response = client.post(reverse("web:approval_decide", args=[company.pk, pending.pk]),
                           {"approve": "1"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "reject" in response.content.decode().lower()
    pending.refresh_from_db()
    assert pending.state == BookingState.PENDING_APPROVAL


def test_the_pages_refuse_other_people(company, company_admin, pending, member, network,
                                       centre):
    urls = [reverse("web:company_approvals", args=[company.pk]),
            reverse("web:company_book", args=[company.pk])]
    for user in (member, testing.make_company_admin(other_company(network)),
                 testing.make_centre_staff(centre)):
        for url in urls:
            assert client_for(user).get(url).status_code == 403, (user, url)
        post = client_for(user).post(reverse("web:approval_decide",
                                             args=[company.pk, pending.pk]), {"approve": "1"})
        assert post.status_code == 403
    pending.refresh_from_db()
    assert pending.state == BookingState.PENDING_APPROVAL
    operator = testing.make_operator(network)
    assert client_for(operator).get(urls[0]).status_code == 200
    # the operator decides on requests but does not book for the staff
    assert client_for(operator).get(urls[1]).status_code == 403


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_approvals_page_speaks_each_language(company, company_admin, pending, lang):
    company_admin.language = lang
    company_admin.save(update_fields=["language"])
    client = client_for(company_admin)
    client.cookies["django_language"] = lang
    with translation.override(lang):
        page = client.get(reverse("web:company_approvals", args=[company.pk]),
                          headers={"Accept-Language": lang}).content.decode()
    expected = {"en": ("Approvals", "request waiting"),
                "fr": ("Approbations", "demande en attente"),
                "nl": ("Goedkeuringen", "aanvraag wacht")}[lang]
    assert all(text in page for text in expected), lang


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_approvals_page_writes_every_date_in_one_format(company, company_admin, pending,
                                                            lang):
    """The hold's end as the booking's own date: the language's date, then 24-hour time
    (not 'j M Y H:i' beside 'Dec. 8, 2026'), here and in a lapsed request's error."""
    client = client_for(company_admin)
    client.cookies["django_language"] = lang
    url = reverse("web:company_approvals", args=[company.pk])
    page = client.get(url).content.decode()
    hold = to_local(pending.hold_until, pending.centre.timezone)
    start = to_local(pending.start, pending.centre.timezone)
    with translation.override(lang):
        until = f"{date_format(hold.date(), 'DATE_FORMAT')} {hold:%H:%M}"
        when = f"{date_format(start.date(), 'DATE_FORMAT')} {start:%H:%M}"
        other = dateformat.format(hold, "j M Y H:i")
    assert until in page and when in page
    assert other not in page
    # A request whose hold lapsed before the expiry job ran: the same format in its error.
    Booking.objects.filter(pk=pending.pk).update(hold_until=timezone.now()
                                                 - dt.timedelta(minutes=5))
    pending.refresh_from_db()
    hold = to_local(pending.hold_until, pending.centre.timezone)
    with translation.override(lang):
        until = f"{date_format(hold.date(), 'DATE_FORMAT')} {hold:%H:%M}"
    response = client.post(reverse("web:approval_decide", args=[company.pk, pending.pk]),
                           {"approve": "1"})
    assert response.status_code == 200 and until in response.content.decode()


def test_the_admin_books_a_desk_for_an_employee(company, company_admin, centre, member,
                                                django_capture_on_commit_callbacks):
    client = client_for(company_admin)
    url = reverse("web:company_book", args=[company.pk])
    day = month_days(1)[0]
    page = client.get(url, {"member": member.pk, "centre": centre.pk,
                            "date": day.isoformat()}).content.decode()
    assert f'name="member" value="{member.pk}"' in page and 'id="avail"' in page
    partial = client.get(url, {"member": member.pk, "centre": centre.pk,
                               "date": day.isoformat()}, headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section id="choice"')
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"member": member.pk, "centre": centre.pk, "slot": "morning",
                                     "date": day.isoformat(), "next": url})
    assert response.status_code == 302
    booking = Booking.objects.get(member=member)
    assert booking.booked_by == company_admin and booking.state == BookingState.CONFIRMED
    assert any(m.to == [member.email] and m.cc == [company_admin.email] for m in mail.outbox)
    # a room, with a time range
    room = centre.resources.filter(kind="meeting_room").first()
    client.post(url, {"member": member.pk, "centre": centre.pk, "slot": "range",
                      "resource": room.pk, "date": day.isoformat(), "start_time": "10:00",
                      "end_time": "11:00"})
    assert Booking.objects.filter(member=member, resource=room).exists()
    # a second desk at the same time: the service's refusal comes back as a message
    refused = client.post(url, {"member": member.pk, "centre": centre.pk, "slot": "full_day",
                                "date": day.isoformat(), "next": url}, follow=True)
    assert "already has a desk booked" in refused.content.decode()


def test_the_admin_cannot_book_for_someone_outside_the_company(company, company_admin, centre,
                                                                network):
    stranger = employee(other_company(network))
    client = client_for(company_admin)
    url = reverse("web:company_book", args=[company.pk])
    client.post(url, {"member": stranger.pk, "centre": centre.pk, "slot": "morning",
                      "date": month_days(1)[0].isoformat()})
    assert not Booking.objects.exists()


def test_the_admin_sets_the_cap_and_the_approval_step_on_the_page(company, company_admin):
    client = client_for(company_admin)
    url = reverse("web:company_approvals", args=[company.pk])
    bad = client.post(url, {"policy": "1", "policy-cap_hours": "8",
                            "policy-approval_hold_hours": "0"})
    assert bad.status_code == 200 and "policy-approval_hold_hours" in bad.content.decode()
    assert 'aria-invalid="true"' in bad.content.decode()
    ok = client.post(url, {"policy": "1", "policy-cap_hours": "8",
                           "policy-approval_beyond_cap": "on", "policy-approval_hold_hours": "24"})
    assert ok.status_code == 302
    policy = credit_services.credit_policy_get_or_default(company=company)
    assert (policy.pool_cap_minutes_per_month, policy.approval_beyond_cap,
            policy.approval_hold_hours) == (480, True, 24)
    assert AuditEntry.objects.filter(action="credit_policy.updated").exists()
    # a member may not
    assert client_for(employee(company)).post(url, {"policy": "1"}).status_code == 403


@pytest.mark.parametrize("value", ["\u00b2", str(2**63), "9" * 30, "1\x00", "\uff11", ""])
def test_booking_for_an_employee_refuses_an_odd_member_value(company, company_admin, centre,
                                                             member, value):
    """The employee's id is read as plain digits within 64 bits ("²" passes
    str.isdigit(), 2**63 overflows SQLite's integer): anything else is nobody, the
    form's message, no booking."""
    client = client_for(company_admin)
    url = reverse("web:company_book", args=[company.pk])
    response = client.post(url, {"member": value, "centre": centre.pk, "slot": "morning",
                                 "date": month_days(1)[0].isoformat(), "next": url},
                           follow=True)
    assert response.status_code == 200
    assert "Choose an employee of the company and a slot." in response.content.decode()
    assert not Booking.objects.exists()
