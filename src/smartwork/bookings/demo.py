"""Demo bookings: four weeks of history, today's arrivals, and bookings to come.

Deterministic: the choices come from ctx["rng"] and the dates from ctx["today"].
History (past slots cannot be booked through the service) is written as rows
with their audit entries, including last month's pay-as-you-go bookings and their
charges (the billing demo month: three independents pay as they go, the Namur SME's
employees book beyond a credit it did not have yet, billed to it as overage); what lies ahead goes through the services, so the
rules, the payment and the audit are the real ones. No mail is sent.

Adds to ctx:
    bookings        [Booking]: every demo booking, past and future
    booking_series  [BookingSeries]
    colleagues_shown [User]: employees of the large account who show their bookings to
                    colleagues, booked at Namur on the next two working days
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartwork.bookings import services
from smartwork.bookings.choices import BookingState, CheckInVia, ConflictPolicy, SeriesKind, Slot
from smartwork.bookings.models import Booking
from smartwork.bookings.payment import booking_price
from smartwork.bookings.rules import calendars_for
from smartwork.bookings.slots import inside_hours, parts_of, slot_span
from smartwork.core.errors import DomainError
from smartwork.core.geo import haversine_km
from smartwork.core.models import AuditEntry
from smartwork.network.choices import LabelStatus, ResourceKind
from smartwork.network.models import Resource

HISTORY_DAYS = 28
HISTORY_MEMBERS = 90


def _nearest(member: Any, centres: list[Any], n: int) -> list[Any]:
    if member.home_lat is None or member.home_lon is None:
        return centres[:n]
    return sorted(centres, key=lambda c: haversine_km(float(member.home_lat),
                                                      float(member.home_lon),
                                                      float(c.lat), float(c.lon)))[:n]


def _history(ctx: dict[str, Any], centres: list[Any], desks: dict[int, list[Resource]],
             calendars: dict[int, Any], taken: set[tuple[int, dt.date, str]]) -> list[Booking]:
    """Past bookings: mostly completed, some no-shows and cancellations."""
    rng, today = ctx["rng"], ctx["today"]
    members = [m for m in ctx["members"] if m.network_id][:HISTORY_MEMBERS]
    rows: list[Booking] = []
    for member in members:
        favourites = _nearest(member, centres, 2)
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            if rng.random() > 0.3:
                continue
            centre = favourites[0] if rng.random() < 0.75 else favourites[-1]
            calendar = calendars[centre.pk]
            slot = rng.choice([Slot.MORNING, Slot.AFTERNOON, Slot.FULL_DAY, Slot.FULL_DAY])
            span = slot_span(centre, day, slot)
            if calendar.closure_reason(day) or not inside_hours(parts_of(span, centre),
                                                                calendar.intervals(day)):
                continue
            halves = [Slot.MORNING, Slot.AFTERNOON] if slot == Slot.FULL_DAY else [slot]
            free = [d for d in desks[centre.pk]
                    if all((d.pk, day, h) not in taken for h in halves)]
            if not free:
                continue
            desk = free[0]
            for h in halves:
                taken.add((desk.pk, day, h))
            roll = rng.random()
            booking = Booking(member=member, booked_by=member, resource=desk, centre=centre,
                              slot=slot, start=span.start, end=span.end)
            if roll < 0.85:
                booking.state = BookingState.COMPLETED
                booking.checked_in_at = span.start + dt.timedelta(minutes=rng.randint(0, 25))
                booking.checked_in_via = rng.choice([CheckInVia.RECEPTION, CheckInVia.QR,
                                                     CheckInVia.WIFI])
                booking.completed_at = span.end
            elif roll < 0.93:
                booking.state = BookingState.NO_SHOW
                booking.no_show_at = span.start + dt.timedelta(
                    minutes=centre.no_show_grace_minutes)
            else:
                booking.state = BookingState.CANCELLED
                booking.cancelled_at = span.start - dt.timedelta(days=2)
                booking.cancelled_by = member
                booking.cancel_reason = "Plans changed"
            rows.append(booking)
    prices: dict[tuple[int, str], Any] = {}
    for booking in rows:
        key = (booking.centre_id, booking.slot)
        if key not in prices:
            prices[key] = booking_price(booking=booking)
        booking.price_net, booking.vat_rate = prices[key]
        if booking.state == BookingState.CANCELLED and booking.price_net is not None:
            booking.price_net = booking.price_net * 0
    created = Booking.objects.bulk_create(rows)
    # bulk_create returns primary keys on both databases; timestamps follow the slot.
    for booking in created:
        Booking.objects.filter(pk=booking.pk).update(
            created_at=booking.start - dt.timedelta(days=3))
    AuditEntry.objects.bulk_create([
        AuditEntry(actor_id=b.member_id, action=f"booking.{action}", object_type="bookings.booking",
                   object_id=str(b.pk), object_repr=str(b)[:200], network_id=b.centre.network_id,
                   data={"demo": True})
        for b in created
        for action in ["created"] + {
            BookingState.COMPLETED: ["checked_in", "completed"],
            BookingState.NO_SHOW: ["no_show"],
            BookingState.CANCELLED: ["cancelled"],
        }[BookingState(b.state)]
    ])
    return created


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month before today's: the demo's closed month to invoice."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def _last_month_payg(ctx: dict[str, Any], centres: list[Any], desks: dict[int, list[Resource]],
                     calendars: dict[int, Any],
                     taken: set[tuple[int, dt.date, str]]) -> list[Booking]:
    """Completed pay-as-you-go bookings last month, with the charges billing invoices."""
    from smartwork.credits.choices import PaygBillTo
    from smartwork.credits.models import PaygCharge

    start, end = last_month(ctx["today"])
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    sme = ctx["companies"]["sme_namur"]
    sme_staff = [e for e in ctx["employees"]["sme_namur"]
                 if e.pk != ctx["company_admins"]["sme_namur"].pk][:3]
    # The first three independents paid as they went (their memberships start this
    # month); the others were members last month already (the credits loader).
    payers = ([(m, PaygBillTo.MEMBER, None, 4) for m in ctx["independents"][:3] if m.network_id]
              + [(m, PaygBillTo.COMPANY, sme, 3) for m in sme_staff])
    slots = [Slot.FULL_DAY, Slot.MORNING, Slot.AFTERNOON]
    rows: list[tuple[Booking, Any, Any, Decimal, Decimal]] = []
    for i, (member, bill_to, company, wanted) in enumerate(payers):
        own = [c for c in centres if c.network_id == member.network_id]
        favourites = _nearest(member, own, 2)
        made = 0
        for k, day in enumerate(days[i % 3::3]):
            if made == wanted:
                break
            centre = favourites[k % len(favourites)]
            slot = slots[(i + k) % 3]
            span = slot_span(centre, day, slot)
            calendar = calendars[centre.pk]
            if calendar.closure_reason(day) or not inside_hours(parts_of(span, centre),
                                                                calendar.intervals(day)):
                continue
            halves = [Slot.MORNING, Slot.AFTERNOON] if slot == Slot.FULL_DAY else [slot]
            free = [d for d in reversed(desks[centre.pk])
                    if all((d.pk, day, h) not in taken for h in halves)]
            if not free:
                continue
            for h in halves:
                taken.add((free[0].pk, day, h))
            booking = Booking(member=member, booked_by=member, resource=free[0], centre=centre,
                              slot=slot, start=span.start, end=span.end,
                              state=BookingState.COMPLETED, checked_in_at=span.start,
                              checked_in_via=CheckInVia.RECEPTION, completed_at=span.end)
            price_net, vat_rate = booking_price(booking=booking)
            if price_net is None or vat_rate is None:
                continue  # no price at that centre: nothing to charge
            booking.price_net, booking.vat_rate = price_net, vat_rate
            rows.append((booking, bill_to, company, price_net, vat_rate))
            made += 1
    created = Booking.objects.bulk_create([row[0] for row in rows])
    PaygCharge.objects.bulk_create([
        PaygCharge(booking=b, member=b.member, bill_to=bill_to, company=company,
                   centre=b.centre, slot=b.slot, resource_kind=b.resource.kind,
                   price_net=price_net, vat_rate=vat_rate,
                   service_date=timezone.localtime(b.start).date())
        for b, (_, bill_to, company, price_net, vat_rate) in zip(created, rows, strict=True)
    ])
    for booking in created:
        Booking.objects.filter(pk=booking.pk).update(
            created_at=booking.start - dt.timedelta(days=3))
    AuditEntry.objects.bulk_create([
        AuditEntry(actor_id=b.member_id, action=f"booking.{action}", object_type="bookings.booking",
                   object_id=str(b.pk), object_repr=str(b)[:200], network_id=b.centre.network_id,
                   data={"demo": True, "payment": "payg"})
        for b in created for action in ("created", "checked_in", "completed")
    ])
    return created


def _today(ctx: dict[str, Any], desks: dict[int, list[Resource]],
           calendars: dict[int, Any]) -> list[Booking]:
    """Today's arrivals at the receptionist's centre (when it is open today)."""
    centre = ctx["centre_staff"]["centre"]
    receptionist = ctx["centre_staff"]["receptionist"]
    today = ctx["today"]
    calendar = calendars.get(centre.pk)
    if calendar is None or calendar.closure_reason(today) or not calendar.intervals(today):
        return []
    now = timezone.now()
    out = []
    members = [m for m in ctx["members"] if m.network_id][HISTORY_MEMBERS:HISTORY_MEMBERS + 6]
    for i, member in enumerate(members):
        slot = [Slot.FULL_DAY, Slot.MORNING, Slot.AFTERNOON][i % 3]
        span = slot_span(centre, today, slot)
        if not inside_hours(parts_of(span, centre), calendar.intervals(today)):
            continue
        desk = desks[centre.pk][-(i + 1)]
        booking = Booking(member=member, booked_by=member, resource=desk, centre=centre,
                          slot=slot, start=span.start, end=span.end)
        booking.price_net, booking.vat_rate = booking_price(booking=booking)
        if i < 2 and span.start <= now < span.end:
            booking.state = BookingState.CHECKED_IN
            booking.checked_in_at = span.start + dt.timedelta(minutes=5 + i)
            booking.checked_in_via = CheckInVia.RECEPTION
            booking.checked_in_by = receptionist
        booking.save(force_insert=True)
        AuditEntry.objects.create(actor=member, action="booking.created",
                                  object_type="bookings.booking", object_id=str(booking.pk),
                                  object_repr=str(booking)[:200], network_id=centre.network_id,
                                  data={"demo": True})
        out.append(booking)
    return out


def _ahead(ctx: dict[str, Any], walloon: list[Any]) -> tuple[list[Booking], list[Any]]:
    """Bookings to come, through the services."""
    today, rng = ctx["today"], ctx["rng"]
    member = ctx["member"]
    namur = ctx["centre_staff"]["centre"]
    bookings: list[Booking] = []
    series_list = []

    def next_day(offset: int, weekday: int | None = None) -> dt.date:
        day = today + dt.timedelta(days=offset)
        while day.weekday() > 4 or (weekday is not None and day.weekday() != weekday):
            day += dt.timedelta(days=1)
        return day

    def attempt(**kwargs: Any) -> None:
        # A closure or a full centre that day: the demo goes on without that booking.
        with contextlib.suppress(DomainError):
            bookings.append(services.booking_create(notify=False, **kwargs))

    attempt(actor=member, centre=namur, slot=Slot.MORNING, on=next_day(1))
    room = Resource.objects.filter(centre=namur, kind=ResourceKind.MEETING_ROOM,
                                   is_active=True).first()
    if room is not None:
        attempt(actor=member, resource=room, slot=Slot.RANGE, on=next_day(2),
                start_time=dt.time(10, 0), end_time=dt.time(11, 30))
    try:
        result = services.series_create(
            actor=member, centre=None,
            resource=Resource.objects.filter(centre=namur, kind=ResourceKind.DESK,
                                             is_active=True).order_by("name").first(),
            slot=Slot.FULL_DAY, dates=services.weekly_dates(next_day(3, weekday=1), 6),
            kind=SeriesKind.WEEKLY, conflict_policy=ConflictPolicy.SKIP, notify=False,
        )
        bookings.extend(result.bookings)
        series_list.append(result.series)
    except DomainError:
        pass
    for key, admin in ctx["company_admins"].items():
        staff = [e for e in ctx["employees"][key] if e.pk != admin.pk][:3]
        for j, employee in enumerate(staff):
            centre = _nearest(employee, walloon, 1)[0]
            attempt(actor=admin, member=employee, centre=centre,
                    slot=rng.choice([Slot.MORNING, Slot.FULL_DAY]), on=next_day(2 + j))
    members = [m for m in ctx["members"] if m.network_id][:40]
    for k, someone in enumerate(members):
        centre = _nearest(someone, walloon, 1)[0]
        attempt(actor=someone, centre=centre, slot=rng.choice(list(Slot)[:3]),
                on=next_day(1 + k % 10))
    # one cancellation, so the calendar shows a cancelled event
    if bookings:
        services.booking_cancel(booking=bookings[-1], actor=bookings[-1].member,
                                reason="Réunion déplacée", notify=False)
    return bookings, series_list


def load(ctx: dict[str, Any]) -> None:
    centres = [c for c in ctx["centres"]["walloon"] + ctx["centres"]["mobispot"]
               if c.label_status == LabelStatus.LABELLED]
    walloon = [c for c in ctx["centres"]["walloon"] if c.label_status == LabelStatus.LABELLED]
    today = ctx["today"]
    calendars = calendars_for(
        [c.pk for c in centres],
        date_from=min(today - dt.timedelta(days=HISTORY_DAYS), last_month(today)[0]),
        date_to=today)
    desks: dict[int, list[Resource]] = {c.pk: [] for c in centres}
    for desk in Resource.objects.filter(centre__in=centres, kind=ResourceKind.DESK,
                                        is_active=True).order_by("name"):
        desks[desk.centre_id].append(desk)
    taken: set[tuple[int, dt.date, str]] = set()
    past = _history(ctx, centres, desks, calendars, taken)
    past += _last_month_payg(ctx, centres, desks, calendars, taken)
    now_rows = _today(ctx, desks, calendars)
    ahead, series = _ahead(ctx, walloon)
    ctx["bookings"] = past + now_rows + ahead
    ctx["booking_series"] = series
    from smartwork.bookings import demo_floorplan

    ctx["floor_plan"] = demo_floorplan.load(ctx)
    from smartwork.bookings import demo_favourites

    demo_favourites.load(ctx)
    ctx["colleagues_shown"] = _colleagues(ctx)


def _colleagues(ctx: dict[str, Any]) -> list[Any]:
    """Colleagues of the demo member (the large account) who show their bookings, booked
    in the middle of the Namur floor plan: two the next working day (one all day, one in
    the afternoon, when the member is free), one the day after; a fourth is booked too
    but did not allow it, so the member does not see them. Through the services; no
    random draw (the next loaders' draws stay the same)."""
    from smartwork.bookings.colleagues import colleague_sharing_set

    namur, member = ctx["centre_staff"]["centre"], ctx["member"]
    admin = ctx["company_admins"]["large"]
    staff = [e for e in ctx["employees"]["large"]
             if e.pk not in (member.pk, admin.pk) and e.network_id == namur.network_id][:12]
    desks = list(Resource.objects.filter(centre=namur, kind=ResourceKind.DESK, is_active=True)
                 .order_by("name"))
    desks = desks[len(desks) // 3:][:8]  # the middle rows of the plan, away from "any desk"
    first = ctx["today"] + dt.timedelta(days=1)
    while first.weekday() > 4:
        first += dt.timedelta(days=1)
    second = first + dt.timedelta(days=1)
    while second.weekday() > 4:
        second += dt.timedelta(days=1)
    wanted = [(first, Slot.FULL_DAY, True), (first, Slot.AFTERNOON, True),
              (second, Slot.FULL_DAY, True), (first, Slot.FULL_DAY, False)]
    shown: list[Any] = []
    used: set[int] = set()
    for on, slot, shows in wanted:
        booked = False
        for person in [p for p in staff if p.pk not in used]:
            for desk in desks:
                try:
                    services.booking_create(actor=person, resource=desk, slot=slot, on=on,
                                            notify=False)
                except DomainError as exc:
                    if exc.code == "slot_taken":
                        continue  # the next desk
                    break  # this person cannot book then: the next person
                booked = True
                break
            if booked:
                used.add(person.pk)
                if shows:
                    colleague_sharing_set(member=person, show=True)
                    shown.append(person)
                break
    return shown
