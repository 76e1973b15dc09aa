"""The booking engine's hot statements, in plain SQL (issue #4).

Booking a desk was 16 ORM statements at about half a millisecond of Python each to
compile; these are the same reads and writes, written once: the resource with its
centre and network in one join, the opening hours and the closures of a day in one
UNION, the resource lock, and the re-check fused with the INSERT (`INSERT ... SELECT
... WHERE NOT EXISTS (overlap)`, one statement: on PostgreSQL it runs after the
resource's row lock, under a snapshot taken after it; on SQLite inside the IMMEDIATE
transaction). The exclusion constraint stays the last guard on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection

from smartwork.bookings.choices import LIVE_STATES
from smartwork.bookings.models import Booking
from smartwork.bookings.rules import CentreCalendar
from smartwork.core import fastsql
from smartwork.network.models import Centre, Network, Resource

_LIVE = [str(s.value) for s in LIVE_STATES]


_CALENDAR_COLS = 6  # weekday, opens, closes, start_date, end_date, reason


def _joined(where: str, params: list[Any], *, with_resource: bool, centre_of: str,
            days: tuple[dt.date, dt.date] | None) -> list[Any]:
    """The row of the resource (or centre) with its centre and network; with `days`,
    followed in the same statement by the centre's calendar rows for those days
    (`calendar_for`'s UNION, padded to the same columns)."""
    parts = []
    if with_resource:
        parts.append(fastsql.columns(Resource, "r")[0])
    parts += [fastsql.columns(Centre, "c")[0], fastsql.columns(Network, "n")[0]]
    source = ("network_resource r JOIN network_centre c ON c.id = r.centre_id"
              if with_resource else "network_centre c")
    # Typed NULLs for the dates: PostgreSQL types a UNION's columns branch by branch,
    # and two untyped NULLs would make them text before the closures' dates come.
    sql = (f"SELECT 0, {', '.join(parts)}, NULL, NULL, NULL, CAST(NULL AS date), "
           f"CAST(NULL AS date), NULL FROM {source} "
           f"JOIN network_network n ON n.id = c.network_id WHERE {where}")
    if days is not None:
        width = sum(len(fastsql.columns(m)[1]) for m in
                    ((Resource, Centre, Network) if with_resource else (Centre, Network)))
        pad = ", NULL" * width
        sql += (f" UNION ALL SELECT 1{pad}, weekday, opens, closes, NULL, NULL, NULL "
                f"FROM network_openinghours WHERE centre_id = {centre_of} UNION ALL "
                f"SELECT 2{pad}, NULL, NULL, NULL, start_date, end_date, reason "
                f"FROM network_closure WHERE centre_id = {centre_of} "
                "AND end_date >= %s AND start_date <= %s")
        params = [*params, *params, *params, connection.ops.adapt_datefield_value(days[0]),
                  connection.ops.adapt_datefield_value(days[1])]
    with fastsql.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return sorted(rows, key=lambda row: row[0])


def resource_with_centre(resource_id: int, days: tuple[dt.date, dt.date] | None = None,
                         ) -> Resource | None:
    """`Resource.objects.select_related("centre__network").filter(pk=...).first()`; with
    `days`, the centre's calendar for them comes in the same statement and is kept on
    the centre for `calendar_of`."""
    rows = _joined("r.id = %s", [resource_id], with_resource=True,
                   centre_of="(SELECT centre_id FROM network_resource WHERE id = %s)", days=days)
    if not rows or rows[0][0] != 0:
        return None
    resource = fastsql.from_row(Resource, rows[0], 1)
    offset = 1 + len(fastsql.columns(Resource)[1])
    resource.centre = _centre_from(rows[0], offset)
    _keep_calendar(resource.centre, days, rows)
    return resource


def centre_with_network(centre_id: int, days: tuple[dt.date, dt.date] | None = None,
                        ) -> Centre | None:
    """`Centre.objects.select_related("network").filter(pk=...).first()`; `days`: as
    `resource_with_centre`."""
    rows = _joined("c.id = %s", [centre_id], with_resource=False, centre_of="%s", days=days)
    if not rows or rows[0][0] != 0:
        return None
    centre = _centre_from(rows[0], 1)
    _keep_calendar(centre, days, rows)
    return centre


def _centre_from(row: Any, offset: int) -> Centre:
    centre = fastsql.from_row(Centre, row, offset)
    centre.network = fastsql.from_row(Network, row, offset + len(fastsql.columns(Centre)[1]))
    return centre


def _keep_calendar(centre: Centre, days: tuple[dt.date, dt.date] | None,
                   rows: list[Any]) -> None:
    if days is not None:
        centre._calendar_read = (days, _calendar(  # type: ignore[attr-defined]
            [(row[0] - 1, *row[-_CALENDAR_COLS:]) for row in rows[1:]]))


def calendar_of(centre: Centre, date_from: dt.date, date_to: dt.date) -> CentreCalendar:
    """The centre's calendar for these days: the one read with the centre when it covers
    them (`days=`), else `calendar_for`."""
    kept = getattr(centre, "_calendar_read", None)
    if kept is not None and kept[0][0] <= date_from and date_to <= kept[0][1]:
        return kept[1]
    return calendar_for(centre.pk, date_from, date_to)


def _as_time(value: Any) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def calendar_for(centre_id: int, date_from: dt.date, date_to: dt.date) -> CentreCalendar:
    """`rules.calendars_for([centre_id], ...)` in one statement."""
    with fastsql.cursor() as cursor:
        cursor.execute(
            "SELECT 0, weekday, opens, closes, NULL, NULL, NULL FROM network_openinghours "
            "WHERE centre_id = %s UNION ALL "
            "SELECT 1, NULL, NULL, NULL, start_date, end_date, reason FROM network_closure "
            "WHERE centre_id = %s AND end_date >= %s AND start_date <= %s",
            [centre_id, centre_id, connection.ops.adapt_datefield_value(date_from),
             connection.ops.adapt_datefield_value(date_to)])
        return _calendar(cursor.fetchall())


def _calendar(rows: Sequence[Sequence[Any]]) -> CentreCalendar:
    calendar = CentreCalendar()
    for kind, weekday, opens, closes, start, end, reason in rows:
        if kind == 0:
            calendar.hours.setdefault(int(weekday), []).append((_as_time(opens), _as_time(closes)))
        else:
            calendar.closures.append((_as_date(start), _as_date(end), reason))
    for intervals in calendar.hours.values():
        intervals.sort()  # a UNION's rows come in no set order
    return calendar


def lock_resource(resource_id: int) -> None:
    """PostgreSQL: the resource row, NO KEY UPDATE (bookings' foreign keys take KEY SHARE
    on it, which this does not block). SQLite: the IMMEDIATE transaction is the lock."""
    if connection.features.has_select_for_update:
        with fastsql.cursor() as cursor:
            cursor.execute("SELECT id FROM network_resource WHERE id = %s FOR NO KEY UPDATE",
                           [resource_id])


def _dt(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def lock_member(member_id: int) -> None:
    """PostgreSQL: the member's row, NO KEY UPDATE (serialises one member's desk
    bookings; always taken before the resource locks). SQLite: the IMMEDIATE
    transaction is the lock."""
    if connection.features.has_select_for_update:
        with fastsql.cursor() as cursor:
            cursor.execute("SELECT id FROM accounts_user WHERE id = %s FOR NO KEY UPDATE",
                           [member_id])


def lock_member_and_resource(member_id: int | None, resource_id: int) -> None:
    """`lock_member` then `lock_resource`, in one statement (PostgreSQL locks the rows of
    every table of a FOR ... UPDATE join: the member's, then the resource's). No member:
    the resource only."""
    if member_id is None:
        lock_resource(resource_id)
    elif connection.features.has_select_for_update:
        with fastsql.cursor() as cursor:
            cursor.execute("SELECT 1 FROM accounts_user u, network_resource r "
                           "WHERE u.id = %s AND r.id = %s FOR NO KEY UPDATE",
                           [member_id, resource_id])


def member_desk_at(member_id: int, start: dt.datetime, end: dt.datetime, kinds: Sequence[str],
                   exclude: int | None = None) -> tuple[int, str, str] | None:
    """The member's first live desk or office booking overlapping [start, end), as
    (booking id, resource name, centre name), or None (one statement, served by the
    `(member, start)` index)."""
    states = ", ".join(["%s"] * len(LIVE_STATES))
    marks = ", ".join(["%s"] * len(kinds))
    sql = (f"SELECT b.id, r.name, c.name FROM bookings_booking b "
           f"JOIN network_resource r ON r.id = b.resource_id "
           f"JOIN network_centre c ON c.id = b.centre_id "
           f"WHERE b.member_id = %s AND b.state IN ({states}) AND b.start < %s "
           f'AND b."end" > %s AND r.kind IN ({marks})')
    params: list[Any] = [member_id, *_LIVE, _dt(end), _dt(start), *map(str, kinds)]
    if exclude is not None:
        sql += " AND b.id <> %s"
        params.append(exclude)
    with fastsql.cursor() as cursor:
        cursor.execute(sql + " ORDER BY b.start LIMIT 1", params)
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], row[2])


def overlap_guard(resource_id: int, start: dt.datetime, end: dt.datetime) -> tuple[str, list[Any]]:
    marks = ", ".join(["%s"] * len(LIVE_STATES))
    return (f'SELECT 1 FROM bookings_booking WHERE resource_id = %s AND state IN ({marks}) '
            f'AND start < %s AND "end" > %s',
            [resource_id, *_LIVE, _dt(end), _dt(start)])


def _member_guard(member_id: int, start: dt.datetime, end: dt.datetime,
                  kinds: Sequence[str]) -> tuple[str, list[Any]]:
    states = ", ".join(["%s"] * len(LIVE_STATES))
    marks = ", ".join(["%s"] * len(kinds))
    return (f"SELECT 1 FROM bookings_booking b JOIN network_resource r ON r.id = b.resource_id "
            f"WHERE b.member_id = %s AND b.state IN ({states}) AND b.start < %s "
            f'AND b."end" > %s AND r.kind IN ({marks})',
            [member_id, *_LIVE, _dt(end), _dt(start), *map(str, kinds)])


def insert_if_free(booking: Booking, member_kinds: Sequence[str] = ()) -> bool:
    """Write `booking` unless a live booking overlaps it on its resource, or, with
    `member_kinds`, unless its member holds a live booking of those kinds at that time
    (one statement). The caller holds the resource's lock (and the member's)."""
    guard, params = overlap_guard(booking.resource_id, booking.start, booking.end)
    if member_kinds:
        other, more = _member_guard(booking.member_id, booking.start, booking.end, member_kinds)
        guard, params = f"{guard} UNION ALL {other}", [*params, *more]
    return fastsql.insert(booking, where_not_exists=(guard, params)) is not None


def busy_resources(resource_ids: Sequence[int], start: dt.datetime, end: dt.datetime) -> set[int]:
    if not resource_ids:
        return set()
    marks = ", ".join(["%s"] * len(resource_ids))
    states = ", ".join(["%s"] * len(LIVE_STATES))
    with fastsql.cursor() as cursor:
        cursor.execute(f'SELECT DISTINCT resource_id FROM bookings_booking WHERE resource_id IN '
                       f'({marks}) AND state IN ({states}) AND start < %s AND "end" > %s',
                       [*resource_ids, *_LIVE, _dt(end), _dt(start)])
        return {row[0] for row in cursor.fetchall()}


def active_resources(centre_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    """The centre's active resources as dicts (id, name, kind, capacity, equipment), by
    kind and name: the availability's list of resources."""
    equipment: Any = Resource._meta.get_field("equipment")
    sql = ("SELECT id, name, kind, capacity, equipment FROM network_resource "
           "WHERE centre_id = %s AND is_active = %s")
    params: list[Any] = [centre_id, True]
    if kind:
        sql += " AND kind = %s"
        params.append(kind)
    with fastsql.cursor() as cursor:
        cursor.execute(sql + " ORDER BY kind, name", params)
        rows = cursor.fetchall()
    return [{"id": rid, "name": name, "kind": rkind, "capacity": capacity,
             "equipment": equipment.from_db_value(equip, None, connection)}
            for rid, name, rkind, capacity, equip in rows]


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite keeps UTC without an offset
        value = value.replace(tzinfo=dt.UTC)
    return value  # type: ignore[no-any-return]


def live_spans(centre_id: int, first: dt.datetime,
               last: dt.datetime) -> list[tuple[int, dt.datetime, dt.datetime]]:
    """(resource id, start, end) of the centre's live bookings that touch [first, last)."""
    states = ", ".join(["%s"] * len(_LIVE))
    with fastsql.cursor() as cursor:
        cursor.execute(f'SELECT resource_id, start, "end" FROM bookings_booking '
                       f'WHERE centre_id = %s AND state IN ({states}) AND start < %s '
                       f'AND "end" > %s', [centre_id, *_LIVE, _dt(last), _dt(first)])
        return [(rid, _aware(a), _aware(b)) for rid, a, b in cursor.fetchall()]
