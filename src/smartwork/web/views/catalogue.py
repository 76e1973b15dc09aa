"""What the network sells and how a member subscribes: membership plans (the operator's
for the network, a centre manager's for their centre), the credit packages of the
catalogue (the operator's), and an independent member's own membership."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.core.errors import DomainError, Forbidden, NotFound
from smartwork.core.money import tax_compute
from smartwork.core.permissions import roles_of
from smartwork.credits import selectors as credit_selectors
from smartwork.credits import services as credit_services
from smartwork.credits.choices import MembershipState
from smartwork.credits.models import CreditPackage, MembershipPlan
from smartwork.network import selectors as network_selectors
from smartwork.network.models import Centre
from smartwork.web.forms import CreditPackageForm, MembershipPlanForm, SubscribeForm
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page, require_page
from smartwork.web.views.staff import operator_network

PLAN_ALIASES = {"centre_id": "centre", "included_minutes": "included_hours"}


# --- Membership plans (operator, centre manager) ----------------------------------------


def _plan_centres(request: AuthedRequest) -> list[Centre]:
    """Where this person may put a plan: every centre of the networks they operate,
    the centres they manage."""
    roles = roles_of(request.user)
    qs = network_selectors.centres_for_staff(actor=request.user)
    if not roles.superuser:
        qs = qs.filter(Q(network_id__in=roles.operator_networks)
                       | Q(pk__in=roles.manager_centres))
    return list(qs.order_by("name"))


def _plan_form(request: AuthedRequest, centres: list[Centre], **kwargs: Any
               ) -> MembershipPlanForm:
    roles = roles_of(request.user)
    return MembershipPlanForm(
        request.POST or None, centres=[(c.pk, c.name) for c in centres],
        network_wide=bool(roles.superuser or roles.operator_networks), **kwargs)


def _plan_kwargs(data: dict[str, Any], centres: list[Centre]) -> dict[str, Any]:
    centre = next((c for c in centres if c.pk == data["centre"]), None)
    return {"name": data["name"], "monthly_fee_net": data["monthly_fee_net"],
            "included_hours": data["included_hours"], "vat_rate": data["vat_rate"],
            "centre": centre}


@login_required
@page
def plans(request: AuthedRequest) -> HttpResponse:
    live = [MembershipState.ACTIVE, MembershipState.CANCELLING]
    plan_list = list(credit_selectors.membership_plans_managed(actor=request.user).annotate(
        live_members=Count("memberships", filter=Q(memberships__state__in=live))))
    centres = _plan_centres(request)
    form = _plan_form(request, centres, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        kwargs = _plan_kwargs(form.cleaned_data, centres)
        centre = kwargs["centre"]
        try:
            network = centre.network if centre is not None else operator_network(request)
            credit_services.membership_plan_create(actor=request.user, network=network,
                                                   **kwargs)
        except DomainError as exc:
            apply_domain_error(form, exc, PLAN_ALIASES)
        else:
            messages.success(request, _("Plan %(name)s created.") % {"name": kwargs["name"]})
            return redirect("web:plans")
    rows = [{"plan": p, "members": p.live_members,
             "gross": tax_compute(net=p.monthly_fee_net, rate_percent=p.vat_rate).gross}
            for p in plan_list]
    roles = roles_of(request.user)
    return render(request, "web/catalogue/plans.html", {
        "rows": rows, "form": form,
        "show_network_tabs": bool(roles.superuser or roles.operator_networks)})


@login_required
@page
def plan_edit(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan: MembershipPlan = credit_selectors.membership_plan_get(actor=request.user,
                                                                plan_id=plan_id)
    centres = _plan_centres(request)
    if plan.centre is not None and plan.centre.pk not in {c.pk for c in centres}:
        centres.append(plan.centre)
    form = _plan_form(request, centres, initial={
        "name": plan.name, "centre": plan.centre_id, "monthly_fee_net": plan.monthly_fee_net,
        "included_hours": plan.included_minutes // 60, "vat_rate": plan.vat_rate,
        "is_active": plan.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            credit_services.membership_plan_update(
                actor=request.user, plan=plan, is_active=form.cleaned_data["is_active"],
                **_plan_kwargs(form.cleaned_data, centres))
        except DomainError as exc:
            apply_domain_error(form, exc, PLAN_ALIASES)
        else:
            messages.success(request, _("Plan %(name)s saved; members pay the new fee from "
                                        "their next month.") % {
                "name": form.cleaned_data["name"]})
            return redirect("web:plans")
    return render(request, "web/catalogue/plan_form.html", {"plan": plan, "form": form})


# --- The credit catalogue (operator) -----------------------------------------------------


def _package_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {"name": data["name"], "hours": data["hours"], "price_net": data["price_net"],
            "vat_rate": data["vat_rate"], "validity_months": data["validity_months"]}


@login_required
@page
def packages(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "credit.catalogue", network=network)
    form = CreditPackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credit_services.credit_package_create(actor=request.user, network=network,
                                                  **_package_kwargs(form.cleaned_data))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Package %(name)s is on sale.") % {
                "name": form.cleaned_data["name"]})
            return redirect("web:packages")
    rows = [{"package": p, "gross": tax_compute(net=p.price_net, rate_percent=p.vat_rate).gross,
             "per_hour": p.price_net / p.hours}
            for p in credit_selectors.credit_package_catalogue(actor=request.user,
                                                               network_id=network.pk)]
    return render(request, "web/catalogue/packages.html", {"network": network, "rows": rows,
                                                            "form": form})


@login_required
@page
def package_edit(request: AuthedRequest, package_id: int) -> HttpResponse:
    package: CreditPackage = credit_selectors.credit_package_get(actor=request.user,
                                                                 package_id=package_id)
    form = CreditPackageForm(request.POST or None, initial={
        "name": package.name, "hours": package.hours, "price_net": package.price_net,
        "vat_rate": package.vat_rate, "validity_months": package.validity_months})
    if request.method == "POST" and form.is_valid():
        data = _package_kwargs(form.cleaned_data)
        if data["vat_rate"] is None:
            data["vat_rate"] = package.network.default_vat_rate
        try:
            credit_services.credit_package_update(actor=request.user, package=package,
                                                  is_active=True if "reactivate" in request.POST
                                                  else None, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Package %(name)s saved; purchases already made keep "
                                        "their hours and price.") % {"name": data["name"]})
            return redirect("web:packages")
    return render(request, "web/catalogue/package_form.html", {"package": package,
                                                                "form": form})


@login_required
@require_POST
@page
def package_retire(request: AuthedRequest, package_id: int) -> HttpResponse:
    package = credit_selectors.credit_package_get(actor=request.user, package_id=package_id)
    try:
        credit_services.credit_package_retire(actor=request.user, package=package)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Package %(name)s is no longer sold; what was bought "
                                    "stays valid.") % {"name": package.name})
    return redirect("web:packages")


# --- The member's membership ---------------------------------------------------------------


@login_required
@page
def my_membership(request: AuthedRequest) -> HttpResponse:
    """The plans and the member's membership. Those who may not subscribe (a company's
    employee, the staff: `membership_refusal`) are refused with the reason, unless they
    hold a membership still (subscribed before joining a company): then the page shows
    it, read-only but for cancelling, with its end date and the reason, and no plans."""
    if request.user.network_id is None:
        raise Forbidden(_("Only members of a network subscribe to its plans."))
    refusal = credit_selectors.membership_refusal(actor=request.user)
    summary = credit_selectors.membership_summary(actor=request.user)
    if refusal is not None and (summary is None or request.method == "POST"):
        raise refusal
    offered = ([] if refusal is not None
               else list(credit_selectors.membership_plans_offered(actor=request.user)))
    form = SubscribeForm(request.POST or None, plans=[(p.pk, p.name) for p in offered])
    if request.method == "POST" and form.is_valid():
        plan = next(p for p in offered if p.pk == form.cleaned_data["plan"])
        try:
            credit_services.membership_start(actor=request.user, member=request.user, plan=plan)
        except DomainError as exc:
            apply_domain_error(form, exc, {"plan_id": "plan"})
        else:
            messages.success(request, _("Welcome to %(plan)s: your hours of this month are "
                                        "ready.") % {"plan": plan.name})
            return redirect("web:my_membership")
    rows = [{"plan": p, "gross": tax_compute(net=p.monthly_fee_net, rate_percent=p.vat_rate).gross}
            for p in offered]
    return render(request, "web/catalogue/membership.html", {
        "summary": summary, "rows": rows, "form": form,
        "refusal": refusal.message if refusal is not None else ""})


@login_required
@require_POST
@page
def membership_cancel(request: AuthedRequest) -> HttpResponse:
    """Anyone cancels the membership they hold (an employee's may still be running);
    with none, those who may not subscribe get the reason rather than a 404."""
    try:
        membership = credit_selectors.membership_of(actor=request.user)
    except NotFound:
        refusal = credit_selectors.membership_refusal(actor=request.user)
        if refusal is not None:
            raise refusal from None
        raise
    try:
        membership = credit_services.membership_cancel(actor=request.user, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        assert membership.ends_on is not None
        messages.success(request, _("Cancelled: your membership ends on %(date)s.") % {
            "date": date_format(membership.ends_on, "DATE_FORMAT")})
    return redirect("web:my_membership")
