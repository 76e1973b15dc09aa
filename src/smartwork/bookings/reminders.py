"""Booking reminders: a mail the day before and an hour before the start, as each member
chooses in their profile (none by default), with a code the front desk scans.

Sent once, whatever the number of workers: the periodic job writes a `ReminderSent` row
(unique per booking and kind) in the same transaction as the mail's outbox row. A second
worker's insert of the same row waits for the first's commit and fails (PostgreSQL's
unique index; SQLite's writers are serialised), so it writes no mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartwork.bookings.choices import BookingState, ReminderChoice, ReminderKind
from smartwork.bookings.emails import booking_when, mail_language
from smartwork.bookings.models import Booking, ReminderPreference, ReminderSent
from smartwork.core.errors import InvalidInput
from smartwork.core.mail import mail_later

# kind -> (how long before the start, the choices that want it)
LEADS: dict[str, tuple[dt.timedelta, tuple[str, ...]]] = {
    ReminderKind.DAY_BEFORE: (dt.timedelta(hours=24),
                              (ReminderChoice.DAY_BEFORE, ReminderChoice.BOTH)),
    ReminderKind.HOUR_BEFORE: (dt.timedelta(hours=1),
                               (ReminderChoice.HOUR_BEFORE, ReminderChoice.BOTH)),
}
SENDER = "smartwork.bookings.reminders.reminder_mail_send"


def reminder_preference_get(*, member: Any) -> str:
    pref = ReminderPreference.objects.filter(member=member).first()
    return pref.when if pref else ReminderChoice.NONE.value


def reminder_preference_set(*, member: Any, when: str) -> str:
    if when not in ReminderChoice.values:
        raise InvalidInput(_("Choose when to be reminded."), code="unknown_reminder",
                           fields={"when": [_("Unknown choice.")]})
    ReminderPreference.objects.update_or_create(member=member, defaults={"when": when})
    return when


def _due(kind: str, now: dt.datetime) -> list[int]:
    """Confirmed bookings of members who want this reminder, starting within its lead
    (the day-before one not within the last hour, which is the other's), booked before
    the lead began (a booking made an hour ahead needs no reminder that hour), not yet
    reminded of."""
    lead, wants = LEADS[kind]
    qs = Booking.objects.filter(
        state=BookingState.CONFIRMED, start__gt=now, start__lte=now + lead,
        member__reminder_preference__when__in=wants,
        created_at__lte=F("start") - lead,
    ).exclude(reminders__kind=kind)
    if kind == ReminderKind.DAY_BEFORE:
        qs = qs.filter(start__gt=now + LEADS[ReminderKind.HOUR_BEFORE][0])
    return list(qs.order_by("start", "pk").values_list("pk", flat=True))


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Write the reminders due now to the outbox, each once; returns how many."""
    now = now or timezone.now()
    written = 0
    for kind in LEADS:
        for pk in _due(kind, now):
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(booking_id=pk, kind=kind)
                except IntegrityError:
                    continue  # another worker has it
                mail_later(SENDER, booking_id=pk, kind=kind)
                written += 1
    return written


def front_desk_url(booking: Booking) -> str:
    """What the reminder's code holds: the centre's arrivals page at this booking (the
    front desk scans it and checks the member in; only the centre's staff may open it)."""
    path = reverse("web:desk_today", args=[booking.centre_id])
    return f"{str(settings.SMARTWORK['BASE_URL']).rstrip('/')}{path}#arrival-{booking.pk}"


def reminder_qr_png(booking: Booking) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(front_desk_url(booking), error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def reminder_mail_send(*, booking_id: int, kind: str) -> None:
    """The reminder, in the member's language, if the booking still stands."""
    from email.message import MIMEPart

    booking = (Booking.objects.select_related("centre", "resource", "member")
               .filter(pk=booking_id, state=BookingState.CONFIRMED).first())
    if booking is None:
        return
    with translation.override(mail_language(booking.member)):
        when = booking_when(booking)
        context = {"booking": booking, "when": when, "kind": kind,
                   "base_url": settings.SMARTWORK["BASE_URL"]}
        what = {"resource": booking.resource.name, "centre": booking.centre.name, "when": when}
        subject = (_("Tomorrow: %(resource)s, %(centre)s, %(when)s") % what
                   if kind == ReminderKind.DAY_BEFORE
                   else _("In an hour: %(resource)s, %(centre)s, %(when)s") % what)
        text = render_to_string("bookings/email/reminder.txt", context)
        html = render_to_string("bookings/email/reminder.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[booking.member.email])
    message.attach_alternative(html, "text/html")
    image = MIMEPart()
    image.set_content(reminder_qr_png(booking), maintype="image", subtype="png",
                      disposition="inline", filename=f"check-in-{booking.pk}.png",
                      cid="<checkin-qr>")
    message.attach(image)
    message.send()


def reminders_on_home(*, member: Any, now: dt.datetime | None = None) -> list[Booking]:
    """The member's confirmed bookings starting in the next 24 hours (the home page's
    reminder), whatever their mail choice."""
    now = now or timezone.now()
    return list(Booking.objects.filter(
        member=member, state=BookingState.CONFIRMED, start__gt=now,
        start__lte=now + dt.timedelta(hours=24)).select_related("resource", "centre")
        .order_by("start")[:3])
