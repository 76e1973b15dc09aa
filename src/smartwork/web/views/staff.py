"""Running centres: the operator creates them and decides the label; the centre
manager keeps resources, prices, opening hours and closures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.accounts.choices import OrganisationKind
from smartwork.accounts.selectors import organisation_list
from smartwork.core.errors import DomainError, InvalidInput
from smartwork.core.permissions import allowed, roles_of
from smartwork.network import selectors as network_selectors
from smartwork.network import services as network_services
from smartwork.network.choices import (
    MIN_DESKS_BY_TIER,
    LabelStatus,
    LabelTier,
    ResourceKind,
    Service,
)
from smartwork.network.models import Centre, Closure, Network, Resource
from smartwork.network.services import ALLOWED_LABEL_MOVES, label_checklist_for
from smartwork.web.forms import (
    CentreForm,
    ClosureForm,
    HoursForm,
    InspectionForm,
    LabelChangeForm,
    PriceForm,
    ResourceForm,
    VisibilityForm,
)
from smartwork.web.views.centres import map_settings
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page, require_page


def staff_centre(request: AuthedRequest, centre_id: int) -> Centre:
    """A centre this person works for, or 404 (never a hint that it exists)."""
    if not network_selectors.centres_for_staff(actor=request.user).filter(pk=centre_id).exists():
        raise Http404
    return network_selectors.centre_get(centre_id=centre_id)


def centre_tabs(request: AuthedRequest, centre: Centre) -> list[dict[str, Any]]:
    tabs = [
        ("centre.front_desk", "web:staff_centre", _("Overview")),
        ("centre.front_desk", "web:desk_today", _("Today")),
        ("centre.front_desk", "web:desk_week", _("Week")),
        ("centre.front_desk", "web:desk_qr", _("Check-in code")),
        ("centre.edit", "web:centre_edit", _("Details")),
        ("centre.inspect", "web:centre_label", _("Label")),
        ("centre.resources", "web:centre_resources", _("Resources")),
        ("centre.resources", "web:floor_plans", _("Floor plans")),
        ("centre.prices", "web:centre_prices", _("Prices")),
        ("centre.hours", "web:centre_hours", _("Hours and closures")),
        ("centre.wifi", "web:access_points", _("WiFi access points")),
    ]
    settlements = allowed(request.user, "centre.settlements", centre=centre)
    return [
        {"url": reverse(name, args=[centre.pk]), "label": label,
         "current": request.resolver_match is not None
         and request.resolver_match.view_name == name}
        for action, name, label in tabs if allowed(request.user, action, centre=centre)
    ] + ([{"url": reverse("web:settlements"), "label": _("Settlements"), "current": False}]
         if settlements else [])


def _render(request: AuthedRequest, template: str, centre: Centre, **context: Any) -> HttpResponse:
    return render(request, template, {"centre": centre, "tabs": centre_tabs(request, centre),
                                      **context})


# --- Lists ----------------------------------------------------------------------


@login_required
@page
def staff_centres(request: AuthedRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if not (roles.superuser or roles.operator_networks or roles.manager_centres
            or roles.receptionist_centres):
        raise PermissionDenied
    status = request.GET.get("label_status", "")
    centres = network_selectors.centres_for_staff(actor=request.user).select_related(
        "operator").order_by("name")
    if status in LabelStatus.values:
        centres = centres.filter(label_status=status)
    return render(request, "web/staff/centres.html", {
        "centres": centres, "status": status, "statuses": LabelStatus.choices,
        "may_create": bool(roles.superuser or roles.operator_networks),
    })


def _operator_choices(request: AuthedRequest) -> list[tuple[int, str]]:
    return [
        (org.pk, org.legal_name)
        for org in organisation_list(actor=request.user).filter(
            kind__in=[OrganisationKind.CENTRE_OPERATOR, OrganisationKind.NETWORK_OPERATOR],
            is_active=True,
        ).order_by("legal_name")
    ]


def operator_network(request: AuthedRequest) -> Network:
    """The network an operator works on (the first, for someone with several)."""
    roles = roles_of(request.user)
    qs = Network.objects.order_by("pk")
    if not roles.superuser:
        qs = qs.filter(pk__in=roles.operator_networks)
    network = qs.first()
    if network is None:
        raise PermissionDenied
    return network


def _company_choices(request: AuthedRequest, network: Network) -> list[tuple[int, str]]:
    """The network's customer companies: hosts and partners of company-hosted spaces."""
    return [
        (org.pk, org.legal_name)
        for org in organisation_list(actor=request.user).filter(
            kind=OrganisationKind.COMPANY, network=network, is_active=True,
        ).order_by("legal_name")
    ]


@login_required
@page
def centre_create(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "centre.create", network=network)
    operators = _operator_choices(request)
    form = CentreForm(request.POST or None, operators=operators,
                      companies=_company_choices(request, network),
                      initial={"services": [Service.RECEPTION]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        host = (organisation_list(actor=request.user).filter(pk=data["host_company"]).first()
                if data.get("host_company") else None)
        operator_id: int = data.get("operator") or (host.pk if host else 0)
        operator = organisation_list(actor=request.user).filter(pk=operator_id).first()
        if operator is None:
            form.add_error("operator", _("Choose the operating organisation."))
        else:
            try:
                centre = network_services.centre_create(
                    actor=request.user, network=network, operator=operator, host_company=host,
                    visibility=data.get("visibility") or "everyone",
                    partner_ids=data.get("partners") or [], **form.service_data())
            except DomainError as exc:
                apply_domain_error(form, exc, {"operator_id": "operator",
                                               "host_company_id": "host_company",
                                               "partner_ids": "partners"})
            else:
                messages.success(request, _("Centre %(name)s created as a candidate.") % {
                    "name": centre.name})
                return redirect("web:centre_label", centre.pk)
    return render(request, "web/staff/centre_form.html", {"form": form, "centre": None,
                                                          **map_settings()})


CENTRE_EDIT_FIELDS = ["name", "description", "street", "postcode", "city", "country", "lat", "lon",
                      "timezone", "services", "email", "phone", "morning_start", "morning_end",
                      "afternoon_start", "afternoon_end", "no_show_grace_minutes", "label_tier"]


@login_required
@page
def centre_edit(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.edit", centre=centre)
    initial = {f: getattr(centre, f) for f in CENTRE_EDIT_FIELDS}
    initial["operator"] = centre.operator_id
    form = CentreForm(request.POST or None, operators=_operator_choices(request), initial=initial)
    form.fields["operator"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            network_services.centre_update(actor=request.user, centre=centre,
                                           **form.service_data())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Centre saved."))
            return redirect("web:centre_edit", centre.pk)
    return _render(request, "web/staff/centre_form.html", centre, form=form, **map_settings())


@login_required
@page
def staff_centre_overview(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    resources = list(centre.resources.all())
    return _render(request, "web/staff/centre_overview.html", centre,
                   desks=sum(1 for r in resources if r.kind == ResourceKind.DESK and r.is_active),
                   rooms=sum(1 for r in resources if r.kind != ResourceKind.DESK and r.is_active),
                   services=dict(Service.choices))


# --- The label ------------------------------------------------------------------


@login_required
@page
def centre_label(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.inspect", centre=centre)
    checklist = label_checklist_for(centre)
    companies = (_company_choices(request, centre.network) if centre.host_company_id else [])
    visibility_form = VisibilityForm(
        companies=[c for c in companies if c[0] != centre.host_company_id], prefix="vis",
        initial={"visibility": centre.visibility,
                 "partners": list(centre.partner_companies.values_list("pk", flat=True))})
    inspection_form = InspectionForm(
        checklist=checklist, prefix="insp",
        initial={"visited_on": timezone.localdate(), "inspector_name": request.user.get_full_name()},
    )
    moves = sorted(ALLOWED_LABEL_MOVES[LabelStatus(centre.label_status)])
    label_form = LabelChangeForm(moves=moves, prefix="label")
    if request.method == "POST" and "record_inspection" in request.POST:
        inspection_form = InspectionForm(request.POST, checklist=checklist, prefix="insp")
        if inspection_form.is_valid():
            data = inspection_form.cleaned_data
            try:
                inspection = network_services.inspection_record(
                    actor=request.user, centre=centre, visited_on=data["visited_on"],
                    inspector_name=data["inspector_name"], items=inspection_form.items(),
                    notes=data["notes"])
            except DomainError as exc:
                apply_domain_error(inspection_form, exc)
            else:
                if inspection.passed:
                    messages.success(request, _("Inspection recorded: every item passed."))
                else:
                    messages.warning(request, _("Inspection recorded: some items failed."))
                return redirect("web:centre_label", centre.pk)
    elif request.method == "POST" and "set_visibility" in request.POST:
        visibility_form = VisibilityForm(
            request.POST, companies=[c for c in companies if c[0] != centre.host_company_id],
            prefix="vis")
        if visibility_form.is_valid():
            try:
                network_services.hosted_visibility_set(
                    actor=request.user, centre=centre,
                    visibility=visibility_form.cleaned_data["visibility"],
                    # Ticked partners count only for partner visibility (the form keeps
                    # them ticked when another choice is made).
                    partner_ids=(visibility_form.cleaned_data["partners"]
                                 if visibility_form.cleaned_data["visibility"] == "partners"
                                 else []))
            except DomainError as exc:
                apply_domain_error(visibility_form, exc, {"partner_ids": "partners"})
            else:
                messages.success(request, _("Who sees this space is saved."))
                return redirect("web:centre_label", centre.pk)
    elif request.method == "POST" and "change_label" in request.POST:
        label_form = LabelChangeForm(request.POST, moves=moves, prefix="label")
        if label_form.is_valid():
            try:
                network_services.centre_label_change(
                    actor=request.user, centre=centre,
                    to_status=label_form.cleaned_data["to_status"],
                    reason=label_form.cleaned_data["reason"])
            except DomainError as exc:
                apply_domain_error(label_form, exc, {"status": "to_status"})
            else:
                messages.success(request, _("The label is now: %(status)s.") % {
                    "status": LabelStatus(centre.label_status).label})
                return redirect("web:centre_label", centre.pk)
    return _render(
        request, "web/staff/centre_label.html", centre,
        inspection_form=inspection_form, label_form=label_form,
        visibility_form=visibility_form if centre.host_company_id else None,
        min_desks=MIN_DESKS_BY_TIER[LabelTier(centre.label_tier)],
        inspections=centre.inspections.all()[:10],
        events=centre.label_events.select_related("actor")[:20],
        desks=centre.resources.filter(kind=ResourceKind.DESK, is_active=True).count(),
    )


# --- Resources, prices, hours ---------------------------------------------------


@login_required
@page
def centre_resources(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.resources", centre=centre)
    form = ResourceForm(request.POST or None, initial={"kind": ResourceKind.DESK, "capacity": 1,
                                                      "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            resource = network_services.resource_create(actor=request.user, centre=centre,
                                                        **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": resource.name})
            return redirect("web:centre_resources", centre.pk)
    return _render(request, "web/staff/centre_resources.html", centre, form=form,
                   resources=centre.resources.all())


@login_required
@page
def resource_edit(request: AuthedRequest, centre_id: int, resource_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.resources", centre=centre)
    resource = get_object_or_404(Resource, pk=resource_id, centre=centre)
    initial = {f: getattr(resource, f) for f in ("kind", "name", "capacity", "equipment",
                                                 "is_active")}
    form = ResourceForm(request.POST or None, initial=initial)
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        try:
            network_services.resource_update(actor=request.user, resource=resource, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": resource.name})
            return redirect("web:centre_resources", centre.pk)
    return _render(request, "web/staff/resource_form.html", centre, form=form, resource=resource)


@login_required
@page
def centre_prices(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.prices", centre=centre)
    form = PriceForm(request.POST or None, initial={
        "valid_from": timezone.localdate(), "vat_rate": centre.network.default_vat_rate})
    if request.method == "POST" and form.is_valid():
        try:
            network_services.price_set(actor=request.user, centre=centre, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Price saved."))
            return redirect("web:centre_prices", centre.pk)
    today = timezone.localdate()
    current = {
        kind: network_selectors.centre_price_on(centre=centre, resource_kind=kind, on=today)
        for kind in ResourceKind.values
    }
    return _render(request, "web/staff/centre_prices.html", centre, form=form,
                   prices=centre.prices.all(),
                   current_ids={p.pk for p in current.values() if p is not None},
                   kinds=dict(ResourceKind.choices))


@login_required
@page
def centre_hours(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.hours", centre=centre)
    hours_form = HoursForm(initial=HoursForm.initial_from(list(centre.opening_hours.all())),
                           prefix="h")
    closure_form = ClosureForm(prefix="c")
    if request.method == "POST" and "save_hours" in request.POST:
        hours_form = HoursForm(request.POST, prefix="h")
        if hours_form.is_valid():
            try:
                network_services.opening_hours_set(actor=request.user, centre=centre,
                                                   intervals=hours_form.intervals())
            except DomainError as exc:
                apply_domain_error(hours_form, exc)
            else:
                messages.success(request, _("Opening hours saved."))
                return redirect("web:centre_hours", centre.pk)
    elif request.method == "POST" and "add_closure" in request.POST:
        closure_form = ClosureForm(request.POST, prefix="c")
        if closure_form.is_valid():
            try:
                network_services.closure_add(actor=request.user, centre=centre,
                                             **closure_form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(closure_form, exc)
            else:
                messages.success(request, _("Closure added."))
                return redirect("web:centre_hours", centre.pk)
    return _render(request, "web/staff/centre_hours.html", centre, hours_form=hours_form,
                   closure_form=closure_form,
                   closures=centre.closures.filter(end_date__gte=timezone.localdate()))


@login_required
@require_POST
@page
def closure_remove(request: AuthedRequest, centre_id: int, closure_id: int) -> HttpResponse:
    centre = staff_centre(request, centre_id)
    closure = get_object_or_404(Closure.objects.select_related("centre"), pk=closure_id,
                                centre=centre)
    try:
        network_services.closure_remove(actor=request.user, closure=closure)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Closure removed."))
    return redirect("web:centre_hours", centre.pk)
