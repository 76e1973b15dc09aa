"""Reads: booking lists scoped by role, arrivals, and availability.

Availability is counted from booking rows, never from a counter; one centre's
availability costs a fixed number of queries whatever its number of resources.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.bookings import sql
from smartwork.bookings.choices import DAY_SLOTS, LIVE_STATES, BookingState, Slot
from smartwork.bookings.models import Booking, BookingSeries
from smartwork.bookings.rules import CentreCalendar, calendars_for
from smartwork.bookings.slots import (
    Span,
    check_grid,
    day_slot_times,
    free_ranges,
    inside_hours,
    local_time_of,
    parts_of,
    slot_span,
    zone,
)
from smartwork.core.errors import DomainError, InvalidInput, NotAuthenticated, NotFound
from smartwork.core.guard import YEAR_MAX, YEAR_MIN
from smartwork.core.permissions import require, roles_of
from smartwork.network.choices import RANGE_KINDS, SLOT_KINDS, LabelStatus, ResourceKind
from smartwork.network.models import Centre, Resource
from smartwork.network.selectors import CentreFilters, centre_list

MAX_AVAILABILITY_DAYS = 31


# --- Bookings -------------------------------------------------------------------


def _scope(actor: Any) -> Q:
    """What the actor may see: own bookings, plus their centres, staff and networks."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    roles = roles_of(actor)
    if roles.superuser:
        return Q()
    scope = Q(member_id=actor.pk) | Q(booked_by_id=actor.pk)
    centres = roles.manager_centres | roles.receptionist_centres
    if centres:
        scope |= Q(centre_id__in=centres)
    if roles.admin_companies:
        scope |= Q(member__company_id__in=roles.admin_companies)
    if roles.operator_networks:
        scope |= Q(centre__network_id__in=roles.operator_networks)
    return scope


@dataclass(frozen=True)
class BookingFilters:
    member: int | None = None
    centre: int | None = None
    resource: int | None = None
    series: int | None = None
    state: Sequence[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def booking_queryset() -> QuerySet[Booking]:
    return Booking.objects.select_related("centre", "resource", "member")


def booking_list(*, actor: Any, filters: BookingFilters | None = None) -> QuerySet[Booking]:
    f = filters or BookingFilters()
    qs = booking_queryset().filter(_scope(actor))
    if f.member is not None:
        qs = qs.filter(member_id=f.member)
    if f.centre is not None:
        qs = qs.filter(centre_id=f.centre)
    if f.resource is not None:
        qs = qs.filter(resource_id=f.resource)
    if f.series is not None:
        qs = qs.filter(series_id=f.series)
    if f.state:
        qs = qs.filter(state__in=list(f.state))
    tz = timezone.get_current_timezone()
    if f.date_from is not None:
        qs = qs.filter(end__gt=dt.datetime.combine(f.date_from, dt.time(0), tzinfo=tz))
    if f.date_to is not None:
        qs = qs.filter(start__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1),
                                                     dt.time(0), tzinfo=tz))
    return qs.order_by("start", "id")


def booking_get(*, actor: Any, booking_id: int) -> Booking:
    booking = (booking_queryset().select_related("centre__network", "booked_by")
               .filter(_scope(actor), pk=booking_id).first())
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def series_get(*, actor: Any, series_id: int) -> BookingSeries:
    scope = _scope(actor)
    visible = Booking.objects.filter(scope, series_id=series_id)
    series = (BookingSeries.objects.select_related("centre__network", "member", "resource")
              .filter(pk=series_id).first())
    if series is None or not (roles_of(actor).superuser or series.member_id == actor.pk
                              or series.booked_by_id == actor.pk or visible.exists()):
        raise NotFound(_("No such series."))
    return series


def arrivals(*, actor: Any, centre: Centre, on: dt.date) -> QuerySet[Booking]:
    """The day's bookings at a centre, for the front desk."""
    require(actor, "centre.front_desk", centre=centre)
    start = dt.datetime.combine(on, dt.time(0), tzinfo=zone(centre.timezone))
    end = start + dt.timedelta(days=1)
    return (booking_queryset().filter(centre=centre, start__lt=end, end__gt=start)
            .exclude(state=BookingState.CANCELLED).order_by("start", "member__last_name"))


@dataclass
class FrontDeskDay:
    """A centre's day at the front desk, one list for every count: `arrivals` is the
    table (the day's bookings but the cancelled ones), `expected` those of them still to
    check in (confirmed), `present` those checked in whose time runs now. The front
    desk's "N expected", the home page's and the list are counted from the same rows."""

    centre: Centre
    on: dt.date
    arrivals: list[Booking]
    expected: list[Booking]
    present: list[Booking]


def front_desk_day(*, actor: Any, centre: Centre, on: dt.date,
                   now: dt.datetime | None = None) -> FrontDeskDay:
    now = now or timezone.now()
    rows = list(arrivals(actor=actor, centre=centre, on=on))
    return FrontDeskDay(
        centre=centre, on=on, arrivals=rows,
        expected=[b for b in rows if b.state == BookingState.CONFIRMED],
        present=[b for b in rows if b.state == BookingState.CHECKED_IN and b.end > now])


def calendar_bookings(*, member: User) -> QuerySet[Booking]:
    """The feed: from 30 days ago on, cancellations included (so clients drop them)."""
    since = timezone.now() - dt.timedelta(days=30)
    return (Booking.objects.select_related("centre", "resource")
            .filter(member=member, end__gte=since).order_by("start"))


# --- Availability ---------------------------------------------------------------


def _dates(date_from: dt.date, date_to: dt.date | None) -> list[dt.date]:
    date_to = date_to or date_from
    if not (date_from.year >= YEAR_MIN and date_to.year <= YEAR_MAX):
        # The API's schemas and the pages' DayField keep dates in these years; a caller
        # that does not (the day after 9999-12-31 overflows) gets the same answer.
        why = _("Dates must lie between the years %(min)s and %(max)s.") % {
            "min": YEAR_MIN, "max": YEAR_MAX}
        raise InvalidInput(why, code="year_out_of_range", fields={"date_from": [why]})
    if date_to < date_from:
        raise InvalidInput(_("date_to is before date_from."), code="end_before_start",
                           fields={"date_to": [_("Before date_from.")]})
    n = (date_to - date_from).days + 1
    if n > MAX_AVAILABILITY_DAYS:
        raise InvalidInput(_("At most %(n)d days at once.") % {"n": MAX_AVAILABILITY_DAYS},
                           code="range_too_long", fields={"date_to": [_("Too far.")]})
    return [date_from + dt.timedelta(days=i) for i in range(n)]


def _day_state(centre: Centre, calendar: CentreCalendar, on: dt.date) -> tuple[bool, str]:
    if centre.label_status != LabelStatus.LABELLED:
        return False, _("Not labelled: no bookings.")
    reason = calendar.closure_reason(on)
    if reason is not None:
        return False, reason
    if not calendar.intervals(on):
        return False, _("Closed that weekday.")
    return True, ""


def _span_or_none(centre: Any, on: dt.date, slot: str) -> Span | None:
    try:
        return slot_span(centre, on, slot)
    except DomainError:
        return None


def availability_for_centre(
    *, centre: Centre, date_from: dt.date, date_to: dt.date | None = None,
    slot: str | None = None, kind: str | None = None, now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Each active resource and its free slots per date (desks: morning, afternoon,
    full day; rooms: free local time ranges). Three queries whatever the size."""
    now = now or timezone.now()
    days = _dates(date_from, date_to)
    if slot is not None and slot not in Slot.values:
        raise InvalidInput(_("Unknown slot."), code="unknown_slot", fields={"slot": [_("Unknown.")]})
    # Three plain statements (bookings/sql.py): this route is polled by every page.
    resources = sql.active_resources(centre.pk, kind or None)
    calendar = sql.calendar_of(centre, days[0], days[-1])
    tz = centre.timezone
    first = dt.datetime.combine(days[0], dt.time(0), tzinfo=zone(tz))
    last = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(0), tzinfo=zone(tz))
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for rid, start, end in sql.live_spans(centre.pk, first, last):
        busy[rid].append((start, end))

    day_rows = []
    spans: dict[tuple[dt.date, str], Span | None] = {}
    open_days = []
    for on in days:
        is_open, reason = _day_state(centre, calendar, on)
        day_rows.append({"date": on, "open": is_open, "reason": reason,
                         "hours": [{"opens": o, "closes": c} for o, c in calendar.intervals(on)]})
        if is_open:
            open_days.append(on)
            for s in DAY_SLOTS:
                span = _span_or_none(centre, on, s)
                ok = span is not None and inside_hours(parts_of(span, centre), calendar.intervals(on))
                spans[(on, s)] = span if ok else None

    out_resources = []
    for resource in resources:
        slots: list[dict[str, Any]] = []
        taken = busy.get(resource["id"], [])
        for on in open_days:
            if resource["kind"] in SLOT_KINDS:
                if slot == Slot.RANGE:
                    continue
                for s in DAY_SLOTS:
                    if slot is not None and s != slot:
                        continue
                    span = spans[(on, s)]
                    if span is None:
                        continue
                    # Most desks have no booking that day: skip the scan then.
                    free = span.end > now and not (taken and any(
                        a < span.end and span.start < b for a, b in taken))
                    slots.append({"date": on, "slot": s, "start": span.start_local,
                                  "end": span.end_local, "free": free})
            elif resource["kind"] in RANGE_KINDS:
                if slot is not None and slot != Slot.RANGE:
                    continue
                day_busy = [(local_time_of(a, tz, on), local_time_of(b, tz, on)) for a, b in taken
                            if local_time_of(a, tz, on) < local_time_of(b, tz, on)]
                for a, b in free_ranges(calendar.intervals(on), day_busy):
                    slots.append({"date": on, "slot": Slot.RANGE, "start": a, "end": b,
                                  "free": True})
        out_resources.append({
            **resource, "equipment": resource["equipment"] or [], "slots": slots,
            "free_count": sum(1 for s in slots if s["free"]),
        })
    return {"centre_id": centre.pk, "timezone": tz, "date_from": days[0], "date_to": days[-1],
            "days": day_rows, "resources": out_resources}


def _near_point(actor: Any, near: tuple[float, float] | None) -> tuple[float, float]:
    if near is not None:
        return near
    if actor is not None and getattr(actor, "home_lat", None) is not None \
            and actor.home_lon is not None:
        return float(actor.home_lat), float(actor.home_lon)
    raise InvalidInput(_("Give near=lat,lon or set your home location."), code="no_location",
                       fields={"near": [_("Required: no home location on your profile.")]})


def _centres_near(actor: Any, near: tuple[float, float], within_km: float,
                  centre_ids: Sequence[int] | None = None) -> list[Any]:
    centres = centre_list(filters=CentreFilters(near=near, within_km=within_km, bookable_by=actor))
    if centre_ids:
        wanted = set(centre_ids)
        centres = [c for c in centres if c.pk in wanted]
    return centres


def desks_free_near(
    *, actor: User, on: dt.date, slot: str, near: tuple[float, float] | None = None,
    within_km: float = 25.0, now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Centres the member may book, near a point (or home), with their free desks
    for one date and slot, nearest first. Only centres with a free desk are listed."""
    now = now or timezone.now()
    if slot not in DAY_SLOTS:
        raise InvalidInput(_("Desks are booked by morning, afternoon or full day."),
                           code="slot_not_for_resource", fields={"slot": [_("Not a desk slot.")]})
    point = _near_point(actor, near)
    centres = _centres_near(actor, point, within_km)
    if not centres:
        return []
    ids = [c.pk for c in centres]
    calendars = calendars_for(ids, date_from=on, date_to=on)
    spans: dict[int, Span] = {}
    for c in centres:
        is_open, _reason = _day_state(c, calendars[c.pk], on)
        span = _span_or_none(c, on, slot) if is_open else None
        if span is not None and span.end > now and inside_hours(
                parts_of(span, c), calendars[c.pk].intervals(on)):
            spans[c.pk] = span
    if not spans:
        return []
    earliest = min(s.start for s in spans.values())
    latest = max(s.end for s in spans.values())
    desks: dict[int, set[int]] = defaultdict(set)
    for rid, cid in Resource.objects.filter(
        centre_id__in=list(spans), kind=ResourceKind.DESK, is_active=True,
    ).values_list("pk", "centre_id"):
        desks[cid].add(rid)
    taken: dict[int, set[int]] = defaultdict(set)
    for rid, cid, start, end in Booking.objects.filter(
        centre_id__in=list(spans), resource__kind=ResourceKind.DESK, state__in=LIVE_STATES,
        start__lt=latest, end__gt=earliest,
    ).values_list("resource_id", "centre_id", "start", "end"):
        span = spans[cid]
        if start < span.end and span.start < end:
            taken[cid].add(rid)
    out = []
    for c in centres:
        span = spans.get(c.pk)
        if span is None:
            continue
        free = len(desks[c.pk] - taken[c.pk])
        if free:
            out.append({"centre": c, "distance_km": c.distance_km, "free_desks": free,
                        "date": on, "slot": slot, "start": span.start_local,
                        "end": span.end_local})
    return out


def rooms_free(
    *, actor: User, on: dt.date, start_time: dt.time, end_time: dt.time, min_capacity: int = 1,
    equipment: Sequence[str] | None = None, near: tuple[float, float] | None = None,
    within_km: float = 25.0, centre: Centre | None = None, now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Meeting and telepresence rooms free for a local time range, with capacity
    and equipment, in one centre or near a point (or home), nearest first."""
    now = now or timezone.now()
    check_grid(start_time, end_time)
    if centre is not None:
        centres = _centres_near(actor, (float(centre.lat), float(centre.lon)), 0.5,
                                centre_ids=[centre.pk])
    else:
        centres = _centres_near(actor, _near_point(actor, near), within_km)
    if not centres:
        return []
    ids = [c.pk for c in centres]
    calendars = calendars_for(ids, date_from=on, date_to=on)
    spans: dict[int, Span] = {}
    for c in centres:
        is_open, _reason = _day_state(c, calendars[c.pk], on)
        if not is_open:
            continue
        try:
            span = slot_span(c, on, Slot.RANGE, start_time, end_time)
        except DomainError:
            continue
        if span.end > now and inside_hours(parts_of(span, c), calendars[c.pk].intervals(on)):
            spans[c.pk] = span
    if not spans:
        return []
    rooms = [r for r in Resource.objects.filter(
        centre_id__in=list(spans), kind__in=list(RANGE_KINDS), is_active=True,
        capacity__gte=min_capacity,
    ).order_by("capacity", "name") if set(equipment or []) <= set(r.equipment or [])]
    busy = set()
    earliest = min(s.start for s in spans.values())
    latest = max(s.end for s in spans.values())
    for rid, cid, start, end in Booking.objects.filter(
        resource_id__in=[r.pk for r in rooms], state__in=LIVE_STATES,
        start__lt=latest, end__gt=earliest,
    ).values_list("resource_id", "centre_id", "start", "end"):
        span = spans[cid]
        if start < span.end and span.start < end:
            busy.add(rid)
    by_centre = {c.pk: c for c in centres}
    out = [{"resource": r, "centre": by_centre[r.centre_id],
            "distance_km": getattr(by_centre[r.centre_id], "distance_km", None),
            "date": on, "start": start_time, "end": end_time}
           for r in rooms if r.pk not in busy]
    out.sort(key=lambda row: (row["distance_km"] or 0, row["resource"].capacity))
    return out


__all__ = ["day_slot_times"]


# --- Approvals ------------------------------------------------------------------


def pending_approvals(*, actor: Any, company: Any) -> QuerySet[Booking]:
    """The company's bookings waiting for approval, the soonest to lapse first
    (the company's admins and its network's operator; others 403)."""
    require(actor, "company.credit", company=company)
    return (booking_queryset().select_related("booked_by")
            .filter(state=BookingState.PENDING_APPROVAL, member__company=company)
            .order_by("hold_until", "start", "id"))


# --- What the finder may offer a member (issue 20 §3) ---------------------------------


@dataclass
class BookingBlocker:
    """Why nothing can be booked for a date and slot, said to the member; `held` is
    their desk booking that day when that is the reason."""

    message: str
    held: Booking | None = None


def member_booking_blocker(*, member: User, on: dt.date, slot: str,
                           today: dt.date | None = None) -> BookingBlocker | None:
    """What would refuse every desk booking of `member` on `on` for `slot` whatever the
    centre: a date in the past or beyond their network's booking window, or a desk they
    already hold that day in an overlapping slot (the rules `booking_create` applies;
    a centre's own closures show on each centre)."""
    from django.utils.formats import date_format

    today = today or timezone.localdate()
    if on < today:
        return BookingBlocker(_("%(date)s is in the past: choose another day.")
                              % {"date": date_format(on, "DATE_FORMAT")})
    network = member.network
    if network is not None and on > today + dt.timedelta(days=network.booking_window_days):
        last = today + dt.timedelta(days=network.booking_window_days)
        return BookingBlocker(
            _("You can book up to %(n)d days ahead, until %(date)s: choose an earlier day.")
            % {"n": network.booking_window_days, "date": date_format(last, "DATE_FORMAT")})
    overlapping = [Slot.MORNING, Slot.AFTERNOON, Slot.FULL_DAY] if slot == Slot.FULL_DAY \
        else [slot, Slot.FULL_DAY]
    around = dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC)
    held = (Booking.objects.filter(member=member, state__in=LIVE_STATES,
                                   resource__kind__in=SLOT_KINDS, slot__in=overlapping,
                                   start__gte=around - dt.timedelta(days=1),
                                   start__lt=around + dt.timedelta(days=2))
            .select_related("resource", "centre").order_by("start"))
    for booking in held:
        if booking.start.astimezone(_zone(booking.centre)).date() == on:
            return BookingBlocker(
                _("You already hold a desk on %(date)s (%(resource)s, %(centre)s).")
                % {"date": date_format(on, "DATE_FORMAT"), "resource": booking.resource.name,
                   "centre": booking.centre.name}, held=booking)
    return None


def _zone(centre: Centre) -> Any:
    from smartwork.bookings.slots import zone

    return zone(centre.timezone)
