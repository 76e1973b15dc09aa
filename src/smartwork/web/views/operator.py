"""The network operator's pages: companies and other organisations, and roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.accounts import selectors as account_selectors
from smartwork.accounts import services as account_services
from smartwork.accounts.choices import OrganisationKind, Role
from smartwork.accounts.models import User
from smartwork.core.errors import DomainError
from smartwork.network import selectors as network_selectors
from smartwork.network.choices import LabelStatus
from smartwork.web.forms import OrganisationForm, RoleAssignForm
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page, require_page
from smartwork.web.views.insights import network_dashboard
from smartwork.web.views.staff import operator_network


@login_required
@page
def operator_home(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.reports", network=network)
    centres = network_selectors.centres_for_staff(actor=request.user).filter(network=network)
    counts = {status: centres.filter(label_status=status).count()
              for status in LabelStatus.values}
    companies = account_selectors.organisation_list(actor=request.user).filter(
        kind=OrganisationKind.COMPANY, network=network).count()
    return render(request, "web/operator/home.html", {
        "network": network, "counts": counts, "companies": companies,
        "statuses": LabelStatus.choices, **network_dashboard(request, network),
    })


ORG_FIELDS = list(OrganisationForm.base_fields)


@login_required
@page
def organisations(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "organisation.manage", network=network)
    kind = request.GET.get("kind", OrganisationKind.COMPANY)
    if kind not in OrganisationKind.values:
        kind = OrganisationKind.COMPANY
    orgs = account_selectors.organisation_list(actor=request.user).filter(kind=kind).order_by(
        "legal_name")
    return render(request, "web/operator/organisations.html", {
        "organisations": orgs, "kind": kind, "kinds": OrganisationKind.choices,
    })


@login_required
@page
def organisation_form(request: AuthedRequest, organisation_id: int | None = None) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "organisation.manage", network=network)
    org = None
    if organisation_id is not None:
        org = account_selectors.organisation_get(actor=request.user,
                                                 organisation_id=organisation_id)
        initial = {f: getattr(org, f) for f in ORG_FIELDS}
    else:
        initial = {"kind": request.GET.get("kind", OrganisationKind.COMPANY)}
    form = OrganisationForm(request.POST or None, initial=initial)
    if org is not None:
        form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if org is None:
                # A centre operator with no centre yet is found through its network
                # (organisation_list scopes by network or by operated centres).
                data["network"] = network
                org = account_services.organisation_create(actor=request.user, **data)
                messages.success(request, _("%(name)s is registered.") % {"name": org.legal_name})
            else:
                data.pop("kind")
                account_services.organisation_update(actor=request.user, organisation=org,
                                                     **data)
                messages.success(request, _("%(name)s saved.") % {"name": org.legal_name})
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect(f"{reverse('web:organisations')}?kind={org.kind}")
    return render(request, "web/operator/organisation_form.html", {"form": form, "org": org})


@login_required
@page
def roles(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "role.assign", network=network)
    centres = [(c.pk, c.name) for c in network_selectors.centres_for_staff(
        actor=request.user).filter(network=network).order_by("name")]
    companies = [(o.pk, o.legal_name) for o in account_selectors.organisation_list(
        actor=request.user).filter(kind=OrganisationKind.COMPANY, network=network)]
    form = RoleAssignForm(request.POST or None, centres=centres, companies=companies,
                          initial={"role": Role.COMPANY_ADMIN})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(email__iexact=data["email"].strip()).first()
        if user is None:
            form.add_error("email", _("Nobody has an account with this email yet."))
        else:
            centre = (network_selectors.centres_for_staff(actor=request.user)
                      .filter(pk=data["centre"]).first() if data["centre"] else None)
            organisation = (account_selectors.organisation_list(actor=request.user)
                            .filter(pk=data["organisation"]).first()
                            if data["organisation"] else None)
            try:
                account_services.role_assign(
                    actor=request.user, user=user, role=data["role"],
                    network=network if data["role"] == Role.OPERATOR else None,
                    centre=centre if data["role"] in (Role.CENTRE_MANAGER,
                                                      Role.RECEPTIONIST) else None,
                    organisation=organisation if data["role"] == Role.COMPANY_ADMIN else None)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Role given to %(email)s.") % {"email": user.email})
                return redirect("web:roles")
    assignments = account_selectors.role_list(actor=request.user).order_by(
        "role", "user__email")
    return render(request, "web/operator/roles.html", {"form": form,
                                                       "assignments": assignments})


@login_required
@require_POST
@page
def role_revoke(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    assignment = account_selectors.role_list(actor=request.user).filter(
        pk=assignment_id).first()
    if assignment is not None:
        account_services.role_revoke(actor=request.user, assignment=assignment)
        messages.success(request, _("Role removed."))
    return redirect("web:roles")
