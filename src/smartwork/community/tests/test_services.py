from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.community import selectors, services
from smartwork.community.choices import MESSAGES_PER_HOUR
from smartwork.community.models import Event, Message, Registration
from smartwork.community.tests.helpers import listed, make_event, next_weekday, room_of
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


# --- Events: bad input, rooms, registrations ------------------------------------------


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"capacity": 0}, "capacity"),
    ({"start": dt.time(14, 0), "end": dt.time(13, 0)}, "end_time"),
    ({"on": dt.date(2020, 1, 7)}, "date"),
    ({"title": "  "}, "title"),
])
def test_bad_events_are_refused_and_nothing_is_stored(manager, centre, kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        make_event(manager, centre, **kwargs)
    assert field in exc.value.fields
    assert not Event.objects.exists()


def test_an_event_over_the_rooms_capacity_is_refused(manager, centre):
    room = room_of(centre)  # holds 8
    with pytest.raises(InvalidInput) as exc:
        make_event(manager, centre, capacity=9, room=room)
    assert "capacity" in exc.value.fields
    assert not Event.objects.exists() and not Booking.objects.exists()


def test_an_event_with_a_room_books_it_and_a_taken_room_refuses_the_next(manager, centre):
    room = room_of(centre)
    first = make_event(manager, centre, capacity=8, room=room)
    assert first.booking is not None and first.booking.resource_id == room.pk
    assert first.booking.state == BookingState.CONFIRMED
    with pytest.raises(Conflict) as exc:
        make_event(manager, centre, capacity=5, room=room, start=dt.time(13, 0),
                   end=dt.time(14, 0), title="Overlap")
    assert exc.value.code == "room_taken" and "room_id" in exc.value.fields
    assert Event.objects.count() == 1 and Booking.objects.count() == 1
    # Cancelling the event frees the room.
    services.event_cancel(actor=manager, event=first)
    assert Booking.objects.get(pk=first.booking_id).state == BookingState.CANCELLED
    make_event(manager, centre, capacity=5, room=room, start=dt.time(13, 0),
               end=dt.time(14, 0), title="Now free")


def test_only_the_centres_manager_or_the_networks_operator_creates_events(
        centre, manager, operator, receptionist, member, company_admin):
    other = testing.make_centre(network=centre.network)
    make_event(manager, centre)
    make_event(operator, other)
    for who in (receptionist, member, company_admin):
        with pytest.raises(Forbidden):
            make_event(who, centre)
    with pytest.raises(Forbidden):
        make_event(manager, other)
    outsider = testing.make_operator(testing.make_network())
    with pytest.raises(Forbidden):
        make_event(outsider, centre)


def test_registration_stops_at_capacity_and_a_place_given_back_is_free_again(
        manager, centre, network):
    event = make_event(manager, centre, capacity=2)
    a, b, c = (testing.make_user(network=network) for _ in range(3))
    services.event_register(actor=a, event=event)
    services.event_register(actor=a, event=event)  # twice: still one place
    services.event_register(actor=b, event=event)
    with pytest.raises(Conflict) as exc:
        services.event_register(actor=c, event=event)
    assert exc.value.code == "event_full"
    assert services.event_unregister(actor=a, event=event)
    services.event_register(actor=c, event=event)
    assert Registration.objects.filter(event=event, cancelled_at__isnull=True).count() == 2


def test_members_of_another_network_cannot_register(manager, centre):
    event = make_event(manager, centre)
    stranger = testing.make_user(network=testing.make_network())
    with pytest.raises(Forbidden):
        services.event_register(actor=stranger, event=event)
    with pytest.raises(NotFound):
        selectors.event_get(actor=stranger, event_id=event.pk)


def test_front_desk_checks_in_on_the_day_only(manager, receptionist, centre, network):
    on = next_weekday()
    event = make_event(manager, centre, on=on)
    person = testing.make_user(network=network)
    reg = services.event_register(actor=person, event=event)
    with pytest.raises(Conflict):
        services.registration_check_in(actor=receptionist, registration=reg)
    day = dt.datetime.combine(on, dt.time(11, 55), tzinfo=event.starts_at.tzinfo)
    done = services.registration_check_in(actor=receptionist, registration=reg, now=day)
    assert done.checked_in_at is not None
    with pytest.raises(Forbidden):
        services.registration_check_in(actor=person, registration=reg, now=day)
    rows = selectors.desk_events(actor=receptionist, centre=centre, on=on)
    assert [e.pk for e in rows] == [event.pk]


# --- Directory, messages, blocks ------------------------------------------------------


def test_the_directory_shows_only_opted_in_members_and_what_they_chose(network, company):
    viewer = testing.make_user(network=network)
    hidden = testing.make_user(network=network, company=company)
    shown = testing.make_user(network=network, company=company)
    services.profile_get_or_create(member=hidden)  # a profile, never opted in
    listed(shown, skills="Python, UX", looking_for="A co-founder", show_company=False,
           show_skills=True, show_looking_for=False)
    entries = selectors.directory(actor=viewer)
    assert [e.member_id for e in entries] == [shown.pk]
    entry = entries[0]
    assert entry.skills == "Python, UX" and entry.looking_for is None and entry.company is None
    assert shown.email not in repr(entry)
    with pytest.raises(NotFound):
        selectors.directory_member(actor=viewer, member_id=hidden.pk)
    # Another network sees nobody of this one.
    stranger = testing.make_user(network=testing.make_network())
    assert selectors.directory(actor=stranger) == []


def test_a_message_goes_through_the_outbox_without_the_senders_address(
        network, django_capture_on_commit_callbacks):
    alice = testing.make_user(network=network, first_name="Alice", last_name="Durand",
                              email="alice.secret@example.org")
    bob = testing.make_user(network=network, first_name="Bob", email="bob@example.org",
                            language="nl")
    listed(alice)
    listed(bob)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=alice, recipient=bob, body="Koffie?")
    assert Message.objects.get().pk == message.pk
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["bob@example.org"]
    text = sent.subject + sent.body + str(sent.extra_headers) + str(sent.reply_to)
    assert "Alice Durand" in sent.subject and "Koffie?" in sent.body
    assert "alice.secret" not in text
    assert f"/community/messages/{message.pk}/" in sent.body
    # Bob replies through smartwork.
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=bob, recipient=alice, body="Graag", reply_to=message)
    assert mail.outbox[-1].to == ["alice.secret@example.org"]
    assert "bob@example.org" not in mail.outbox[-1].body


def test_only_listed_members_can_be_contacted(network):
    alice, bob = testing.make_user(network=network), testing.make_user(network=network)
    with pytest.raises(Forbidden):  # alice is not listed herself
        services.message_send(actor=alice, recipient=bob, body="Hi")
    listed(alice)
    with pytest.raises(Forbidden):  # bob is not listed
        services.message_send(actor=alice, recipient=bob, body="Hi")
    assert not Message.objects.exists()


def test_a_blocked_sender_cannot_write_again(network):
    alice, bob = testing.make_user(network=network), testing.make_user(network=network)
    listed(alice)
    listed(bob)
    first = services.message_send(actor=alice, recipient=bob, body="Hi")
    services.block_create(actor=bob, member=alice)
    with pytest.raises(Forbidden) as exc:
        services.message_send(actor=alice, recipient=bob, body="Hi again")
    assert exc.value.code == "blocked"
    assert Message.objects.count() == 1
    services.block_delete(actor=bob, member=alice)
    services.message_send(actor=alice, recipient=bob, body="Hi again")
    assert Message.objects.count() == 2 and first.pk


def test_messages_are_rate_limited_per_sender(network):
    alice, bob = testing.make_user(network=network), testing.make_user(network=network)
    listed(alice)
    listed(bob)
    for i in range(MESSAGES_PER_HOUR):
        services.message_send(actor=alice, recipient=bob, body=f"m{i}")
    with pytest.raises(services.RateLimited):
        services.message_send(actor=alice, recipient=bob, body="one more")
    assert Message.objects.count() == MESSAGES_PER_HOUR
    later = Message.objects.order_by("-created_at").first().created_at + dt.timedelta(hours=1)
    services.message_send(actor=alice, recipient=bob, body="an hour later", now=later)


def test_a_message_waits_for_the_end_of_the_readers_quiet_hours(network):
    """Mailed on someone else's action: the mail names its reader for the right to
    disconnect (core/mail.py, docs/workplans.md), so it waits for their working day."""
    from unittest import mock

    alice, bob = testing.make_user(network=network), testing.make_user(network=network)
    listed(alice)
    listed(bob)
    with mock.patch("smartwork.community.services.mail_later") as later:
        message = services.message_send(actor=alice, recipient=bob, body="Hi")
    later.assert_called_once_with("smartwork.community.emails.message_mail_send",
                                  message_id=message.pk, quiet_for=bob.pk)
