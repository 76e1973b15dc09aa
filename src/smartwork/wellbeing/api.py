"""The wellbeing API: thin routes over the services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartwork.accounts.models import Team, User
from smartwork.core.errors import InvalidInput, NotAuthenticated, NotFound
from smartwork.insights import exports as insight_exports
from smartwork.network.models import Network
from smartwork.wellbeing import exports, instruments, selectors, services
from smartwork.wellbeing.schemas import (
    AnswersIn,
    CompanyQuery,
    ExportQuery,
    IndicatorIn,
    ObjectivesIn,
    ResultsQuery,
    ScheduleIn,
    SurveyIn,
    SurveyOut,
)

router = Router(tags=["wellbeing"])


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated(_("Log in first."))
    return user


def export_response(name: str, tables: dict[str, Any], fmt: str,
                    table: str | None) -> HttpResponse:
    fmt = fmt.lower()
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(_("Format is csv or xlsx."), fields={"format": [_("Use csv or xlsx.")]})
    chosen = insight_exports.pick(tables, table)
    if fmt == "csv":
        if table is None:
            raise InvalidInput(_("CSV holds one table: give 'table'."),
                               fields={"table": [_("One of: %(t)s.") % {"t": ", ".join(tables)}]})
        body, ctype = insight_exports.to_csv(chosen[table]), "text/csv; charset=utf-8"
        filename = f"{name}-{table}.csv"
    else:
        body = insight_exports.to_xlsx(chosen)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        filename = f"{name}.xlsx"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _survey_out(s: Any) -> dict[str, Any]:
    return {"id": s.pk, "title": s.title, "origin": s.origin, "period": s.period,
            "opens_on": s.opens_on, "closes_on": s.closes_on, "indicators": list(s.indicators)}


# --- indicators and surveys (company admin) ---------------------------------------


@router.get("/wellbeing/indicators", summary="The company's indicator catalogue")
def indicator_list(request: HttpRequest, q: Query[CompanyQuery]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    return {"items": selectors.indicator_catalogue(actor=user, company=company)}


@router.put("/wellbeing/indicators/{key}", summary="Switch an indicator on or off")
def indicator_put(request: HttpRequest, key: str, q: Query[CompanyQuery],
                  data: IndicatorIn) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company,
                                    action="wellbeing.manage")
    services.indicator_set(actor=user, company=company, indicator=key,
                           enabled=data.enabled)
    return {"items": selectors.indicator_catalogue(actor=user, company=company)}


@router.put("/wellbeing/schedule", summary="The company's monthly pulse survey")
def schedule_put(request: HttpRequest, data: ScheduleIn) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=data.company,
                                    action="wellbeing.manage")
    s = services.survey_schedule_set(actor=user, company=company, active=data.active,
                                     day_of_month=data.day_of_month, open_days=data.open_days)
    return {"active": s.active, "day_of_month": s.day_of_month, "open_days": s.open_days}


@router.get("/wellbeing/surveys", response=list[SurveyOut], summary="The company's surveys")
def survey_list(request: HttpRequest, q: Query[CompanyQuery]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    return [_survey_out(s) for s in selectors.survey_list(actor=user, company=company)]


@router.post("/wellbeing/surveys", response={201: SurveyOut}, summary="Open a pulse survey")
def survey_create(request: HttpRequest, data: SurveyIn) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=data.company,
                                    action="wellbeing.manage")
    s = services.survey_create(actor=user, company=company, title=data.title,
                               opens_on=data.opens_on, closes_on=data.closes_on,
                               indicators=data.indicators)
    return Status(201, _survey_out(s))


@router.get("/wellbeing/results", summary="Aggregates per survey, indicator and team (>= 5)")
def results(request: HttpRequest, q: Query[ResultsQuery]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    return selectors.company_results(actor=user, company=company,
                                     date_from=q.date_from, date_to=q.date_to)


@router.get("/wellbeing/results/export", summary="The aggregates as CSV or XLSX")
def results_export(request: HttpRequest, q: Query[ResultsQuery], ex: Query[ExportQuery]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    data = selectors.company_results(actor=user, company=company,
                                     date_from=q.date_from, date_to=q.date_to)
    return export_response("wellbeing", exports.results_tables(data), ex.format, ex.table)


@router.post("/wellbeing/objectives", summary="Record a team's objectives set and met")
def objectives(request: HttpRequest, data: ObjectivesIn) -> Any:
    team = Team.objects.filter(pk=data.team).select_related("company").first()
    if team is None:
        raise NotFound(_("No such team."))
    row = services.team_objectives_record(actor=_user(request), team=team, month=data.month,
                                          objectives_set=data.objectives_set,
                                          objectives_met=data.objectives_met)
    return {"team": team.pk, "month": row.month, "objectives_set": row.objectives_set,
            "objectives_met": row.objectives_met}


# --- the person ------------------------------------------------------------------


@router.get("/wellbeing/me/surveys", summary="Surveys open for me, with their questions")
def my_surveys(request: HttpRequest) -> Any:
    user = _user(request)
    return {"items": [{**_survey_out(s), "questions": instruments.questionnaire(
        list(s.indicators), user.language)} for s in selectors.my_open_surveys(actor=user)]}


@router.post("/wellbeing/surveys/{survey_id}/answers", response={201: Any},
             summary="Answer a survey (once)")
def answer(request: HttpRequest, survey_id: int, data: AnswersIn) -> Any:
    user = _user(request)
    survey = selectors.survey_for_member(actor=user, survey_id=survey_id)
    response = services.survey_answer(actor=user, survey=survey, answers=data.answers)
    return Status(201, {"survey": survey.pk,
                        "scores": {s.indicator: s.score for s in response.scores.all()}})


@router.get("/wellbeing/me/results", summary="My own answers, scores and trend")
def my_results(request: HttpRequest) -> Any:
    return selectors.my_results(actor=_user(request))


# --- the operator ------------------------------------------------------------------


@router.get("/wellbeing/network/{network_id}/results",
            summary="Across customer companies (aggregates, small ones folded)")
def network_results(request: HttpRequest, network_id: int) -> Any:
    network = get_object_or_404(Network, pk=network_id)
    return selectors.network_results(actor=_user(request), network=network)


@router.get("/wellbeing/network/{network_id}/results/export", summary="As CSV or XLSX")
def network_results_export(request: HttpRequest, network_id: int,
                           ex: Query[ExportQuery]) -> Any:
    network = get_object_or_404(Network, pk=network_id)
    data = selectors.network_results(actor=_user(request), network=network)
    return export_response("wellbeing-network", exports.network_tables(data), ex.format,
                           ex.table)
