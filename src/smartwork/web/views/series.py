"""Recurring bookings on the pages ("every Monday and Thursday for 8 weeks").

The form (`/book/series/`) lists the dates; the preview (`/book/series/preview/`, GET,
nothing written) shows what the booking engine would do on each date and who would pay,
from `credits.quote.series_quote` (the series made and paid by `series_create`, then
rolled back, as `/book/confirm/` does for one booking); one button posts the same fields
and books the series; its page (`/bookings/series/<id>/`) shows the per-date report
`series_create` returned, and cancels the rest of the series or one date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from smartwork.bookings import selectors as booking_selectors
from smartwork.bookings import services as booking_services
from smartwork.bookings.choices import BookingState, ConflictPolicy, SeriesKind, Slot
from smartwork.bookings.slots import to_local
from smartwork.core.errors import Conflict, DomainError
from smartwork.network import selectors as network_selectors
from smartwork.network.choices import LabelStatus
from smartwork.network.models import Centre, Resource
from smartwork.web.series_forms import SeriesForm
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, local_next, page

# The service's reasons (error codes) in a word; the service's sentence follows.
REASONS = {
    "centre_closed": gettext_lazy("Closed"),
    "outside_opening_hours": gettext_lazy("Closed at that time"),
    "member_already_booked": gettext_lazy("Already booked by you"),
    "no_desk_free": gettext_lazy("No free desk"),
    "slot_taken": gettext_lazy("Already taken"),
    "beyond_booking_window": gettext_lazy("Beyond the booking window"),
    "in_past": gettext_lazy("In the past"),
    "insufficient_credit": gettext_lazy("Not enough credit"),
    "not_allowed_by_company": gettext_lazy("Not allowed by your company"),
}
# The services name fields as the API does; the form's names.
ALIASES = {"centre_id": "centre", "resource_id": "resource", "dates": "weekdays",
           "date": "date_from"}
CANCELLABLE = (BookingState.CONFIRMED, BookingState.PENDING_APPROVAL)


def _centres(user: Any) -> list[Centre]:
    member = user if user.network_id else None
    return network_selectors.centre_list(filters=network_selectors.CentreFilters(
        bookable_by=member, label_status=None if member else LabelStatus.LABELLED,
        viewer=user))


def _form(request: AuthedRequest, params: QueryDict, *, bound: bool) -> SeriesForm:
    """The form for the centre named in `params` (a slug), if the member may book there."""
    from smartwork.web.views.bookings import next_working_day

    centres = _centres(request.user)
    slug = params.get("centre") or ""
    centre = None
    if any(c.slug == slug for c in centres):
        centre = network_selectors.centre_get(centre_id=slug, viewer=request.user)
    defaults = {"date_from": next_working_day().isoformat(), "slot": Slot.FULL_DAY,
                "conflict_policy": ConflictPolicy.SKIP}
    if bound:
        # A link may leave out what the form starts with (`?centre=…&weekdays=0&weeks=8`).
        missing = {name: value for name, value in defaults.items() if name not in params}
        if missing:
            params = params.copy()
            params.update(missing)
        return SeriesForm(params, centres=centres, centre=centre)
    initial: dict[str, Any] = {**defaults, "weeks": 8}
    for name in ("centre", "resource", "slot", "start_time", "end_time", "date_from", "weeks",
                 "date_to", "conflict_policy"):
        if params.get(name):
            initial[name] = params[name]
    if params.getlist("weekdays"):
        initial["weekdays"] = params.getlist("weekdays")
    return SeriesForm(initial=initial, centres=centres, centre=centre)


def _resource(form: SeriesForm) -> Resource | None:
    chosen = form.cleaned_data.get("resource")
    if not chosen or form.chosen_centre is None:
        return None
    return next(r for r in form.chosen_centre.resources.all() if str(r.pk) == chosen)


def _render(request: AuthedRequest, form: SeriesForm, status: int = 200,
            **extra: Any) -> HttpResponse:
    return render(request, "web/bookings/series.html", {"form": form, **extra}, status=status)


@login_required
@page
def series_new(request: AuthedRequest) -> HttpResponse:
    """GET: the form (htmx refreshes it when the centre changes). POST: book the series."""
    if request.method != "POST":
        return _render(request, _form(request, request.GET, bound=False))
    form = _form(request, request.POST, bound=True)
    if not form.is_valid():
        return _render(request, form, 422)
    data = form.cleaned_data
    try:
        result = booking_services.series_create(
            actor=request.user, centre=form.chosen_centre, resource=_resource(form),
            slot=data["slot"], dates=data["dates"], kind=SeriesKind.WEEKLY,
            start_time=data.get("start_time"), end_time=data.get("end_time"),
            conflict_policy=data["conflict_policy"])
    except Conflict as exc:
        if exc.code != "series_conflicts":
            apply_domain_error(form, exc, ALIASES)
            return _render(request, form, exc.status)
        # All or nothing, and a date was taken since the preview: nothing was booked.
        return _render(request, form, 409, refused=exc.message,
                       report=report_rows(bookings=[], skipped=exc.data.get("conflicts", [])))
    except DomainError as exc:
        apply_domain_error(form, exc, ALIASES)
        return _render(request, form, exc.status)
    booked, skipped = len(result.bookings), len(result.skipped)
    text = ngettext("Booked %(booked)d date.", "Booked %(booked)d dates.", booked) % {
        "booked": booked}
    if skipped:
        messages.warning(request, text + " " + ngettext(
            "%(skipped)d date could not be booked (see below).",
            "%(skipped)d dates could not be booked (see below).", skipped) % {"skipped": skipped})
    else:
        messages.success(request, text)
    return redirect("web:series_detail", series_id=result.series.pk)


@login_required
@page
def series_preview(request: AuthedRequest) -> HttpResponse:
    """What booking the series would do on each date, and who would pay; writes nothing."""
    from smartwork.credits.quote import series_quote

    form = _form(request, request.GET, bound=True)
    if not form.is_valid():
        return _render(request, form, 422)
    data = form.cleaned_data
    try:
        quotes = series_quote(
            actor=request.user, centre=form.chosen_centre,  # type: ignore[arg-type]
            resource=_resource(form), slot=data["slot"], dates=data["dates"],
            start_time=data.get("start_time"), end_time=data.get("end_time"))
    except DomainError as exc:
        apply_domain_error(form, exc, ALIASES)
        return _render(request, form, 422)
    rows = [{"date": q.date, "quote": q.quote, "resource": q.resource_name,
             "reason": REASONS.get(q.code, _("Cannot be booked")) if q.code else "",
             "message": q.message} for q in quotes]
    refused = sum(1 for row in rows if row["quote"] is None)
    all_or_nothing = data["conflict_policy"] == ConflictPolicy.ALL_OR_NOTHING
    return _render(request, form, preview=rows, totals=pay_totals(q.quote for q in quotes),
                   refused_count=refused, booked_count=len(rows) - refused,
                   bookable=refused < len(rows) and not (all_or_nothing and refused),
                   all_or_nothing=all_or_nothing)


def pay_totals(quotes: Iterable[Any]) -> list[dict[str, Any]]:
    """The preview's dates added up per payer and source: the amounts and hours are the
    quotes' own (nothing is priced here); what is left is read after the whole series."""
    totals: dict[tuple[str, str, str, bool], dict[str, Any]] = {}
    for quote in quotes:
        if quote is None:
            continue
        key = (quote.payer, quote.method, quote.source, quote.pending_approval)
        row = totals.setdefault(key, {"payer": quote.payer, "method": quote.method,
                                      "source": quote.source,
                                      "pending_approval": quote.pending_approval, "dates": 0,
                                      "minutes": 0, "price_gross": None, "price_net": None,
                                      "left_after": None})
        row["dates"] += 1
        row["minutes"] += quote.minutes
        if quote.price_gross is not None:
            row["price_gross"] = (row["price_gross"] or 0) + quote.price_gross
            row["price_net"] = (row["price_net"] or 0) + (quote.price_net or 0)
        if quote.left_after_minutes is not None:
            row["left_after"] = quote.left_after_minutes
    return list(totals.values())


def report_rows(*, bookings: Iterable[Any], skipped: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    """The per-date report: each occurrence, and each date the service skipped with why."""
    rows: list[dict[str, Any]] = [
        {"date": to_local(b.start, b.centre.timezone).date(), "booking": b} for b in bookings]
    rows += [{"date": dt.date.fromisoformat(row["date"]), "booking": None,
              "reason": REASONS.get(row["code"], _("Cannot be booked")),
              "message": row["message"]} for row in skipped]
    return sorted(rows, key=lambda row: row["date"])


@login_required
@page
def series_detail(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = booking_selectors.series_get(actor=request.user, series_id=series_id)
    occurrences = list(series.occurrences.select_related("centre", "resource").order_by("start"))
    now = timezone.now()
    return render(request, "web/bookings/series_detail.html", {
        "series": series, "rows": report_rows(bookings=occurrences, skipped=series.skipped),
        "now": now, "cancellable": CANCELLABLE,
        "rest": sum(1 for b in occurrences if b.state in CANCELLABLE and b.start > now),
    })


@login_required
@require_POST
@page
def series_cancel(request: AuthedRequest, series_id: int) -> HttpResponse:
    """Cancel the dates of the series still to come (the past ones stay as they are)."""
    series = booking_selectors.series_get(actor=request.user, series_id=series_id)
    try:
        done = booking_services.series_cancel(series=series, actor=request.user,
                                              reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ngettext(
            "Cancelled %(n)d date still to come of the recurring booking.",
            "Cancelled %(n)d dates still to come of the recurring booking.", len(done))
            % {"n": len(done)})
    return redirect(local_next(request, request.POST.get("next"),
                               reverse("web:series_detail", args=[series.pk])))


def first_of_each_series(bookings: Iterable[Any]) -> None:
    """Mark the first booking of each series in a list (`series_first`): the one that
    carries "Cancel the rest of the series"."""
    seen: set[int] = set()
    for booking in bookings:
        booking.series_first = booking.series_id is not None and booking.series_id not in seen
        if booking.series_id is not None:
            seen.add(booking.series_id)
