"""Occupancy of centres: per centre, resource kind, day and slot, the share
of desk-time (or room-time) booked, checked in and free; no-show rates; the
busiest days; a weekday x slot heatmap and a daily time series.

Capacity = active resources of the kind x the slot's length (the centre's
morning and afternoon times), on each day the centre opens (opening hours
on that weekday, no closure). Booked = every booking not cancelled (no-shows
held the resource until released); checked in = checked-in and completed
bookings. Days and slots are local to each centre (its time zone). Overlaps
with each slot window are summed in SQL on integer local seconds,
identically on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from smartwork.bookings.models import Booking
from smartwork.insights import sql
from smartwork.insights.periods import Period
from smartwork.network.models import Centre, Closure, OpeningHours, Resource

SLOTS = ("morning", "afternoon")
EPOCH_DAY0 = dt.date(1970, 1, 1)


def _secs(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def occupancy(*, centres: list[Centre], period: Period) -> dict[str, Any]:
    if not centres:
        return {"by_slot": [], "summary": [], "heatmap": [], "series": [], "busiest_days": []}
    # Each centre's local days: fetch a day more each side, then keep the days of the period.
    start, end = period.bounds()
    start, end = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
    ids = [c.pk for c in centres]
    windows = {c.pk: {"morning": (_secs(c.morning_start), _secs(c.morning_end)),
                      "afternoon": (_secs(c.afternoon_start), _secs(c.afternoon_end))}
               for c in centres}
    values = ", ".join(f"({cid}, '{slot}', {ws}, {we})"
                       for cid, w in windows.items() for slot, (ws, we) in w.items())
    zones: dict[str, list[int]] = defaultdict(list)
    for c in centres:
        zones[c.timezone or "UTC"].append(c.pk)
    cases = {name: sql.offset_case("s", zoneinfo.ZoneInfo(name), start, end) for name in zones}
    if len(cases) == 1:
        off = next(iter(cases.values()))
    else:
        off = "(CASE " + " ".join(
            f"WHEN c IN ({', '.join(str(i) for i in zones[name])}) THEN {case}"
            for name, case in cases.items()) + " ELSE 0 END)"
    first_d, last_d = (period.first - EPOCH_DAY0).days, (period.last - EPOCH_DAY0).days
    base = "(bk.d * 86400)"
    overlap = sql.greatest("0", f"{sql.least('bk.le', base + ' + w.we')} - "
                                f"{sql.greatest('bk.ls', base + ' + w.ws')}")
    placeholders = ", ".join(["%s"] * len(ids))
    query = f"""
WITH win(cid, slot, ws, we) AS (VALUES {values}),
raw AS (
  SELECT b.centre_id AS c, r.kind AS kind, b.state AS st,
         {sql.epoch('b."start"')} AS s, {sql.epoch('b."end"')} AS e
  FROM bookings_booking b JOIN network_resource r ON r.id = b.resource_id
  WHERE b.centre_id IN ({placeholders}) AND b.state <> 'cancelled'
    AND b."start" < %s AND b."end" > %s
),
bk AS (
  SELECT c, kind, st, s + {off} AS ls, e + {off} AS le, (s + {off}) / 86400 AS d FROM raw
),
ov AS (
  SELECT bk.c AS c, bk.kind AS kind, bk.d AS d, w.slot AS slot, bk.st AS st, {overlap} AS o
  FROM bk JOIN win w ON w.cid = bk.c
)
SELECT c, kind, d, slot, SUM(o),
       SUM(CASE WHEN st IN ('checked_in', 'completed') THEN o ELSE 0 END)
FROM ov WHERE o > 0 AND d >= {first_d} AND d <= {last_d} GROUP BY c, kind, d, slot
"""  # noqa: S608 -- ids are bound; only integers and fixed names are interpolated
    with connection.cursor() as cursor:
        cursor.execute(query, [*ids, sql.db_datetime(end), sql.db_datetime(start)])
        rows = cursor.fetchall()
    booked: dict[tuple, tuple[int, int]] = {
        (c, kind, int(d), slot): (int(b or 0), int(u or 0)) for c, kind, d, slot, b, u in rows
    }
    resources: dict[tuple[int, str], int] = defaultdict(int)
    for cid, kind in Resource.objects.filter(centre_id__in=ids, is_active=True).values_list(
            "centre_id", "kind"):
        resources[(cid, kind)] += 1
    open_days: dict[int, set[int]] = defaultdict(set)
    for cid, weekday in OpeningHours.objects.filter(centre_id__in=ids).values_list(
            "centre_id", "weekday"):
        open_days[cid].add(weekday)
    closed: dict[int, set[dt.date]] = defaultdict(set)
    for cid, first, last in Closure.objects.filter(
            centre_id__in=ids, start_date__lte=period.last, end_date__gte=period.first
    ).values_list("centre_id", "start_date", "end_date"):
        day = first
        while day <= last:
            closed[cid].add(day)
            day += dt.timedelta(days=1)
    names = {c.pk: c.name for c in centres}
    by_slot: list[dict[str, Any]] = []
    day = period.first
    while day <= period.last:
        dnum = (day - EPOCH_DAY0).days
        for (cid, kind), n in sorted(resources.items()):
            is_open = day.weekday() in open_days[cid] and day not in closed[cid]
            for slot in SLOTS:
                ws, we = windows[cid][slot]
                cap = n * (we - ws) if is_open else 0
                b, u = booked.get((cid, kind, dnum, slot), (0, 0))
                if not cap and not b:
                    continue
                by_slot.append({
                    "centre_id": cid, "centre": names[cid], "kind": kind, "date": day.isoformat(),
                    "weekday": day.weekday(), "slot": slot, "capacity_hours": round(cap / 3600, 2),
                    "booked_hours": round(b / 3600, 2), "checked_in_hours": round(u / 3600, 2),
                    "booked_share": _share(b, cap), "checked_in_share": _share(u, cap),
                    "free_share": round(max(0.0, 1 - b / cap), 4) if cap else 0.0,
                    "_cap": cap, "_b": b, "_u": u,
                })
        day += dt.timedelta(days=1)
    return {
        "summary": _summary(by_slot, ids, names, period),
        "heatmap": _heatmap(by_slot),
        "series": _series(by_slot),
        "busiest_days": _busiest(by_slot),
        "by_slot": [{k: v for k, v in r.items() if not k.startswith("_")} for r in by_slot],
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _summary(rows, ids, names, period: Period) -> list[dict[str, Any]]:
    start, end = period.bounds()
    due = (Q(state__in=["checked_in", "completed", "no_show"]))
    counts = {
        (r["centre_id"], r["resource__kind"]): (r["no_shows"], r["due"], r["bookings"])
        for r in Booking.objects.filter(centre_id__in=ids, start__lt=end, end__gt=start).exclude(state="cancelled")
        .values("centre_id", "resource__kind")
        .annotate(no_shows=Count("id", filter=Q(state="no_show")), due=Count("id", filter=due),
                  bookings=Count("id"))
    }
    agg: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        a = agg[(r["centre_id"], r["kind"])]
        a[0] += r["_cap"]
        a[1] += r["_b"]
        a[2] += r["_u"]
    out = []
    for (cid, kind), (cap, b, u) in sorted(agg.items()):
        no_shows, due_n, n = counts.get((cid, kind), (0, 0, 0))
        out.append({
            "centre_id": cid, "centre": names[cid], "kind": kind, "bookings": n,
            "capacity_hours": round(cap / 3600, 2), "booked_hours": round(b / 3600, 2),
            "checked_in_hours": round(u / 3600, 2), "booked_share": _share(b, cap),
            "checked_in_share": _share(u, cap), "free_share": round(max(0.0, 1 - b / cap), 4) if cap else 0.0,
            "no_shows": no_shows, "no_show_rate": round(no_shows / due_n, 4) if due_n else None,
        })
    return out


def _heatmap(rows) -> list[dict[str, Any]]:
    """Booked share per weekday x slot over the period (capacity-weighted)."""
    agg: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        a = agg[(r["weekday"], r["slot"])]
        a[0] += r["_cap"]
        a[1] += r["_b"]
    return [{"weekday": wd, "slot": slot, "booked_share": _share(b, cap)}
            for (wd, slot), (cap, b) in sorted(agg.items(), key=lambda kv: (kv[0][0], SLOTS.index(kv[0][1])))]


def _series(rows) -> list[dict[str, Any]]:
    agg: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        a = agg[r["date"]]
        a[0] += r["_cap"]
        a[1] += r["_b"]
        a[2] += r["_u"]
    return [{"date": d, "booked_share": _share(b, cap), "checked_in_share": _share(u, cap)}
            for d, (cap, b, u) in sorted(agg.items())]


def _busiest(rows, top: int = 5) -> list[dict[str, Any]]:
    series = _series(rows)
    return sorted(series, key=lambda r: (-r["booked_share"], r["date"]))[:top]
