"""The team objectives page: what each team set and met per month (the recorded half of
the productivity indicators). The company admin records them; both read them here and
in the evaluation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartwork.accounts.models import Team
from smartwork.core.errors import DomainError, Forbidden
from smartwork.core.permissions import allowed
from smartwork.web.views.company import company_tabs
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page
from smartwork.wellbeing import selectors, services
from smartwork.wellbeing.forms import ObjectivesForm

MONTHS_SHOWN = 6


@login_required
@page
@require_http_methods(["GET", "POST"])
def objectives(request: AuthedRequest, company_id: int) -> HttpResponse:
    org = selectors.company_for(actor=request.user, company_id=company_id)
    may_manage = allowed(request.user, "wellbeing.manage", company=org)
    teams = dict(Team.objects.filter(company=org).order_by("name").values_list("pk", "name"))
    today = timezone.localdate()
    this_month = today.replace(day=1)
    form = ObjectivesForm(teams=list(teams.items()),
                          initial={"month": (this_month - dt.timedelta(days=1)).replace(day=1)})
    if request.method == "POST":
        if not may_manage:
            raise Forbidden(_("Your role does not allow this here."))
        form = ObjectivesForm(request.POST, teams=list(teams.items()))
        if form.is_valid():
            data = form.cleaned_data
            if data["month"] > this_month:
                form.add_error("month", _("Record a month that has begun."))
            else:
                team = Team.objects.get(pk=data["team"], company=org)
                try:
                    services.team_objectives_record(
                        actor=request.user, team=team, month=data["month"],
                        objectives_set=data["objectives_set"],
                        objectives_met=data["objectives_met"])
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Objectives saved for %(team)s.")
                                     % {"team": team.name})
                    return redirect("wellbeing:objectives", company_id=org.pk)
    first = this_month
    for _i in range(MONTHS_SHOWN - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    data = selectors.team_objectives(actor=request.user, company=org, first=first, last=today)
    return render(request, "wellbeing/objectives.html", {
        "company": org, "tabs": company_tabs(request, org), "data": data, "form": form,
        "may_manage": may_manage, "has_teams": bool(teams)})
