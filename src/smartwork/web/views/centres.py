"""Finding a centre: the list (always) and the map (when tiles load), and a centre's page."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.bookings import selectors as booking_selectors
from smartwork.core.errors import DomainError, NotFound
from smartwork.core.geo import haversine_km
from smartwork.network import selectors as network_selectors
from smartwork.network.choices import RANGE_KINDS, SLOT_KINDS, LabelStatus, ResourceKind, Service
from smartwork.web.forms import SLOTS, WEEKDAYS, AvailabilityForm, CentreFinderForm
from smartwork.web.views.bookings import free_desks, next_working_day
from smartwork.web.views.colleagues import colleagues_here, colleagues_in_centres
from smartwork.web.views.helpers import AuthedRequest, is_htmx, page

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def map_settings() -> dict[str, str]:
    return {"tile_url": settings.SMARTWORK["TILE_URL"],
            "tile_attribution": settings.SMARTWORK["TILE_ATTRIBUTION"]}


def _home(user: Any) -> tuple[float, float] | None:
    if user.home_lat is None or user.home_lon is None:
        return None
    return float(user.home_lat), float(user.home_lon)


@login_required
@page
def centre_finder(request: AuthedRequest) -> HttpResponse:
    default_on, default_slot = next_working_day(), "full_day"
    form = CentreFinderForm(request.GET or None,
                            initial={"date": default_on, "slot": default_slot})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    on: dt.date = data.get("date") or default_on
    slot: str = data.get("slot") or default_slot
    home = _home(request.user)
    within = float(data["within_km"]) if data.get("within_km") and home else None
    member = request.user if request.user.network_id else None
    centres = network_selectors.centre_list(filters=network_selectors.CentreFilters(
        q=data.get("q") or None,
        service=data.get("service") or None,
        near=home, within_km=within,
        bookable_by=member,
        label_status=None if member else LabelStatus.LABELLED,
        viewer=request.user, format=data.get("format") or None,
    ))
    if data.get("favourites"):  # issue #20 §4: the member's favourite centres only
        from smartwork.bookings.favourite_selectors import favourite_centre_ids

        mine = favourite_centre_ids(member=request.user)
        centres = [c for c in centres if c.pk in mine]
    blocker = booking_selectors.member_booking_blocker(member=request.user, on=on, slot=slot) \
        if member else None
    for centre in centres:
        centre.free_desks = free_desks(centre=centre, on=on, slot=slot)
    mates = colleagues_in_centres(request, centres, on, slot)
    for centre in centres:
        centre.colleagues_here = mates.get(centre.pk, [])
    markers = [
        {"id": c.pk, "name": c.name, "lat": float(c.lat), "lon": float(c.lon), "city": c.city,
         "url": f"/centres/{c.slug}/", "format": c.format_label}
        for c in centres
    ]
    context = {
        "form": form, "centres": centres, "markers": markers, "home": home,
        "on": on, "slot": slot, "slot_label": dict(SLOTS).get(slot, slot),
        "services": dict(Service.choices), **map_settings(), "blocker": blocker,
    }
    if is_htmx(request):
        return render(request, "web/centres/finder.html#results", context)
    return render(request, "web/centres/finder.html", context)


@login_required
@page
def centre_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    centre = network_selectors.centre_for_viewer(
        viewer=request.user,
        centre=network_selectors.centre_get(centre_id=slug, viewer=request.user))
    if centre.label_status != LabelStatus.LABELLED and not network_selectors.centres_for_staff(
        actor=request.user
    ).filter(pk=centre.pk).exists():
        raise NotFound(_("No such centre."))
    today = timezone.localdate()
    date_form = AvailabilityForm(request.GET or None, initial={"date": next_working_day()})
    on = (date_form.cleaned_data["date"] if date_form.is_bound and date_form.is_valid()
          else next_working_day())
    availability = _availability(centre, on)
    if request.user.network_id:  # a member: no Book button for what would be refused
        for row in availability["desk_slots"]:
            blocker = booking_selectors.member_booking_blocker(member=request.user, on=on,
                                                               slot=row["slot"])
            row["blocked"] = blocker.message if blocker else ""
    prices = []
    for kind, label in ResourceKind.choices:
        price = network_selectors.centre_price_on(centre=centre, resource_kind=kind, on=today)
        if price is not None:
            prices.append({"kind": label, "price": price})
    resources = [r for r in centre.resources.all() if r.is_active]
    closures = [c for c in centre.closures.all() if c.end_date >= today]
    home = _home(request.user)
    distance = None
    if home:
        distance = round(haversine_km(home[0], home[1], float(centre.lat), float(centre.lon)), 1)
    return render(request, "web/centres/detail.html", {
        "centre": centre, "prices": prices, "resources": resources, "closures": closures,
        "services": dict(Service.choices), "distance": distance,
        "desks": sum(1 for r in resources if r.kind == ResourceKind.DESK),
        "markers": [{"id": centre.pk, "name": centre.name, "lat": float(centre.lat),
                     "lon": float(centre.lon), "city": centre.city, "url": ""}],
        "weekdays": _weekday_rows(centre), **map_settings(),
        "date_form": date_form, "on": on, "availability": availability,
        "colleagues": colleagues_here(request, centre, on),
    })


def _weekday_rows(centre: Any) -> list[tuple[StrOrPromise, list[Any]]]:
    by_day: dict[int, list[Any]] = {}
    for row in centre.opening_hours.all():
        by_day.setdefault(row.weekday, []).append(row)
    return [(label, by_day.get(day, [])) for day, label in WEEKDAYS]


def _availability(centre: Any, on: Any) -> dict[str, Any]:
    """Free desks per slot and each room's free time ranges on one date."""
    try:
        data = booking_selectors.availability_for_centre(centre=centre, date_from=on)
    except DomainError as exc:
        return {"open": False, "reason": exc.message, "desk_slots": [], "rooms": []}
    day = data["days"][0] if data["days"] else {"open": False, "reason": ""}
    labels = dict(SLOTS)
    desk_slots = []
    for slot in ("full_day", "morning", "afternoon"):
        rows = [s for r in data["resources"] if r["kind"] in SLOT_KINDS
                for s in r["slots"] if s["slot"] == slot]
        if rows:
            desk_slots.append({"slot": slot, "label": labels[slot], "start": rows[0]["start"],
                               "end": rows[0]["end"],
                               "free": sum(1 for s in rows if s["free"])})
    rooms = [r for r in data["resources"] if r["kind"] in RANGE_KINDS]
    return {"open": day["open"], "reason": day.get("reason", ""), "desk_slots": desk_slots,
            "rooms": rooms}
