"""Pages of the awareness programme: my modules, the company's campaigns, the
network's library."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartwork.core.errors import DomainError, Forbidden
from smartwork.core.forms import id_from_text
from smartwork.core.permissions import allowed, roles_of
from smartwork.network.models import Network
from smartwork.web.views.company import company_tabs
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page
from smartwork.wellbeing import selectors, training
from smartwork.wellbeing.forms import CampaignForm, ModuleForm
from smartwork.wellbeing.models import Module


def _index(value: object) -> int:
    """A choice's or an item's number as sent; -1 (no answer) unless plain digits."""
    number = id_from_text(value)
    return -1 if number is None else number


@login_required
@page
@require_http_methods(["GET", "POST"])
def module_page(request: AuthedRequest, campaign_id: int, module_id: int) -> HttpResponse:
    campaign, module = training.assignment_get(actor=request.user, campaign_id=campaign_id,
                                               module_id=module_id)
    result = None
    error = None
    if request.method == "POST":
        try:
            answers = [_index(request.POST.get(f"q{i}")) for i in range(len(module.quiz))]
            checked = [_index(v) for v in request.POST.getlist("checked")]
            result = training.module_complete(actor=request.user, campaign=campaign,
                                              module=module, answers=answers, checked=checked)
        except DomainError as exc:
            error = exc.message
        else:
            if result["passed"]:
                messages.success(request, _("Module completed."))
                return redirect("wellbeing:home")
    done = any(a["campaign"].pk == campaign.pk and any(
        s["module"].pk == module.pk and s["done"] for s in a["steps"])
        for a in training.my_assignments(actor=request.user))
    return render(request, "wellbeing/module.html", {
        "campaign": campaign, "module": module, "result": result, "error": error,
        "done": done, "quiz": [{"i": i, "question": q["question"],
                                "choices": list(enumerate(q["choices"]))}
                               for i, q in enumerate(module.quiz)],
    })


@login_required
@page
@require_http_methods(["GET", "POST"])
def campaigns(request: AuthedRequest, company_id: int) -> HttpResponse:
    org = selectors.company_for(actor=request.user, company_id=company_id)
    may_manage = allowed(request.user, "wellbeing.manage", company=org)
    teams = list(org.teams.values_list("pk", "name"))  # type: ignore[attr-defined]
    modules = training.library(actor=request.user, company=org)
    form = CampaignForm(teams=teams, modules=modules)
    module_form = ModuleForm()
    if request.method == "POST":
        if not may_manage:
            raise Forbidden(_("Your role does not allow this here."))
        if request.POST.get("action") == "module":
            module_form = ModuleForm(request.POST)
            if module_form.is_valid():
                d = module_form.cleaned_data
                try:
                    training.module_create(
                        actor=request.user, company=org, title=d["title"], kind=d["kind"],
                        language=d["language"], topic=d["topic"], body=d["body"],
                        video_url=d["video_url"], mandatory=d["mandatory"],
                        checklist=[x.strip() for x in d["checklist"].splitlines() if x.strip()],
                        quiz=d["quiz"] if d["kind"] == "quiz" else None,
                        pass_mark=d["pass_mark"] or 0)
                except DomainError as exc:
                    apply_domain_error(module_form, exc)
                else:
                    messages.success(request, _("Module added."))
                    return redirect("wellbeing:campaigns", company_id=org.pk)
        else:
            form = CampaignForm(request.POST, teams=teams, modules=modules)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    training.campaign_create(
                        actor=request.user, company=org, title=d["title"],
                        audience=d["audience"], starts_on=d["starts_on"], due_on=d["due_on"],
                        module_ids=[int(x) for x in d["modules"]],
                        team_ids=[int(x) for x in d["teams"]])
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Campaign started."))
                    return redirect("wellbeing:campaigns", company_id=org.pk)
    rows: list[dict[str, Any]] = [
        {"campaign": c, "progress": training.campaign_progress(actor=request.user, campaign=c)}
        for c in training.campaign_list(actor=request.user, company=org)]
    return render(request, "wellbeing/campaigns.html", {
        "company": org, "tabs": company_tabs(request, org), "may_manage": may_manage,
        "form": form, "module_form": module_form, "rows": rows,
        "own_modules": [m for m in modules if m.company_id == org.pk]})


def _operator_network(request: AuthedRequest) -> Network:
    roles = roles_of(request.user)
    networks = (Network.objects.all() if roles.superuser
                else Network.objects.filter(pk__in=roles.operator_networks))
    chosen = networks.filter(pk=id_from_text(request.GET.get("network")) or 0).first() or networks.first()
    if chosen is None:
        raise Forbidden(_("Your role does not allow this here."))
    return chosen


@login_required
@page
@require_http_methods(["GET", "POST"])
def library(request: AuthedRequest) -> HttpResponse:
    network = _operator_network(request)
    if request.method == "POST":
        if request.POST.get("action") == "seed":
            n = training.library_seed(actor=request.user, network=network)
            messages.success(request, _("%(n)s modules added from the starter library.")
                             % {"n": n})
        elif request.POST.get("action") == "active":
            module = get_object_or_404(Module, pk=id_from_text(request.POST.get("module")) or 0,
                                       network=network)
            training.module_set_active(actor=request.user, module=module,
                                       active=request.POST.get("active") == "1")
            messages.success(request, _("Library saved."))
        return redirect(f"{request.path}?network={network.pk}")
    return render(request, "wellbeing/library.html", {
        "network": network, "modules": training.library(actor=request.user, network=network)})

