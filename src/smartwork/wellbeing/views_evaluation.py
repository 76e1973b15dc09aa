"""Pages of the smart-working evaluation: a company's (admin, operator) and the
operator's across companies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartwork.core.errors import DomainError, InvalidInput
from smartwork.core.permissions import allowed
from smartwork.insights.periods import parse_period
from smartwork.web.views.company import company_tabs
from smartwork.web.views.helpers import AuthedRequest, page
from smartwork.wellbeing import evaluation, selectors
from smartwork.wellbeing.models import HeadOffice
from smartwork.wellbeing.report import evaluation_chart, evaluation_pdf
from smartwork.wellbeing.views_training import _operator_network


def _period(request: AuthedRequest) -> tuple[Any, str | None]:
    today = timezone.localdate()
    default = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    value = request.GET.get("period") or default
    try:
        return parse_period(value), None
    except InvalidInput as exc:
        return parse_period(default), exc.message


@login_required
@page
@require_http_methods(["GET", "POST"])
def company_evaluation(request: AuthedRequest, company_id: int) -> HttpResponse:
    org = selectors.company_for(actor=request.user, company_id=company_id)
    may_manage = allowed(request.user, "wellbeing.manage", company=org)
    if request.method == "POST" and may_manage:
        try:
            evaluation.head_office_set(actor=request.user, company=org,
                                       desks=int(request.POST.get("desks") or -1))
            messages.success(request, _("Head office desks saved."))
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Give a number of desks.")))
        return redirect(f"{request.path}?period={request.GET.get('period', '')}")
    period, error = _period(request)
    data = evaluation.company_evaluation(actor=request.user, company=org, period=period)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(evaluation_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="evaluation-{period.label}.pdf"'
        return response
    desks = HeadOffice.objects.filter(company=org).values_list("desks", flat=True).first()
    return render(request, "wellbeing/evaluation.html", {
        "company": org, "tabs": company_tabs(request, org), "data": data,
        "chart": evaluation_chart(data), "period": period, "period_error": error,
        "may_manage": may_manage, "desks": desks,
        "xlsx": f"/api/v1/wellbeing/evaluation/export?company={org.pk}&period={period.label}"
                "&format=xlsx"})


@login_required
@page
def network_evaluation(request: AuthedRequest) -> HttpResponse:
    network = _operator_network(request)
    period, error = _period(request)
    data = evaluation.network_evaluation(actor=request.user, network=network, period=period)
    return render(request, "wellbeing/network_evaluation.html", {
        "network": network, "data": data, "period": period, "period_error": error,
        "xlsx": f"/api/v1/wellbeing/network-evaluation/export?network={network.pk}"
                f"&period={period.label}&format=xlsx"})
