"""The wellbeing API through HTTP: each role allowed and refused, bad input, anonymity
of every answer and export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from smartwork.core import testing
from smartwork.core.tests.errors import assert_error
from smartwork.wellbeing.models import Survey, SurveyResponse
from smartwork.wellbeing.tests.helpers import full_answers, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_survey(api, company, company_admin):
    from django.utils import timezone

    today = timezone.localdate()
    r = api(company_admin).post("/wellbeing/surveys", {
        "company": company.pk, "title": "Pulse", "opens_on": str(today),
        "closes_on": str(today), "indicators": ["who5", "it_security"]})
    assert r.status_code == 201, r.content
    return Survey.objects.get(pk=r.json()["id"])


class TestSurveysApi:
    def test_no_question_is_a_422_and_nothing_stored(self, api, company, company_admin):
        r = api(company_admin).post("/wellbeing/surveys", {
            "company": company.pk, "title": "Empty", "opens_on": "2026-03-01",
            "closes_on": "2026-03-10", "indicators": []})
        assert_error(r, 422, "indicators")
        assert not Survey.objects.exists()

    def test_member_operator_and_other_admin_cannot_open_one(self, api, company, member,
                                                             operator):
        other_admin = testing.make_company_admin(testing.make_organisation(
            network=company.network))
        body = {"company": company.pk, "title": "X", "opens_on": "2026-03-01",
                "closes_on": "2026-03-10", "indicators": ["who5"]}
        for user in (member, operator, other_admin):
            assert_error(api(user).post("/wellbeing/surveys", body), 403)
        assert_error(api().post("/wellbeing/surveys", body), 401)

    def test_member_answers_once_and_reads_their_own(self, api, member, open_survey):
        r = api(member).get("/wellbeing/me/surveys")
        assert [s["id"] for s in r.json()["items"]] == [open_survey.pk]
        assert r.json()["items"][0]["questions"][0]["key"] == "who5"
        answers = {k: v for k, v in full_answers(who5_each=4).items()
                   if k.startswith(("who5", "sec"))}
        r = api(member).post(f"/wellbeing/surveys/{open_survey.pk}/answers", {"answers": answers})
        assert r.status_code == 201, r.content
        assert r.json()["scores"] == {"who5": 80, "it_security": 100}
        assert_error(api(member).post(f"/wellbeing/surveys/{open_survey.pk}/answers",
                                      {"answers": answers}), 409)
        mine = api(member).get("/wellbeing/me/results").json()
        assert mine["responses"][0]["scores"] == {"who5": 80, "it_security": 100}
        assert api(member).get("/wellbeing/me/surveys").json()["items"] == []

    def test_bad_answers_name_the_fields(self, api, member, open_survey):
        r = api(member).post(f"/wellbeing/surveys/{open_survey.pk}/answers",
                             {"answers": {"who5_1": 7}})
        assert_error(r, 422, "who5_1")
        assert not SurveyResponse.objects.exists()

    def test_an_outsider_cannot_see_or_answer(self, api, outsider, open_survey):
        assert_error(api(outsider).post(f"/wellbeing/surveys/{open_survey.pk}/answers",
                                        {"answers": {}}), 404)


class TestAnonymityOverHttp:
    def test_no_results_or_export_lets_the_company_read_one_person(self, api, company,
                                                                   company_admin, operator,
                                                                   open_survey):
        people = staff(company, 6)
        answers = {k: v for k, v in full_answers().items() if k.startswith(("who5", "sec"))}
        for i, person in enumerate(people):
            answers = {**answers, "who5_1": i % 6}
            r = api(person).post(f"/wellbeing/surveys/{open_survey.pk}/answers",
                                 {"answers": answers})
            assert r.status_code == 201
        tokens = list(SurveyResponse.objects.values_list("respondent", flat=True))
        for user in (company_admin, operator):
            body = api(user).get("/wellbeing/results", {"company": company.pk}).content.decode()
            data = json.loads(body)
            assert data["series"]["who5"][0]["respondents"] == 6
            for secret in [*tokens, *(p.email for p in people), '"answers"']:
                assert secret not in body
            xlsx = api(user).get("/wellbeing/results/export",
                                 {"company": company.pk, "format": "xlsx"})
            assert xlsx.status_code == 200
            wb = load_workbook(io.BytesIO(xlsx.content))
            cells = [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row]
            assert not any(t in cells for t in tokens)
            assert wb.sheetnames == ["by_policy_version", "by_survey", "by_team"]
        csv_r = api(company_admin).get("/wellbeing/results/export", {
            "company": company.pk, "format": "csv", "table": "by_survey"})
        rows = list(csv.reader(io.StringIO(csv_r.content.decode("utf-8-sig"))))
        assert rows[0][:5] == ["survey", "opens_on", "indicator", "indicator_name", "respondents"]
        assert len(rows) == 3  # header + one row per indicator, no person

    def test_results_refused_to_members_and_other_companies(self, api, company, member):
        assert_error(api(member).get("/wellbeing/results", {"company": company.pk}), 403)
        other_admin = testing.make_company_admin(testing.make_organisation(
            network=company.network))
        assert_error(api(other_admin).get("/wellbeing/results", {"company": company.pk}), 403)

    def test_network_results_only_for_its_operator(self, api, company, operator, member,
                                                   open_survey):
        r = api(operator).get(f"/wellbeing/network/{company.network_id}/results")
        assert r.status_code == 200, r.content
        assert_error(api(member).get(f"/wellbeing/network/{company.network_id}/results"), 403)
        other_op = testing.make_operator(testing.make_network())
        assert_error(api(other_op).get(f"/wellbeing/network/{company.network_id}/results"), 403)


class TestIndicatorsApi:
    def test_switch_off_and_on(self, api, company, company_admin, operator):
        r = api(company_admin).put(f"/wellbeing/indicators/it_security?company={company.pk}",
                                   {"enabled": False})
        assert r.status_code == 200, r.content
        items = {i["key"]: i["enabled"] for i in r.json()["items"]}
        assert items["it_security"] is False and items["who5"] is True
        assert_error(api(company_admin).put(f"/wellbeing/indicators/nope?company={company.pk}",
                                            {"enabled": True}), 422, "indicator")
        assert_error(api(operator).put(f"/wellbeing/indicators/who5?company={company.pk}",
                                       {"enabled": False}), 403)
        families = {i["family"] for i in api(operator).get(
            "/wellbeing/indicators", {"company": company.pk}).json()["items"]}
        assert families == {"productivity", "social", "security"}
