"""The smart-working policy as a booking rule (bookings/company_rules.py).

Checked inside the booking's transaction, after the row is written and under the
member's lock (desks and private offices: the kinds a member holds one of at a time,
the ones that say "I work at a centre that day"; meeting rooms are not a working
place). For a company employee whose policy is in force on the booking's day:

- a centre the policy does not allow (the network's centres, allied networks) is
  refused;
- a booking on an anchor day, or one that makes more remote days in its week (Monday
  to Sunday) than the policy allows (home and centres together, or the centres' own
  cap), is refused or sent to the approval step, as the policy says for that rule.

Remote days are counted from facts: the member's live desk and office bookings of the
week (this one included: it is written) and the days their plan says "home". A team
day of the member's team held in a centre is no remote day and no breach. A company
admin booking for an employee, and a team day booked for a whole team
(`team_day_booking()`), pass: the audit log records them.

Cost: a member without a company, or a room, costs nothing; a company without a
policy costs one indexed statement; with a policy, two more small ones.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartwork.bookings.choices import LIVE_STATES
from smartwork.bookings.payment import ApprovalRequired
from smartwork.bookings.slots import to_local, zone
from smartwork.core import fastsql
from smartwork.core.errors import Conflict
from smartwork.network.choices import SLOT_KINDS
from smartwork.workplans.choices import AllowedPlace, CapMode, Place, RuleAction, TeamDayPlace

RULE_CODE = "smartwork_policy"
APPROVAL_HOLD_HOURS = 48
_KINDS = sorted(str(k) for k in SLOT_KINDS)
_LIVE = [str(s.value) for s in LIVE_STATES]
_WEEK_SQL = (  # placeholders only
    "SELECT b.start, c.timezone FROM bookings_booking b "  # noqa: S608
    "JOIN network_resource r ON r.id = b.resource_id "
    "JOIN network_centre c ON c.id = b.centre_id "
    "WHERE b.member_id = %s AND b.start < %s AND b.end > %s "
    f"AND b.state IN ({', '.join(['%s'] * len(_LIVE))}) "
    f"AND r.kind IN ({', '.join(['%s'] * len(_KINDS))})")
_exempt: contextvars.ContextVar[bool] = contextvars.ContextVar("workplans_exempt", default=False)


@contextmanager
def team_day_booking() -> Iterator[None]:
    """Bookings made inside are a team day booked for a team: the policy lets them pass."""
    token = _exempt.set(True)
    try:
        yield
    finally:
        _exempt.reset(token)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@dataclass
class InForce:
    """The columns of the version in force that the rule needs."""

    id: int
    working_days: list[int]
    cap_mode: str
    remote_days: int
    home_days: int | None
    centre_days: int | None
    anchor_days: list[int]
    allowed_places: list[str]
    on_anchor_day: str
    beyond_remote_days: str
    company_network_id: int | None


_POLICY_SQL = (
    "SELECT v.id, v.working_days, v.cap_mode, v.remote_days, v.home_days, v.centre_days, "
    "v.anchor_days, v.allowed_places, v.on_anchor_day, v.beyond_remote_days, o.network_id "
    "FROM workplans_policyversion v JOIN accounts_organisation o ON o.id = v.company_id "
    "WHERE v.company_id = %s AND v.effective_from <= %s AND (v.team_id IS NULL OR v.team_id IN "
    "(SELECT team_id FROM accounts_teammembership WHERE user_id = %s)) "
    "ORDER BY CASE WHEN v.team_id IS NULL THEN 1 ELSE 0 END, v.effective_from DESC, v.team_id "
    "LIMIT 1")


def policy_row(*, company_id: int, member_id: int, on: dt.date) -> InForce | None:
    """The version in force for the member on `on` (a team override first), one statement."""
    with fastsql.cursor() as cursor:
        cursor.execute(_POLICY_SQL, [company_id, connection.ops.adapt_datefield_value(on),
                                     member_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return InForce(row[0], list(_json(row[1]) or [0, 1, 2, 3, 4]), row[2], row[3], row[4],
                   row[5], list(_json(row[6]) or []), list(_json(row[7]) or []), row[8], row[9],
                   row[10])


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def week_facts(*, member_id: int, monday: dt.date, tz: str,
               ) -> tuple[set[dt.date], set[dt.date]]:
    """(days with a live desk or office booking, days planned at home) of the week."""
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone(tz))
    end = start + dt.timedelta(days=7)
    centre_days: set[dt.date] = set()
    home_days: set[dt.date] = set()
    with fastsql.cursor() as cursor:
        cursor.execute(_WEEK_SQL, [member_id, end, start, *_LIVE, *_KINDS])
        for b_start, b_tz in cursor.fetchall():
            local = to_local(b_start, b_tz).date()
            if monday <= local <= monday + dt.timedelta(days=6):
                centre_days.add(local)
        cursor.execute(
            "SELECT day FROM workplans_dayplan WHERE user_id = %s AND day >= %s AND day <= %s "
            "AND place = %s",
            [member_id, connection.ops.adapt_datefield_value(monday),
             connection.ops.adapt_datefield_value(monday + dt.timedelta(days=6)),
             str(Place.HOME)])
        for (day,) in cursor.fetchall():
            home_days.add(day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)))
    return centre_days, home_days


def centre_team_days(*, version_id: int, member_id: int) -> dict[int, set[int]]:
    """weekday -> centre ids where a team of the member meets that day (this version)."""
    out: dict[int, set[int]] = {}
    with fastsql.cursor() as cursor:
        cursor.execute(
            "SELECT weekday, centre_id FROM workplans_policyteamday WHERE version_id = %s "
            "AND place = %s AND team_id IN "
            "(SELECT team_id FROM accounts_teammembership WHERE user_id = %s)",
            [version_id, str(TeamDayPlace.CENTRE), member_id])
        for weekday, centre_id in cursor.fetchall():
            out.setdefault(weekday, set()).add(centre_id)
    return out


@dataclass
class WeekCount:
    remote: int
    centre: int
    home: int


def count_week(*, working_days: list[int], centre_days: set[dt.date], home_days: set[dt.date],
               team_centre_days: set[dt.date]) -> WeekCount:
    """Remote days of a week from its facts: a day at a centre (not a team day held
    there) or at home, working days only; a day with a centre booking is a centre day."""
    centre = {d for d in centre_days if d.weekday() in working_days} - team_centre_days
    home = {d for d in home_days if d.weekday() in working_days} - centre_days
    return WeekCount(remote=len(centre | home), centre=len(centre), home=len(home))


class PolicyRule:
    """`bookings.company_rules.BookingRule` for the smart-working policy."""

    code = RULE_CODE

    def check(self, *, booking: Any, kind: str, actor: Any) -> ApprovalRequired | None:
        member = booking.member
        company_id = member.company_id
        if company_id is None or kind not in SLOT_KINDS or _exempt.get():
            return None
        centre = booking.centre
        day = to_local(booking.start, centre.timezone).date()
        policy = policy_row(company_id=company_id, member_id=member.pk, on=day)
        if policy is None:
            return None
        if getattr(actor, "pk", None) not in (None, member.pk) and _admin(actor, company_id):
            return None  # the company's admin booking for an employee: their call
        self._check_place(policy, centre)
        teams_there = centre_team_days(version_id=policy.id, member_id=member.pk)
        team_day_here = centre.pk in teams_there.get(day.weekday(), set())
        if day.weekday() in policy.anchor_days and not team_day_here:
            message = (_("%(date)s is an anchor day of your company's smart-working policy: "
                         "everyone works at the head office.")
                       % {"date": date_format(day, "DATE_FORMAT")})
            if policy.on_anchor_day == RuleAction.APPROVAL:
                return ApprovalRequired(minutes=0, hold_hours=APPROVAL_HOLD_HOURS,
                                        message=message, reason="anchor_day")
            raise Conflict(message, code="anchor_day", data={"date": day.isoformat()})
        if day.weekday() not in policy.working_days or team_day_here:
            return None
        monday, _sunday = week_of(day)
        centre_days, home_days = week_facts(member_id=member.pk, monday=monday,
                                            tz=centre.timezone)
        centre_days.add(day)
        team_centre = {monday + dt.timedelta(days=w) for w in teams_there}
        count = count_week(working_days=policy.working_days, centre_days=centre_days,
                           home_days=home_days, team_centre_days=team_centre)
        if policy.cap_mode == CapMode.SEPARATE:
            cap, used = policy.centre_days or 0, count.centre
        else:
            cap, used = policy.remote_days, count.remote
        if used <= cap:
            return None
        message = (_("This would be remote day %(used)d in the week of %(monday)s; your "
                     "company's smart-working policy allows %(cap)d.")
                   % {"used": used, "monday": date_format(monday, "DATE_FORMAT"), "cap": cap})
        if policy.beyond_remote_days == RuleAction.APPROVAL:
            return ApprovalRequired(minutes=0, hold_hours=APPROVAL_HOLD_HOURS,
                                    message=message, reason="beyond_remote_days")
        raise Conflict(message, code="beyond_remote_days",
                       data={"week": monday.isoformat(), "used": used, "cap": cap})

    @staticmethod
    def _check_place(policy: InForce, centre: Any) -> None:
        places = set(policy.allowed_places)
        own = centre.network_id == policy.company_network_id
        if own and AllowedPlace.NETWORK_CENTRES not in places:
            raise Conflict(_("Your company's smart-working policy does not allow working in "
                             "the network's centres."), code="place_not_allowed")
        if not own and AllowedPlace.ALLIED_NETWORKS not in places:
            raise Conflict(_("Your company's smart-working policy does not allow working in "
                             "the centres of allied networks."), code="place_not_allowed")


def _admin(actor: Any, company_id: int) -> bool:
    from smartwork.core.permissions import allowed

    return allowed(actor, "company.smartwork", company=company_id)
