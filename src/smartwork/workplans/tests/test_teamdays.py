"""Team days: a room or a block of desks for the whole team in one step, conflicts per
person, one confirmation and an invitation per member; only the admin or the lead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from smartwork.accounts.models import Team, TeamMembership
from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput
from smartwork.credits.tests.factories import book, buy
from smartwork.workplans import policy as policy_services
from smartwork.workplans import teamdays
from smartwork.workplans.tests.factories import policy, week_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(company, member):
    buy(company, hours=300)
    team = Team.objects.create(company=company, name="Sales")
    TeamMembership.objects.create(team=team, user=member)
    for i in range(3):
        TeamMembership.objects.create(team=team, user=testing.make_user(
            company=company, network=company.network, last_name=f"M{i}"))
    return team


def test_a_lead_books_desks_for_the_team_with_conflicts_per_person(
        company, company_admin, member, team, centre, django_capture_on_commit_callbacks):
    policy(company_admin, company, remote_days=0, anchor_days=(1,))  # team days still pass
    policy_services.team_lead_assign(actor=company_admin, team=team, user=member)
    _mon, _tue, wed, *_ = week_ahead()
    busy = team.memberships.exclude(user=member).first().user
    elsewhere = testing.make_centre(network=centre.network)
    from smartwork.workplans.enforce import team_day_booking

    with team_day_booking():
        book(busy, elsewhere, on=wed, slot="morning")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = teamdays.team_day_book(actor=member, team=team, day=wed, centre=centre,
                                       kind="desks")
    statuses = {r["user_id"]: r["status"] for r in event.results}
    assert statuses[busy.pk] == "conflict" and list(statuses.values()).count("booked") == 3
    assert Booking.objects.filter(centre=centre).count() == 3
    invitations = [m for m in mail.outbox if m.attachments]
    assert len(invitations) == 3 and "METHOD:REQUEST" in str(invitations[0].attachments[0][1])
    confirmations = [m for m in mail.outbox if m.to == [member.email] and not m.attachments]
    assert len(confirmations) == 1 and str(busy) in confirmations[0].body


def test_a_room_for_the_team_must_seat_it(company_admin, team, centre):
    _mon, _tue, wed, *_ = week_ahead()
    room = centre.resources.get(kind="meeting_room")
    room.capacity = 2
    room.save()
    with pytest.raises(InvalidInput) as exc:
        teamdays.team_day_book(actor=company_admin, team=team, day=wed, centre=centre,
                               kind="room", resource=room, slot="range",
                               start_time=dt.time(10), end_time=dt.time(12))
    assert exc.value.code == "room_too_small"
    room.capacity = 8
    room.save()
    event = teamdays.team_day_book(actor=company_admin, team=team, day=wed, centre=centre,
                                   kind="room", resource=room, slot="range",
                                   start_time=dt.time(10), end_time=dt.time(12))
    assert {r["status"] for r in event.results} == {"invited"} and len(event.results) == 4
    assert Booking.objects.filter(resource=room).count() == 1


def test_a_lead_of_another_team_or_a_member_may_not(company, company_admin, member, team, centre):
    other = Team.objects.create(company=company, name="Other")
    lead = testing.make_user(company=company)
    TeamMembership.objects.create(team=other, user=lead)
    policy_services.team_lead_assign(actor=company_admin, team=other, user=lead)
    _mon, _tue, wed, *_ = week_ahead()
    for actor in (lead, member):
        with pytest.raises(Forbidden):
            teamdays.team_day_book(actor=actor, team=team, day=wed, centre=centre, kind="desks")
    assert not Booking.objects.exists()
