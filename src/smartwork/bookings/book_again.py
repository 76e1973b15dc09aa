"""'Book again' (issue #20 §4): what a past booking becomes on another date. A read
only: it prepares the fields of the cost-before-booking page (`/book/confirm/`), which
quotes and then books through `booking_create`; nothing is booked here.

The same centre and slot (a room's same local times); the same desk or office when it
is still in service and free that day, else any free desk of the centre, with a note
saying why. A room no longer in service has no stand-in (a room is chosen for its size
and equipment): the member is sent to the centre's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.bookings.choices import BookingState, Slot
from smartwork.bookings.models import Booking
from smartwork.bookings.rules import calendars_for
from smartwork.bookings.selectors import availability_for_centre
from smartwork.bookings.slots import zone
from smartwork.core.errors import DomainError, NotFound
from smartwork.network.choices import SLOT_KINDS
from smartwork.network.models import Centre, Resource

# How far ahead the default date is looked for (a centre closed for a long holiday).
LOOK_AHEAD_DAYS = 31


def next_open_day(*, centre: Centre, after: dt.date) -> dt.date:
    """The first working day (Monday to Friday) after `after` on which the centre has
    opening hours and no closure; the first working day when none is found soon."""
    last = after + dt.timedelta(days=LOOK_AHEAD_DAYS)
    calendar = calendars_for([centre.pk], date_from=after, date_to=last)[centre.pk]
    first_workday = None
    day = after + dt.timedelta(days=1)
    while day <= last:
        if day.weekday() < 5:
            first_workday = first_workday or day
            if calendar.intervals(day) and calendar.closure_reason(day) is None:
                return day
        day += dt.timedelta(days=1)
    return first_workday or after + dt.timedelta(days=1)


@dataclass
class AgainPlan:
    """The fields of `/book/confirm/` for booking again, and a note for the member."""

    booking: Booking
    centre: Centre
    on: dt.date
    slot: str
    resource: Resource | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    note: str = ""
    room_gone: bool = False


def past_booking_of(*, member: User, booking_id: int) -> Booking:
    """One of the member's own bookings; anyone else's is 404, whatever the role."""
    booking = (Booking.objects.select_related("centre", "resource")
               .filter(pk=booking_id, member=member).first())
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def booking_again_plan(*, member: User, booking_id: int, on: dt.date) -> AgainPlan:
    booking = past_booking_of(member=member, booking_id=booking_id)
    centre, resource = booking.centre, booking.resource
    plan = AgainPlan(booking=booking, centre=centre, on=on, slot=booking.slot)
    if booking.slot == Slot.RANGE:
        tz = zone(centre.timezone)
        plan.start_time = booking.start.astimezone(tz).time()
        plan.end_time = booking.end.astimezone(tz).time()
        if resource.is_active:
            plan.resource = resource
        else:
            plan.room_gone = True
            plan.note = _("%(resource)s can no longer be booked: choose a room on the "
                          "centre's page.") % {"resource": resource.name}
        return plan
    # A past date keeps the place: the confirm page says the date is over, the real reason.
    in_past = on < timezone.localdate()
    if resource.kind in SLOT_KINDS and resource.is_active and (
            in_past or _free(resource, on, booking.slot)):
        plan.resource = resource
        return plan
    words = {"resource": resource.name, "date": date_format(on, "DATE_FORMAT"),
             "centre": centre.name}
    plan.note = (_("%(resource)s is not free on %(date)s: any free desk at %(centre)s "
                   "instead.") if resource.is_active else
                 _("%(resource)s can no longer be booked: any free desk at %(centre)s "
                   "instead.")) % words
    return plan


def _free(resource: Resource, on: dt.date, slot: str) -> bool:
    """Whether the place is free that day for the slot. A closed day counts as free: the
    confirm page then says the centre is closed, which is the real reason."""
    try:
        data = availability_for_centre(centre=resource.centre, date_from=on, slot=slot,
                                       kind=resource.kind)
    except DomainError:
        return True
    if not data["days"] or not data["days"][0]["open"]:
        return True
    for row in data["resources"]:
        if row["id"] == resource.pk:
            return any(s["free"] for s in row["slots"] if s["slot"] == slot)
    return False


def recent_past_bookings(*, member: User, limit: int = 3) -> list[Booking]:
    """The member's latest past bookings worth repeating (not cancelled), one per place
    and slot (a room's times count), newest first."""
    rows = (Booking.objects.filter(member=member, end__lte=timezone.now())
            .exclude(state=BookingState.CANCELLED)
            .select_related("centre", "resource").order_by("-start", "-id")[:50])
    seen: set[tuple[int, str, str]] = set()
    picked: list[Booking] = []
    for booking in rows:
        local = booking.start.astimezone(zone(booking.centre.timezone))
        key = (booking.resource_id, booking.slot,
               f"{local:%H:%M}" if booking.slot == Slot.RANGE else "")
        if key in seen:
            continue
        seen.add(key)
        picked.append(booking)
        if len(picked) == limit:
            break
    return picked
