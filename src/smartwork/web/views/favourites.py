"""Favourites and 'book again' (issue #20 §4): the star that marks a centre or a place
(htmx swaps the button; without JavaScript the form posts and comes back), and a past
booking turned into the cost-before-booking page for another date. Nothing is booked
here: `/book/confirm/` quotes, and its button books."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.bookings import favourites
from smartwork.bookings.book_again import booking_again_plan, next_open_day, past_booking_of
from smartwork.core.errors import DomainError, NotFound
from smartwork.web.favourite_forms import BookAgainForm, FavouriteToggleForm
from smartwork.web.views.bookings import _back, booking_error_text
from smartwork.web.views.helpers import AuthedRequest, is_htmx, local_next, page


@login_required
@require_POST
@page
def favourite_toggle(request: AuthedRequest) -> HttpResponse:
    """Make a centre or a place a favourite (`favourite=1`) or not (`0`): the state asked
    for, not a flip, so a double click leaves what the member saw."""
    form = FavouriteToggleForm(request.POST)
    back = _back(request, "/")
    if not form.is_valid():
        text = " ".join(str(e) for errs in form.errors.values() for e in errs)
        if is_htmx(request):
            return HttpResponse(text, status=422)
        messages.error(request, text)
        return redirect(back)
    data = form.cleaned_data
    ids = {"centre_id": data.get("centre"), "resource_id": data.get("resource")}
    try:
        if data["favourite"]:
            row, _created = favourites.favourite_add(member=request.user, **ids)
            name = row.resource.name if row.resource else row.centre.name
        else:
            favourites.favourite_remove(member=request.user, **ids)
    except NotFound as exc:
        if exc.code != "not_favourite":
            raise
    except DomainError as exc:  # a refusal the form could not see
        if is_htmx(request):
            return HttpResponse(booking_error_text(exc), status=exc.status)
        messages.error(request, booking_error_text(exc))
        return redirect(back)
    if is_htmx(request):
        return render(request, "web/favourites/star.html", {"star": {
            "kind": "resource" if ids["resource_id"] else "centre",
            "id": ids["resource_id"] or ids["centre_id"], "on": bool(data["favourite"]),
            "name": request.POST.get("name", ""), "next": back}})
    if data["favourite"]:
        messages.success(request, _("%(name)s is in your favourites.") % {"name": name})
    else:
        messages.success(request, _("Removed from your favourites."))
    return redirect(back)


@login_required
@page
def book_again(request: AuthedRequest, booking_id: int) -> HttpResponse:
    """A past booking of the member, again on the date they pick (by default the next
    working day the centre is open): to `/book/confirm/`, with a note when the same desk
    cannot be had."""
    booking = past_booking_of(member=request.user, booking_id=booking_id)
    back = local_next(request, request.GET.get("next"), "/bookings/?past=1")
    form = BookAgainForm(request.GET if "date" in request.GET else None)
    if form.is_bound and not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    on = (form.cleaned_data["date"] if form.is_bound
          else next_open_day(centre=booking.centre, after=timezone.localdate()))
    plan = booking_again_plan(member=request.user, booking_id=booking.pk, on=on)
    if plan.room_gone:
        messages.warning(request, plan.note)
        return redirect(reverse("web:centre_detail", args=[plan.centre.slug])
                        + f"?date={on.isoformat()}")
    if plan.note:
        messages.info(request, plan.note)
    params: dict[str, str] = {"centre": str(plan.centre.pk), "date": on.isoformat(),
                              "slot": plan.slot}
    if plan.resource is not None:
        params["resource"] = str(plan.resource.pk)
    if plan.start_time and plan.end_time:
        params.update(start_time=f"{plan.start_time:%H:%M}", end_time=f"{plan.end_time:%H:%M}")
    params["next"] = back
    return redirect(f"{reverse('web:book_confirm')}?{urlencode(params)}")
