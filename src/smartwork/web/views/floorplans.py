"""Floor plans: the centre manager uploads a plan per floor and places the desks and
rooms on it (a form that works alone; `static/web/floorplan.js` adds clicking, dragging
and the arrow keys); members see what is free on it for a date and slot and book a place
by choosing it, through the booking confirmation page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
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

from smartwork.bookings import floorplans
from smartwork.bookings.floorplans import MAX_LEVEL, MAX_PLAN_BYTES, MIN_LEVEL
from smartwork.core.errors import DomainError, NotFound
from smartwork.core.forms import DayField, id_from_text
from smartwork.network import selectors as network_selectors
from smartwork.network.choices import RANGE_KINDS, Equipment
from smartwork.network.models import Centre
from smartwork.web.forms import SLOTS, date_input
from smartwork.web.views.bookings import next_working_day
from smartwork.web.views.colleagues import colleagues_here
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page, require_page
from smartwork.web.views.staff import _render, staff_centre


class FloorPlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    level = forms.IntegerField(label=gettext_lazy("Floor"), min_value=MIN_LEVEL,
                               max_value=MAX_LEVEL,
                               initial=0, help_text=gettext_lazy("0 for the ground floor."))
    image = forms.FileField(label=gettext_lazy("Drawing (SVG or PNG, at most 2 MB)"),
                            widget=forms.ClearableFileInput(
                                attrs={"accept": "image/svg+xml,image/png,.svg,.png"}))

    def clean_image(self) -> bytes:
        # One byte past the limit is enough for floorplan_upload to refuse it as too large.
        return bytes(self.cleaned_data["image"].read(MAX_PLAN_BYTES + 1))


class PlanViewForm(forms.Form):
    date = DayField(label=gettext_lazy("Date"), widget=date_input())
    slot = forms.ChoiceField(label=gettext_lazy("Slot"), choices=SLOTS)


# --- The centre manager --------------------------------------------------------------


@login_required
@page
def floor_plans(request: AuthedRequest, centre_id: int) -> HttpResponse:
    """The centre's plans and the form to upload one."""
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.resources", centre=centre)
    form = FloorPlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = floorplans.floorplan_upload(actor=request.user, centre=centre,
                                               name=data["name"], level=data["level"],
                                               data=data["image"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Plan %(name)s added: now place the desks and rooms "
                                        "on it.") % {"name": plan.name})
            return redirect("web:floor_plan_edit", centre.pk, plan.pk)
    return _render(request, "web/staff/floor_plans.html", centre, form=form,
                   plans=floorplans.floorplan_list(centre=centre))


def _finite(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _read_positions(post: Any, rows: list[dict[str, Any]]) -> tuple[
        dict[int, tuple[str, str] | None], dict[int, str]]:
    positions: dict[int, tuple[str, str] | None] = {}
    errors: dict[int, str] = {}
    for row in rows:
        rid = row["resource"].pk
        x = (post.get(f"x_{rid}") or "").strip().replace(",", ".")
        y = (post.get(f"y_{rid}") or "").strip().replace(",", ".")
        if not x and not y:
            if row["x"] is not None:
                positions[rid] = None
            continue
        if not x or not y:
            errors[rid] = _("Give both positions, or neither.")
            continue
        if not (_finite(x) and _finite(y)):  # "NaN" would reach the service's comparison
            errors[rid] = _("A number from 0 to 100.")
            continue
        positions[rid] = (x, y)
    return positions, errors


@login_required
@page
def floor_plan_edit(request: AuthedRequest, centre_id: int, floor_plan_id: int) -> HttpResponse:
    """Place each desk and room on the plan: x and y in percent of the plan, typed or
    set by clicking, dragging or with the arrow keys; a new drawing may replace it."""
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.resources", centre=centre)
    plan = floorplans.floorplan_get(plan_id=floor_plan_id, centre=centre)
    rows = floorplans.floorplan_places(plan=plan)
    errors: dict[int, str] = {}
    general = ""
    replace = FloorPlanForm(request.POST if request.POST.get("form") == "replace" else None,
                            request.FILES or None,
                            initial={"name": plan.name, "level": plan.level}, prefix="replace")
    if request.method == "POST" and request.POST.get("form") == "replace":
        if replace.is_valid():
            data = replace.cleaned_data
            try:
                floorplans.floorplan_upload(actor=request.user, centre=centre, name=data["name"],
                                            level=data["level"], data=data["image"], plan=plan)
            except DomainError as exc:
                apply_domain_error(replace, exc)
            else:
                messages.success(request, _("The plan's drawing is replaced."))
                return redirect("web:floor_plan_edit", centre.pk, plan.pk)
    elif request.method == "POST":
        positions, errors = _read_positions(request.POST, rows)
        if not errors:
            try:
                placed = floorplans.floorplan_place(actor=request.user, plan=plan,
                                                    positions=positions)
            except DomainError as exc:
                general = exc.message
                for name, msgs in exc.fields.items():
                    rid = id_from_text(name[2:]) if name[:2] in ("x_", "y_") else None
                    if rid is not None:
                        errors[rid] = " ".join(msgs)
            else:
                messages.success(request, _("%(n)d places saved on %(name)s.")
                                 % {"n": placed, "name": plan.name})
                return redirect("web:floor_plan_edit", centre.pk, plan.pk)
        else:
            general = _("Some positions are incomplete: see below.")
        for row in rows:  # show what was typed
            rid = row["resource"].pk
            row["x"] = request.POST.get(f"x_{rid}", row["x"])
            row["y"] = request.POST.get(f"y_{rid}", row["y"])
    for row in rows:
        row["error"] = errors.get(row["resource"].pk, "")
        row["room"] = row["resource"].kind in RANGE_KINDS
    return _render(request, "web/staff/floor_plan_edit.html", centre, plan=plan, rows=rows,
                   general=general, replace=replace,
                   placed=sum(1 for r in rows if r["x"] not in (None, "")))


# --- The image ----------------------------------------------------------------------


@login_required
@page
def floor_plan_image(request: AuthedRequest, floor_plan_id: int) -> HttpResponse:
    """The plan's drawing, only ever as an image (floorplan_image_response)."""
    plan = floorplans.floorplan_get_visible(viewer=request.user, plan_id=floor_plan_id,
                                            with_image=True)
    return floorplans.floorplan_image_response(plan=plan)


# --- Members ------------------------------------------------------------------------


def _confirm_url(centre: Centre, place: dict[str, Any], on: Any, slot: str, back: str) -> str:
    query: dict[str, Any] = {"centre": centre.pk, "resource": place["id"],
                             "date": on.isoformat(), "next": back}
    if place["kind"] in RANGE_KINDS:
        start, end = place["ranges"][0]  # the first free hour (or less)
        hour_later = (dt.datetime.combine(on, start) + dt.timedelta(hours=1)).time()
        end_time = min(end, hour_later) if hour_later > start else end
        query.update(slot="range", start_time=start.strftime("%H:%M"),
                     end_time=end_time.strftime("%H:%M"))
    else:
        query["slot"] = slot
    return f"{reverse('web:book_confirm')}?{urlencode(query)}"


@login_required
@page
def centre_plan(request: AuthedRequest, slug: str) -> HttpResponse:
    """A floor of the centre with its free and taken places for a date and slot; a free
    place opens the booking confirmation (price, payer) for it."""
    centre = network_selectors.centre_get(centre_id=slug)
    if not floorplans.floorplan_centre_visible(viewer=request.user, centre=centre):
        raise NotFound(_("No such centre."))
    plans = floorplans.floorplan_list(centre=centre)
    query = request.GET.copy()
    if query.get("date") and not query.get("slot"):  # from the centre page: a date only
        query["slot"] = "full_day"
    form = PlanViewForm(query if query.get("date") else None,
                        initial={"date": next_working_day(), "slot": "full_day"})
    on, slot = next_working_day(), "full_day"
    if form.is_bound and form.is_valid():
        on, slot = form.cleaned_data["date"], form.cleaned_data["slot"]
    chosen = request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.pk) == chosen), plans[0] if plans else None)
    context: dict[str, Any] = {"centre": centre, "plans": plans, "plan": plan, "form": form,
                               "on": on, "slot": slot, "view": None, "blocker": ""}
    if plan is not None:
        try:
            view = floorplans.floorplan_availability(plan=plan, on=on, slot=slot,
                                                     member=request.user)
        except DomainError as exc:
            context["blocker"] = exc.message
            view = None
        if view is not None:
            context["blocker"] = view["blocker"]
            back = f"{request.path}?{urlencode({'plan': plan.pk, 'date': on.isoformat(), 'slot': slot})}"
            labels = dict(Equipment.choices)
            for place in view["places"]:
                place["equipment_labels"] = [str(labels.get(e, e)) for e in place["equipment"]]
                place["url"] = (_confirm_url(centre, place, on, slot, back)
                                if place["bookable"] else "")
            context["view"] = view
            # Colleagues who allow it: their places marked, and "Book next to …" below.
            context["colleagues"] = colleagues_here(request, centre, on, slot=slot, back=back)
            mates = {r["resource_id"]: r for r in (context["colleagues"] or {}).get("rows", [])}
            for place in view["places"]:
                place["colleague"] = mates.get(place["id"])
    return render(request, "web/centres/plan.html", context)
