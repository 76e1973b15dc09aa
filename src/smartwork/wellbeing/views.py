"""Pages: the member's surveys and results, the company's indicators and results,
the operator's network view. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartwork.core.errors import DomainError, Forbidden
from smartwork.core.forms import id_from_text
from smartwork.core.l10n import month_text
from smartwork.core.permissions import allowed, roles_of
from smartwork.insights import charts
from smartwork.network.models import Network
from smartwork.web.views.company import company_tabs
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page
from smartwork.wellbeing import (
    instruments,
    measured,
    own_questions,
    selectors,
    services,
    training,
)
from smartwork.wellbeing.forms import ScheduleForm, SurveyForm, answer_form
from smartwork.wellbeing.models import SurveySchedule


def _line(title: str, desc: str, labels: list[str],
          series: dict[str, Any]) -> str:
    if len(labels) < 2:  # a line needs two points; the table below holds the one
        return ""
    clean: dict[str, Sequence[float | None]] = {k: list(v) for k, v in series.items()}
    return mark_safe(charts.line_chart(title=title, desc=desc, labels=labels,  # noqa: S308
                                       series=clean, unit="/100"))


# --- the member ---------------------------------------------------------------------


@login_required
@page
def home(request: AuthedRequest) -> HttpResponse:
    mine = selectors.my_results(actor=request.user)
    for r in mine["responses"]:
        r["values"] = [r["scores"].get(i["key"]) for i in mine["indicators"]]
    labels = [month_text(r["opens_on"]) for r in mine["responses"]]
    series = {i["name"]: [r["scores"].get(i["key"]) for r in mine["responses"]]
              for i in mine["indicators"]}
    chart = _line(_("My scores over time"),
                  _("One line per indicator, 0 to 100, higher is better."), labels, series)
    return render(request, "wellbeing/home.html", {
        "open_surveys": selectors.my_open_surveys(actor=request.user),
        "mine": mine, "chart": chart,
        "isolation": measured.my_isolation(actor=request.user),
        "training": training.my_assignments(actor=request.user),
        "admin_companies": sorted(roles_of(request.user).admin_companies),
        "is_operator": bool(roles_of(request.user).operator_networks),
        "names": {k: instruments.indicator_name(k) for k in instruments.indicator_keys()},
    })


@login_required
@page
@require_http_methods(["GET", "POST"])
def survey_answer(request: AuthedRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_for_member(actor=request.user, survey_id=survey_id)
    keys = list(survey.indicators)
    own = list(survey.questions or [])
    form = answer_form(keys, request.LANGUAGE_CODE, request.POST or None, own=own)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(actor=request.user, survey=survey,
                                   answers=dict(form.cleaned_data))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you: your answers are saved, without your name."))
            return redirect("wellbeing:home")
    blocks = instruments.questionnaire(keys, request.LANGUAGE_CODE)
    own_block = own_questions.block(own, request.LANGUAGE_CODE)
    if own_block:
        blocks.append(own_block)
    for block in blocks:
        block["fields"] = [form[item["key"]] for item in block["items"]]
    return render(request, "wellbeing/survey.html", {"survey": survey, "form": form,
                                                     "blocks": blocks})


# --- the company ----------------------------------------------------------------------


def _company_context(request: AuthedRequest, company: Any) -> dict[str, Any]:
    return {"company": company, "tabs": company_tabs(request, company)}


@login_required
@page
@require_http_methods(["GET", "POST"])
def company(request: AuthedRequest, company_id: int) -> HttpResponse:
    org = selectors.company_for(actor=request.user, company_id=company_id)
    may_manage = allowed(request.user, "wellbeing.manage", company=org)
    schedule = SurveySchedule.objects.filter(company=org).first()
    schedule_form = ScheduleForm(initial={"active": schedule.active, "day_of_month":
                                          schedule.day_of_month, "open_days": schedule.open_days}
                                 if schedule else None)
    own = [(q.pk, own_questions.question_text({"text": q.text}, request.LANGUAGE_CODE))
           for q in own_questions.questions_of(company=org)]
    survey_form = SurveyForm(initial={"indicators": services.surveyed_indicators(company=org),
                                      "title": _("Pulse survey"),
                                      "questions": [pk for pk, _text in own]}, own=own)
    if request.method == "POST":
        if not may_manage:
            raise Forbidden(_("Your role does not allow this here."))
        action = request.POST.get("action")
        try:
            if action == "indicator":
                services.indicator_set(actor=request.user, company=org,
                                       indicator=request.POST.get("indicator", ""),
                                       enabled=request.POST.get("enabled") == "1")
                messages.success(request, _("Indicators saved."))
                return redirect("wellbeing:company", company_id=org.pk)
            if action == "schedule":
                schedule_form = ScheduleForm(request.POST)
                if schedule_form.is_valid():
                    services.survey_schedule_set(actor=request.user, company=org,
                                                 **schedule_form.cleaned_data)
                    messages.success(request, _("Schedule saved."))
                    return redirect("wellbeing:company", company_id=org.pk)
            if action == "survey":
                survey_form = SurveyForm(request.POST, own=own)
                if survey_form.is_valid():
                    services.survey_create(actor=request.user, company=org,
                                           **survey_form.cleaned_data)
                    messages.success(request, _("Survey opened; staff get a mail."))
                    return redirect("wellbeing:company", company_id=org.pk)
        except DomainError as exc:
            target = schedule_form if action == "schedule" else survey_form
            if action == "indicator":
                messages.error(request, exc.message)
            else:
                apply_domain_error(target, exc)
    data = selectors.company_results(actor=request.user, company=org)
    labels = [month_text(s["opens_on"]) for s in data["surveys"]]
    series = {i["name"]: [p["mean"] for p in data["series"][i["key"]]]
              for i in data["indicators"]}
    chart = _line(_("Indicators per survey"),
                  _("Mean score per indicator, 0 to 100, higher is better; gaps: fewer "
                    "than 5 respondents."), labels, series)
    rows = []
    for i, s in enumerate(data["surveys"]):
        rows.append({"survey": s, "cells": [data["series"][ind["key"]][i]
                                            for ind in data["indicators"]]})
    today = timezone.localdate()
    last = today - dt.timedelta(days=today.weekday() + 1)
    facts = measured.company_measured(actor=request.user, company=org,
                                      first=last - dt.timedelta(days=27), last=last)
    policy_rows = [{**g, "values": [g["means"].get(i["key"]) for i in data["indicators"]]}
                   for g in data["by_policy"]]
    base = urlencode({"company": org.pk})
    return render(request, "wellbeing/company.html", {
        **_company_context(request, org), "may_manage": may_manage,
        "catalogue": selectors.indicator_catalogue(actor=request.user, company=org),
        "schedule_form": schedule_form, "survey_form": survey_form, "data": data,
        "chart": chart, "rows": rows, "families": dict(_families()), "policy_rows": policy_rows,
        "facts": facts,
        "downloads": [
            {"url": f"/api/v1/wellbeing/results/export?{base}&format=xlsx",
             "label": _("XLSX (all tables)")},
            {"url": f"/api/v1/wellbeing/results/export?{base}&format=csv&table=by_survey",
             "label": _("CSV per survey")},
            {"url": f"/api/v1/wellbeing/results/export?{base}&format=csv&table=by_team",
             "label": _("CSV per team")}],
        "surveys": selectors.survey_list(actor=request.user, company=org)[:12],
    })


def _families() -> list[tuple[str, str]]:
    from smartwork.wellbeing.choices import Family

    return [(str(v), str(label)) for v, label in Family.choices]


# --- the operator ------------------------------------------------------------------


@login_required
@page
def network(request: AuthedRequest) -> HttpResponse:
    roles = roles_of(request.user)
    networks = Network.objects.filter(pk__in=roles.operator_networks) if not roles.superuser \
        else Network.objects.all()
    chosen = networks.filter(pk=id_from_text(request.GET.get("network")) or 0).first() or networks.first()
    if chosen is None:
        raise Forbidden(_("Your role does not allow this here."))
    data = selectors.network_results(actor=request.user, network=chosen)
    labels = [month_text(m) for m in data["months"]]
    series = {i["name"]: [p["mean"] for p in data["series"][i["key"]]]
              for i in data["indicators"]}
    chart = _line(_("Indicators across customer companies"),
                  _("Mean score per month, 0 to 100; companies under 5 respondents folded."),
                  labels, series)
    return render(request, "wellbeing/network.html", {
        "networks": networks, "network": chosen, "data": data, "chart": chart,
        "download": f"/api/v1/wellbeing/network/{chosen.pk}/results/export?format=xlsx",
    })
