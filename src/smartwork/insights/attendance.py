"""Presence hours: checked-in and completed bookings plus WiFi presence
sessions, overlaps of one member merged so that each second counts once.

The reports read the presence summary (`insights.summary`, table
`insights_presenceday`: per member, centre and local day of the centre's time
zone, the merged seconds, visits and seconds per local hour), refreshed first
when bookings or sessions changed since its watermark. Two statements, the
same text on PostgreSQL and SQLite: aggregates by centre, company, team, ISO
week, month, member; and seconds per weekday and local hour. Conventions
(docs/insights.md):
- a booking counts from max(start, check-in time) to its end; a WiFi session
  from its start to its end (or the last refresh, while open);
- each instant of a member's presence belongs to the first interval covering
  it (by start, end, centre), so overlaps count once; it is bucketed by that
  centre's time zone (local day, weekday, hour; split at local midnight);
- a period is a set of local days; a visit (an island of overlapping or
  touching intervals) counts on the day and centre where it starts;
- a member in several teams counts in each of them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from smartwork.insights import sql, summary
from smartwork.insights.models import HOUR_FIELDS
from smartwork.insights.periods import Period

EPOCH_DAY0 = dt.date(1970, 1, 1)


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
    by_company_centre: list[dict[str, Any]] = field(default_factory=list)
    weekday_hour: list[list[float]] = field(default_factory=list)  # 7 x 24 hours


def _filters(scope: Scope) -> str:
    if scope.kind == "company":
        return "pd.member_id IN (SELECT id FROM accounts_user WHERE company_id = %s)"
    if scope.kind == "centre":
        return "pd.centre_id = %s"
    if scope.kind == "network":
        return "pd.centre_id IN (SELECT id FROM network_centre WHERE network_id = %s)"
    if scope.kind == "member":
        return "pd.member_id = %s"
    raise ValueError(scope.kind)


def _month_labels(period: Period) -> list[tuple[int, str]]:
    out = []
    day = period.first.replace(day=1)
    while day <= period.last:
        out.append((day.year * 100 + day.month, f"{day:%Y-%m}"))
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def presence(*, scope: Scope, period: Period, with_members: bool = False,
             with_company_centres: bool = False, refresh: bool = True) -> Presence:
    """Presence of a scope over the local days of a period, read from the
    summary (refreshed first when something changed since it was last)."""
    if refresh:
        summary.presence_summary_ensure_fresh()
    where = _filters(scope)
    hours = ", ".join(f"SUM({h})" for h in HOUR_FIELDS)
    query = f"""
WITH f AS (
  SELECT member_id AS m, centre_id AS c, day, week, month, seconds, visits
  FROM insights_presenceday pd WHERE {where} AND pd.day >= %s AND pd.day <= %s
),
pm AS (SELECT m, SUM(seconds) AS secs, SUM(visits) AS n, COUNT(DISTINCT day) AS days
       FROM f GROUP BY m)
SELECT 'total', 0, SUM(secs), COUNT(*), SUM(n) FROM pm
UNION ALL SELECT 'centre', c, SUM(seconds), COUNT(DISTINCT m), SUM(visits) FROM f GROUP BY c
UNION ALL SELECT 'company', u.company_id, SUM(secs), COUNT(*), SUM(n)
  FROM pm JOIN accounts_user u ON u.id = pm.m GROUP BY u.company_id
UNION ALL SELECT 'week', week, SUM(seconds), COUNT(DISTINCT m), SUM(visits) FROM f GROUP BY week
UNION ALL SELECT 'month', month, SUM(seconds), COUNT(DISTINCT m), SUM(visits) FROM f GROUP BY month
UNION ALL SELECT 'team', tm.team_id, SUM(secs), COUNT(*), SUM(n)
  FROM pm LEFT JOIN accounts_teammembership tm ON tm.user_id = pm.m GROUP BY tm.team_id
UNION ALL SELECT 'person_days', 0, 0, 0, SUM(days) FROM pm
{"""UNION ALL SELECT 'member', m, secs, days, n FROM pm
UNION ALL SELECT 'member_centre', m * 1000000 + c, SUM(seconds), COUNT(DISTINCT day), SUM(visits)
  FROM f GROUP BY m, c""" if with_members else ""}
{"""UNION ALL SELECT 'company_centre', COALESCE(u.company_id, 0) * 1000000 + f.c, SUM(f.seconds),
  COUNT(DISTINCT f.m), SUM(f.visits)
  FROM f JOIN accounts_user u ON u.id = f.m GROUP BY u.company_id, f.c""" if with_company_centres else ""}
"""  # noqa: S608 -- only fixed identifiers are interpolated
    heat = f"""
SELECT weekday, {hours} FROM insights_presenceday pd
WHERE {where} AND pd.day >= %s AND pd.day <= %s GROUP BY weekday
"""  # noqa: S608 -- only fixed identifiers are interpolated
    adapt = connection.ops.adapt_datefield_value
    params = [scope.id, adapt(period.first), adapt(period.last)]
    rows, heat_rows = _run([(query, params), (heat, params)])
    return _assemble(rows, heat_rows, period)


def _run(queries: list[tuple[str, list[Any]]]) -> list[list[tuple]]:
    if not sql.is_postgres():
        # Not in a transaction: SQLite's are IMMEDIATE here and would take the write lock.
        with connection.cursor() as cursor:
            out = []
            for query, params in queries:
                cursor.execute(query, params)
                out.append(cursor.fetchall())
            return out
    with transaction.atomic(), connection.cursor() as cursor:
        # The hashes of a year of a large company fit in memory: no spill to disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        out = []
        for query, params in queries:
            cursor.execute(query, params)
            out.append(cursor.fetchall())
        return out


def _assemble(rows: list[tuple], heat_rows: list[tuple], period: Period) -> Presence:
    out = Presence()
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
        elif kind == "person_days":
            out.person_days = count
        elif kind == "member":
            out.by_member.append({"id": key, "seconds": secs, "days": people, "visits": count})
        elif kind == "member_centre":
            out.by_member.append({"id": int(key) // 1000000, "centre": int(key) % 1000000,
                                  "seconds": secs, "days": people, "visits": count,
                                  "kind": "centre"})
        elif kind == "company_centre":
            out.by_company_centre.append({
                "company": int(key) // 1000000 or None, "id": int(key) % 1000000,
                "seconds": secs, "people": people, "visits": count})
    for rows_ in (out.by_centre, out.by_company, out.by_team, out.by_company_centre):
        rows_.sort(key=lambda r: (-r["seconds"], r["id"] is None, r["id"] or 0))
    out.by_member.sort(key=lambda r: (r["id"], r.get("centre", 0)))
    out.by_week = _weeks(weeks, period)
    out.by_month = [
        {"month": label, "seconds": months.get(key, (0, 0, 0))[0],
         "people": months.get(key, (0, 0, 0))[1], "visits": months.get(key, (0, 0, 0))[2]}
        for key, label in _month_labels(period)
    ]
    grid = [[0.0] * 24 for _ in range(7)]
    for weekday, *hours in heat_rows:
        grid[int(weekday)] = [round(int(h or 0) / 3600, 4) for h in hours]
    out.weekday_hour = grid
    return out


def _weeks(weeks: dict[int, tuple[int, int, int]], period: Period) -> list[dict[str, Any]]:
    out = []
    monday = period.first - dt.timedelta(days=period.first.weekday())
    epoch_day0 = dt.date(1970, 1, 1)
    while monday <= period.last:
        key = (monday - epoch_day0).days
        year, week, _wd = monday.isocalendar()
        secs, people, count = weeks.get(key, (0, 0, 0))
        out.append({"week": f"{year}-W{week:02d}", "monday": monday.isoformat(),
                    "seconds": secs, "people": people, "visits": count})
        monday += dt.timedelta(days=7)
    return out


def member_intervals(*, member_id: int, period: Period) -> list[dict[str, Any]]:
    """A member's own merged presence, island by island (their detail view):
    the islands that start on a local day of the period (in the time zone of
    the centre where they start), shown in that time zone, not clipped."""
    from smartwork.network.models import Centre

    first = (period.first - EPOCH_DAY0).days
    last = (period.last - EPOCH_DAY0).days
    window = ((first - 1) * 86400, (last + 2) * 86400)
    offsets = summary.centre_offsets()
    rows = summary.raw_intervals(member_ids=[member_id], window=window, now=timezone.now(),
                                 with_source=True)
    zones = dict(Centre.objects.values_list("pk", "timezone"))
    islands: list[dict[str, Any]] = []
    for _m, c, s, e, src in rows:
        if e <= s:
            continue
        if islands and s <= islands[-1]["_e"]:
            last_island = islands[-1]
            last_island["_e"] = max(last_island["_e"], e)
            last_island["sources"].add(src)
            continue
        islands.append({"centre_id": c, "_s": s, "_e": e, "sources": {src}})
    out = []
    for i in islands:
        if not first <= offsets[i["centre_id"]].day_of(i["_s"]) <= last:
            continue
        tz = zoneinfo.ZoneInfo(zones.get(i["centre_id"]) or "UTC")
        out.append({
            "centre_id": i["centre_id"],
            "start": dt.datetime.fromtimestamp(i["_s"], tz=tz).isoformat(),
            "end": dt.datetime.fromtimestamp(i["_e"], tz=tz).isoformat(),
            "hours": round((i["_e"] - i["_s"]) / 3600, 2), "sources": sorted(i["sources"])})
    return out
