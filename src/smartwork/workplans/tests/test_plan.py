"""The weekly plan: own week from plan and bookings, presence confirms; the team's week
and the company's week as each role may see them; the .ics feed."""

from __future__ import annotations

import pytest

from smartwork.accounts.models import Team, TeamMembership
from smartwork.bookings import services as booking_services
from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput, NotFound
from smartwork.core.models import AuditEntry
from smartwork.credits.tests.factories import book, buy
from smartwork.workplans import plan as svc
from smartwork.workplans.models import DayPlan
from smartwork.workplans.tests.factories import policy, week_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(company, member):
    team = Team.objects.create(company=company, name="Sales")
    TeamMembership.objects.create(team=team, user=member)
    return team


def colleagues(company, team, n):
    people = []
    for i in range(n):
        person = testing.make_user(company=company, network=company.network, last_name=f"C{i}")
        TeamMembership.objects.create(team=team, user=person)
        people.append(person)
    return people


def test_my_week_reads_the_plan_and_the_bookings_and_presence_confirms(company, member, centre):
    buy(company)
    mon, tue, wed, *_ = week_ahead()
    svc.day_plan_set(actor=member, day=mon, place="home")
    svc.day_plan_set(actor=member, day=tue, place="head_office")
    booking = book(member, centre, on=wed)
    view = svc.my_week(actor=member, monday=mon)
    cells = view.rows[0].cells
    assert [c.place for c in cells[:3]] == ["home", "head_office", "centre"]
    assert cells[2].source == "booking" and cells[2].centre_name == centre.name
    assert not cells[2].confirmed
    booking_services.booking_check_in(booking=booking, actor=member, via="api",
                                      now=booking.start)
    assert svc.my_week(actor=member, monday=mon).rows[0].cells[2].confirmed
    entry = AuditEntry.objects.filter(action="workplans.day_planned").first()
    assert entry is not None and entry.network_id is None  # no operator reads a plan


def test_the_plan_keeps_to_the_policy(company, company_admin, member):
    policy(company_admin, company, remote_days=1, anchor_days=(1,))
    mon, tue, wed, *_ = week_ahead()
    with pytest.raises(InvalidInput) as anchor:
        svc.day_plan_set(actor=member, day=tue, place="home")
    assert anchor.value.code == "anchor_day"
    svc.day_plan_set(actor=member, day=mon, place="home")
    with pytest.raises(InvalidInput) as beyond:
        svc.day_plan_set(actor=member, day=wed, place="home")
    assert beyond.value.code == "beyond_remote_days"
    svc.day_plan_set(actor=member, day=wed, place="head_office")
    assert DayPlan.objects.filter(user=member).count() == 2


def test_colleagues_see_the_category_and_the_centre_only_when_allowed(company, member, team,
                                                                      centre):
    buy(company)
    mate = colleagues(company, team, 1)[0]
    mon, tue, *_ = week_ahead()
    book(member, centre, on=mon)
    svc.day_plan_set(actor=member, day=tue, place="travelling")
    view = svc.team_week(actor=mate, team=team, monday=mon)
    row = next(r for r in view.rows if r.user == member)
    assert row.cells[0].place == "centre" and row.cells[0].centre_name == ""
    assert row.cells[1].place == "off" and row.cells[1].category == "away"  # never why
    svc.plan_settings_set(actor=member, show_centre_name=True)
    row = next(r for r in svc.team_week(actor=mate, team=team, monday=mon).rows
               if r.user == member)
    assert row.cells[0].centre_name == centre.name
    own = next(r for r in svc.team_week(actor=member, team=team, monday=mon).rows
               if r.user == member)
    assert own.exact and own.cells[1].place == "travelling"


def test_the_admin_sees_people_only_on_anchor_and_team_days(company, company_admin, member,
                                                            team, centre):
    colleagues(company, team, 4)
    policy(company_admin, company, remote_days=2, anchor_days=(1,),
           team_days=[{"team_id": team.pk, "weekday": 3, "place": "head_office"}])
    mon, tue, wed, thu, _fri = week_ahead()
    for day in (mon, tue, wed, thu):
        svc.day_plan_set(actor=member, day=day, place="head_office")
    view = svc.team_week(actor=company_admin, team=team, monday=mon)
    row = next(r for r in view.rows if r.user == member)
    assert row.cells[0] is None and row.cells[2] is None  # Monday, Wednesday: hidden
    assert row.cells[1].place == "head_office" and row.cells[3].place == "head_office"
    assert view.days[1].anchor and view.days[3].team_day
    assert view.days[0].counts["office"] == 1 and not view.days[0].folded  # 5 people


def test_a_small_team_is_folded_for_the_admin(company, company_admin, member, team):
    colleagues(company, team, 2)
    mon, *_ = week_ahead()
    svc.day_plan_set(actor=member, day=mon, place="home")
    view = svc.team_week(actor=company_admin, team=team, monday=mon)
    assert view.days[0].folded and view.days[0].counts == {}
    assert all(c is None for r in view.rows for c in r.cells)
    week = svc.company_week(actor=company_admin, company=company, monday=mon)
    sales = next(t for t in week.teams if t.team == team)
    assert sales.folded and sales.days[0].counts == {}


def test_days_when_the_team_never_meets_are_flagged(company, member, team):
    mate = colleagues(company, team, 1)[0]
    mon, tue, *_ = week_ahead()
    svc.day_plan_set(actor=member, day=mon, place="home")
    svc.day_plan_set(actor=mate, day=mon, place="head_office")
    assert svc.team_week(actor=member, team=team, monday=mon).never_meets
    svc.day_plan_set(actor=member, day=tue, place="head_office")
    svc.day_plan_set(actor=mate, day=tue, place="head_office")
    view = svc.team_week(actor=member, team=team, monday=mon)
    assert view.days[1].meets and not view.never_meets


def test_who_else_sees_nothing(company, member, team, operator, manager):
    stranger = testing.make_user(company=testing.make_organisation(network=company.network))
    other_team = Team.objects.create(company=company, name="Other")
    colleague_elsewhere = testing.make_user(company=company)
    TeamMembership.objects.create(team=other_team, user=colleague_elsewhere)
    for actor in (stranger, operator, manager, colleague_elsewhere):
        with pytest.raises(NotFound):
            svc.team_week(actor=actor, team=team)
    for actor in (member, operator, stranger):
        with pytest.raises(Forbidden):
            svc.company_week(actor=actor, company=company)


def test_the_ics_feed_lists_the_plan_and_a_reset_closes_the_old_address(company, member):
    mon, *_ = week_ahead(1)
    svc.day_plan_set(actor=member, day=mon, place="home")
    token = svc.plan_settings_get(user=member).feed_token
    ics = svc.plan_feed_ics(token=token).decode()
    assert f"DTSTART;VALUE=DATE:{mon:%Y%m%d}" in ics and "SUMMARY:Home" in ics
    svc.plan_feed_reset(actor=member)
    with pytest.raises(NotFound):
        svc.plan_feed_ics(token=token)


def test_company_week_counts_everyone_once(company, company_admin, member, team):
    people = colleagues(company, team, 5)
    mon, *_ = week_ahead()
    for p in people:
        svc.day_plan_set(actor=p, day=mon, place="home")
    week = svc.company_week(actor=company_admin, company=company, monday=mon)
    assert week.days[0].counts["home"] == 5
    assert week.days[0].counts["unplanned"] == week.size - 5
