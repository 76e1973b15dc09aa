"""Reminders are sent once, even with several workers (bookings/reminders.py): two
workers run the reminder job at the same moment, several times over; each booking gets
one mail of each kind."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail

from smartwork.bookings import reminders
from smartwork.bookings.models import ReminderSent
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.testing import run_together
from smartwork.network.models import Resource

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_two_workers_at_once_send_one_mail_per_booking_and_kind(network):
    centre = testing.make_centre(network=network, desks=6)
    on = workday(2)
    bookings = []
    for desk in Resource.objects.filter(centre=centre, kind="desk"):
        member = testing.make_user(network=network)
        reminders.reminder_preference_set(member=member, when="both")
        bookings.append(booking_row(member=member, resource=desk, on=on))
    start = bookings[0].start
    mail.outbox.clear()
    for now in (start - dt.timedelta(hours=20), start - dt.timedelta(minutes=45)):
        results = run_together([lambda now=now: reminders.reminders_send(now=now)] * 2)
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sum(results) == len(bookings)
    assert ReminderSent.objects.count() == 2 * len(bookings)
    per_reader = Counter(m.to[0] for m in mail.outbox)
    assert len(mail.outbox) == 2 * len(bookings)
    assert set(per_reader.values()) == {2}
