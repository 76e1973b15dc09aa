"""Booking mails (confirmation, change, cancellation) with the .ics attached.

Called from a task after commit, with primary keys only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from smartwork.bookings.choices import BookingState
from smartwork.bookings.ical import booking_ics, calendar_for
from smartwork.bookings.models import Booking, BookingSeries
from smartwork.bookings.slots import to_local

SUBJECTS = {
    "confirmed": "Booking confirmed: {resource}, {centre}, {when}",
    "changed": "Booking changed: {resource}, {centre}, {when}",
    "cancelled": "Booking cancelled: {resource}, {centre}, {when}",
}


def _when(booking: Booking) -> str:
    start = to_local(booking.start, booking.centre.timezone)
    end = to_local(booking.end, booking.centre.timezone)
    return f"{start:%a %d %b %Y %H:%M}–{end:%H:%M}"


def _recipients(booking_member_email: str, booked_by_email: str) -> tuple[list[str], list[str]]:
    cc = [booked_by_email] if booked_by_email and booked_by_email != booking_member_email else []
    return [booking_member_email], cc


def send_booking_mail(*, kind: str, booking_id: int) -> None:
    booking = (Booking.objects.select_related("centre", "resource", "member", "booked_by")
               .filter(pk=booking_id).first())
    if booking is None:
        return
    with translation.override(booking.member.language or settings.LANGUAGE_CODE):
        context = {
            "booking": booking, "kind": kind, "when": _when(booking),
            "on_behalf": booking.booked_by_id != booking.member_id,
            "base_url": settings.SMARTWORK["BASE_URL"],
        }
        body = render_to_string(f"bookings/email/{kind}.txt", context)
        subject = SUBJECTS[kind].format(resource=booking.resource.name,
                                        centre=booking.centre.name, when=context["when"])
    to, cc = _recipients(booking.member.email, booking.booked_by.email)
    message = EmailMessage(subject=subject, body=body, to=to, cc=cc)
    message.attach(f"booking-{booking.pk}.ics", booking_ics(booking), "text/calendar")
    message.send()


def send_series_mail(*, series_id: int) -> None:
    series = (BookingSeries.objects.select_related("centre", "member", "booked_by", "resource")
              .filter(pk=series_id).first())
    if series is None:
        return
    bookings = list(series.occurrences.select_related("centre", "resource").order_by("start"))
    with translation.override(series.member.language or settings.LANGUAGE_CODE):
        body = render_to_string("bookings/email/series_confirmed.txt", {
            "series": series, "lines": [(b, _when(b)) for b in bookings],
            "on_behalf": series.booked_by_id != series.member_id,
        })
    to, cc = _recipients(series.member.email, series.booked_by.email)
    message = EmailMessage(
        subject=f"Bookings confirmed: {len(bookings)} dates at {series.centre.name}",
        body=body, to=to, cc=cc,
    )
    message.attach(f"series-{series.pk}.ics", calendar_for(bookings, method="PUBLISH"),
                   "text/calendar")
    message.send()
    pending = [b.pk for b in bookings if b.state == BookingState.PENDING_APPROVAL]
    if pending:
        from smartwork.bookings.approval_mails import send_approval_request

        send_approval_request(booking_ids=pending)
