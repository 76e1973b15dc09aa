"""Colleagues on the pages (issue #20 §4): the member's choice to show their bookings to
colleagues (linked from the profile), and what the centre page, the finder and the floor
plan show of the colleagues booked that day, with a "Book next to …" button that opens
the booking confirmation (`/book/confirm/`) for the free desk next to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartwork.bookings import colleagues
from smartwork.bookings import selectors as booking_selectors
from smartwork.core.errors import DomainError
from smartwork.web.forms import SLOTS
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page


class ColleagueSharingForm(forms.Form):
    show_bookings = forms.BooleanField(
        label=gettext_lazy("Show my bookings to colleagues of my company"), required=False,
        help_text=gettext_lazy("They then see the centre, the day and your desk, and can book "
                               "next to you. Off unless you tick it."))


@login_required
@page
def my_colleague_sharing(request: AuthedRequest) -> HttpResponse:
    employee = bool(request.user.company_id)
    current = colleagues.colleague_sharing_get(member=request.user)
    # Bound on every POST: an unticked box sends nothing, and that is the answer "no".
    form = ColleagueSharingForm(request.POST if request.method == "POST" else None,
                                initial={"show_bookings": current})
    if request.method == "POST" and employee and form.is_valid():
        try:
            colleagues.colleague_sharing_set(member=request.user,
                                             show=form.cleaned_data["show_bookings"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Your choice is saved."))
            return redirect("web:my_colleague_sharing")
    return render(request, "web/account/colleagues.html",
                  {"form": form, "employee": employee, "current": current})


def _rows(request: AuthedRequest, centre: Any, on: dt.date, here: Sequence[Any],
          slot: str | None, back: str) -> list[dict[str, Any]]:
    """One row per colleague: name, desk, slot, and the offer next to them (a link to the
    confirmation page, or why there is none)."""
    labels = dict(SLOTS)
    blockers: dict[str, str] = {}
    rows = []
    for offer in colleagues.desks_next_to(centre=centre, on=on, colleagues=here, slot=slot):
        if offer.slot not in blockers:
            blocker = booking_selectors.member_booking_blocker(member=request.user, on=on,
                                                               slot=offer.slot)
            blockers[offer.slot] = blocker.message if blocker else ""
        url = ""
        if offer.resource_id is not None and not blockers[offer.slot]:
            url = f"{reverse('web:book_confirm')}?" + urlencode({
                "centre": centre.pk, "resource": offer.resource_id, "date": on.isoformat(),
                "slot": offer.slot, "next": back})
        mate = offer.colleague
        rows.append({"name": mate.name, "initial": mate.initial, "desk": mate.resource_name,
                     "resource_id": mate.resource_id, "slot": mate.slot,
                     "slot_label": labels.get(mate.slot, mate.slot), "url": url,
                     "offer": offer.resource_name, "reason": offer.reason,
                     "blocked": blockers[offer.slot]})
    return rows


def colleagues_here(request: AuthedRequest, centre: Any, on: dt.date, *,
                    slot: str | None = None, back: str = "") -> dict[str, Any] | None:
    """What the colleagues' block of a page shows; None for someone who is not a
    company's employee (they have no colleagues here: the block is not drawn)."""
    if not request.user.company_id:
        return None
    here = colleagues.colleagues_booked_at(viewer=request.user, centre=centre, on=on, slot=slot)
    return {"rows": _rows(request, centre, on, here, slot, back or request.get_full_path()),
            "hidden": not colleagues.colleague_sharing_get(member=request.user)}


def colleagues_in_centres(request: AuthedRequest, centres: Sequence[Any], on: dt.date,
                          slot: str) -> dict[int, list[dict[str, Any]]]:
    """The finder: centre id -> the colleagues' rows, one statement for who is where
    and the offers only for the centres where someone is."""
    if not request.user.company_id or not centres:
        return {}
    found = colleagues.colleagues_booked(viewer=request.user, centres=centres, on=on, slot=slot)
    by_id = {c.pk: c for c in centres}
    back = request.get_full_path()
    return {pk: _rows(request, by_id[pk], on, here, slot, back) for pk, here in found.items()}
