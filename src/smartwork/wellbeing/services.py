"""Writes of the wellbeing app: indicators, surveys and answers, team objectives.
(Training: training.py; legal library: legal.py.)"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, Team, TeamMembership, User
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput, NotFound
from smartwork.core.outbox import task_enqueue_after_commit
from smartwork.core.permissions import require
from smartwork.wellbeing import instruments, own_questions
from smartwork.wellbeing.choices import SurveyOrigin
from smartwork.wellbeing.models import (
    IndicatorScore,
    IndicatorSetting,
    Survey,
    SurveyResponse,
    SurveySchedule,
    TeamObjectives,
    scheduled_title,
)
from smartwork.wellbeing.privacy import respondent_token


def _company_of(company: Organisation | int) -> Organisation:
    if isinstance(company, Organisation):
        return company
    found = Organisation.objects.filter(pk=company).first()
    if found is None:
        raise NotFound(_("No such company."))
    return found


def indicator_set(*, actor: User, company: Organisation, indicator: str,
                  enabled: bool) -> IndicatorSetting:
    require(actor, "wellbeing.manage", company=company)
    if indicator not in instruments.indicator_keys():
        why = _("Unknown indicator.")
        raise InvalidInput(why, fields={"indicator": [why]})
    setting, _created = IndicatorSetting.objects.update_or_create(
        company=company, indicator=indicator, defaults={"enabled": bool(enabled)})
    audit_log(actor=actor, action="wellbeing.indicator_set", obj=company,
              data={"indicator": indicator, "enabled": bool(enabled)},
              network_id=company.network_id)
    return setting


def enabled_indicators(*, company: Organisation | int) -> list[str]:
    """The company's indicators switched on, in catalogue order."""
    company_id = company if isinstance(company, int) else company.pk
    chosen = dict(IndicatorSetting.objects.filter(company_id=company_id)
                  .values_list("indicator", "enabled"))
    defaults = instruments.default_enabled()
    return [k for k in instruments.indicator_keys() if chosen.get(k, k in defaults)]


def surveyed_indicators(*, company: Organisation | int) -> list[str]:
    return [k for k in enabled_indicators(company=company) if k in instruments.instruments()]


def survey_schedule_set(*, actor: User, company: Organisation, active: bool,
                        day_of_month: int = 1, open_days: int = 14) -> SurveySchedule:
    require(actor, "wellbeing.manage", company=company)
    fields: dict[str, list[str]] = {}
    if not 1 <= int(day_of_month) <= 28:
        fields["day_of_month"] = [_("Choose a day from 1 to 28.")]
    if not 1 <= int(open_days) <= 28:
        fields["open_days"] = [_("A survey stays open from 1 to 28 days.")]
    if fields:
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields)
    schedule, _created = SurveySchedule.objects.update_or_create(
        company=company, defaults={"active": bool(active), "day_of_month": int(day_of_month),
                                   "open_days": int(open_days)})
    audit_log(actor=actor, action="wellbeing.schedule_set", obj=company,
              data={"active": bool(active), "day_of_month": int(day_of_month),
                    "open_days": int(open_days)}, network_id=company.network_id)
    return schedule


def _check_survey(*, title: str, opens_on: dt.date | None, closes_on: dt.date | None,
                  indicators: list[str], own: int = 0) -> None:
    fields: dict[str, list[str]] = {}
    if not (title or "").strip():
        fields["title"] = [_("Give the survey a title.")]
    if not indicators and not own:
        fields["indicators"] = [_("A survey needs at least one question: choose an indicator.")]
    unknown = [k for k in indicators if k not in instruments.instruments()]
    if unknown:
        fields["indicators"] = [_("Not a surveyed indicator: %(keys)s.")
                                % {"keys": ", ".join(unknown)}]
    if len(set(indicators)) != len(indicators):
        fields["indicators"] = [_("Each indicator once.")]
    if opens_on is None:
        fields["opens_on"] = [_("Required.")]
    if closes_on is None:
        fields["closes_on"] = [_("Required.")]
    if opens_on and closes_on and closes_on < opens_on:
        fields["closes_on"] = [_("The survey closes after it opens.")]
    if opens_on and closes_on and (closes_on - opens_on).days > 60:
        fields["closes_on"] = [_("A pulse survey stays open 60 days at most.")]
    if fields:
        first = fields.get("indicators") or next(iter(fields.values()))
        raise InvalidInput(first[0], code="invalid_survey", fields=fields)


def survey_create(*, actor: User, company: Organisation, title: str, opens_on: dt.date,
                  closes_on: dt.date, indicators: list[str],
                  questions: list[int] | None = None) -> Survey:
    """A survey the company opens itself (the monthly ones open by the schedule), with
    the company's own questions `questions` (ids; None: every active one)."""
    require(actor, "wellbeing.manage", company=company)
    indicators = list(indicators or [])
    active = {q.pk: q for q in own_questions.questions_of(company=company)}
    wanted = list(active) if questions is None else list(questions)
    strange = [i for i in wanted if i not in active]
    if strange:
        raise InvalidInput(_("Not an active question of your company: %(ids)s.")
                           % {"ids": ", ".join(str(i) for i in strange)},
                           code="invalid_survey", fields={"questions": [
                               _("Choose among your company's active questions.")]})
    own = own_questions.snapshot([active[i] for i in dict.fromkeys(wanted)])
    _check_survey(title=title, opens_on=opens_on, closes_on=closes_on, indicators=indicators,
                  own=len(own))
    with transaction.atomic():
        survey = Survey.objects.create(
            company=company, title=title.strip(), origin=SurveyOrigin.MANUAL, opens_on=opens_on,
            closes_on=closes_on, indicators=indicators, questions=own, created_by=actor)
        audit_log(actor=actor, action="wellbeing.survey_created", obj=survey,
                  data={"indicators": indicators, "questions": [q["key"] for q in own],
                        "opens_on": opens_on.isoformat(),
                        "closes_on": closes_on.isoformat()}, network_id=company.network_id)
    return survey


def _first_team_id(*, user: User, company_id: int) -> int | None:
    return (TeamMembership.objects.filter(user=user, team__company_id=company_id)
            .order_by("team_id").values_list("team_id", flat=True).first())


def survey_answer(*, actor: User, survey: Survey, answers: dict[str, Any],
                  today: dt.date | None = None) -> SurveyResponse:
    """Store a person's answers under their pseudonym, with one score per instrument.
    Once per person and survey (a unique constraint guards the race)."""
    if not getattr(actor, "is_authenticated", False):
        from smartwork.core.errors import NotAuthenticated

        raise NotAuthenticated(_("Log in first."))
    if actor.company_id != survey.company_id or not actor.is_active:
        raise NotFound(_("No such survey."))
    today = today or timezone.localdate()
    if not survey.opens_on <= today <= survey.closes_on:
        raise Conflict(_("This survey is not open."), code="survey_closed")
    answers = answers or {}
    own = list(survey.questions or [])
    fields: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for check, part in (
            (lambda a: instruments.validate_answers(list(survey.indicators), a),
             {k: v for k, v in answers.items() if not own_questions.is_own(k)}),
            (lambda a: own_questions.validate(own, a),
             {k: v for k, v in answers.items() if own_questions.is_own(k)})):
        try:
            clean.update(check(part))
        except InvalidInput as exc:
            fields.update(exc.fields)
    asked = {q["key"] for q in own}
    for extra in sorted(k for k in answers if own_questions.is_own(k) and k not in asked):
        fields[extra] = [_("Not a question of this survey.")]
    if fields:
        raise InvalidInput(_("Some answers are missing or not valid."), code="invalid_answers",
                           fields=fields)
    token = respondent_token(user_id=actor.pk, company_id=survey.company_id)
    team_id = _first_team_id(user=actor, company_id=survey.company_id)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, company_id=survey.company_id, team_id=team_id,
                respondent=token, submitted_on=today, answers=clean)
            IndicatorScore.objects.bulk_create([
                IndicatorScore(response=response, survey=survey, company_id=survey.company_id,
                               team_id=team_id, indicator=key,
                               score=instruments.score(key, clean))
                for key in survey.indicators] + [
                IndicatorScore(response=response, survey=survey, company_id=survey.company_id,
                               team_id=team_id, indicator=q["key"],
                               score=own_questions.score(q, clean[q["key"]]))
                for q in own])
    except IntegrityError as exc:
        raise Conflict(_("You have answered this survey already."),
                       code="already_answered") from exc
    return response


def team_objectives_record(*, actor: User, team: Team, month: dt.date, objectives_set: int,
                           objectives_met: int) -> TeamObjectives:
    company = team.company
    require(actor, "wellbeing.manage", company=company)
    fields: dict[str, list[str]] = {}
    if objectives_set < 0 or objectives_met < 0:
        fields["objectives_set"] = [_("Counts are zero or more.")]
    if objectives_met > objectives_set:
        fields["objectives_met"] = [_("A team cannot meet more objectives than it set.")]
    if fields:
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields)
    row, _created = TeamObjectives.objects.update_or_create(
        team=team, month=month.replace(day=1),
        defaults={"company": company, "objectives_set": objectives_set,
                  "objectives_met": objectives_met})
    audit_log(actor=actor, action="wellbeing.objectives_recorded", obj=team,
              data={"month": month.replace(day=1).isoformat(), "set": objectives_set,
                    "met": objectives_met}, network_id=company.network_id)
    return row


# --- Periodic jobs (idempotent) ---------------------------------------------------


def surveys_open_scheduled(*, today: dt.date | None = None) -> int:
    """Open this month's survey of every active schedule whose day has come. The
    unique (company, period) constraint makes a second run, or a second worker, a no-op."""
    today = today or timezone.localdate()
    period = today.strftime("%Y-%m")
    opened = 0
    for schedule in SurveySchedule.objects.filter(active=True, day_of_month__lte=today.day):
        if Survey.objects.filter(company_id=schedule.company_id, period=period).exists():
            continue
        keys = surveyed_indicators(company=schedule.company_id)
        own = own_questions.snapshot(own_questions.questions_of(company=schedule.company_id))
        if not keys and not own:
            continue
        opens_on = today.replace(day=schedule.day_of_month)
        last_day = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        closes_on = min(opens_on + dt.timedelta(days=schedule.open_days - 1), last_day)
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    company_id=schedule.company_id, title=scheduled_title(period),
                    origin=SurveyOrigin.SCHEDULED, period=period, opens_on=opens_on,
                    closes_on=max(closes_on, opens_on), indicators=keys, questions=own)
                audit_log(actor=None, action="wellbeing.survey_opened", obj=survey,
                          data={"period": period, "indicators": keys,
                                "questions": [q["key"] for q in own]})
        except IntegrityError:
            continue  # another worker opened it first
        opened += 1
    return opened


def surveys_send_invitations(*, today: dt.date | None = None) -> int:
    """Mail each open survey's invitation once: the run whose conditional UPDATE flips
    `mailed_at` from NULL enqueues the mail in the same transaction (core.outbox); any
    other run, at once or later, updates nothing and sends nothing."""
    from smartwork.wellbeing.tasks import survey_invitation_mail

    today = today or timezone.localdate()
    sent = 0
    due = Survey.objects.filter(mailed_at__isnull=True, opens_on__lte=today,
                                closes_on__gte=today).values_list("pk", flat=True)
    for survey_id in list(due):
        with transaction.atomic():
            flipped = Survey.objects.filter(pk=survey_id, mailed_at__isnull=True).update(
                mailed_at=timezone.now())
            if flipped:
                task_enqueue_after_commit(survey_invitation_mail, survey_id)
                sent += 1
    return sent


def survey_get(*, survey_id: int) -> Survey:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("No such survey."))
    return survey

