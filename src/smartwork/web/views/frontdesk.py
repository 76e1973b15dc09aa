"""The reception: today's arrivals and check-in, walk-ins, who is in now, the
week's occupancy and the day's check-in QR code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.accounts.models import Organisation, User
from smartwork.billing.walkins import (
    guest_companies,
    guest_receipt_get,
    guest_walk_in_create,
)
from smartwork.bookings import selectors as booking_selectors
from smartwork.bookings import services as booking_services
from smartwork.bookings.choices import CheckInVia
from smartwork.bookings.qr import checkin_qr_svg, checkin_token_for
from smartwork.bookings.slots import zone
from smartwork.core.errors import DomainError
from smartwork.core.forms import id_from_text
from smartwork.network import selectors as network_selectors
from smartwork.network.choices import ResourceKind
from smartwork.web.forms import SLOTS, GuestWalkInForm, WalkInForm
from smartwork.web.views.bookings import booking_error_text
from smartwork.web.views.helpers import (
    AuthedRequest,
    apply_domain_error,
    is_htmx,
    page,
    require_page,
)
from smartwork.web.views.staff import centre_tabs, staff_centre


def _desk_centres(request: AuthedRequest) -> list[Any]:
    return list(network_selectors.centres_for_staff(actor=request.user).order_by("name"))


@login_required
@page
def front_desk(request: AuthedRequest) -> HttpResponse:
    centres = _desk_centres(request)
    if not centres:
        raise PermissionDenied
    if len(centres) == 1:
        return redirect("web:desk_today", centres[0].pk)
    return render(request, "web/desk/choose.html", {"centres": centres})


def _today(centre: Any) -> dt.date:
    return timezone.now().astimezone(zone(centre.timezone)).date()


def _desk_context(request: AuthedRequest, centre: Any, walk_in: WalkInForm | None = None,
                  guest: GuestWalkInForm | None = None) -> dict[str, Any]:
    today = _today(centre)
    now = timezone.now()
    day = booking_selectors.front_desk_day(actor=request.user, centre=centre, on=today, now=now)
    return {
        "centre": centre, "tabs": centre_tabs(request, centre), "today": today,
        "arrivals": day.arrivals, "present": day.present, "expected": day.expected,
        "walk_in": walk_in or WalkInForm(initial={"slot": "full_day"}),
        "guest": guest or GuestWalkInForm(initial={"slot": "full_day", "paid_by": "desk"},
                                          companies=guest_companies(centre=centre)),
        "now": now,
    }


@login_required
@page
def desk_today(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    context = _desk_context(request, centre)
    context["receipt_id"] = id_from_text(request.GET.get("receipt"))
    if is_htmx(request):
        return render(request, "web/desk/today.html#board", context)
    return render(request, "web/desk/today.html", context)


@login_required
@require_POST
@page
def desk_check_in(request: AuthedRequest, centre_id: int, booking_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    booking = booking_selectors.booking_get(actor=request.user, booking_id=booking_id)
    if booking.centre_id != centre.pk:
        raise PermissionDenied
    try:
        booking_services.booking_check_in(booking=booking, actor=request.user,
                                          via=CheckInVia.RECEPTION)
    except DomainError as exc:
        messages.error(request, booking_error_text(exc))
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": booking.member})
    if is_htmx(request):
        return render(request, "web/desk/today.html#board", _desk_context(request, centre))
    return redirect("web:desk_today", centre.pk)


@login_required
@require_POST
@page
def desk_walk_in(request: AuthedRequest, centre_id: int) -> HttpResponse:
    """Book a free desk for a member who walks in, and check them in at once."""
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    form = WalkInForm(request.POST)
    if form.is_valid():
        member = User.objects.filter(email__iexact=form.cleaned_data["email"],
                                     is_active=True).first()
        if member is None:
            form.add_error("email", _("No member has this email."))
        else:
            try:
                booking = booking_services.booking_create(
                    actor=request.user, member=member, centre=centre,
                    slot=form.cleaned_data["slot"], on=_today(centre))
                booking_services.booking_check_in(booking=booking, actor=request.user,
                                                  via=CheckInVia.RECEPTION)
            except DomainError as exc:
                apply_domain_error(form, exc, {"member_id": "email"})
            else:
                messages.success(request, _("%(name)s has %(desk)s and is checked in.") % {
                    "name": member, "desk": booking.resource.name})
                return redirect("web:desk_today", centre.pk)
    return render(request, "web/desk/today.html", _desk_context(request, centre, form))


@login_required
@require_POST
@page
def desk_guest(request: AuthedRequest, centre_id: int) -> HttpResponse:
    """Register a walk-in guest who is not a member yet, book and check them in; paid at
    the desk (with a receipt) or by their company."""
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    companies = guest_companies(centre=centre)
    form = GuestWalkInForm(request.POST, companies=companies)
    if form.is_valid():
        data = form.cleaned_data
        company = (Organisation.objects.filter(pk=data["company"]).first()
                   if data["company"] else None)
        try:
            walk_in = guest_walk_in_create(
                actor=request.user, centre=centre, email=data["email"],
                first_name=data["first_name"], last_name=data["last_name"],
                slot=data["slot"], paid_by=data["paid_by"], company=company,
                language=get_language() or "")
        except DomainError as exc:
            apply_domain_error(form, exc, {"member_id": "email"})
        else:
            params = {"name": walk_in.guest, "desk": walk_in.booking.resource.name}
            if walk_in.receipt is not None:
                messages.success(request, _(
                    "%(name)s has %(desk)s and is checked in. Paid at the desk: receipt "
                    "%(number)s.") % {**params, "number": walk_in.receipt.display_number})
                return redirect(f"{reverse('web:desk_today', args=[centre.pk])}"
                                f"?receipt={walk_in.receipt.pk}")
            messages.success(request, _(
                "%(name)s has %(desk)s and is checked in, billed to %(company)s.")
                % {**params, "company": company})
            return redirect("web:desk_today", centre.pk)
    return render(request, "web/desk/today.html",
                  _desk_context(request, centre, guest=form), status=422)


@login_required
@page
def desk_receipt(request: AuthedRequest, centre_id: int, invoice_id: int) -> HttpResponse:
    """A walk-in guest's receipt (the invoice paid at the desk), as a PDF to print."""
    from smartwork.billing.pdf import invoice_pdf

    centre = staff_centre(request, centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    invoice = guest_receipt_get(actor=request.user, centre=centre, invoice_id=invoice_id)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.display_number}.pdf"'
    return response


@login_required
@page
def desk_week(request: AuthedRequest, centre_id: int) -> HttpResponse:
    """Desks taken per day and slot over seven days, from the booking rows."""
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    start = _today(centre)
    data = booking_selectors.availability_for_centre(
        centre=centre, date_from=start, date_to=start + dt.timedelta(days=6),
        kind=ResourceKind.DESK, now=timezone.now() - dt.timedelta(days=1))
    desks = len(data["resources"])
    labels = dict(SLOTS)
    rows = []
    for day in data["days"]:
        cells = []
        for slot in ("morning", "afternoon"):
            slots = [s for r in data["resources"] for s in r["slots"]
                     if s["date"] == day["date"] and s["slot"] == slot]
            taken = sum(1 for s in slots if not s["free"])
            cells.append({"slot": labels[slot], "taken": taken if day["open"] else None,
                          "pct": round(100 * taken / desks) if desks and day["open"] else 0})
        rows.append({"date": day["date"], "open": day["open"], "reason": day["reason"],
                     "cells": cells})
    return render(request, "web/desk/week.html", {
        "centre": centre, "tabs": centre_tabs(request, centre), "rows": rows, "desks": desks})


@login_required
@page
def desk_qr(request: AuthedRequest, centre_id: int) -> HttpResponse:
    """Today's code for the reception screen; scanning it opens the check-in page."""
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    token = checkin_token_for(centre=centre)
    return render(request, "web/desk/qr.html", {
        "centre": centre, "svg": checkin_qr_svg(centre=centre), "token": token,
        "check_in_path": f"/check-in/{token}/", "today": _today(centre)})
