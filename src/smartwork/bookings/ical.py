"""iCalendar: one .ics per booking and a member's private feed.

UIDs are stable (`booking-<id>@smartwork`) and SEQUENCE rises on every change,
so calendar clients replace the event; a cancelled booking is STATUS:CANCELLED.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking

PRODID = "-//smartwork//bookings//EN"


def _event(booking: Booking) -> Event:
    centre = booking.centre
    event = Event()
    event.add("uid", booking.ical_uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", booking.updated_at or timezone.now())
    event.add("dtstart", booking.start)
    event.add("dtend", booking.end)
    event.add("summary", f"{booking.resource.name} — {centre.name}")
    event.add("location", vText(f"{centre.name}, {centre.address}"))
    event.add("geo", (float(centre.lat), float(centre.lon)))
    if booking.state == BookingState.CANCELLED:
        event.add("status", "CANCELLED")
    elif booking.state == BookingState.PENDING_APPROVAL:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    # In the active language: the mails build their .ics in their reader's.
    event.add("description", _("Booking %(pk)s (%(slot)s), %(state)s") % {
        "pk": booking.pk, "slot": booking.get_slot_display(),
        "state": booking.get_state_display()})
    return event


def calendar_for(bookings: Iterable[Booking], *, name: str = "smartwork",
                 method: str | None = None, extra: Iterable[Event] = ()) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    if method:
        cal.add("method", method)
    for booking in bookings:
        cal.add_component(_event(booking))
    for event in extra:  # other apps' entries (bookings/feed_sources.py)
        cal.add_component(event)
    return cal.to_ical()


def booking_ics(booking: Booking) -> bytes:
    method = "CANCEL" if booking.state == BookingState.CANCELLED else "PUBLISH"
    return calendar_for([booking], method=method)
