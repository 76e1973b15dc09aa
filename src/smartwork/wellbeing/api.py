"""The wellbeing API: thin routes over the services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartwork.accounts.models import Team, User
from smartwork.core.errors import NotAuthenticated, NotFound
from smartwork.insights import exports as insight_exports
from smartwork.network.models import Network
from smartwork.wellbeing import (
    evaluation,
    exports,
    instruments,
    legal,
    measured,
    own_questions,
    selectors,
    services,
    training,
)
from smartwork.wellbeing.models import Campaign, CompanyQuestion
from smartwork.wellbeing.schemas import (
    AnswersIn,
    CampaignIn,
    CompanyQuery,
    CompleteIn,
    EvaluationQuery,
    ExportQuery,
    HeadOfficeIn,
    IndicatorIn,
    LegalIn,
    LegalQuery,
    ModuleIn,
    ModuleQuery,
    NetworkEvaluationQuery,
    ObjectivesIn,
    PeriodIn,
    QuestionActiveIn,
    QuestionIn,
    QuestionOut,
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
    return insight_exports.export_response(name=name, tables=tables, fmt=fmt, table=table)


def _survey_out(s: Any) -> dict[str, Any]:
    return {"id": s.pk, "title": s.shown_title, "origin": s.origin, "period": s.period,
            "opens_on": s.opens_on, "closes_on": s.closes_on, "indicators": list(s.indicators),
            "own_questions": [q["key"] for q in s.questions or []]}


def _question_out(q: CompanyQuestion) -> dict[str, Any]:
    return {"id": q.pk, "key": q.key, "text": q.text, "scale": q.scale, "family": q.family,
            "active": q.active}


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
                               indicators=data.indicators, questions=data.questions)
    return Status(201, _survey_out(s))


@router.get("/wellbeing/questions", response=list[QuestionOut],
            summary="The company's own survey questions")
def question_list(request: HttpRequest, q: Query[CompanyQuery]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    return [_question_out(x) for x in own_questions.questions_of(company=company,
                                                                   active_only=False)]


@router.post("/wellbeing/questions", response={201: QuestionOut},
             summary="Add a question of the company's own to its surveys")
def question_create(request: HttpRequest, data: QuestionIn) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=data.company,
                                    action="wellbeing.manage")
    q = own_questions.question_create(actor=user, company=company, text=data.text,
                                      scale=data.scale, family=data.family)
    return Status(201, _question_out(q))


@router.put("/wellbeing/questions/{question_id}", response=QuestionOut,
            summary="Switch a question of the company's own off or on")
def question_active(request: HttpRequest, question_id: int, data: QuestionActiveIn) -> Any:
    user = _user(request)
    q = CompanyQuestion.objects.select_related("company").filter(pk=question_id).first()
    if q is None:
        raise NotFound(_("No such question."))
    selectors.company_for(actor=user, company_id=q.company_id, action="wellbeing.manage")
    return _question_out(own_questions.question_set_active(actor=user, question=q,
                                                           active=data.active))


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


@router.get("/wellbeing/measured", summary="Days per place against the policy, team days, "
            "isolation count per team")
def measured_indicators(request: HttpRequest, q: Query[PeriodIn]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    return measured.company_measured(actor=user, company=company, first=q.date_from,
                                     last=q.date_to)


@router.get("/wellbeing/me/isolation", summary="My own weeks without meeting my team")
def my_isolation(request: HttpRequest) -> Any:
    return measured.my_isolation(actor=_user(request))


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
    items = []
    for s in selectors.my_open_surveys(actor=user):
        blocks = instruments.questionnaire(list(s.indicators), user.language)
        own = own_questions.block(list(s.questions or []), user.language)
        items.append({**_survey_out(s), "questions": blocks + ([own] if own else [])})
    return {"items": items}


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


# --- the awareness programme -----------------------------------------------------------


def _module_out(m: Any, *, with_answers: bool = False) -> dict[str, Any]:
    quiz = [{"question": q["question"], "choices": q["choices"],
             **({"correct": q["correct"]} if with_answers else {})} for q in m.quiz]
    return {"id": m.pk, "title": m.title, "kind": m.kind, "language": m.language,
            "topic": m.topic, "body": m.body, "video_url": m.video_url,
            "checklist": m.checklist, "quiz": quiz, "pass_mark": m.pass_mark,
            "mandatory": m.mandatory, "active": m.active,
            "scope": "network" if m.network_id else "company"}


@router.get("/wellbeing/modules", summary="A company's usable modules, or a network's library")
def module_list(request: HttpRequest, q: Query[ModuleQuery]) -> Any:
    user = _user(request)
    if q.company is not None:
        company = selectors.company_for(actor=user, company_id=q.company)
        return {"items": [_module_out(m) for m in training.library(actor=user, company=company)]}
    network = get_object_or_404(Network, pk=q.network or 0)
    return {"items": [_module_out(m, with_answers=True)
                      for m in training.library(actor=user, network=network)]}


@router.post("/wellbeing/modules", response={201: Any}, summary="Add a module")
def module_create(request: HttpRequest, data: ModuleIn) -> Any:
    user = _user(request)
    network = get_object_or_404(Network, pk=data.network) if data.network else None
    company = (selectors.company_for(actor=user, company_id=data.company,
                                     action="wellbeing.manage") if data.company else None)
    quiz = [q.dict() for q in data.quiz]
    m = training.module_create(actor=user, network=network, company=company, title=data.title,
                               kind=data.kind, language=data.language, topic=data.topic,
                               body=data.body, video_url=data.video_url,
                               checklist=data.checklist, quiz=quiz, pass_mark=data.pass_mark,
                               mandatory=data.mandatory)
    return Status(201, _module_out(m, with_answers=True))


@router.post("/wellbeing/network/{network_id}/library/seed",
             summary="Load the starter library (fr, nl, en) into the network's library")
def library_seed(request: HttpRequest, network_id: int) -> Any:
    network = get_object_or_404(Network, pk=network_id)
    return {"created": training.library_seed(actor=_user(request), network=network)}


def _campaign_out(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "title": c.title, "audience": c.audience, "starts_on": c.starts_on,
            "due_on": c.due_on, "modules": [s.module_id for s in c.steps.all()],
            "teams": [t.pk for t in c.teams.all()]}


@router.get("/wellbeing/campaigns", summary="The company's campaigns")
def campaign_list(request: HttpRequest, q: Query[CompanyQuery]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    return {"items": [_campaign_out(c) for c in training.campaign_list(actor=user,
                                                                        company=company)]}


@router.post("/wellbeing/campaigns", response={201: Any}, summary="Start a campaign")
def campaign_create(request: HttpRequest, data: CampaignIn) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=data.company,
                                    action="wellbeing.manage")
    c = training.campaign_create(actor=user, company=company, title=data.title,
                                 audience=data.audience, starts_on=data.starts_on,
                                 due_on=data.due_on, module_ids=data.modules,
                                 team_ids=data.teams, newcomers_since=data.newcomers_since,
                                 remind_days_before=data.remind_days_before)
    return Status(201, _campaign_out(c))


@router.get("/wellbeing/campaigns/{campaign_id}/progress",
            summary="Completion counts per module and team; names for mandatory modules only")
def campaign_progress(request: HttpRequest, campaign_id: int) -> Any:
    user = _user(request)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return training.campaign_progress(actor=user, campaign=campaign)


@router.get("/wellbeing/me/modules", summary="My campaigns and their modules")
def my_modules(request: HttpRequest) -> Any:
    items = training.my_assignments(actor=_user(request))
    return {"items": [{"campaign": _campaign_out(a["campaign"]), "done": a["done"],
                       "overdue": a["overdue"],
                       "steps": [{"module": _module_out(s["module"]), "done": s["done"]}
                                 for s in a["steps"]]} for a in items]}


@router.post("/wellbeing/campaigns/{campaign_id}/modules/{module_id}/complete",
             summary="Complete a module (a quiz: when it reaches its pass mark)")
def module_complete(request: HttpRequest, campaign_id: int, module_id: int,
                    data: CompleteIn) -> Any:
    user = _user(request)
    campaign, module = training.assignment_get(actor=user, campaign_id=campaign_id,
                                               module_id=module_id)
    return training.module_complete(actor=user, campaign=campaign, module=module,
                                    answers=data.answers, checked=data.checked)


# --- legal library and the policy document -------------------------------------------


def _legal_out(row: dict[str, Any]) -> dict[str, Any]:
    e = row["entry"]
    return {"id": e.pk, "network": e.network_id, "language": e.language, "topic": e.topic,
            "title": e.title, "summary": e.summary,
            "source": {"title": e.source_title, "issuer": e.source_issuer,
                       "date": e.source_date, "url": e.source_url},
            "checked_on": e.checked_on, "review_by": e.review_by, "overdue": row["overdue"]}


@router.get("/wellbeing/legal", summary="The legal library of my network(s), with review flags")
def legal_list(request: HttpRequest, q: Query[LegalQuery]) -> Any:
    rows = legal.legal_list(actor=_user(request), language=q.language, network_id=q.network)
    return {"items": [_legal_out(r) for r in rows]}


@router.post("/wellbeing/legal", response={201: Any},
             summary="Add a legal entry (its official source is required)")
def legal_create(request: HttpRequest, data: LegalIn) -> Any:
    network = get_object_or_404(Network, pk=data.network)
    entry = legal.legal_entry_create(actor=_user(request), network=network,
                                     **data.dict(exclude={"network"}))
    return Status(201, _legal_out({"entry": entry, "overdue": False}))


@router.get("/wellbeing/policy-document", summary="The telework policy as a PDF, in the "
            "company's language")
def policy_document(request: HttpRequest, q: Query[CompanyQuery]) -> Any:
    from smartwork.wellbeing.policy_document import policy_pdf

    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    response = HttpResponse(policy_pdf(actor=user, company=company),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="telework-policy-{company.pk}.pdf"'
    return response


# --- the evaluation -------------------------------------------------------------------


def _period(value: str) -> Any:
    from smartwork.insights.periods import parse_period

    return parse_period(value)


@router.get("/wellbeing/evaluation", summary="The smart-working evaluation of a company")
def company_evaluation(request: HttpRequest, q: Query[EvaluationQuery]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    return evaluation.company_evaluation(actor=user, company=company, period=_period(q.period))


@router.get("/wellbeing/evaluation/export", summary="The evaluation as XLSX (or one CSV table)")
def company_evaluation_export(request: HttpRequest, q: Query[EvaluationQuery],
                              ex: Query[ExportQuery]) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    data = evaluation.company_evaluation(actor=user, company=company, period=_period(q.period))
    return export_response(f"evaluation-{q.period}", evaluation.evaluation_tables(data),
                           ex.format, ex.table)


@router.get("/wellbeing/evaluation/pdf", summary="The evaluation as a PDF")
def company_evaluation_pdf(request: HttpRequest, q: Query[EvaluationQuery]) -> Any:
    from smartwork.wellbeing.report import evaluation_pdf

    user = _user(request)
    company = selectors.company_for(actor=user, company_id=q.company)
    data = evaluation.company_evaluation(actor=user, company=company, period=_period(q.period))
    response = HttpResponse(evaluation_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{q.period}.pdf"'
    return response


@router.put("/wellbeing/head-office", summary="The desks of the company's head office")
def head_office(request: HttpRequest, data: HeadOfficeIn) -> Any:
    user = _user(request)
    company = selectors.company_for(actor=user, company_id=data.company,
                                    action="wellbeing.manage")
    row = evaluation.head_office_set(actor=user, company=company, desks=data.desks)
    return {"company": company.pk, "desks": row.desks}


@router.get("/wellbeing/network-evaluation", summary="The evaluation across the network's "
            "customer companies (operator)")
def network_evaluation(request: HttpRequest, q: Query[NetworkEvaluationQuery]) -> Any:
    network = get_object_or_404(Network, pk=q.network)
    return evaluation.network_evaluation(actor=_user(request), network=network,
                                         period=_period(q.period))


@router.get("/wellbeing/network-evaluation/export", summary="As XLSX or CSV")
def network_evaluation_export(request: HttpRequest, q: Query[NetworkEvaluationQuery],
                              ex: Query[ExportQuery]) -> Any:
    network = get_object_or_404(Network, pk=q.network)
    data = evaluation.network_evaluation(actor=_user(request), network=network,
                                         period=_period(q.period))
    return export_response(f"network-evaluation-{q.period}", evaluation.network_tables(data),
                           ex.format, ex.table)
