from __future__ import annotations

import pytest

from smartwork.community import services
from smartwork.community.models import Message
from smartwork.community.tests.helpers import listed, make_event, next_weekday, room_of
from smartwork.core import testing

pytestmark = pytest.mark.django_db


def test_opt_in_through_the_api_and_the_directory_never_shows_an_email(api, network, company):
    alice = testing.make_user(network=network, company=company, first_name="Alice")
    bob = testing.make_user(network=network)
    assert api(bob).get("/community/members").json() == []  # private by default
    answer = api(alice).put("/community/profile", {
        "listed": True, "skills": "Design", "looking_for": "Clients", "show_company": True})
    assert answer.status_code == 200 and answer.json()["listed"] is True
    body = api(bob).get("/community/members").json()
    assert [m["member_id"] for m in body] == [alice.pk]
    assert body[0]["company"] == company.legal_name and body[0]["skills"] == "Design"
    assert "@" not in str(body) and alice.email not in str(body)
    one = api(bob).get(f"/community/members/{alice.pk}")
    assert one.status_code == 200 and alice.email not in one.content.decode()
    api(alice).put("/community/profile", {"listed": False})
    assert api(bob).get("/community/members").json() == []
    assert api(bob).get(f"/community/members/{alice.pk}").status_code == 404


def test_message_api_and_nobody_else_reads_messages(
        api, network, company, company_admin, operator, manager):
    alice = testing.make_user(network=network, company=company)
    bob = testing.make_user(network=network)
    listed(alice)
    listed(bob)
    sent = api(alice).post("/community/messages", {"recipient_id": bob.pk, "body": "Bonjour"})
    assert sent.status_code == 201, sent.content
    message_id = sent.json()["id"]
    assert api(bob).get(f"/community/messages/{message_id}").json()["body"] == "Bonjour"
    assert [m["id"] for m in api(alice).get("/community/messages").json()] == [message_id]
    for reader in (company_admin, operator, manager):
        assert api(reader).get(f"/community/messages/{message_id}").status_code == 404
        assert api(reader).get("/community/messages").json() == []
    # Blocking through the API.
    assert api(bob).post("/community/blocks", {"member_id": alice.pk}).status_code == 201
    again = api(alice).post("/community/messages", {"recipient_id": bob.pk, "body": "?"})
    assert again.status_code == 403 and again.json()["error"]["code"] == "blocked"
    assert api(bob).delete(f"/community/blocks/{alice.pk}").status_code == 204
    assert Message.objects.count() == 1


def test_bad_message_input_answers_the_one_error_shape(api, network):
    alice, bob = testing.make_user(network=network), testing.make_user(network=network)
    listed(alice)
    listed(bob)
    empty = api(alice).post("/community/messages", {"recipient_id": bob.pk, "body": "  "})
    assert empty.status_code == 422 and "body" in empty.json()["error"]["fields"]
    me = api(alice).post("/community/messages", {"recipient_id": alice.pk, "body": "x"})
    assert me.status_code == 422 and "recipient_id" in me.json()["error"]["fields"]


def test_event_api_create_register_unregister_and_bad_input(api, manager, centre, network):
    on = next_weekday().isoformat()
    payload = {"centre_id": centre.pk, "title": "Atelier", "date": on, "start_time": "10:00",
               "end_time": "11:00", "capacity": 1, "kind": "workshop"}
    for change, field in [({"capacity": 0}, "capacity"),
                          ({"end_time": "09:00"}, "end_time"),
                          ({"date": "2020-01-07"}, "date"),
                          ({"capacity": 9, "room_id": room_of(centre).pk}, "capacity")]:
        bad = api(manager).post("/community/events", {**payload, **change})
        assert bad.status_code == 422, (change, bad.content)
        assert field in bad.json()["error"]["fields"]
    created = api(manager).post("/community/events", payload)
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    assert created.json()["language"] == manager.language
    a, b = testing.make_user(network=network), testing.make_user(network=network)
    assert api(a).post(f"/community/events/{event_id}/registration").status_code == 201
    full = api(b).post(f"/community/events/{event_id}/registration")
    assert full.status_code == 409 and full.json()["error"]["code"] == "event_full"
    assert api(a).get(f"/community/events/{event_id}").json()["registered"] is True
    assert api(a).delete(f"/community/events/{event_id}/registration").status_code == 204
    assert api(b).post(f"/community/events/{event_id}/registration").status_code == 201
    listing = api(b).get("/community/events", {"centre_id": centre.pk}).json()
    assert [(e["id"], e["taken"], e["registered"]) for e in listing] == [(event_id, 1, True)]
    assert api(a).post("/community/events", payload).status_code == 403
    regs = api(manager).get(f"/community/events/{event_id}/registrations").json()
    assert [r["member_id"] for r in regs] == [b.pk]
    assert api(a).get(f"/community/events/{event_id}/registrations").status_code == 403


def test_a_taken_room_refuses_the_event_with_a_clear_409(api, manager, centre):
    room = room_of(centre)
    make_event(manager, centre, room=room, capacity=4)
    payload = {"centre_id": centre.pk, "title": "Clash", "date": next_weekday().isoformat(),
               "start_time": "12:30", "end_time": "13:00", "capacity": 4, "room_id": room.pk}
    answer = api(manager).post("/community/events", payload)
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "room_taken" and room.name in error["message"]
    assert "room_id" in error["fields"]


def test_registered_events_are_in_the_members_calendar_feed(api, manager, centre, network):
    event = make_event(manager, centre, title="Midi networking")
    other = make_event(manager, centre, title="Not mine", start=dt_time(15), end=dt_time(16))
    person = testing.make_user(network=network)
    services.event_register(actor=person, event=event)
    url = api(person).get("/me/calendar").json()["url"]
    text = api().get(url[url.index("/api/v1"):]).content.decode()
    assert f"UID:event-{event.pk}@smartwork" in text and "Midi networking" in text
    assert f"event-{other.pk}@" not in text
    services.event_unregister(actor=person, event=event)
    text = api().get(url[url.index("/api/v1"):]).content.decode()
    assert "STATUS:CANCELLED" in text  # the client drops it


def test_front_desk_check_in_api(api, manager, receptionist, centre, network):
    event = make_event(manager, centre)
    person = testing.make_user(network=network)
    reg = services.event_register(actor=person, event=event)
    not_today = api(receptionist).post(f"/community/registrations/{reg.pk}/check-in")
    assert not_today.status_code == 409 and not_today.json()["error"]["code"] == "not_today"
    assert api(person).post(f"/community/registrations/{reg.pk}/check-in").status_code == 404


def dt_time(hour: int):
    import datetime as dt

    return dt.time(hour, 0)
