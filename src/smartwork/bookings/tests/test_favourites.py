"""Favourite centres and places: the services, the database's guard, and the reads of
what a member's favourites offer on a day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from smartwork.bookings.choices import Slot
from smartwork.bookings.favourite_selectors import (
    favourite_centre_ids,
    favourite_list,
    favourite_marks,
    favourites_on,
)
from smartwork.bookings.favourites import favourite_add, favourite_remove
from smartwork.bookings.models import Favourite
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.network.choices import LabelStatus, ResourceKind

pytestmark = pytest.mark.django_db


def desks(centre):
    return list(centre.resources.filter(kind=ResourceKind.DESK).order_by("name"))


def test_a_member_marks_a_centre_and_a_desk_once_each(member, centre):
    desk = desks(centre)[0]
    row, created = favourite_add(member=member, centre_id=centre.pk)
    assert created and row.resource is None and row.centre == centre
    again, created = favourite_add(member=member, centre_id=centre.pk)
    assert not created and again.pk == row.pk
    place, created = favourite_add(member=member, resource_id=desk.pk)
    assert created and place.centre == centre and place.resource == desk
    assert favourite_add(member=member, resource_id=desk.pk)[1] is False
    assert Favourite.objects.filter(member=member).count() == 2
    assert favourite_marks(member=member) == ({centre.pk}, {desk.pk})
    assert favourite_centre_ids(member=member) == {centre.pk}


@pytest.mark.parametrize("fields", [
    {"centre": True, "resource": None}, {"centre": True, "resource": True}])
def test_the_database_keeps_one_row_per_member_and_target(member, centre, fields):
    desk = desks(centre)[0] if fields["resource"] else None
    Favourite.objects.create(member=member, centre=centre, resource=desk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Favourite.objects.create(member=member, centre=centre, resource=desk)


def test_a_centre_mark_and_a_place_mark_of_the_same_centre_live_together(member, centre):
    Favourite.objects.create(member=member, centre=centre)
    Favourite.objects.create(member=member, centre=centre, resource=desks(centre)[0])
    Favourite.objects.create(member=member, centre=centre, resource=desks(centre)[1])
    assert Favourite.objects.filter(member=member).count() == 3


def test_both_or_neither_target_is_refused(member, centre):
    with pytest.raises(InvalidInput) as both:
        favourite_add(member=member, centre_id=centre.pk, resource_id=desks(centre)[0].pk)
    assert both.value.code == "favourite_target"
    with pytest.raises(InvalidInput):
        favourite_add(member=member)
    with pytest.raises(InvalidInput):
        favourite_remove(member=member)
    assert not Favourite.objects.exists()


def test_what_the_member_may_not_book_does_not_exist_for_them(member, centre):
    other_network_centre = testing.make_centre()
    candidate = testing.make_centre(network=centre.network, label_status=LabelStatus.CANDIDATE)
    retired = desks(centre)[0]
    retired.is_active = False
    retired.save()
    cases = [({"centre_id": other_network_centre.pk}, "unknown_centre"),
             ({"centre_id": candidate.pk}, "unknown_centre"),
             ({"centre_id": 999999}, "unknown_centre"),
             ({"resource_id": desks(other_network_centre)[0].pk}, "unknown_resource"),
             ({"resource_id": retired.pk}, "unknown_resource"),
             ({"resource_id": 999999}, "unknown_resource")]
    for ids, code in cases:
        with pytest.raises(NotFound) as refused:
            favourite_add(member=member, **ids)
        assert refused.value.code == code, ids
    assert not Favourite.objects.exists()


def test_a_person_of_no_network_marks_nothing(centre):
    with pytest.raises(NotFound):
        favourite_add(member=testing.make_user(), centre_id=centre.pk)


def test_removing_touches_only_the_members_own_row(member, centre, company):
    other = testing.make_user(company=company, network=company.network)
    desk = desks(centre)[0]
    favourite_add(member=member, centre_id=centre.pk)
    favourite_add(member=member, resource_id=desk.pk)
    favourite_add(member=other, centre_id=centre.pk)
    favourite_remove(member=member, centre_id=centre.pk)
    # The centre's mark went; the desk's stayed, and so did the colleague's.
    assert favourite_marks(member=member) == (set(), {desk.pk})
    assert favourite_marks(member=other) == ({centre.pk}, set())
    with pytest.raises(NotFound) as missing:
        favourite_remove(member=member, centre_id=centre.pk)
    assert missing.value.code == "not_favourite"
    favourite_remove(member=member, resource_id=desk.pk)
    assert not favourite_list(member=member).exists()


def test_favourites_on_a_day_say_what_is_free(member, centre, company):
    first, second = desks(centre)[:2]
    room = centre.resources.get(kind=ResourceKind.MEETING_ROOM)
    favourite_add(member=member, centre_id=centre.pk)
    favourite_add(member=member, resource_id=first.pk)
    favourite_add(member=member, resource_id=second.pk)
    favourite_add(member=member, resource_id=room.pk)
    on = workday(2)
    other = testing.make_user(company=company, network=company.network)
    booking_row(member=other, resource=first, on=on, slot=Slot.FULL_DAY)
    [entry] = favourites_on(member=member, on=on, slot=Slot.FULL_DAY)
    assert entry.centre == centre and entry.marked and entry.bookable and entry.open
    assert entry.free_desks == len(desks(centre)) - 1
    free = {p.resource.pk: p.free for p in entry.places if not p.is_room}
    assert free == {first.pk: False, second.pk: True}
    [room_place] = [p for p in entry.places if p.is_room]
    assert room_place.ranges  # open 08:00-18:00, nothing booked


def test_a_centre_closed_that_day_or_no_longer_bookable_is_listed_not_offered(member, centre):
    favourite_add(member=member, centre_id=centre.pk)
    saturday = workday(1, weekday=4) + dt.timedelta(days=1)
    [closed] = favourites_on(member=member, on=saturday)
    assert closed.bookable and not closed.open and closed.free_desks is None
    centre.label_status = LabelStatus.SUSPENDED
    centre.save()
    [gone] = favourites_on(member=member, on=workday(2))
    assert not gone.bookable and gone.free_desks is None
