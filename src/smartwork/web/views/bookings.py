"""The member's bookings: book in one click from the finder or a centre's page,
list, change, cancel, calendar files and feed, and check in with the QR code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.bookings import selectors as booking_selectors
from smartwork.bookings import services as booking_services
from smartwork.bookings.choices import BookingState, Slot
from smartwork.bookings.ical import booking_ics
from smartwork.bookings.qr import checkin_token_verify
from smartwork.bookings.slots import zone
from smartwork.core.errors import DomainError, InvalidInput
from smartwork.network import selectors as network_selectors
from smartwork.network.models import Resource
from smartwork.web.forms import BookForm, MoveForm
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, local_next, page


def next_working_day(today: dt.date | None = None) -> dt.date:
    """The default date to look for a desk: tomorrow, or Monday after a weekend."""
    day = (today or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def free_desks(*, centre: Any, on: dt.date, slot: str) -> int | None:
    """Free desks of a centre for a date and slot; None when it takes no booking then."""
    try:
        data = booking_selectors.availability_for_centre(
            centre=centre, date_from=on, slot=slot, kind="desk")
    except DomainError:
        return None
    if not data["days"] or not data["days"][0]["open"]:
        return None
    return sum(1 for r in data["resources"] for s in r["slots"] if s["free"])


def _back(request: HttpRequest, fallback: str) -> str:
    return local_next(request, request.POST.get("next"), fallback)


def booking_error_text(exc: DomainError) -> str:
    details = [m for msgs in exc.fields.values() for m in msgs if m != exc.message]
    return exc.message if not details else f"{exc.message} ({' '.join(details)})"


@login_required
@require_POST
@page
def book(request: AuthedRequest) -> HttpResponse:
    """One POST books: a desk anywhere in a centre for a slot, or a given room for a range."""
    form = BookForm(request.POST)
    fallback = "/centres/"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(_back(request, fallback))
    data = form.cleaned_data
    centre = network_selectors.centre_get(centre_id=data["centre"], viewer=request.user)
    resource = None
    if data.get("resource"):
        resource = Resource.objects.filter(pk=data["resource"], centre=centre).first()
        if resource is None:
            messages.error(request, _("No such resource."))
            return redirect(_back(request, fallback))
    try:
        booking = booking_services.booking_create(
            actor=request.user, slot=data["slot"], on=data["date"], centre=centre,
            resource=resource, start_time=data.get("start_time"), end_time=data.get("end_time"))
    except DomainError as exc:
        messages.error(request, booking_error_text(exc))
        return redirect(_back(request, fallback))
    what = {"what": booking.resource.name, "centre": centre.name, "when": _when(booking)}
    if booking.state == BookingState.PENDING_APPROVAL:
        messages.warning(request, _("Requested: %(what)s at %(centre)s, %(when)s. It is beyond "
                                    "your monthly limit and waits for your company's approval; "
                                    "you will get a mail.") % what)
    else:
        messages.success(request, _("Booked: %(what)s at %(centre)s, %(when)s.") % what)
    return redirect("web:my_bookings")


@login_required
@page
def book_confirm(request: AuthedRequest) -> HttpResponse:
    """Before a booking is made: what it costs, who pays and why, from the booking engine
    and the payment itself (`credits.quote.booking_quote`, rolled back), then one button
    books. A booking that would be refused says why instead, in the second person."""
    from smartwork.credits.quote import booking_quote

    form = BookForm(request.GET)
    back = local_next(request, request.GET.get("next"), "/centres/")
    context: dict[str, Any] = {"form": form, "back": back, "quote": None, "refusal": None}
    if not form.is_valid():
        context["refusal"] = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return render(request, "web/bookings/confirm.html", context, status=422)
    data = form.cleaned_data
    centre = network_selectors.centre_get(centre_id=data["centre"], viewer=request.user)
    resource = None
    if data.get("resource"):
        resource = Resource.objects.filter(pk=data["resource"], centre=centre).first()
        if resource is None:
            context["refusal"] = _("No such resource.")
            return render(request, "web/bookings/confirm.html", context, status=404)
    context.update({"centre": centre, "resource": resource, "data": data,
                    "slot_label": dict(Slot.choices).get(data["slot"], "")})
    try:
        context["quote"] = booking_quote(
            actor=request.user, centre=centre, slot=data["slot"], on=data["date"],
            resource=resource, start_time=data.get("start_time"), end_time=data.get("end_time"))
    except DomainError as exc:
        context["refusal"] = booking_error_text(exc)
    return render(request, "web/bookings/confirm.html", context)


def _when(booking: Any) -> str:
    tz = zone(booking.centre.timezone)
    start, end = booking.start.astimezone(tz), booking.end.astimezone(tz)
    return (f"{date_format(start.date(), 'DATE_FORMAT')} "
            f"{start:%H:%M}–{end:%H:%M}")


@login_required
@page
def my_bookings(request: AuthedRequest) -> HttpResponse:
    show_past = request.GET.get("past") == "1"
    today = timezone.localdate()
    filters = booking_selectors.BookingFilters(
        member=request.user.pk,
        date_from=None if show_past else today,
        date_to=today - dt.timedelta(days=1) if show_past else None,
    )
    bookings = list(booking_selectors.booking_list(actor=request.user, filters=filters))
    if show_past:
        bookings.reverse()
    from smartwork.web.views.series import first_of_each_series

    first_of_each_series(bookings)
    feed = booking_services.calendar_feed_get_or_create(member=request.user)
    feed_url = f"{settings.SMARTWORK['BASE_URL'].rstrip('/')}/api/v1/calendar/{feed.token}.ics"
    return render(request, "web/bookings/mine.html", {
        "bookings": bookings, "show_past": show_past, "feed_url": feed_url,
        "cancellable": {BookingState.CONFIRMED, BookingState.PENDING_APPROVAL},
        "now": timezone.now(),
    })


def _my_booking(request: AuthedRequest, booking_id: int) -> Any:
    return booking_selectors.booking_get(actor=request.user, booking_id=booking_id)


@login_required
@require_POST
@page
def booking_cancel(request: AuthedRequest, booking_id: int) -> HttpResponse:
    booking = _my_booking(request, booking_id)
    try:
        booking_services.booking_cancel(booking=booking, actor=request.user,
                                        reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, booking_error_text(exc))
    else:
        messages.success(request, _("Booking cancelled: %(what)s, %(when)s.") % {
            "what": booking.resource.name, "when": _when(booking)})
    return redirect(_back(request, "/bookings/"))


@login_required
@page
def booking_change(request: AuthedRequest, booking_id: int) -> HttpResponse:
    """Another date or slot at the same centre (the service re-checks everything)."""
    booking = _my_booking(request, booking_id)
    tz = zone(booking.centre.timezone)
    initial = {"date": booking.start.astimezone(tz).date(), "slot": booking.slot}
    if booking.slot == Slot.RANGE:
        initial.update(start_time=booking.start.astimezone(tz).time(),
                       end_time=booking.end.astimezone(tz).time())
    form = MoveForm(request.POST or None, initial=initial, is_range=booking.slot == Slot.RANGE)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking_services.booking_move(
                booking=booking, actor=request.user, on=data["date"],
                slot=data.get("slot") or booking.slot,
                start_time=data.get("start_time"), end_time=data.get("end_time"))
        except DomainError as exc:
            apply_domain_error(form, exc, {"on": "date"})
        else:
            messages.success(request, _("Booking changed."))
            return redirect("web:my_bookings")
    return render(request, "web/bookings/change.html", {"form": form, "booking": booking})


@login_required
@page
def booking_calendar(request: AuthedRequest, booking_id: int) -> HttpResponse:
    booking = _my_booking(request, booking_id)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response


@login_required
@require_POST
@page
def calendar_feed_reset(request: AuthedRequest) -> HttpResponse:
    booking_services.calendar_feed_reset(member=request.user)
    messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
    return redirect("web:my_bookings")


@login_required
@page
def check_in(request: AuthedRequest, token: str) -> HttpResponse:
    """The page the centre's QR code opens: one button checks the member in."""
    try:
        centre = checkin_token_verify(token=token)
    except InvalidInput as exc:
        return render(request, "web/bookings/check_in.html", {"error": exc.message}, status=400)
    if request.method == "POST":
        try:
            booking = booking_services.booking_check_in_qr(member=request.user, token=token)
        except DomainError as exc:
            return render(request, "web/bookings/check_in.html",
                          {"centre": centre, "error": booking_error_text(exc)},
                          status=exc.status)
        messages.success(request, _("Welcome to %(centre)s: you are checked in (%(what)s).") % {
            "centre": centre.name, "what": booking.resource.name})
        return redirect("web:my_bookings")
    return render(request, "web/bookings/check_in.html", {"centre": centre})

