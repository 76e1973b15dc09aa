"""The policy where smartwork acts: a centre booking on an anchor day, or beyond the
week's remote days, is refused with a clear reason or sent to the approval step, as the
company chose per rule. Through the real booking service."""

from __future__ import annotations

import datetime as dt

import pytest

from smartwork.accounts.models import Team, TeamMembership
from smartwork.bookings import approvals
from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.core.errors import Conflict
from smartwork.credits.tests.factories import book, buy
from smartwork.workplans.choices import Place
from smartwork.workplans.enforce import team_day_booking
from smartwork.workplans.models import DayPlan
from smartwork.workplans.tests.factories import policy, week_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def credit(company):
    return buy(company, hours=200)


def test_without_a_policy_nothing_changes(credit, member, centre):
    mon, tue, wed, thu, fri = week_ahead()
    for day in (mon, tue, wed, thu, fri):
        assert book(member, centre, on=day).state == BookingState.CONFIRMED


def test_an_anchor_day_booking_is_refused_and_nothing_stays(credit, company_admin, company,
                                                          member, centre):
    policy(company_admin, company, remote_days=2, anchor_days=(1,))
    _mon, tue, *_ = week_ahead()
    with pytest.raises(Conflict) as exc:
        book(member, centre, on=tue)
    assert exc.value.code == "anchor_day" and "anchor day" in exc.value.message
    assert not Booking.objects.filter(member=member).exists()


def test_beyond_the_remote_days_of_a_week_is_refused(credit, company_admin, company, member,
                                                    centre):
    policy(company_admin, company, remote_days=2, anchor_days=(1,))
    mon, _tue, wed, thu, _fri = week_ahead()
    book(member, centre, on=mon)
    book(member, centre, on=mon, slot="afternoon")  # the same day: still one remote day
    book(member, centre, on=wed)
    with pytest.raises(Conflict) as exc:
        book(member, centre, on=thu)
    assert exc.value.code == "beyond_remote_days"
    assert exc.value.data["used"] == 3 and exc.value.data["cap"] == 2
    assert Booking.objects.filter(member=member).count() == 3
    # the next week starts afresh
    next_monday = mon + dt.timedelta(days=7)
    assert book(member, centre, on=next_monday).state == BookingState.CONFIRMED


def test_home_days_of_the_plan_count_unless_home_and_centres_are_capped_apart(
        credit, company_admin, company, member, centre):
    mon, _tue, wed, thu, _fri = week_ahead()
    for day in (mon, wed):
        DayPlan.objects.create(user=member, company=company, day=day, place=Place.HOME)
    policy(company_admin, company, remote_days=2, anchor_days=(1,))
    with pytest.raises(Conflict):
        book(member, centre, on=thu)
    # a centre booking on a home day turns that day into a centre day: still two
    assert book(member, centre, on=wed).state == BookingState.CONFIRMED


def test_separate_caps_count_centre_days_only(credit, company_admin, company, member, centre):
    mon, _tue, wed, thu, fri = week_ahead()
    DayPlan.objects.create(user=member, company=company, day=fri, place=Place.HOME)
    DayPlan.objects.create(user=member, company=company, day=thu, place=Place.HOME)
    policy(company_admin, company, remote_days=3, anchor_days=(1,), cap_mode="separate",
           home_days=2, centre_days=1)
    book(member, centre, on=mon)
    with pytest.raises(Conflict):
        book(member, centre, on=wed)


def test_the_company_may_send_such_bookings_for_approval(credit, company_admin, company, member,
                                                        centre):
    policy(company_admin, company, remote_days=1, anchor_days=(1,), on_anchor_day="approval",
           beyond_remote_days="approval")
    mon, tue, wed, *_ = week_ahead()
    assert book(member, centre, on=mon).state == BookingState.CONFIRMED
    anchor = book(member, centre, on=tue)
    beyond = book(member, centre, on=wed)
    for pending in (anchor, beyond):
        pending.refresh_from_db()
        assert pending.state == BookingState.PENDING_APPROVAL and pending.credit_minutes == 0
    approved = approvals.booking_approve(booking=beyond, actor=company_admin)
    assert approved.state == BookingState.CONFIRMED and approved.credit_minutes > 0


def test_a_team_day_in_a_centre_is_no_breach(credit, company_admin, company, member, centre):
    team = Team.objects.create(company=company, name="Sales")
    TeamMembership.objects.create(team=team, user=member)
    policy(company_admin, company, remote_days=1, anchor_days=(1,),
           team_days=[{"team_id": team.pk, "weekday": 1, "place": "centre",
                       "centre_id": centre.pk}])
    mon, tue, *_ = week_ahead()
    book(member, centre, on=mon)
    assert book(member, centre, on=tue).state == BookingState.CONFIRMED  # the team day
    other = testing.make_centre(network=centre.network)
    with pytest.raises(Conflict):
        book(member, other, on=tue, slot="afternoon")


def test_the_admin_booking_for_an_employee_and_a_team_day_pass(credit, company_admin, company,
                                                              member, centre):
    policy(company_admin, company, remote_days=0, anchor_days=(1,))
    mon, tue, *_ = week_ahead()
    from smartwork.bookings.services import booking_create

    assert booking_create(actor=company_admin, member=member, centre=centre, slot="morning",
                          on=tue).state == BookingState.CONFIRMED
    with team_day_booking():
        assert book(member, centre, on=mon).state == BookingState.CONFIRMED


def test_a_place_the_policy_does_not_allow_is_refused(credit, company_admin, company, member,
                                                     centre):
    policy(company_admin, company, remote_days=2, anchor_days=(1,),
           allowed_places=["head_office", "home"])
    mon, *_ = week_ahead()
    with pytest.raises(Conflict) as exc:
        book(member, centre, on=mon)
    assert exc.value.code == "place_not_allowed"


def test_meeting_rooms_are_not_a_working_place(credit, company_admin, company, member, centre):
    policy(company_admin, company, remote_days=0, anchor_days=(1,))
    _mon, tue, *_ = week_ahead()
    room = centre.resources.get(kind="meeting_room")
    from datetime import time

    booking = book(member, centre, on=tue, slot="range", resource=room,
                   start_time=time(10), end_time=time(11))
    assert booking.state == BookingState.CONFIRMED


def test_moving_a_booking_onto_an_anchor_day_is_refused_and_nothing_changes(
        credit, company_admin, company, member, centre):
    from smartwork.bookings.services import booking_move

    policy(company_admin, company, remote_days=2, anchor_days=(1,))
    _mon, tue, wed, *_ = week_ahead()
    booking = book(member, centre, on=wed)
    before = (booking.start, booking.end, booking.sequence)
    with pytest.raises(Conflict) as exc:
        booking_move(booking=booking, actor=member, on=tue)
    assert exc.value.code == "anchor_day"
    booking.refresh_from_db()
    assert (booking.start, booking.end, booking.sequence) == before
    assert booking.state == BookingState.CONFIRMED


def test_moving_a_booking_beyond_the_remote_days_of_its_new_week_is_refused(
        credit, company_admin, company, member, centre):
    from smartwork.bookings.services import booking_move

    policy(company_admin, company, remote_days=2, anchor_days=(1,))
    mon, _tue, wed, thu, _fri = week_ahead()
    book(member, centre, on=mon)
    book(member, centre, on=wed)
    later = book(member, centre, on=thu + dt.timedelta(days=7))
    with pytest.raises(Conflict) as exc:
        booking_move(booking=later, actor=member, on=thu)
    assert exc.value.code == "beyond_remote_days"
    # Within its own week the move is fine: it stays one remote day.
    moved = booking_move(booking=later, actor=member, on=later.start.date() + dt.timedelta(days=-1))
    assert moved.state == BookingState.CONFIRMED


def test_a_move_the_policy_would_send_for_approval_is_refused_with_the_reason(
        credit, company_admin, company, member, centre):
    from smartwork.bookings.services import booking_move

    policy(company_admin, company, remote_days=2, anchor_days=(1,), on_anchor_day="approval")
    _mon, tue, wed, *_ = week_ahead()
    booking = book(member, centre, on=wed)
    with pytest.raises(Conflict) as exc:
        booking_move(booking=booking, actor=member, on=tue)
    assert exc.value.code == "move_needs_approval"
    assert exc.value.data["reason"] == "anchor_day" and "anchor day" in exc.value.message
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED and booking.start.date() == wed
