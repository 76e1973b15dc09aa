"""Reminders: the member's choice (none by default), the mails the day before and an hour
before (in their language, with the front desk's code), each sent once; the home page's
next 24 hours; the Google / Outlook links with the booking's times in UTC."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from smartwork.bookings import reminders
from smartwork.bookings.calendar_links import calendar_links
from smartwork.bookings.models import ReminderSent
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commit_callbacks(django_capture_on_commit_callbacks):
    """The mails leave on commit (the outbox): run those callbacks as the tests go."""
    original = reminders.reminders_send

    def send(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    reminders.reminders_send = send
    yield
    reminders.reminders_send = original


def test_no_reminder_unless_chosen(member, desk):
    booking = booking_row(member=member, resource=desk, on=workday(2))
    assert reminders.reminder_preference_get(member=member) == "none"
    assert reminders.reminders_send(now=booking.start - dt.timedelta(hours=20)) == 0
    assert reminders.reminders_send(now=booking.start - dt.timedelta(minutes=30)) == 0
    assert not mail.outbox


@pytest.mark.parametrize(("choice", "day", "hour"), [
    ("day_before", 1, 0), ("hour_before", 0, 1), ("both", 1, 1)])
def test_each_chosen_reminder_is_sent_once(member, desk, choice, day, hour):
    reminders.reminder_preference_set(member=member, when=choice)
    booking = booking_row(member=member, resource=desk, on=workday(2))
    too_early = booking.start - dt.timedelta(hours=25)
    assert reminders.reminders_send(now=too_early) == 0
    eve = booking.start - dt.timedelta(hours=20)
    assert reminders.reminders_send(now=eve) == day
    assert reminders.reminders_send(now=eve + dt.timedelta(minutes=5)) == 0  # once
    soon = booking.start - dt.timedelta(minutes=40)
    assert reminders.reminders_send(now=soon) == hour
    assert reminders.reminders_send(now=soon + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == day + hour
    assert ReminderSent.objects.filter(booking=booking).count() == day + hour


def test_a_cancelled_or_late_booking_gets_no_reminder(member, desk):
    reminders.reminder_preference_set(member=member, when="both")
    cancelled = booking_row(member=member, resource=desk, on=workday(2), state="cancelled",
                            cancelled_at=dt.datetime.now(dt.UTC))
    assert reminders.reminders_send(now=cancelled.start - dt.timedelta(minutes=30)) == 0
    # booked ten minutes before its start: no "in an hour" mail for it
    late = booking_row(member=member, resource=desk, on=workday(3))
    assert reminders.reminders_send(now=late.start - dt.timedelta(days=5)) == 0
    assert reminders._due("hour_before", late.created_at + dt.timedelta(minutes=1)) == []


@pytest.mark.parametrize(("language", "subject", "words"), [
    ("en", "Tomorrow:", "A reminder of your booking tomorrow"),
    ("fr", "Demain :", "Un rappel de votre réservation de demain"),
    ("nl", "Morgen:", "Een herinnering aan uw boeking van morgen"),
    ("de", "Morgen:", "Eine Erinnerung an Ihre Buchung morgen")])
def test_the_mail_is_in_the_members_language_with_the_front_desk_code(centre, desk, language,
                                                                       subject, words):
    member = testing.make_user(network=centre.network, language=language)
    reminders.reminder_preference_set(member=member, when="day_before")
    booking = booking_row(member=member, resource=desk, on=workday(2))
    reminders.reminders_send(now=booking.start - dt.timedelta(hours=20))
    (sent,) = mail.outbox
    assert sent.subject.startswith(subject) and desk.name in sent.subject
    assert words in sent.body
    html, kind = sent.alternatives[0]
    assert kind == "text/html" and 'src="cid:checkin-qr"' in html
    image = next(a for a in sent.attachments if hasattr(a, "get_content_type")
                 and a.get_content_type() == "image/png")
    assert image["Content-ID"] == "<checkin-qr>"
    assert reminders.front_desk_url(booking).endswith(
        f"/desk/{centre.pk}/#arrival-{booking.pk}")


def test_the_choice_is_made_on_its_page(member):
    client = Client()
    client.force_login(member)
    url = reverse("web:my_reminders")
    assert client.get(url).status_code == 200
    assert client.post(url, {"when": "both"}).status_code == 302
    assert reminders.reminder_preference_get(member=member) == "both"
    bad = client.post(url, {"when": "weekly"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()
    with pytest.raises(InvalidInput):
        reminders.reminder_preference_set(member=member, when="weekly")


def test_the_home_page_shows_the_next_24_hours(member, desk):
    on = workday(1)
    booking = booking_row(member=member, resource=desk, on=on)
    assert reminders.reminders_on_home(member=member, now=booking.start - dt.timedelta(hours=2)) \
        == [booking]
    assert reminders.reminders_on_home(member=member,
                                       now=booking.start - dt.timedelta(hours=30)) == []


def test_google_and_outlook_links_carry_the_times_in_utc(member, desk):
    booking = booking_row(member=member, resource=desk, on=dt.date(2030, 7, 1))  # summer
    links = calendar_links(booking)
    google = parse_qs(urlsplit(links["google"]).query)
    assert urlsplit(links["google"]).netloc == "calendar.google.com"
    assert google["dates"] == ["20300701T063000Z/20300701T103000Z"]  # 08:30–12:30 Brussels
    assert desk.name in google["text"][0] and google["action"] == ["TEMPLATE"]
    outlook = parse_qs(urlsplit(links["outlook"]).query)
    assert outlook["startdt"] == ["2030-07-01T06:30:00Z"]
    assert outlook["enddt"] == ["2030-07-01T10:30:00Z"]
    assert outlook["rru"] == ["addevent"]


def test_my_bookings_page_has_the_links(member, desk):
    booking_row(member=member, resource=desk, on=workday(2))
    client = Client()
    client.force_login(member)
    page = client.get(reverse("web:my_bookings")).content.decode()
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "outlook.live.com/calendar/0/deeplink/compose" in page
