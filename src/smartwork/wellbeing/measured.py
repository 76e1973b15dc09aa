"""Indicators measured from smartwork's own data (beside the surveys): where people
worked against the policy, team days held, weeks without meeting one's team (the
isolation signal), and how the network's centres were used.

Reads the weekly plan through workplans.plan.week_cells (plans, centre bookings and
presence, one week at a time) and the policy through workplans.policy.policy_in_force.
Team figures are shown only for teams of at least PRIVACY_MIN_GROUP members; smaller
teams are folded together (privacy.fold_teams). The isolation signal reaches the admin
as a count per team and the person as a suggestion about themself, never as names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, TeamMembership, User
from smartwork.core.errors import InvalidInput
from smartwork.core.permissions import require
from smartwork.wellbeing.privacy import min_group

# A person "has not met their team" in a week when they worked (any working place)
# and shared no day and place (head office, or the same centre) with a teammate.
ISOLATION_WEEKS = 3  # flagged after this many such weeks among the last four


def _mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def _where(cell: Any) -> tuple[str, int | None] | None:
    """The place a teammate could be met at: the head office or one centre."""
    if cell.place == "head_office":
        return ("head_office", None)
    if cell.place == "centre" and cell.centre_id:
        return ("centre", cell.centre_id)
    return None


def _facts(company_id: int, first: dt.date, last: dt.date,
           ) -> tuple[dict[int, dict[dt.date, Any]], dict[int, list[int]]]:
    from smartwork.workplans.plan import week_cells

    days: dict[int, dict[dt.date, Any]] = defaultdict(dict)
    for monday in _mondays(first, last):
        for user_id, cells in week_cells(company_id=company_id, monday=monday).items():
            for day, cell in cells.items():
                if first <= day <= last:
                    days[user_id][day] = cell
    teams: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in TeamMembership.objects.filter(
            team__company_id=company_id, user__is_active=True).values_list("team_id", "user_id"):
        teams[team_id].append(user_id)
    return days, teams


def _weeks_without_team(user_id: int, mondays: list[dt.date], days: dict[int, dict[dt.date, Any]],
                        mates: set[int]) -> list[bool]:
    """Per week: True when the person worked but met no teammate."""
    out = []
    mine = days.get(user_id, {})
    for monday in mondays:
        week = [monday + dt.timedelta(days=i) for i in range(7)]
        worked = [d for d in week if d in mine and mine[d].place in
                  ("head_office", "centre", "home", "travelling")]
        if not worked:
            out.append(False)
            continue
        met = False
        for d in worked:
            here = _where(mine[d])
            if here is None:
                continue
            if any(d in days.get(m, {}) and _where(days[m][d]) == here for m in mates):
                met = True
                break
        out.append(not met)
    return out


def company_measured(*, actor: User, company: Organisation, first: dt.date,
                     last: dt.date) -> dict[str, Any]:
    """Days per place against the policy, team days, the isolation count per team."""
    require(actor, "wellbeing.view", company=company)
    if last < first or (last - first).days > 400:
        why = _("Give a period of at most a year, its end after its start.")
        raise InvalidInput(why, fields={"to": [why]})
    from smartwork.workplans.models import TeamEvent
    from smartwork.workplans.policy import policy_in_force

    k = min_group()
    days, teams = _facts(company.pk, first, last)
    places = {"head_office": 0, "centre": 0, "home": 0, "travelling": 0, "off": 0}
    for cells in days.values():
        for cell in cells.values():
            if cell.place in places:
                places[cell.place] += 1
    mondays = _mondays(first, last)
    staff = User.objects.filter(company=company, is_active=True).count()
    allowed_remote = 0
    for monday in mondays:
        policy = policy_in_force(company_id=company.pk, team_ids=[], on=monday)
        if policy is not None:
            allowed_remote += policy.remote_days * staff
    person_weeks = len({(u, d - dt.timedelta(days=d.weekday()))
                        for u, cells in days.items() for d, c in cells.items()
                        if c.place in ("head_office", "centre", "home", "travelling")})
    remote = places["centre"] + places["home"]
    names = dict(company.teams.values_list("pk", "name"))  # type: ignore[attr-defined]
    events: dict[int, int] = defaultdict(int)
    for team_id in TeamEvent.objects.filter(team__company=company, day__gte=first,
                                            day__lte=last).values_list("team_id", flat=True):
        events[team_id] += 1
    last_four = mondays[-4:]
    team_rows = []
    folded = {"members": 0, "isolated": 0, "team_days": 0, "teams": 0}
    for team_id, members in sorted(teams.items(), key=lambda t: names.get(t[0], "")):
        isolated = 0
        for user_id in members:
            flags = _weeks_without_team(user_id, last_four, days, set(members) - {user_id})
            if sum(flags) >= ISOLATION_WEEKS:
                isolated += 1
        if len(members) >= k:
            team_rows.append({"team": names.get(team_id, "?"), "members": len(members),
                              "isolated": isolated, "team_days": events.get(team_id, 0)})
        else:
            folded["members"] += len(members)
            folded["isolated"] += isolated
            folded["team_days"] += events.get(team_id, 0)
            folded["teams"] += 1
    if folded["teams"] and folded["members"] >= k:
        team_rows.append({"team": _("Other teams (under %(k)s people each)") % {"k": k},
                          "members": folded["members"], "isolated": folded["isolated"],
                          "team_days": folded["team_days"], "folded_groups": folded["teams"]})
    return {
        "first": first, "last": last, "weeks": len(mondays), "staff": staff,
        "min_group": k, "isolation_weeks": ISOLATION_WEEKS,
        "days": places, "remote_days": remote,
        "remote_days_allowed": allowed_remote or None,
        "remote_share_of_allowed": (round(100 * remote / allowed_remote, 1)
                                    if allowed_remote else None),
        "person_weeks_planned": person_weeks,
        "remote_days_per_person_week": (round(remote / person_weeks, 2)
                                        if person_weeks else None),
        "team_days_held": sum(events.values()), "teams": team_rows,
    }


def my_isolation(*, actor: User, today: dt.date | None = None) -> dict[str, Any] | None:
    """For the person only: how many of the last four weeks they worked without
    meeting a teammate, with a suggestion (a team day, a centre near colleagues)."""
    if actor.company_id is None:
        return None
    mates = set(TeamMembership.objects.filter(
        team__memberships__user=actor, team__company_id=actor.company_id)
        .exclude(user=actor).values_list("user_id", flat=True))
    if not mates:
        return None
    today = today or timezone.localdate()
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    mondays = [last_monday - dt.timedelta(days=7 * i) for i in range(3, -1, -1)]
    days, _teams = _facts(actor.company_id, mondays[0], mondays[-1] + dt.timedelta(days=6))
    flags = _weeks_without_team(actor.pk, mondays, days, mates)
    return {"weeks_without_team": sum(flags), "of": len(mondays),
            "flagged": sum(flags) >= ISOLATION_WEEKS}
