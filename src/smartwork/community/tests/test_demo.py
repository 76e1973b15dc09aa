from __future__ import annotations

import pytest

from smartwork.community.models import Event, MemberProfile, Message, Registration
from smartwork.demo import WALLOON_SLUG, demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_has_events_one_full_a_booked_room_and_opted_in_members():
    demo_load()
    events = list(Event.objects.select_related("centre__network"))
    assert len(events) >= 4
    assert {e.centre.network.slug for e in events} == {WALLOON_SLUG}
    taken = {e.pk: Registration.objects.filter(event=e, cancelled_at__isnull=True).count()
             for e in events}
    assert any(taken[e.pk] == e.capacity for e in events)  # one full
    assert any(e.booking_id for e in events)  # one with its room booked
    listed = MemberProfile.objects.filter(listed=True)
    assert listed.count() >= 5 and all(p.skills for p in listed)
    assert Message.objects.count() == 1
