"""Mails of the approval step, sent by the `booking_mail` task after commit (keys only).

- `pending_approval`: the member (the request is waiting, until when) and the company's
  admins (a request waits for them, with the link to their Approvals page);
- `approved`: the member, with the .ics attached;
- `rejected`: the member, with the reason;
- `approval_expired`: the member (nobody decided in time; the slot is free again).

Each mail is written in its reader's language (`User.language`: the member's, each
admin's own), dates in that language's formats (`core.l10n`) and times in the centre's
time zone, as the booking mails (`emails.booking_when`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from smartwork.accounts.choices import Role
from smartwork.accounts.models import User
from smartwork.bookings.emails import booking_when, mail_language
from smartwork.bookings.ical import booking_ics
from smartwork.bookings.models import Booking
from smartwork.bookings.slots import to_local
from smartwork.core.l10n import date_time_text

APPROVAL_MAILS = ("pending_approval", "approved", "rejected", "approval_expired")


def _subject(kind: str, booking: Booking) -> str:
    what = {"resource": booking.resource.name, "centre": booking.centre.name,
            "when": booking_when(booking)}
    if kind == "pending_approval":
        return _("Booking waiting for approval: %(resource)s, %(centre)s, %(when)s") % what
    if kind == "approved":
        return _("Booking approved: %(resource)s, %(centre)s, %(when)s") % what
    if kind == "rejected":
        return _("Booking request rejected: %(resource)s, %(centre)s, %(when)s") % what
    return _("Booking request lapsed: %(resource)s, %(centre)s, %(when)s") % what


def company_admins(*, company_id: int) -> list[User]:
    return list(User.objects.filter(roles__role=Role.COMPANY_ADMIN,
                                    roles__organisation_id=company_id, is_active=True)
                .distinct().order_by("pk"))


def _approvals_url(company_id: int) -> str:
    return f"{settings.SMARTWORK['BASE_URL'].rstrip('/')}/company/{company_id}/approvals/"


def _bookings(ids: Sequence[int]) -> list[Booking]:
    return list(Booking.objects.select_related("centre", "resource", "member", "booked_by")
                .filter(pk__in=list(ids)).order_by("start"))


def send_approval_mail(*, kind: str, booking_id: int) -> None:
    found = _bookings([booking_id])
    if not found:
        return
    booking = found[0]
    member = booking.member
    with translation.override(mail_language(member)):
        hold_until = (to_local(booking.hold_until, booking.centre.timezone)
                      if booking.hold_until else None)
        body = render_to_string(f"bookings/email/{kind}.txt", {
            "booking": booking, "when": booking_when(booking),
            "hold_until": date_time_text(hold_until) if hold_until else "",
            "base_url": settings.SMARTWORK["BASE_URL"],
        })
        subject = _subject(kind, booking)
        ics = booking_ics(booking) if kind == "approved" else None
    cc = ([booking.booked_by.email] if booking.booked_by_id != booking.member_id
          and booking.booked_by.email else [])
    message = EmailMessage(subject=subject, body=body, to=[member.email], cc=cc)
    if ics is not None:
        message.attach(f"booking-{booking.pk}.ics", ics, "text/calendar")
    message.send()
    if kind == "pending_approval":
        send_approval_request(booking_ids=[booking.pk])


def send_approval_request(*, booking_ids: Sequence[int]) -> None:
    """Tell the company's admins that requests are waiting for them (one mail each)."""
    bookings = [b for b in _bookings(booking_ids) if b.member.company_id]
    if not bookings:
        return
    company_id = bookings[0].member.company_id
    assert company_id is not None
    for admin in company_admins(company_id=company_id):
        if admin.pk == bookings[0].booked_by_id:
            continue  # the admin booked it themself: they know
        with translation.override(mail_language(admin)):
            body = render_to_string("bookings/email/approval_request.txt", {
                "admin": admin, "member": bookings[0].member,
                "lines": [(b, booking_when(b)) for b in bookings],
                "url": _approvals_url(company_id),
            })
            subject = _("%(member)s asks for your approval: %(n)d booking(s)") % {
                "member": bookings[0].member, "n": len(bookings)}
        EmailMessage(subject=subject, body=body, to=[admin.email]).send()
