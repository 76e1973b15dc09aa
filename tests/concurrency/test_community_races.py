"""Registrations for an event at once, with real threads (each its own connection), on
SQLite and on PostgreSQL: never more places than the event's capacity; two events asking
for one room at once: one room booking, one event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from smartwork.community import services
from smartwork.community.models import Event, Registration
from smartwork.community.tests.helpers import make_event, next_weekday, room_of
from smartwork.core import testing
from smartwork.core.errors import Conflict

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def run_together(calls: list[Any]) -> list[Any]:
    return testing.run_together(calls, timeout=120)


def test_eight_members_registering_at_once_for_three_places_get_three():
    network = testing.make_network()
    centre = testing.make_centre(network=network)
    manager = testing.make_centre_staff(centre)
    event = make_event(manager, centre, capacity=3)
    people = [testing.make_user(network=network) for _ in range(8)]
    results = run_together([
        (lambda p=p: services.event_register(actor=p, event=event)) for p in people])
    registered = [r for r in results if isinstance(r, Registration)]
    full = [r for r in results if isinstance(r, Conflict) and r.code == "event_full"]
    assert len(registered) == 3, results
    assert len(full) == 5, results
    assert Registration.objects.filter(event=event, cancelled_at__isnull=True).count() == 3


def test_one_member_registering_twice_at_once_holds_one_place():
    network = testing.make_network()
    centre = testing.make_centre(network=network)
    event = make_event(testing.make_centre_staff(centre), centre, capacity=5)
    person = testing.make_user(network=network)
    run_together([lambda: services.event_register(actor=person, event=event)] * 3)
    assert Registration.objects.filter(event=event, member=person).count() == 1


def test_two_events_for_one_room_at_once_book_it_once():
    network = testing.make_network()
    centre = testing.make_centre(network=network)
    manager = testing.make_centre_staff(centre)
    room = room_of(centre)
    on = next_weekday()
    results = run_together([
        (lambda t=t: make_event(manager, centre, capacity=5, room=room, on=on,
                                start=dt.time(10, 0), end=dt.time(11, 0), title=t))
        for t in ("A", "B")])
    assert sum(isinstance(r, Event) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert Event.objects.count() == 1
