"""Races on the wellbeing jobs and answers, with real threads (each its own connection),
on SQLite and on PostgreSQL: several workers mail a survey or a campaign once, and one
person answering twice at once stores one response."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest

from smartwork.core import testing
from smartwork.core.errors import Conflict
from smartwork.wellbeing import services, training
from smartwork.wellbeing.models import Survey, SurveyResponse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

TODAY = dt.date(2026, 3, 10)


def run_together(calls: list[Any]) -> list[Any]:
    return testing.run_together(calls, timeout=120)


@pytest.fixture
def company():
    network = testing.make_network()
    return testing.make_organisation(network=network)


def test_four_workers_open_and_mail_the_monthly_survey_once(company):
    admin = testing.make_company_admin(company)
    services.survey_schedule_set(actor=admin, company=company, active=True, day_of_month=1)
    with mock.patch("smartwork.wellbeing.services.task_enqueue_after_commit") as enqueue:
        opened = run_together([lambda: services.surveys_open_scheduled(today=TODAY)] * 4)
        assert sum(r for r in opened if isinstance(r, int)) == 1, opened
        sent = run_together([lambda: services.surveys_send_invitations(today=TODAY)] * 4)
    assert sum(r for r in sent if isinstance(r, int)) == 1, sent
    assert Survey.objects.count() == 1 and enqueue.call_count == 1


def test_four_workers_send_a_campaign_reminder_once(company):
    admin = testing.make_company_admin(company)
    training.library_seed(actor=testing.make_operator(company.network), network=company.network)
    from smartwork.wellbeing.models import Module

    module = Module.objects.get(slug="centres", language="fr")
    training.campaign_create(actor=admin, company=company, title="C", audience="company",
                             starts_on=TODAY, due_on=TODAY, module_ids=[module.pk])
    with mock.patch("smartwork.wellbeing.training.task_enqueue_after_commit") as enqueue:
        results = run_together([lambda: training.campaigns_send_mails(today=TODAY)] * 4)
    done = [r for r in results if isinstance(r, dict)]
    assert sum(r["launched"] for r in done) == 1, results
    assert sum(r["reminded"] for r in done) == 1, results
    assert enqueue.call_count == 2


def test_one_person_answering_twice_at_once_stores_one_response(company):
    admin = testing.make_company_admin(company)
    person = testing.make_user(company=company, network=company.network)
    survey = services.survey_create(actor=admin, company=company, title="P", opens_on=TODAY,
                                    closes_on=TODAY, indicators=["isolation"])
    results = run_together([lambda: services.survey_answer(
        actor=person, survey=survey, answers={"iso_1": 2}, today=TODAY)] * 3)
    assert SurveyResponse.objects.count() == 1
    assert sum(isinstance(r, Conflict) for r in results) == 2, results
