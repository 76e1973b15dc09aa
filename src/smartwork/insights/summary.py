"""The presence summary (`PresenceDay`): computed from the raw presence rows,
refreshed incrementally from a high-water mark, rebuilt on demand.

What one row holds (member m, centre c, local day d in c's time zone):
- a member's presence is the union of their intervals: checked-in and
  completed bookings from max(start, check-in) to end, WiFi sessions from
  start to end (or to the refresh time while open);
- each instant of that union belongs to the first interval covering it in the
  order (start, end, centre), so overlaps count once and every second has one
  centre; it is bucketed by that centre's time zone into a local day and a
  local hour (a presence crossing local midnight is split there);
- a visit is an island of touching or overlapping intervals; it is counted
  on the centre and local day where it starts.

Every value of a row depends only on the intervals that cover some instant of
that local day (give or take 14 hours of time zone), which is what makes the
incremental refresh exact: when a booking or a session changes, the member's
days around it (a day of margin each side) are deleted and recomputed from the
raw intervals that overlap them.

What changed since the last refresh, under the lock of the state row:
- bookings whose `updated_at` is at or after watermark - MARGIN (every booking
  service saves `updated_at`; the margin covers transactions that commit a
  little after they stamped their rows);
- WiFi sessions with `last_update_at` or `started_at` in that window, with an id
  above the last seen, or open at the last refresh (the stale sweep and the
  NAS-reboot close set `ended_at` without touching `last_update_at`).
Changing a centre's time zone, or deleting raw rows, needs a rebuild
(`smartwork manage rebuild_presence`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from smartwork.insights import sql
from smartwork.insights.models import HOUR_FIELDS, PresenceDay, PresenceSummaryState

log = logging.getLogger(__name__)

MARGIN = dt.timedelta(minutes=10)
# Reports refresh the summary when something changed since the watermark, and
# at most this often only to extend the sessions still open.
OPEN_SESSIONS_REFRESH = dt.timedelta(seconds=60)
DAY_S = 86400
EPOCH_DAY0 = dt.date(1970, 1, 1)
MEMBERS_PER_CHUNK = 1000

Key = tuple[int, int, int]  # member, centre, local day number (days since 1970-01-01)


class Offsets:
    """UTC offsets of one time zone, by UTC year, for integer epoch seconds."""

    def __init__(self, name: str) -> None:
        self.tz = zoneinfo.ZoneInfo(name)
        self._years: dict[int, tuple[list[int], list[int], int]] = {}

    def _offset(self, t: int) -> int:
        off = dt.datetime.fromtimestamp(t, tz=dt.UTC).astimezone(self.tz).utcoffset()
        return int(off.total_seconds()) if off else 0

    def _year(self, year: int) -> tuple[list[int], list[int], int]:
        got = self._years.get(year)
        if got is None:
            lo = int(dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp())
            hi = int(dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC).timestamp())
            starts, offs = [lo], [self._offset(lo)]
            t = lo
            while t + 3600 < hi:  # transitions are hours apart at least
                nxt = t + 3600
                off = self._offset(nxt)
                if off != offs[-1]:
                    a, b = t, nxt
                    while b - a > 1:
                        mid = (a + b) // 2
                        if self._offset(mid) == offs[-1]:
                            a = mid
                        else:
                            b = mid
                    starts.append(b)
                    offs.append(off)
                t = nxt
            got = self._years[year] = (starts, offs, hi)
        return got

    def at(self, t: int) -> tuple[int, int]:
        """The offset in force at t, and the instant it may next change."""
        year = 1970 + t // (365 * DAY_S + DAY_S // 4) if t >= 0 else 1969
        starts, offs, hi = self._year(year)
        if t >= hi:
            starts, offs, hi = self._year(year + 1)
        elif t < starts[0]:
            starts, offs, hi = self._year(year - 1)
        i = bisect.bisect_right(starts, t) - 1
        return offs[i], starts[i + 1] if i + 1 < len(starts) else hi

    def day_of(self, t: int) -> int:
        return (t + self.at(t)[0]) // DAY_S


def _record(acc: dict[Key, list[int]], key: Key) -> list[int]:
    rec = acc.get(key)
    if rec is None:
        rec = acc[key] = [0] * 26  # seconds, visits, 24 hours
    return rec


def _add(acc: dict[Key, list[int]], m: int, c: int, a: int, b: int, offs: Offsets) -> None:
    """Add [a, b) to member m at centre c, split at local midnights and hours."""
    t = a
    while t < b:
        off, change = offs.at(t)
        limit = min(b, change)
        while t < limit:
            local = t + off
            piece_end = min(limit, t + 3600 - local % 3600)
            rec = _record(acc, (m, c, local // DAY_S))
            rec[0] += piece_end - t
            rec[2 + (local % DAY_S) // 3600] += piece_end - t
            t = piece_end


def summarise(intervals: Iterable[tuple[int, int, int, int]],
              offsets: dict[int, Offsets]) -> dict[Key, list[int]]:
    """(member, centre, start, end) sorted by member, start, end, centre ->
    {(member, centre, local day): [seconds, visits, h0 .. h23]}."""
    acc: dict[Key, list[int]] = {}
    member: int | None = None
    cover = 0
    for m, c, s, e in intervals:
        if e <= s:
            continue
        offs = offsets[c]
        if m != member:
            member = m
            a = s
            _record(acc, (m, c, offs.day_of(s)))[1] += 1
        elif s > cover:
            a = s
            _record(acc, (m, c, offs.day_of(s)))[1] += 1
        else:
            a = cover
        if e > a:
            _add(acc, m, c, a, e, offs)
            cover = e
    return acc


def centre_offsets() -> dict[int, Offsets]:
    from smartwork.network.models import Centre

    by_name: dict[str, Offsets] = {}
    out: dict[int, Offsets] = {}
    for pk, name in Centre.objects.values_list("pk", "timezone"):
        name = name or "UTC"
        if name not in by_name:
            try:
                by_name[name] = Offsets(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                log.warning("centre %s: unknown time zone %r, UTC used", pk, name)
                by_name[name] = by_name.get("UTC") or Offsets("UTC")
        out[pk] = by_name[name]
    return out


def raw_intervals(*, member_ids: list[int] | None, window: tuple[int, int] | None,
                  now: dt.datetime, with_source: bool = False) -> list[Any]:
    """Presence intervals (member, centre, start, end), epoch seconds, sorted;
    of some members (None: all), overlapping [window] (closed; None: all time)."""
    now_s = int(now.timestamp())
    b_start = sql.greatest('b."start"', 'COALESCE(b.checked_in_at, b."start")')
    wb, wp = "", ""
    if member_ids is not None:
        marks = ", ".join(["%s"] * len(member_ids))
        wb += f" AND b.member_id IN ({marks})"
        wp += f" AND p.member_id IN ({marks})"
    if window is not None:
        lo = sql.db_datetime(dt.datetime.fromtimestamp(window[0], tz=dt.UTC))
        hi = sql.db_datetime(dt.datetime.fromtimestamp(window[1], tz=dt.UTC))
        wb += ' AND b."end" >= %s AND b."start" <= %s'
        wp += " AND (p.ended_at IS NULL OR p.ended_at >= %s) AND p.started_at <= %s"
    one: list[Any] = [*(member_ids or []), *([lo, hi] if window is not None else [])]
    params = one + one
    query = f"""
SELECT b.member_id, b.centre_id, {sql.epoch(b_start)}, {sql.epoch('b."end"')}, 'booking'
FROM bookings_booking b WHERE b.state IN ('checked_in', 'completed'){wb}
UNION ALL
SELECT p.member_id, p.centre_id, {sql.epoch('p.started_at')},
       COALESCE({sql.epoch('p.ended_at')}, {now_s}), 'wifi'
FROM wifi_presencesession p WHERE 1 = 1{wp}
ORDER BY 1, 3, 4, 2, 5
"""  # noqa: S608 -- only integers and placeholders are interpolated
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        if with_source:
            return [(int(m), int(c), int(s), int(e), src) for m, c, s, e, src in cursor.fetchall()]
        return [(int(m), int(c), int(s), int(e)) for m, c, s, e, _src in cursor.fetchall()]


def _date(day_no: int) -> dt.date:
    return EPOCH_DAY0 + dt.timedelta(days=day_no)


COLUMNS = ["member_id", "centre_id", "day", "weekday", "week", "month", "seconds", "visits",
           *HOUR_FIELDS]


def _insert(rows: list[tuple[Key, list[int]]]) -> None:
    """Write summary rows: COPY on PostgreSQL, executemany on SQLite (through
    the driver's cursor: Django's wrapper would format every parameter)."""
    if not rows:
        return

    def values() -> Iterator[tuple[Any, ...]]:
        for (m, c, d), rec in rows:
            day = _date(d)
            weekday = (d + 3) % 7  # 1970-01-01 was a Thursday
            yield (m, c, day if postgres else day.isoformat(), weekday, d - weekday,
                   day.year * 100 + day.month, *rec)

    postgres = sql.is_postgres()
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if postgres:
            with raw.copy(f"COPY insights_presenceday ({columns}) FROM STDIN") as copy:
                for row in values():
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            raw.executemany(f"INSERT INTO insights_presenceday ({columns}) VALUES ({marks})",  # noqa: S608
                            list(values()))


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _recompute(ranges: dict[int, list[tuple[int, int]]], *, now: dt.datetime,
               offsets: dict[int, Offsets]) -> int:
    """Replace the rows of each member's day ranges (local day numbers,
    inclusive) by rows recomputed from the raw intervals. Returns rows written."""
    written = 0
    for chunk in _chunks(sorted(ranges), MEMBERS_PER_CHUNK):
        lo = min(r[0] for m in chunk for r in ranges[m])
        hi = max(r[1] for m in chunk for r in ranges[m])
        # A local day spans UTC [d - 14 h, d + 1 + 12 h]: a day each side is enough.
        window = ((lo - 1) * DAY_S, (hi + 2) * DAY_S)
        acc = summarise(raw_intervals(member_ids=chunk, window=window, now=now), offsets)
        keep = [(k, v) for k, v in sorted(acc.items())
                if any(a <= k[2] <= b for a, b in ranges[k[0]])]
        conds = [Q(member_id=m, day__gte=_date(a), day__lte=_date(b))
                 for m in chunk for a, b in ranges[m]]
        # At most 200 ranges per statement: a longer OR chain passes SQLite's limit on
        # an expression's depth (1000) once members have many separate day ranges.
        for i in range(0, len(conds), 200):
            cond = Q()
            for c in conds[i:i + 200]:
                cond |= c
            PresenceDay.objects.filter(cond).delete()
        _insert(keep)
        written += len(keep)
    return written


@dataclass(frozen=True)
class RefreshResult:
    mode: str  # rebuild | refresh
    members: int
    rows: int


def _locked_state() -> PresenceSummaryState:
    PresenceSummaryState.objects.get_or_create(pk=1)
    return PresenceSummaryState.objects.select_for_update().get(pk=1)


def _rebuild(state: PresenceSummaryState, now: dt.datetime) -> RefreshResult:
    from smartwork.accounts.models import User
    from smartwork.wifi.models import PresenceSession

    offsets = centre_offsets()
    last_id = PresenceSession.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    PresenceDay.objects.all().delete()
    members = list(User.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for chunk in _chunks(members, MEMBERS_PER_CHUNK):
        acc = summarise(raw_intervals(member_ids=chunk, window=None, now=now), offsets)
        rows = sorted(acc.items())
        _insert(rows)
        written += len(rows)
    state.watermark = now
    state.last_session_id = last_id
    state.open_sessions = _open_sessions()
    state.refreshed_at = state.rebuilt_at = now
    state.save()
    return RefreshResult("rebuild", len(members), written)


def _open_sessions() -> list[int]:
    from smartwork.wifi.models import PresenceSession

    return list(PresenceSession.objects.filter(ended_at__isnull=True)
                .order_by("pk").values_list("pk", flat=True))


def _day_range(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    s, e = int(start.timestamp()), int(end.timestamp())
    return s // DAY_S - 1, max(s, e) // DAY_S + 1


def presence_summary_refresh(*, rebuild: bool = False) -> RefreshResult:
    """Bring the summary up to date: recompute the (member, day) rows touched
    by what changed since the watermark; rebuild everything the first time or
    when asked. Idempotent; two at once wait for each other (locked row)."""
    from smartwork.bookings.models import Booking
    from smartwork.wifi.models import PresenceSession

    with transaction.atomic():
        state = _locked_state()
        now = timezone.now()
        if rebuild or state.watermark is None:
            result = _rebuild(state, now)
            log.info("presence summary rebuilt: %s members, %s rows", result.members, result.rows)
            return result
        since = state.watermark - MARGIN
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for m, s, e, checked_in in Booking.objects.filter(updated_at__gte=since).values_list(
                "member_id", "start", "end", "checked_in_at"):
            first = min(s, checked_in) if checked_in else s
            spans[m].append(_day_range(first, max(e, checked_in or e)))
        were_open = set(state.open_sessions or [])
        changed = (Q(last_update_at__gte=since) | Q(started_at__gte=since)
                   | Q(pk__gt=state.last_session_id) | Q(ended_at__isnull=True))
        if were_open:
            changed |= Q(pk__in=sorted(were_open))
        last_id = state.last_session_id
        for pk, m, started, ended in PresenceSession.objects.filter(changed).values_list(
                "pk", "member_id", "started_at", "ended_at"):
            last_id = max(last_id, pk)
            # Open now, or open before (then counted up to the last refresh): up to now.
            end = now if (ended is None or pk in were_open) else ended
            spans[m].append(_day_range(started, max(end, started)))
        ranges = {m: _merge_ranges(v) for m, v in spans.items()}
        rows = _recompute(ranges, now=now, offsets=centre_offsets()) if ranges else 0
        state.watermark = now
        state.last_session_id = last_id
        state.open_sessions = _open_sessions()
        state.refreshed_at = now
        state.save()
    return RefreshResult("refresh", len(ranges), rows)


def presence_summary_is_stale(*, now: dt.datetime | None = None) -> bool:
    """Whether a report should refresh before it reads: something changed
    after the watermark, or open sessions were last extended a while ago."""
    from smartwork.bookings.models import Booking
    from smartwork.wifi.models import PresenceSession

    state = PresenceSummaryState.objects.filter(pk=1).first()
    if state is None or state.watermark is None:
        return True
    wm = state.watermark
    if Booking.objects.filter(updated_at__gt=wm).exists():
        return True
    if PresenceSession.objects.filter(Q(last_update_at__gt=wm) | Q(started_at__gt=wm)
                                      | Q(pk__gt=state.last_session_id)).exists():
        return True
    now = now or timezone.now()
    has_open = bool(state.open_sessions) or PresenceSession.objects.filter(
        ended_at__isnull=True).exists()
    return has_open and (state.refreshed_at is None
                         or now - state.refreshed_at >= OPEN_SESSIONS_REFRESH)


def presence_summary_ensure_fresh() -> None:
    if presence_summary_is_stale():
        presence_summary_refresh()
