"""Presence hours computed by hand on a small case (March 2025, with the
switch to summer time on 30 March)."""

from __future__ import annotations

import pytest

from smartwork.core import testing
from smartwork.insights.attendance import Scope, member_intervals, presence
from smartwork.insights.periods import parse_period
from smartwork.insights.tests.helpers import at, booking, wifi

pytestmark = pytest.mark.django_db

H = 3600


@pytest.fixture
def case(company, centre, network):
    a = testing.make_user(company=company, network=network)
    b = testing.make_user(company=company, network=network)
    other_company_member = testing.make_user(network=network)
    centre2 = testing.make_centre(network=network, name="Liège Centre")
    # A, Monday 3 March: checked in at 09:00 for 08:30-12:30, WiFi 12:00-14:00:
    # one island 09:00-14:00 = 5 h.
    booking(a, centre, at(2025, 3, 3, 8, 30), at(2025, 3, 3, 12, 30),
            checked_in_at=at(2025, 3, 3, 9, 0))
    wifi(a, centre, at(2025, 3, 3, 12, 0), at(2025, 3, 3, 14, 0))
    # Not presence: cancelled, no-show, merely confirmed.
    booking(a, centre, at(2025, 3, 3, 14, 0), at(2025, 3, 3, 18, 0), state="cancelled")
    booking(a, centre, at(2025, 3, 5, 8, 30), at(2025, 3, 5, 12, 30), state="no_show")
    booking(a, centre, at(2025, 3, 6, 8, 30), at(2025, 3, 6, 12, 30), state="confirmed")
    # B, Tuesday 4 March: early check-in counts from the start: 13:30-17:30 = 4 h.
    booking(b, centre, at(2025, 3, 4, 13, 30), at(2025, 3, 4, 17, 30), state="checked_in",
            checked_in_at=at(2025, 3, 4, 13, 20))
    # B, Wednesday 12 March in Liège: 08:30-12:30 = 4 h.
    booking(b, centre2, at(2025, 3, 12, 8, 30), at(2025, 3, 12, 12, 30))
    # A, Monday 31 March (summer time): 08:30-12:30 local = 4 h.
    booking(a, centre, at(2025, 3, 31, 8, 30), at(2025, 3, 31, 12, 30))
    # Outside the period, and another company's member.
    booking(a, centre, at(2025, 4, 1, 8, 30), at(2025, 4, 1, 12, 30))
    booking(other_company_member, centre, at(2025, 3, 3, 8, 30), at(2025, 3, 3, 12, 30),
            resource=centre.resources.filter(kind="desk").order_by("pk")[1])
    return {"a": a, "b": b, "centre": centre, "centre2": centre2}


def test_company_totals_by_hand(case, company):
    p = presence(scope=Scope("company", company.pk), period=parse_period("2025-03"))
    assert p.total_seconds == 17 * H
    assert p.people == 2
    assert p.visits == 4
    assert p.person_days == 4
    by_centre = {row["id"]: (row["seconds"], row["people"]) for row in p.by_centre}
    assert by_centre == {case["centre"].pk: (13 * H, 2), case["centre2"].pk: (4 * H, 1)}
    assert [m["seconds"] for m in p.by_month] == [17 * H]
    weeks = {w["week"]: (w["seconds"], w["people"]) for w in p.by_week}
    assert weeks["2025-W10"] == (9 * H, 2)
    assert weeks["2025-W11"] == (4 * H, 1)
    assert weeks["2025-W14"] == (4 * H, 1)
    assert weeks["2025-W09"] == (0, 0)
    assert list(weeks) == ["2025-W09", "2025-W10", "2025-W11", "2025-W12", "2025-W13", "2025-W14"]


def test_weekday_hour_in_local_time_across_dst(case, company):
    p = presence(scope=Scope("company", company.pk), period=parse_period("2025-03"))
    mon, tue, wed = p.weekday_hour[0], p.weekday_hour[1], p.weekday_hour[2]
    # Monday: 3 March 09-14, 31 March 08:30-12:30 (UTC+2 by then).
    assert mon[8] == 0.5 and mon[9] == 2 and mon[10] == 2 and mon[11] == 2
    assert mon[12] == 1.5 and mon[13] == 1 and mon[14] == 0
    assert tue[13] == 0.5 and tue[14] == 1 and tue[16] == 1 and tue[17] == 0.5
    assert wed[8] == 0.5 and wed[11] == 1 and wed[12] == 0.5
    assert sum(map(sum, p.weekday_hour)) == 17


def test_centre_and_member_scopes(case, company):
    period = parse_period("2025-03")
    p = presence(scope=Scope("centre", case["centre2"].pk), period=period)
    assert (p.total_seconds, p.people) == (4 * H, 1)
    p = presence(scope=Scope("member", case["a"].pk), period=period)
    assert p.total_seconds == 9 * H
    p = presence(scope=Scope("network", case["centre"].network_id), period=period)
    assert p.total_seconds == 21 * H  # with the other company's member's 4 h
    assert {r["id"]: r["people"] for r in p.by_company} == {company.pk: 2, None: 1}


def test_member_intervals_are_merged(case):
    rows = member_intervals(member_id=case["a"].pk, period=parse_period("2025-03"))
    assert [(r["start"][:16], r["end"][:16], r["hours"]) for r in rows] == [
        ("2025-03-03T09:00", "2025-03-03T14:00", 5.0),
        ("2025-03-31T08:30", "2025-03-31T12:30", 4.0),
    ]
    assert rows[0]["sources"] == ["booking", "wifi"]


def test_teams_count_each_member_in_their_teams(case, company):
    from smartwork.accounts.models import Team, TeamMembership

    team = Team.objects.create(company=company, name="Sales")
    TeamMembership.objects.create(team=team, user=case["a"])
    p = presence(scope=Scope("company", company.pk), period=parse_period("2025-03"))
    teams = {r["id"]: (r["seconds"], r["people"]) for r in p.by_team}
    assert teams == {team.pk: (9 * H, 1), None: (8 * H, 1)}


def test_overlap_across_centres_counts_once(company, centre, network):
    liege = testing.make_centre(network=network, name="Liège Centre")
    c = testing.make_user(company=company, network=network)
    booking(c, centre, at(2025, 5, 6, 9), at(2025, 5, 6, 13))
    wifi(c, liege, at(2025, 5, 6, 12), at(2025, 5, 6, 15))
    wifi(c, liege, at(2025, 5, 6, 10), at(2025, 5, 6, 11))  # inside the booking: adds nothing
    p = presence(scope=Scope("member", c.pk), period=parse_period("2025-05"))
    assert (p.total_seconds, p.visits, p.person_days) == (6 * H, 1, 1)
    # Each interval adds what was not covered yet, where it happened.
    assert {r["id"]: r["seconds"] for r in p.by_centre} == {centre.pk: 4 * H, liege.pk: 2 * H}
    assert p.weekday_hour[1][12] == 1 and p.weekday_hour[1][14] == 1 and p.weekday_hour[1][15] == 0
