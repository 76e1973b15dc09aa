"""Reads of the wellbeing app, scoped to the acting user.

The person reads their own responses through their pseudonym; a company (its admin,
or the network's operator) reads aggregates of at least PRIVACY_MIN_GROUP respondents;
nobody else reads a response. Aggregates are computed in the database (GROUP BY over
IndicatorScore, one index on company, survey, indicator): see bench/wellbeing_aggregates.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, Team, User
from smartwork.core.errors import NotFound
from smartwork.core.permissions import require
from smartwork.wellbeing import instruments, own_questions
from smartwork.wellbeing.models import IndicatorScore, Survey, SurveyResponse, TeamObjectives
from smartwork.wellbeing.privacy import fold_teams, min_group, respondent_token
from smartwork.wellbeing.services import enabled_indicators

LOW = 50  # WHO-5: a percentage score of 50 or less suggests poor well-being


def company_for(*, actor: User, company_id: int, action: str = "wellbeing.view") -> Organisation:
    company = Organisation.objects.filter(pk=company_id, kind="company").first()
    if company is None:
        raise NotFound(_("No such company."))
    require(actor, action, company=company)
    return company


def indicator_catalogue(*, actor: User, company: Organisation) -> list[dict[str, Any]]:
    require(actor, "wellbeing.view", company=company)
    on = set(enabled_indicators(company=company))
    out = []
    for key in instruments.indicator_keys():
        spec = instruments.indicator_spec(key)
        out.append({"key": key, "name": instruments.text(spec["name"]), "family": spec["family"],
                    "origin": spec["origin"], "citation": spec["citation"],
                    "enabled": key in on, "surveyed": key in instruments.instruments()})
    return out


def survey_list(*, actor: User, company: Organisation) -> list[Survey]:
    require(actor, "wellbeing.view", company=company)
    return list(Survey.objects.filter(company=company).order_by("-opens_on", "-id"))


# --- the person's own -------------------------------------------------------------


def my_open_surveys(*, actor: User, today: dt.date | None = None) -> list[Survey]:
    """The surveys open today for this person that they have not answered yet."""
    if not getattr(actor, "is_authenticated", False) or actor.company_id is None:
        return []
    today = today or timezone.localdate()
    token = respondent_token(user_id=actor.pk, company_id=actor.company_id)
    return list(Survey.objects.filter(company_id=actor.company_id, opens_on__lte=today,
                                      closes_on__gte=today)
                .exclude(responses__respondent=token).order_by("closes_on", "pk"))


def survey_for_member(*, actor: User, survey_id: int) -> Survey:
    survey = Survey.objects.filter(pk=survey_id, company_id=actor.company_id).first()
    if survey is None or actor.company_id is None:
        raise NotFound(_("No such survey."))
    return survey


def my_results(*, actor: User) -> dict[str, Any]:
    """Every answer this person gave in their company's surveys, with scores and trend."""
    if actor.company_id is None:
        return {"responses": [], "series": {}, "indicators": []}
    token = respondent_token(user_id=actor.pk, company_id=actor.company_id)
    responses = list(SurveyResponse.objects.filter(company_id=actor.company_id, respondent=token)
                     .select_related("survey").prefetch_related("scores")
                     .order_by("survey__opens_on", "pk"))
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    out = []
    for r in responses:
        scores = {s.indicator: s.score for s in r.scores.all()}
        for key, value in scores.items():
            series[key].append({"survey": r.survey.shown_title, "opens_on": r.survey.opens_on,
                                "score": value})
        out.append({
            "survey_id": r.survey_id, "title": r.survey.shown_title,
            "opens_on": r.survey.opens_on, "submitted_on": r.submitted_on,
            "answers": r.answers, "scores": scores,
            "bands": {k: instruments.band(k, v) for k, v in scores.items()
                      if not own_questions.is_own(k)},
        })
    keys = [k for k in instruments.indicator_keys() if k in series]
    own = own_questions.names([r.survey for r in responses])
    keys += [k for k in own if k in series]
    return {"responses": out, "series": dict(series),
            "indicators": [{"key": k, "name": own[k]["name"] if k in own
                            else instruments.indicator_name(k)} for k in keys]}


# --- company aggregates -----------------------------------------------------------


def _mean(total: int | None, n: int) -> float | None:
    return round(total / n, 1) if n and total is not None else None


def company_results(*, actor: User, company: Organisation, date_from: dt.date | None = None,
                    date_to: dt.date | None = None) -> dict[str, Any]:
    """Per survey and indicator: respondents and mean score (and the share at or under
    50 for the WHO-5), per team with small teams folded; nothing under the threshold."""
    require(actor, "wellbeing.view", company=company)
    k = min_group()
    surveys_qs = Survey.objects.filter(company=company)
    if date_from:
        surveys_qs = surveys_qs.filter(opens_on__gte=date_from)
    if date_to:
        surveys_qs = surveys_qs.filter(opens_on__lte=date_to)
    surveys = list(surveys_qs.order_by("opens_on", "pk"))
    ids = [s.pk for s in surveys]
    # One GROUP BY (survey, indicator, team); the company's cells are their sums.
    by_team = (IndicatorScore.objects.filter(company=company, survey_id__in=ids)
               .values_list("survey_id", "indicator", "team_id")
               .annotate(n=Count("id"), total=Sum("score"),
                         low=Count("id", filter=Q(score__lte=LOW))).order_by())
    answered = dict(SurveyResponse.objects.filter(survey_id__in=ids).values("survey_id")
                    .annotate(n=Count("id")).values_list("survey_id", "n"))
    team_names = dict(Team.objects.filter(company=company).values_list("pk", "name"))
    no_team = _("No team")
    cells: dict[tuple[int, str], dict[str, Any]] = {}
    team_groups: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for survey_id, indicator, team_id, n, total, low in by_team:
        cell = cells.setdefault((survey_id, indicator), {"n": 0, "total": 0, "low": 0})
        cell["n"] += n
        cell["total"] += total or 0
        cell["low"] += low
        team_groups[(survey_id, indicator)].append({
            "team": team_id, "n": n, "total": total or 0, "low": low,
            "name": team_names.get(team_id, no_team) if team_id else no_team,
        })
    keys = [key for key in instruments.indicator_keys()
            if key in instruments.instruments()
            and any(key in s.indicators for s in surveys)]
    own = own_questions.names(surveys)  # the company's own questions, after the catalogue
    keys += list(own)
    survey_rows = []
    for s in surveys:
        n = answered.get(s.pk, 0)
        survey_rows.append({"id": s.pk, "title": s.shown_title, "period": s.period,
                            "opens_on": s.opens_on, "closes_on": s.closes_on,
                            "respondents": n if n >= k else None, "suppressed": 0 < n < k,
                            "indicators": list(s.indicators)})
    series: dict[str, list[dict[str, Any]]] = {}
    teams: list[dict[str, Any]] = []
    other = _("Other teams (under %(k)s people each)") % {"k": k}
    for key in keys:
        points = []
        for s in surveys:
            found = cells.get((s.pk, key))
            cell = found or {"n": 0, "total": 0, "low": 0}
            n = cell["n"]
            visible = n >= k
            point = {"survey_id": s.pk, "title": s.shown_title, "opens_on": s.opens_on,
                     "respondents": n if visible else None,
                     "mean": _mean(cell["total"], n) if visible else None,
                     "suppressed": 0 < n < k}
            if key == "who5":
                point["share_low"] = round(100 * cell["low"] / n, 1) if visible else None
            points.append(point)
            if visible:
                for g in fold_teams(team_groups[(s.pk, key)], k=k, other_label=other):
                    teams.append({"survey_id": s.pk, "survey": s.shown_title, "indicator": key,
                                  "team": g["name"], "respondents": g["n"],
                                  "mean": _mean(g["total"], g["n"]),
                                  "folded_groups": g.get("folded_groups", 0)})
        series[key] = points
    return {
        "company": {"id": company.pk, "name": company.legal_name},
        "min_group": k,
        "indicators": [{"key": key, "name": own[key]["name"], "family": own[key]["family"],
                        "own": True} if key in own else
                       {"key": key, "name": instruments.indicator_name(key),
                        "family": instruments.indicator_spec(key)["family"]} for key in keys],
        "surveys": survey_rows, "series": series, "teams": teams,
        "by_policy": _by_policy(company, surveys, keys, cells, k),
    }


def _by_policy(company: Organisation, surveys: list[Survey], keys: list[str],
               cells: dict[tuple[int, str], dict[str, Any]], k: int) -> list[dict[str, Any]]:
    """The indicators per version of the company's smart-working policy (workplans):
    each survey counts for the version in force on its opening day; only survey cells
    of at least k respondents enter a version's mean (weighted by respondents)."""
    from smartwork.workplans.models import PolicyVersion

    # The company's versions in one query; each survey takes the last one in force on
    # its opening day (what workplans.policy.policy_in_force answers for no team).
    company_versions = list(PolicyVersion.objects.filter(company=company, team__isnull=True)
                            .order_by("effective_from"))
    groups: dict[int | None, dict[str, Any]] = {}
    version_of: dict[dt.date, Any] = {}
    for s in surveys:
        if s.opens_on not in version_of:
            version_of[s.opens_on] = next(
                (v for v in reversed(company_versions) if v.effective_from <= s.opens_on), None)
        v = version_of[s.opens_on]
        key = v.pk if v is not None else None
        g = groups.setdefault(key, {
            "version": v.number if v is not None else None,
            "effective_from": v.effective_from if v is not None else None,
            "remote_days": v.remote_days if v is not None else None,
            "anchor_days": list(v.anchor_days) if v is not None else [],
            "surveys": 0, "sums": defaultdict(int), "ns": defaultdict(int)})
        g["surveys"] += 1
        for ind in keys:
            cell = cells.get((s.pk, ind))
            if cell and cell["n"] >= k:
                g["sums"][ind] += cell["total"]
                g["ns"][ind] += cell["n"]
    out = []
    for g in groups.values():
        sums, ns = g.pop("sums"), g.pop("ns")
        g["means"] = {ind: _mean(sums[ind], ns[ind]) for ind in keys}
        g["respondents"] = {ind: ns[ind] for ind in keys}
        out.append(g)
    return sorted(out, key=lambda g: (g["effective_from"] is not None,
                                      g["effective_from"] or dt.date.min))


def network_results(*, actor: User, network: Any) -> dict[str, Any]:
    """The operator's view across customer companies: per month and indicator, the
    network's respondents and mean, and per company only where it has >= k respondents
    (companies under k folded together, as teams are)."""
    require(actor, "network.reports", network=network)
    k = min_group()
    rows = (IndicatorScore.objects.filter(company__network=network)
            .annotate(month=TruncMonth("survey__opens_on"))
            .values("month", "indicator", "company_id")
            .annotate(n=Count("id"), total=Sum("score"), low=Count("id", filter=Q(score__lte=LOW))))
    names = dict(Organisation.objects.filter(network=network).values_list("pk", "legal_name"))
    cells: dict[tuple[Any, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        cells[(month, row["indicator"])].append({
            "name": names.get(row["company_id"], "?"), "team": row["company_id"],
            "n": row["n"], "total": row["total"] or 0, "low": row["low"]})
    other = _("Other companies (under %(k)s respondents each)") % {"k": k}
    months = sorted({m for m, _key in cells})
    keys = [key for key in instruments.instruments() if any(key == kk for _m, kk in cells)]
    series: dict[str, list[dict[str, Any]]] = {}
    companies: list[dict[str, Any]] = []
    for key in keys:
        points = []
        for month in months:
            visible = fold_teams(cells.get((month, key), []), k=k, other_label=other)
            n = sum(g["n"] for g in visible)
            total = sum(g["total"] for g in visible)
            points.append({"month": month, "respondents": n or None,
                           "mean": _mean(total, n) if n >= k else None})
            for g in visible:
                companies.append({"month": month, "indicator": key, "company": g["name"],
                                  "respondents": g["n"], "mean": _mean(g["total"], g["n"])})
        series[key] = points
    return {"network": {"id": network.pk, "name": network.name}, "min_group": k,
            "months": months,
            "indicators": [{"key": key, "name": instruments.indicator_name(key)} for key in keys],
            "series": series, "companies": companies}


def team_objectives(*, actor: User, company: Organisation, first: dt.date,
                    last: dt.date) -> dict[str, Any]:
    """The objectives each team set and met per month from `first` to `last` (the months
    that touch them), with the share met per team and for the company. Team figures, not
    a person's: the admin records them per team."""
    require(actor, "wellbeing.view", company=company)
    start = first.replace(day=1)
    months: list[dt.date] = []
    month = start
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    rows = (TeamObjectives.objects.filter(company=company, month__gte=start, month__lte=last)
            .values_list("team_id", "month", "objectives_set", "objectives_met"))
    cells: dict[tuple[int, dt.date], tuple[int, int]] = {
        (team_id, m): (s, met) for team_id, m, s, met in rows}
    teams = []
    total_set = total_met = 0
    for team in Team.objects.filter(company=company).order_by("name"):
        line = []
        team_set = team_met = 0
        for m in months:
            found = cells.get((team.pk, m))
            s, met = found if found else (None, None)
            line.append({"month": m, "set": s, "met": met,
                         "share": round(100 * met / s, 1) if s and met is not None else None})
            team_set += s or 0
            team_met += met or 0
        total_set += team_set
        total_met += team_met
        teams.append({"id": team.pk, "name": team.name, "cells": line, "set": team_set,
                      "met": team_met,
                      "share": round(100 * team_met / team_set, 1) if team_set else None})
    return {"months": months, "teams": teams, "set": total_set, "met": total_met,
            "share": round(100 * total_met / total_set, 1) if total_set else None}
