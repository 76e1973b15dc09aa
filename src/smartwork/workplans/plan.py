"""The weekly plan: where each employee works each day, read from their own plan and
from their bookings (a day with a live desk or office booking is a centre day, by
itself), confirmed by presence (a check-in or a WiFi session that day); the team's week
and the company's week, with the privacy rules of issue 18:

- the person sees their own week exactly;
- a colleague of one of their teams (the team's lead included) sees their category
  (office, centre, home, away), the centre's name only if the person allows it;
- the company's admin sees individual places only on anchor days and team days (where
  the policy requires a place) and otherwise counts of 5 people or more, folded below;
- nobody else (other companies, centres, the network's operator) sees any of it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Team, TeamMembership, User
from smartwork.bookings.choices import LIVE_STATES, BookingState
from smartwork.bookings.models import Booking
from smartwork.bookings.slots import to_local
from smartwork.core import fastsql
from smartwork.core.audit import audit_entry
from smartwork.core.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from smartwork.network.choices import SLOT_KINDS
from smartwork.network.models import Centre
from smartwork.workplans.choices import PRIVACY_THRESHOLD, Place, TeamDayPlace
from smartwork.workplans.enforce import count_week, week_of
from smartwork.workplans.models import DayPlan, PlanSettings, PolicyVersion
from smartwork.workplans.policy import is_company_admin, led_team_ids, policy_in_force

# What colleagues see of a day: the category, never why someone is away.
CATEGORY = {Place.HEAD_OFFICE: "office", Place.CENTRE: "centre", Place.HOME: "home",
            Place.TRAVELLING: "away", Place.OFF: "away"}
CATEGORIES = ("office", "centre", "home", "away")


def _authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))


def _audit_private(*, actor: Any, action: str, obj: Any, data: dict[str, Any]) -> None:
    """An audit entry about a person's plan: no network, so no operator reads it."""
    entry = audit_entry(actor=actor, action=action, obj=obj, data=data)
    entry.network_id = None
    fastsql.insert(entry)


def monday_of(day: dt.date | None) -> dt.date:
    return week_of(day or timezone.localdate())[0]


@dataclass
class Cell:
    """One person's day."""

    place: str = ""  # a Place value, "" unplanned
    centre_id: int | None = None
    centre_name: str = ""
    source: str = ""  # "plan", "booking"
    confirmed: bool = False  # a check-in or a WiFi session that day
    booking_ids: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def category(self) -> str:
        return CATEGORY.get(self.place, "")  # type: ignore[call-overload]


def week_cells(*, company_id: int, monday: dt.date, user_ids: Iterable[int] | None = None,
               ) -> dict[int, dict[dt.date, Cell]]:
    """user id -> day -> Cell for the week, in three statements (plans, bookings,
    presence), for the company's staff or `user_ids`."""
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    sunday = days[-1]
    ids = None if user_ids is None else list(user_ids)
    out: dict[int, dict[dt.date, Cell]] = defaultdict(dict)
    plans = DayPlan.objects.filter(company_id=company_id, day__gte=monday, day__lte=sunday)
    if ids is not None:
        plans = plans.filter(user_id__in=ids)
    for user_id, day, place, centre_id, centre_name, note in plans.values_list(
            "user_id", "day", "place", "centre_id", "centre__name", "note"):
        out[user_id][day] = Cell(place=place, centre_id=centre_id, centre_name=centre_name or "",
                                 source="plan", note=note)
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=timezone.get_current_timezone())
    end = start + dt.timedelta(days=7)
    bookings = Booking.objects.filter(state__in=LIVE_STATES, start__lt=end, end__gt=start,
                                      resource__kind__in=sorted(SLOT_KINDS))
    bookings = (bookings.filter(member_id__in=ids) if ids is not None
                else bookings.filter(member__company_id=company_id))
    present: set[tuple[int, dt.date]] = set()
    for pk, member_id, b_start, centre_id, name, tz, state in bookings.order_by().values_list(
            "pk", "member_id", "start", "centre_id", "centre__name", "centre__timezone", "state"):
        day = to_local(b_start, tz).date()
        if not monday <= day <= sunday:
            continue
        cell = out[member_id].get(day)
        if cell is None or cell.source != "booking":
            cell = out[member_id][day] = Cell(place=Place.CENTRE, centre_id=centre_id,
                                              centre_name=name, source="booking")
        cell.booking_ids.append(pk)
        if state in (BookingState.CHECKED_IN, BookingState.COMPLETED):
            present.add((member_id, day))
    from smartwork.wifi.models import PresenceSession

    sessions = PresenceSession.objects.filter(started_at__lt=end, started_at__gte=start)
    sessions = (sessions.filter(member_id__in=ids) if ids is not None
                else sessions.filter(member__company_id=company_id))
    for member_id, started in sessions.order_by().values_list("member_id", "started_at"):
        present.add((member_id, timezone.localtime(started).date()))
    for member_id, day in present:
        cell = out.get(member_id, {}).get(day)
        if cell is not None and cell.place == Place.CENTRE:
            cell.confirmed = True
    return out


@dataclass
class DayInfo:
    day: dt.date
    working: bool
    anchor: bool = False
    team_day: str = ""  # "": none; else where the team meets (the centre's name or head office)
    team_day_centre_id: int | None = None
    meets: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    folded: bool = False


@dataclass
class WeekRow:
    user: Any
    cells: list[Cell | None]  # None: not shown to this viewer
    exact: bool = False  # the viewer sees the place itself (it is their own week)


@dataclass
class WeekView:
    monday: dt.date
    days: list[DayInfo]
    rows: list[WeekRow]
    policy: PolicyVersion | None
    never_meets: bool = False
    remote_days: int | None = None  # for one person's week: the days counted
    remote_cap: int | None = None
    team: Team | None = None


def _policy_days(policy: PolicyVersion | None, monday: dt.date, team_ids: set[int],
                 ) -> tuple[set[int], dict[int, tuple[str, int | None]]]:
    if policy is None:
        return set(), {}
    anchors = set(policy.anchor_days)
    team_days: dict[int, tuple[str, int | None]] = {}
    for day in policy.team_days.select_related("centre"):
        if day.team_id in team_ids:
            if day.place == TeamDayPlace.CENTRE and day.centre is not None:
                team_days[day.weekday] = (day.centre.name, day.centre_id)
            else:
                team_days[day.weekday] = (str(_("Head office")), None)
    return anchors, team_days


def _days(policy: PolicyVersion | None, monday: dt.date, team_ids: set[int]) -> list[DayInfo]:
    anchors, team_days = _policy_days(policy, monday, team_ids)
    working = set(policy.working_days_list) if policy else {0, 1, 2, 3, 4}
    out = []
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        label, centre_id = team_days.get(i, ("", None))
        out.append(DayInfo(day=day, working=i in working, anchor=i in anchors,
                           team_day=label, team_day_centre_id=centre_id))
    return out


# --- One person ------------------------------------------------------------------------


def my_week(*, actor: User, monday: dt.date | None = None) -> WeekView:
    """The actor's own week, exactly, with their policy's days and their remote count."""
    _authenticated(actor)
    monday = monday_of(monday)
    if not actor.company_id:
        raise Forbidden(_("The weekly plan is for a company's employees."), code="not_employee")
    team_ids = set(TeamMembership.objects.filter(user=actor).values_list("team_id", flat=True))
    policy = policy_in_force(company_id=actor.company_id, team_ids=team_ids, on=monday)
    days = _days(policy, monday, team_ids)
    cells = week_cells(company_id=actor.company_id, monday=monday, user_ids=[actor.pk]).get(
        actor.pk, {})
    row = WeekRow(user=actor, cells=[cells.get(d.day) or Cell() for d in days], exact=True)
    view = WeekView(monday=monday, days=days, rows=[row], policy=policy)
    if policy is not None:
        count = _count(policy, cells, days)
        view.remote_days = count
        view.remote_cap = policy.remote_days if policy.cap_mode == "together" else policy.centre_days
    return view


def _count(policy: PolicyVersion, cells: dict[dt.date, Cell], days: list[DayInfo]) -> int:
    centre_days = {d for d, c in cells.items() if c.place == Place.CENTRE}
    home_days = {d for d, c in cells.items() if c.place == Place.HOME}
    team_centre = {d.day for d in days if d.team_day_centre_id is not None}
    counted = count_week(working_days=policy.working_days_list, centre_days=centre_days,
                         home_days=home_days, team_centre_days=team_centre)
    return counted.remote if policy.cap_mode == "together" else counted.centre


# --- A team, the company ---------------------------------------------------------------


def _may_see_team(actor: Any, team: Team) -> str:
    """"member" (a colleague or the lead), "admin" (the company's admin), or 404."""
    _authenticated(actor)
    if team.pk in led_team_ids(actor) or TeamMembership.objects.filter(
            team=team, user_id=actor.pk).exists():
        return "member"
    if is_company_admin(actor, team.company_id):
        return "admin"
    raise NotFound(_("No such team."), code="not_found")


def team_week(*, actor: User, team: Team, monday: dt.date | None = None) -> WeekView:
    """Who is where each day in the team, as the actor may see it (module docstring)."""
    as_who = _may_see_team(actor, team)
    monday = monday_of(monday)
    members = list(User.objects.filter(team_memberships__team=team, is_active=True)
                   .order_by("last_name", "first_name", "pk"))
    policy = policy_in_force(company_id=team.company_id, team_ids=[team.pk], on=monday)
    days = _days(policy, monday, {team.pk})
    cells = week_cells(company_id=team.company_id, monday=monday,
                       user_ids=[m.pk for m in members])
    shows_name = set(PlanSettings.objects.filter(
        user_id__in=[m.pk for m in members], show_centre_name=True).values_list("user_id",
                                                                                flat=True))
    rows = []
    for member in members:
        mine = member.pk == actor.pk
        row_cells: list[Cell | None] = []
        for info in days:
            cell = cells.get(member.pk, {}).get(info.day) or Cell()
            if mine:
                row_cells.append(cell)
            elif as_who == "member" or info.anchor or info.team_day:
                shown = Cell(place=cell.place, confirmed=cell.confirmed, source=cell.source)
                if cell.place in (Place.TRAVELLING, Place.OFF):
                    shown.place = Place.OFF if as_who == "member" else cell.place
                if member.pk in shows_name and as_who == "member":
                    shown.centre_id, shown.centre_name = cell.centre_id, cell.centre_name
                row_cells.append(shown)
            else:
                row_cells.append(None)
        rows.append(WeekRow(user=member, cells=row_cells, exact=mine))
    _day_counts(days, [cells.get(m.pk, {}) for m in members])
    view = WeekView(monday=monday, days=days, rows=rows, policy=policy, team=team)
    view.never_meets = not any(d.meets for d in days if d.working)
    if as_who == "admin" and len(members) < PRIVACY_THRESHOLD:
        for d in days:
            d.folded, d.counts = True, {}
    return view


def _day_counts(days: list[DayInfo], cells: list[dict[dt.date, Cell]]) -> None:
    """Per day: how many in each category, and whether the team meets (at least two,
    and half of those working, in one place: the head office or one centre)."""
    for info in days:
        counts: Counter[str] = Counter()
        places: Counter[Any] = Counter()
        for person in cells:
            cell = person.get(info.day)
            if cell is None or not cell.place:
                counts["unplanned"] += 1
                continue
            counts[cell.category] += 1
            if cell.place == Place.HEAD_OFFICE:
                places["office"] += 1
            elif cell.place == Place.CENTRE:
                places[("centre", cell.centre_id)] += 1
        info.counts = {k: counts.get(k, 0) for k in (*CATEGORIES, "unplanned")}
        working = sum(info.counts[k] for k in ("office", "centre", "home"))
        together = max(places.values(), default=0)
        info.meets = together >= 2 and together * 2 >= working


@dataclass
class TeamWeekSummary:
    team: Team
    size: int
    days: list[DayInfo]
    folded: bool
    never_meets: bool


@dataclass
class CompanyWeek:
    monday: dt.date
    days: list[DayInfo]  # the company's totals
    teams: list[TeamWeekSummary]
    policy: PolicyVersion | None
    size: int


def company_week(*, actor: User, company: Any, monday: dt.date | None = None) -> CompanyWeek:
    """The company's week for its admin: counts per team and day, never a person; a team
    of fewer than 5 people is folded (its people still count in the company's totals
    when those are 5 or more)."""
    _authenticated(actor)
    if not is_company_admin(actor, getattr(company, "pk", company)):
        raise Forbidden(_("Only the company's admin sees the company's week."), code="forbidden")
    company_id = getattr(company, "pk", company)
    monday = monday_of(monday)
    staff = list(User.objects.filter(company_id=company_id, is_active=True)
                 .values_list("pk", flat=True))
    cells = week_cells(company_id=company_id, monday=monday)
    policy = policy_in_force(company_id=company_id, team_ids=[], on=monday)
    days = _days(policy, monday, set())
    _day_counts(days, [cells.get(pk, {}) for pk in staff])
    if len(staff) < PRIVACY_THRESHOLD:
        for d in days:
            d.folded, d.counts = True, {}
    by_team: dict[int, list[int]] = defaultdict(list)
    active = set(staff)
    for team_id, user_id in TeamMembership.objects.filter(team__company_id=company_id).values_list(
            "team_id", "user_id"):
        if user_id in active:
            by_team[team_id].append(user_id)
    teams = []
    for team in Team.objects.filter(company_id=company_id).order_by("name"):
        ids = by_team.get(team.pk, [])
        tdays = _days(policy, monday, {team.pk})
        _day_counts(tdays, [cells.get(pk, {}) for pk in ids])
        folded = len(ids) < PRIVACY_THRESHOLD
        never = not any(d.meets for d in tdays if d.working)
        if folded:
            for d in tdays:
                d.counts, d.folded = {}, True
        teams.append(TeamWeekSummary(team=team, size=len(ids), days=tdays, folded=folded,
                                     never_meets=never and not folded))
    return CompanyWeek(monday=monday, days=days, teams=teams, policy=policy, size=len(staff))


def teams_visible(*, actor: User) -> list[Team]:
    """The teams whose week the actor may open: theirs, those they lead, and every team
    of the companies they administer."""
    _authenticated(actor)
    from smartwork.core.permissions import roles_of

    admin_of = roles_of(actor).admin_companies
    mine = set(TeamMembership.objects.filter(user=actor).values_list("team_id", flat=True))
    # One filter, not a UNION of two ordered querysets (SQLite refuses ORDER BY inside
    # a compound statement; Team has a default ordering).
    return list(Team.objects.filter(Q(pk__in=mine | led_team_ids(actor))
                                    | Q(company_id__in=admin_of)).order_by("name"))


# --- Writes ----------------------------------------------------------------------------


def day_plan_set(*, actor: User, day: dt.date, place: str, centre: Centre | None = None,
                 note: str = "") -> DayPlan:
    """Plan one of the actor's days. Home on an anchor day, or a home day beyond the
    week's remote days, is refused (422) with the reason; checked under the member's lock,
    as bookings are, so a plan and a booking at once cannot pass the cap together."""
    _authenticated(actor)
    if not actor.company_id:
        raise Forbidden(_("The weekly plan is for a company's employees."), code="not_employee")
    if place not in Place.values:
        raise InvalidInput(_("Unknown place."), code="invalid", fields={"place": [_("Unknown.")]})
    if place != Place.CENTRE:
        centre = None
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
        team_ids = set(TeamMembership.objects.filter(user=actor).values_list("team_id", flat=True))
        policy = policy_in_force(company_id=actor.company_id, team_ids=team_ids, on=day)
        if policy is not None and place in (Place.HOME, Place.CENTRE):
            _check_plan(actor=actor, policy=policy, day=day, place=place, team_ids=team_ids)
        plan, _created = DayPlan.objects.update_or_create(
            user=actor, day=day, defaults={"company_id": actor.company_id, "place": place,
                                           "centre": centre, "note": (note or "")[:200]})
        _audit_private(actor=actor, action="workplans.day_planned", obj=plan,
                       data={"day": day.isoformat(), "place": place})
    return plan


def _check_plan(*, actor: User, policy: PolicyVersion, day: dt.date, place: str,
                team_ids: set[int]) -> None:
    if day.weekday() in policy.anchor_days:
        raise InvalidInput(_("%(date)s is an anchor day: everyone works at the head office.")
                           % {"date": day}, code="anchor_day", fields={"place": [_("Anchor day.")]})
    monday = monday_of(day)
    days = _days(policy, monday, team_ids)
    cells = week_cells(company_id=actor.company_id or 0, monday=monday,
                       user_ids=[actor.pk]).get(actor.pk, {})
    current = cells.get(day)
    if current is not None and current.source == "booking":
        return  # a centre booking already makes it a centre day
    cells[day] = Cell(place=place)
    used = _count(policy, cells, days)
    cap = policy.remote_days if policy.cap_mode == "together" else policy.centre_days
    if policy.cap_mode == "separate" and place == Place.HOME:
        home = sum(1 for d, c in cells.items() if c.place == Place.HOME
                   and d.weekday() in policy.working_days_list)
        used, cap = home, policy.home_days
    if cap is not None and used > cap:
        raise InvalidInput(
            _("This would be remote day %(used)d of the week; your company's policy allows "
              "%(cap)d.") % {"used": used, "cap": cap},
            code="beyond_remote_days", fields={"place": [_("Beyond the week's remote days.")]})


def plan_settings_get(*, user: User) -> PlanSettings:
    found = PlanSettings.objects.filter(user=user).first()
    if found is not None:
        return found
    settings_row, _created = PlanSettings.objects.get_or_create(
        user=user, defaults={"feed_token": secrets.token_urlsafe(32)})
    return settings_row


def plan_settings_set(*, actor: User, show_centre_name: bool) -> PlanSettings:
    _authenticated(actor)
    row = plan_settings_get(user=actor)
    row.show_centre_name = bool(show_centre_name)
    row.save(update_fields=["show_centre_name", "updated_at"])
    _audit_private(actor=actor, action="workplans.plan_sharing_changed", obj=row,
                   data={"show_centre_name": row.show_centre_name})
    return row


def plan_feed_reset(*, actor: User) -> PlanSettings:
    """A new secret for the .ics feed: the old address stops working."""
    _authenticated(actor)
    row = plan_settings_get(user=actor)
    row.feed_token = secrets.token_urlsafe(32)
    row.save(update_fields=["feed_token", "updated_at"])
    _audit_private(actor=actor, action="workplans.plan_feed_reset", obj=row, data={})
    return row


def plan_feed_ics(*, token: str, today: dt.date | None = None) -> bytes:
    """The plan of the feed's owner, 2 weeks back to 8 weeks ahead, as all-day events."""
    from icalendar import Calendar, Event

    row = PlanSettings.objects.select_related("user").filter(feed_token=token).first()
    if row is None or not row.user.is_active or not row.user.company_id:
        raise NotFound(_("No such feed."), code="not_found")
    user = row.user
    first = monday_of(today) - dt.timedelta(weeks=2)
    cal = Calendar()
    cal.add("prodid", "-//smartwork//workplans//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("My weekly plan"))
    labels = dict(Place.choices)
    for week in range(10):
        monday = first + dt.timedelta(weeks=week)
        cells = week_cells(company_id=user.company_id or 0, monday=monday, user_ids=[user.pk]).get(
            user.pk, {})
        for day, cell in sorted(cells.items()):
            if not cell.place:
                continue
            event = Event()
            event.add("uid", f"plan-{user.pk}-{day.isoformat()}@smartwork")
            event.add("dtstamp", timezone.now())
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            summary = str(labels.get(cell.place, cell.place))
            if cell.centre_name:
                summary += f" — {cell.centre_name}"
            event.add("summary", summary)
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()
