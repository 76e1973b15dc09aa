"""Booking mails (confirmation, change, cancellation) with the .ics attached.

Called from a task after commit, with primary keys only. Each mail is written, subject,
body, dates and attached event alike, in its member's language (`User.language`),
dates in the language's formats (`core.l10n`) and times in the centre's time zone.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartwork.bookings.choices import BookingState
from smartwork.bookings.ical import booking_ics, calendar_for
from smartwork.bookings.models import Booking, BookingSeries
from smartwork.bookings.slots import to_local
from smartwork.core.l10n import date_text, time_range_text


def mail_language(user: object) -> str:
    """The language a mail to this person is written in: theirs, else the site's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def booking_when(booking: Booking) -> str:
    """The booking's date and times in its centre's time zone, in the active language
    ('Thursday, Dec. 3, 2026 08:30–12:30', 'Jeudi 3 décembre 2026 08:30–12:30')."""
    return time_range_text(to_local(booking.start, booking.centre.timezone),
                           to_local(booking.end, booking.centre.timezone))


def _subject(kind: str, booking: Booking, when: str) -> str:
    what = {"resource": booking.resource.name, "centre": booking.centre.name, "when": when}
    if kind == "confirmed":
        return _("Booking confirmed: %(resource)s, %(centre)s, %(when)s") % what
    if kind == "changed":
        return _("Booking changed: %(resource)s, %(centre)s, %(when)s") % what
    if kind == "cancelled":
        return _("Booking cancelled: %(resource)s, %(centre)s, %(when)s") % what
    raise ValueError(f"No booking mail {kind!r}.")


def _recipients(booking_member_email: str, booked_by_email: str) -> tuple[list[str], list[str]]:
    cc = [booked_by_email] if booked_by_email and booked_by_email != booking_member_email else []
    return [booking_member_email], cc


def send_booking_mail(*, kind: str, booking_id: int) -> None:
    booking = (Booking.objects.select_related("centre", "resource", "member", "booked_by")
               .filter(pk=booking_id).first())
    if booking is None:
        return
    with translation.override(mail_language(booking.member)):
        context = {
            "booking": booking, "kind": kind, "when": booking_when(booking),
            "on_behalf": booking.booked_by_id != booking.member_id,
            "base_url": settings.SMARTWORK["BASE_URL"],
        }
        body = render_to_string(f"bookings/email/{kind}.txt", context)
        subject = _subject(kind, booking, context["when"])
        ics = booking_ics(booking)
    to, cc = _recipients(booking.member.email, booking.booked_by.email)
    message = EmailMessage(subject=subject, body=body, to=to, cc=cc)
    message.attach(f"booking-{booking.pk}.ics", ics, "text/calendar")
    message.send()


def _skipped(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The dates a series could not book, written in the active language."""
    shown = []
    for row in rows:
        try:
            day = date_text(dt.date.fromisoformat(row.get("date", "")))
        except ValueError:
            day = row.get("date", "")
        shown.append({**row, "date": day})
    return shown


def send_series_mail(*, series_id: int) -> None:
    series = (BookingSeries.objects.select_related("centre", "member", "booked_by", "resource")
              .filter(pk=series_id).first())
    if series is None:
        return
    bookings = list(series.occurrences.select_related("centre", "resource").order_by("start"))
    with translation.override(mail_language(series.member)):
        body = render_to_string("bookings/email/series_confirmed.txt", {
            "series": series, "lines": [(b, booking_when(b)) for b in bookings],
            "skipped": _skipped(series.skipped or []),
            "on_behalf": series.booked_by_id != series.member_id,
        })
        subject = ngettext("Bookings confirmed: %(n)d date at %(centre)s",
                           "Bookings confirmed: %(n)d dates at %(centre)s",
                           len(bookings)) % {"n": len(bookings), "centre": series.centre.name}
        ics = calendar_for(bookings, method="PUBLISH")
    to, cc = _recipients(series.member.email, series.booked_by.email)
    message = EmailMessage(subject=subject, body=body, to=to, cc=cc)
    message.attach(f"series-{series.pk}.ics", ics, "text/calendar")
    message.send()
    pending = [b.pk for b in bookings if b.state == BookingState.PENDING_APPROVAL]
    if pending:
        from smartwork.bookings.approval_mails import send_approval_request

        send_approval_request(booking_ids=pending)
