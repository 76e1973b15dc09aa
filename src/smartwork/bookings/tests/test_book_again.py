"""'Book again': the default date, the same desk when it is free, any desk with a note
when not, a room's same times, and only one's own bookings."""

from __future__ import annotations

import datetime as dt

import pytest

from smartwork.bookings.book_again import (
    booking_again_plan,
    next_open_day,
    recent_past_bookings,
)
from smartwork.bookings.choices import BookingState, Slot
from smartwork.bookings.models import Booking
from smartwork.bookings.slots import slot_span
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.errors import NotFound
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Closure

pytestmark = pytest.mark.django_db


def past_booking(member, resource, days_ago=7, slot=Slot.MORNING, **times):
    on = dt.date.today() - dt.timedelta(days=days_ago)
    span = slot_span(resource.centre, on, slot, times.get("start_time"), times.get("end_time"))
    return Booking.objects.create(member=member, booked_by=member, resource=resource,
                                  centre=resource.centre, slot=slot, start=span.start,
                                  end=span.end, state=BookingState.COMPLETED)


def desks(centre):
    return list(centre.resources.filter(kind=ResourceKind.DESK).order_by("name"))


def test_next_open_day_skips_weekends_and_closures(centre):
    friday = workday(1, weekday=4)
    assert next_open_day(centre=centre, after=friday) == friday + dt.timedelta(days=3)
    Closure.objects.create(centre=centre, start_date=friday + dt.timedelta(days=3),
                           end_date=friday + dt.timedelta(days=4), reason="Works")
    assert next_open_day(centre=centre, after=friday) == friday + dt.timedelta(days=5)


def test_a_centre_open_on_no_weekday_gives_the_next_working_day():
    shut = testing.make_centre(hours=None)
    friday = workday(1, weekday=4)
    assert next_open_day(centre=shut, after=friday) == friday + dt.timedelta(days=3)


def test_the_same_desk_when_free(member, centre):
    desk = desks(centre)[2]
    booking = past_booking(member, desk)
    on = workday(2)
    plan = booking_again_plan(member=member, booking_id=booking.pk, on=on)
    assert (plan.centre, plan.resource, plan.slot, plan.on, plan.note) == (
        centre, desk, Slot.MORNING, on, "")


def test_availability_refuses_days_outside_the_years_the_api_takes(centre):
    from smartwork.bookings.selectors import availability_for_centre
    from smartwork.core.errors import InvalidInput

    for day in (dt.date(9999, 12, 31), dt.date(1, 1, 1)):
        with pytest.raises(InvalidInput) as refused:
            availability_for_centre(centre=centre, date_from=day)
        assert refused.value.code == "year_out_of_range"
    days = availability_for_centre(centre=centre, date_from=dt.date(2999, 12, 31))["days"]
    assert [d["date"] for d in days] == [dt.date(2999, 12, 31)]


def test_any_desk_with_a_note_when_the_desk_is_taken_or_retired(member, centre, company):
    desk = desks(centre)[2]
    booking = past_booking(member, desk)
    on = workday(2)
    other = testing.make_user(company=company, network=company.network)
    booking_row(member=other, resource=desk, on=on, slot=Slot.FULL_DAY)
    plan = booking_again_plan(member=member, booking_id=booking.pk, on=on)
    assert plan.resource is None and desk.name in plan.note and "not free" in plan.note
    desk.is_active = False
    desk.save()
    plan = booking_again_plan(member=member, booking_id=booking.pk, on=workday(3))
    assert plan.resource is None and "no longer" in plan.note


def test_a_room_keeps_its_times_and_a_retired_room_sends_to_the_centre(member, centre):
    room = centre.resources.get(kind=ResourceKind.MEETING_ROOM)
    booking = past_booking(member, room, slot=Slot.RANGE, start_time=dt.time(10, 0),
                           end_time=dt.time(11, 30))
    plan = booking_again_plan(member=member, booking_id=booking.pk, on=workday(2))
    assert plan.resource == room and (plan.start_time, plan.end_time) == (
        dt.time(10, 0), dt.time(11, 30)) and not plan.room_gone
    room.is_active = False
    room.save()
    plan = booking_again_plan(member=member, booking_id=booking.pk, on=workday(2))
    assert plan.room_gone and room.name in plan.note


def test_someone_elses_booking_is_404_whatever_the_role(member, centre, manager):
    booking = past_booking(member, desks(centre)[0])
    with pytest.raises(NotFound):
        booking_again_plan(member=manager, booking_id=booking.pk, on=workday(2))


def test_recent_past_bookings_one_per_place_and_slot_without_cancelled(member, centre):
    first, second, third = desks(centre)[:3]
    past_booking(member, first, days_ago=9)
    newest_first = past_booking(member, first, days_ago=2)
    newest_second = past_booking(member, second, days_ago=3)
    cancelled = past_booking(member, third, days_ago=1)
    cancelled.state, cancelled.cancelled_at = BookingState.CANCELLED, cancelled.start
    cancelled.save()
    booking_row(member=member, resource=third, on=workday(2))  # to come: not past
    assert recent_past_bookings(member=member) == [newest_first, newest_second]
