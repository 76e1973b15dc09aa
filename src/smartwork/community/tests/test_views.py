from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from smartwork.community import services
from smartwork.community.models import Event, Message, Registration
from smartwork.community.tests.helpers import listed, make_event, next_weekday, room_of
from smartwork.core import testing

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_member_pages_and_htmx_registration(manager, centre, network):
    event = make_event(manager, centre, capacity=1, title="Déjeuner réseau")
    person = testing.make_user(network=network)
    c = client_for(person)
    home = c.get("/community/")
    assert home.status_code == 200 and "Déjeuner réseau" in home.content.decode()
    assert "Déjeuner réseau" in c.get("/").content.decode()  # the home page's card
    assert "Déjeuner réseau" in c.get(f"/centres/{centre.slug}/").content.decode()
    answer = c.post(f"/community/events/{event.pk}/register/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and 'id="registration"' in answer.content.decode()
    assert Registration.objects.filter(event=event, member=person).exists()
    late = client_for(testing.make_user(network=network)).post(
        f"/community/events/{event.pk}/register/", HTTP_HX_REQUEST="true")
    assert late.status_code == 200 and 'role="alert"' in late.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_the_home_card_lists_an_event_once(manager, centre, network):
    """Under "My events" once registered, no more among the events to discover."""
    make_event(manager, centre, title="Afterwork du centre")
    person = testing.make_user(network=network)
    c = client_for(person)

    def card() -> str:
        page = c.get("/").content.decode()
        return page[page.index('id="home-community"'):].split("</article>", 1)[0]

    assert card().count("Afterwork du centre") == 1 and "My events" not in card()
    event = Event.objects.get(title="Afterwork du centre")
    c.post(f"/community/events/{event.pk}/register/")
    assert card().count("Afterwork du centre") == 1 and "My events" in card()
    assert "Events to come" not in card()


def test_manager_creates_an_event_in_the_form_and_sees_errors_inline(manager, centre):
    c = client_for(manager)
    url = f"/community/staff/centres/{centre.pk}/"
    base = {"title": "Atelier", "kind": "workshop", "language": "fr", "description": "",
            "date": next_weekday().isoformat(), "start_time": "10:00", "end_time": "11:00",
            "capacity": "30", "room": str(room_of(centre).pk)}
    over = c.post(url, base)
    assert over.status_code == 200 and 'class="error"' in over.content.decode()
    assert not Event.objects.exists()
    backwards = c.post(url, {**base, "capacity": "5", "end_time": "09:00"})
    assert backwards.status_code == 200 and not Event.objects.exists()
    ok = c.post(url, {**base, "capacity": "5"})
    assert ok.status_code == 302 and Event.objects.get().booking_id is not None
    clash = c.post(url, {**base, "capacity": "5", "title": "Clash"})
    assert clash.status_code == 200 and Event.objects.count() == 1
    assert room_of(centre).name in clash.content.decode()


def test_receptionist_sees_todays_events_and_checks_people_in(receptionist, centre, network,
                                                              manager):
    now = timezone.now()
    event = Event.objects.create(centre=centre, title="Talk", language="fr",
                                 starts_at=now + dt.timedelta(minutes=5),
                                 ends_at=now + dt.timedelta(minutes=65), capacity=5,
                                 created_by=manager)
    person = testing.make_user(network=network, first_name="Zoé", last_name="Lambert")
    reg = services.event_register(actor=person, event=event)
    c = client_for(receptionist)
    desk = c.get(f"/desk/{centre.pk}/")
    assert desk.status_code == 200 and f"/community/desk/{centre.pk}/" in desk.content.decode()
    page = c.get(f"/community/desk/{centre.pk}/")
    assert page.status_code == 200 and "Zoé Lambert" in page.content.decode()
    done = c.post(f"/community/desk/{centre.pk}/check-in/{reg.pk}/", HTTP_HX_REQUEST="true")
    assert done.status_code == 200
    reg.refresh_from_db()
    assert reg.checked_in_at is not None
    assert client_for(person).get(f"/community/desk/{centre.pk}/").status_code == 403


def test_directory_profile_and_messages_pages(network):
    alice = testing.make_user(network=network, first_name="Alice", email="alice@example.org")
    bob = testing.make_user(network=network, first_name="Bob")
    c = client_for(alice)
    saved = c.post("/community/profile/", {"listed": "on", "skills": "Compta",
                                           "show_skills": "on", "looking_for": "",
                                           "centre": ""})
    assert saved.status_code == 302
    listed(bob)
    directory = client_for(bob).get("/community/members/").content.decode()
    assert "Alice" in directory and "Compta" in directory and "alice@example.org" not in directory
    sent = client_for(bob).post(f"/community/members/{alice.pk}/", {"body": "Salut"})
    assert sent.status_code == 302
    message = Message.objects.get()
    page = c.get(f"/community/messages/{message.pk}/").content.decode()
    assert "Salut" in page
    reply = c.post(f"/community/messages/{message.pk}/", {"body": "Merci"})
    assert reply.status_code == 302 and Message.objects.count() == 2
    blocked = c.post(f"/community/blocks/{bob.pk}/", {})
    assert blocked.status_code == 302
    refused = client_for(bob).post(f"/community/members/{alice.pk}/", {"body": "Encore"})
    assert refused.status_code == 200 and Message.objects.count() == 2
    # A third person reads none of it.
    outsider = client_for(testing.make_user(network=network))
    assert outsider.get(f"/community/messages/{message.pk}/").status_code == 404


def _page_text(answer, member_id: int) -> str:
    """The page without what changes from one answer to the next (the CSRF token) or
    with the address (the id asked for)."""
    text = re.sub(r'(X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]*', r"\1",
                  answer.content.decode())
    return text.replace(f"/community/blocks/{member_id}/", "/community/blocks/ID/")


def test_block_answers_alike_for_a_missing_id_and_a_member_one_may_not_see(network):
    """Blocking or unblocking someone the actor neither sees in the directory nor got a
    message from answers the same 404 as an id that does not exist: no member learns
    which user ids exist elsewhere (another network, an unlisted or inactive account)."""
    from smartwork.community.models import Block

    actor = testing.make_user(network=network)
    listed(actor)
    elsewhere = testing.make_user(network=testing.make_network())
    listed(elsewhere)
    unlisted = testing.make_user(network=network)
    gone = testing.make_user(network=network)
    listed(gone)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    missing_id = max(elsewhere.pk, unlisted.pk, gone.pk) + 1000
    c = client_for(actor)
    for data in ({}, {"unblock": "1"}):
        baseline = c.post(f"/community/blocks/{missing_id}/", data)
        assert baseline.status_code == 404
        for other in (elsewhere, unlisted, gone):
            answer = c.post(f"/community/blocks/{other.pk}/", data)
            assert answer.status_code == 404, (other, data)
            assert _page_text(answer, other.pk) == _page_text(baseline, missing_id)
    assert not Block.objects.exists()
    # Someone in the directory, and someone who wrote, may be blocked and unblocked.
    neighbour = testing.make_user(network=network)
    listed(neighbour)
    assert c.post(f"/community/blocks/{neighbour.pk}/", {}).status_code == 302
    assert c.post(f"/community/blocks/{neighbour.pk}/", {"unblock": "1"}).status_code == 302
    services.message_send(actor=neighbour, recipient=actor, body="Bonjour")
    neighbour.network = testing.make_network()
    neighbour.save(update_fields=["network"])
    assert c.post(f"/community/blocks/{neighbour.pk}/", {}).status_code == 302
    assert Block.objects.filter(blocker=actor, blocked=neighbour).exists()
    # One who was blocked can be unblocked whatever became of them since.
    neighbour.is_active = False
    neighbour.save(update_fields=["is_active"])
    Message.objects.all().delete()
    assert c.post(f"/community/blocks/{neighbour.pk}/", {"unblock": "1"}).status_code == 302
    assert not Block.objects.exists()
