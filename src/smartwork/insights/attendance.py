"""Presence hours: checked-in and completed bookings plus WiFi presence
sessions, overlaps of one member merged so that each minute counts once.

The heavy lifting is one SQL statement (window functions, the same text on
PostgreSQL and SQLite): one window pass over each member's intervals sorted
by start keeps the running end of what is already covered, so each interval
adds only its uncovered part; those parts are then aggregated by centre,
team, company, ISO week, month, member and time-of-week. Conventions (docs/insights.md):
- a booking counts from max(start, check-in time) to its end; a WiFi session
  from its start to its end (or now, while open); all clipped to the period;
- each interval adds only the time not already covered by the member's
  earlier intervals (sorted by start); that added segment belongs to the
  interval's centre and to the local day (week, month) on which it starts;
  a visit is an island of overlapping intervals, counted where it starts;
- a member in several teams counts in each of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from smartwork.insights import sql
from smartwork.insights.periods import Period, report_tz

WEEK_S = 7 * 86400
WEEK_MIN = 7 * 1440
# 1970-01-01 was a Thursday: shifting by 3 days makes Monday 00:00 the start.
MONDAY_SHIFT_S = 3 * 86400


@dataclass(frozen=True)
class Scope:
    kind: str  # company | centre | network | member
    id: int


@dataclass
class Presence:
    total_seconds: int = 0
    people: int = 0
    visits: int = 0
    person_days: int = 0
    by_centre: list[dict[str, Any]] = field(default_factory=list)
    by_team: list[dict[str, Any]] = field(default_factory=list)
    by_company: list[dict[str, Any]] = field(default_factory=list)
    by_week: list[dict[str, Any]] = field(default_factory=list)
    by_month: list[dict[str, Any]] = field(default_factory=list)
    by_member: list[dict[str, Any]] = field(default_factory=list)
    weekday_hour: list[list[float]] = field(default_factory=list)  # 7 x 24 hours


def _filters(scope: Scope, alias: str) -> str:
    if scope.kind == "company":
        return "u.company_id = %s"
    if scope.kind == "centre":
        return f"{alias}.centre_id = %s"
    if scope.kind == "network":
        return f"{alias}.centre_id IN (SELECT id FROM network_centre WHERE network_id = %s)"  # noqa: S608
    if scope.kind == "member":
        return f"{alias}.member_id = %s"
    raise ValueError(scope.kind)


def _month_case(col: str, period: Period) -> tuple[str, list[str]]:
    """CASE mapping a local day number to a month index, and the month labels."""
    labels: list[str] = []
    bounds: list[int] = []
    day = period.first.replace(day=1)
    epoch_day0 = dt.date(1970, 1, 1)
    while day <= period.last:
        labels.append(f"{day:%Y-%m}")
        nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        bounds.append((nxt - epoch_day0).days)
        day = nxt
    parts = " ".join(f"WHEN {col} < {b} THEN {i}" for i, b in enumerate(bounds[:-1]))
    return (f"(CASE {parts} ELSE {len(bounds) - 1} END)" if parts else "0"), labels


def presence(*, scope: Scope, period: Period, with_members: bool = False,
             now: dt.datetime | None = None) -> Presence:
    start, end = period.bounds()
    now = now or timezone.now()
    tz = report_tz()
    ps, pe = int(start.timestamp()), int(end.timestamp())
    p_now = min(int(now.timestamp()), pe)
    b_start = sql.greatest('b."start"', 'COALESCE(b.checked_in_at, b."start")')
    off_s = sql.offset_case("s", tz, start, end)
    local_day = f"((s + {off_s}) / 86400)"
    month_case, month_labels = _month_case("d", period)
    where_b = _filters(scope, "b")
    where_p = _filters(scope, "p")
    query = f"""
WITH iv AS (
  SELECT b.member_id AS m, b.centre_id AS c, u.company_id AS co,
         {sql.epoch(b_start)} AS s, {sql.epoch('b."end"')} AS e
  FROM bookings_booking b JOIN accounts_user u ON u.id = b.member_id
  WHERE {where_b} AND b.state IN ('checked_in', 'completed')
    AND b."start" < %s AND b."end" > %s
  UNION ALL
  SELECT p.member_id, p.centre_id, u.company_id,
         {sql.epoch('p.started_at')}, COALESCE({sql.epoch('p.ended_at')}, {p_now})
  FROM wifi_presencesession p JOIN accounts_user u ON u.id = p.member_id
  WHERE {where_p} AND p.started_at < %s AND (p.ended_at IS NULL OR p.ended_at > %s)
),
cl AS (
  SELECT m, c, co, {sql.greatest('s', str(ps))} AS s, {sql.least('e', str(pe))} AS e FROM iv
),
ordered AS (
  SELECT m, c, co, s, e,
         MAX(e) OVER (PARTITION BY m ORDER BY s, e
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM cl WHERE e > s
),
seg AS (
  SELECT m, c, co,
         CASE WHEN prev_end IS NULL OR s > prev_end THEN 1 ELSE 0 END AS first,
         {sql.greatest('s', 'COALESCE(prev_end, s)')} AS s,
         e
  FROM ordered WHERE prev_end IS NULL OR e > prev_end
),
loc AS (
  SELECT m, co, c, first, e - s AS dur, {local_day} AS d,
         ((s + {off_s} + {MONDAY_SHIFT_S}) %% {WEEK_S}) / 60 AS wm,
         (e - s) / 60 AS dm
  FROM seg
),
lw AS (
  SELECT m, co, c, first, dur, d, wm, dm, (d + 3) / 7 AS wk, {month_case} AS mo FROM loc
),
pm AS (SELECT m, MAX(co) AS co, SUM(dur) AS secs, SUM(first) AS n FROM lw GROUP BY m),
md AS (SELECT m, d FROM lw GROUP BY m, d),
mc AS (SELECT m, c, SUM(dur) AS secs, SUM(first) AS n FROM lw GROUP BY m, c),
mw AS (SELECT m, wk, SUM(dur) AS secs, SUM(first) AS n FROM lw GROUP BY m, wk),
mm AS (SELECT m, mo, SUM(dur) AS secs, SUM(first) AS n FROM lw GROUP BY m, mo)
SELECT 'total', 0, SUM(secs), COUNT(*), SUM(n) FROM pm
UNION ALL SELECT 'centre', c, SUM(secs), COUNT(*), SUM(n) FROM mc GROUP BY c
UNION ALL SELECT 'company', co, SUM(secs), COUNT(*), SUM(n) FROM pm GROUP BY co
UNION ALL SELECT 'week', wk, SUM(secs), COUNT(*), SUM(n) FROM mw GROUP BY wk
UNION ALL SELECT 'month', mo, SUM(secs), COUNT(*), SUM(n) FROM mm GROUP BY mo
UNION ALL SELECT 'team', tm.team_id, SUM(secs), COUNT(*), SUM(n)
  FROM pm LEFT JOIN accounts_teammembership tm ON tm.user_id = pm.m GROUP BY tm.team_id
UNION ALL SELECT 'wm_start', wm, 0, 0, COUNT(*) FROM lw GROUP BY wm
UNION ALL SELECT 'wm_end', wm + dm, 0, 0, COUNT(*) FROM lw GROUP BY wm + dm
UNION ALL SELECT 'person_days', 0, 0, 0, COUNT(*) FROM md
{"""UNION ALL SELECT 'member', pm.m, pm.secs, dd.days, pm.n FROM pm
  JOIN (SELECT m, COUNT(*) AS days FROM md GROUP BY m) dd ON dd.m = pm.m
UNION ALL SELECT 'member_centre', mc.m * 1000000 + mc.c, mc.secs, cd.days, mc.n FROM mc
  JOIN (SELECT m, c, COUNT(*) AS days FROM (SELECT m, c, d FROM lw GROUP BY m, c, d) x
        GROUP BY m, c) cd ON cd.m = mc.m AND cd.c = mc.c""" if with_members else ""}
"""  # noqa: S608 -- only integers and fixed identifiers are interpolated
    s_db, e_db = sql.db_datetime(start), sql.db_datetime(end)
    params = [scope.id, e_db, s_db, scope.id, e_db, s_db]
    rows = _run(query, params)
    return _assemble(rows, period, month_labels)


def _run(query: str, params: list[Any]) -> list[tuple]:
    if not sql.is_postgres():
        # Not in a transaction: SQLite's are IMMEDIATE here and would take the write lock.
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()
    with transaction.atomic(), connection.cursor() as cursor:
        # Sorts and hashes of a year of presence fit in memory: no spill to disk.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(query, params)
        return cursor.fetchall()


def _assemble(rows: list[tuple], period: Period, month_labels: list[str]) -> Presence:
    out = Presence()
    starts = np.zeros(WEEK_MIN * 4)
    ends = np.zeros(WEEK_MIN * 4)
    weeks: dict[int, tuple[int, int, int]] = {}
    months: dict[int, tuple[int, int, int]] = {}
    for kind, key, secs, people, count in rows:
        secs, people, count = int(secs or 0), int(people or 0), int(count or 0)
        if kind == "total":
            out.total_seconds, out.people, out.visits = secs, people, count
        elif kind == "centre" and (secs or count):
            out.by_centre.append({"id": key, "seconds": secs, "people": people, "visits": count})
        elif kind == "company" and (secs or count):
            out.by_company.append({"id": key, "seconds": secs, "people": people, "visits": count})
        elif kind == "team" and (secs or count):
            out.by_team.append({"id": key, "seconds": secs, "people": people, "visits": count})
        elif kind == "week" and (secs or count):
            weeks[int(key)] = (secs, people, count)
        elif kind == "month" and (secs or count):
            months[int(key)] = (secs, people, count)
        elif kind == "wm_start":
            starts[min(int(key), len(starts) - 1)] += count
        elif kind == "wm_end":
            ends[min(int(key), len(ends) - 1)] += count
        elif kind == "person_days":
            out.person_days = count
        elif kind == "member":
            out.by_member.append({"id": key, "seconds": secs, "days": people, "visits": count})
        elif kind == "member_centre":
            out.by_member.append({"id": int(key) // 1000000, "centre": int(key) % 1000000,
                                  "seconds": secs, "days": people, "visits": count,
                                  "kind": "centre"})
    out.by_week = _weeks(weeks, period)
    out.by_month = [
        {"month": label, "seconds": months.get(i, (0, 0, 0))[0],
         "people": months.get(i, (0, 0, 0))[1], "visits": months.get(i, (0, 0, 0))[2]}
        for i, label in enumerate(month_labels)
    ]
    # Presence per minute of the week = running sum of arrivals less departures;
    # folded so that an island running past Sunday midnight wraps to Monday.
    present = np.cumsum(starts - ends)
    folded = present.reshape(4, WEEK_MIN).sum(axis=0)
    hours = folded.reshape(7, 24, 60).sum(axis=2) / 60.0
    out.weekday_hour = [[round(float(h), 4) for h in day] for day in hours]
    return out


def _weeks(weeks: dict[int, tuple[int, int, int]], period: Period) -> list[dict[str, Any]]:
    out = []
    monday = period.first - dt.timedelta(days=period.first.weekday())
    epoch_day0 = dt.date(1970, 1, 1)
    while monday <= period.last:
        key = ((monday - epoch_day0).days + 3) // 7
        year, week, _wd = monday.isocalendar()
        secs, people, count = weeks.get(key, (0, 0, 0))
        out.append({"week": f"{year}-W{week:02d}", "monday": monday.isoformat(),
                    "seconds": secs, "people": people, "visits": count})
        monday += dt.timedelta(days=7)
    return out


def member_intervals(*, member_id: int, period: Period) -> list[dict[str, Any]]:
    """A member's own merged presence, island by island (their detail view)."""
    start, end = period.bounds()
    query = f"""
WITH iv AS (
  SELECT b.centre_id AS c, {sql.epoch(sql.greatest('b."start"', 'COALESCE(b.checked_in_at, b."start")'))} AS s,
         {sql.epoch('b."end"')} AS e, 'booking' AS src
  FROM bookings_booking b WHERE b.member_id = %s AND b.state IN ('checked_in', 'completed')
    AND b."start" < %s AND b."end" > %s
  UNION ALL
  SELECT p.centre_id, {sql.epoch('p.started_at')},
         COALESCE({sql.epoch('p.ended_at')}, {int(timezone.now().timestamp())}), 'wifi'
  FROM wifi_presencesession p WHERE p.member_id = %s AND p.started_at < %s
    AND (p.ended_at IS NULL OR p.ended_at > %s)
)
SELECT c, s, e, src FROM iv ORDER BY s, e
"""  # noqa: S608 -- only integers are interpolated
    s_db, e_db = sql.db_datetime(start), sql.db_datetime(end)
    with connection.cursor() as cursor:
        cursor.execute(query, [member_id, e_db, s_db, member_id, e_db, s_db])
        rows = cursor.fetchall()
    ps, pe = int(start.timestamp()), int(end.timestamp())
    islands: list[dict[str, Any]] = []
    tz = report_tz()
    for c, s, e, src in rows:
        s, e = max(int(s), ps), min(int(e), pe)
        if e <= s:
            continue
        if islands and s <= islands[-1]["_e"]:
            last = islands[-1]
            last["_e"] = max(last["_e"], e)
            last["sources"].add(src)
            continue
        islands.append({"centre_id": c, "_s": s, "_e": e, "sources": {src}})
    return [
        {"centre_id": i["centre_id"],
         "start": dt.datetime.fromtimestamp(i["_s"], tz=tz).isoformat(),
         "end": dt.datetime.fromtimestamp(i["_e"], tz=tz).isoformat(),
         "hours": round((i["_e"] - i["_s"]) / 3600, 2), "sources": sorted(i["sources"])}
        for i in islands
    ]
