"""A company's own survey questions: written in its languages on one of the catalogue's
scales, copied into the surveys that open while switched on, scored 0–100, and shown to
the company under the same rules as the instruments (groups of at least 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils.html import escape

from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput
from smartwork.wellbeing import own_questions, selectors, services
from smartwork.wellbeing.models import CompanyQuestion, IndicatorScore, Survey, SurveySchedule
from smartwork.wellbeing.tests.helpers import TODAY, staff, survey, who5

pytestmark = pytest.mark.django_db

TEXT = {"fr": "Les réunions d'équipe m'aident dans mon travail.",
        "nl": "Teamvergaderingen helpen me bij mijn werk.",
        "en": "Team meetings help me in my work."}


def _question(company, admin, **extra):
    args = {"text": TEXT, "scale": "extent5", "family": "productivity", **extra}
    return own_questions.question_create(actor=admin, company=company, **args)


def client_for(user, language="en"):
    c = Client(headers={"accept-language": language})
    c.force_login(user)
    return c


class TestWriting:
    @pytest.mark.parametrize(("extra", "field"), [
        ({"text": {}}, "text"), ({"text": {"fr": "   "}}, "text"),
        ({"text": {"it": "Domanda"}}, "text"), ({"text": {"en": "x" * 301}}, "text"),
        ({"scale": "stars"}, "scale"), ({"family": "mood"}, "family"),
    ])
    def test_bad_input_names_the_field_and_stores_nothing(self, company, company_admin, extra,
                                                          field):
        with pytest.raises(InvalidInput) as exc:
            _question(company, company_admin, **extra)
        assert field in exc.value.fields
        assert not CompanyQuestion.objects.exists()

    def test_only_the_company_admin_writes(self, company, member, operator):
        other_admin = testing.make_company_admin(testing.make_organisation(
            network=company.network))
        for actor in (member, operator, other_admin):
            with pytest.raises(Forbidden):
                _question(company, actor)


class TestAsking:
    def test_a_survey_copies_the_active_questions_and_scores_them(self, company,
                                                                  company_admin, member):
        q = _question(company, company_admin)
        off = _question(company, company_admin, scale="yes_no")
        own_questions.question_set_active(actor=company_admin, question=off, active=False)
        s = survey(company, company_admin, indicators=["who5"])
        assert [x["key"] for x in s.questions] == [q.key]
        # A later change of the question does not change what this survey asked.
        CompanyQuestion.objects.filter(pk=q.pk).update(text={"en": "Changed"})
        s.refresh_from_db()
        assert s.questions[0]["text"]["en"] == TEXT["en"]
        r = services.survey_answer(actor=member, survey=s, answers={**who5(3), q.key: 4},
                                   today=TODAY)
        scores = dict(IndicatorScore.objects.filter(response=r).values_list("indicator",
                                                                            "score"))
        assert scores == {"who5": 60, q.key: 75}  # 4 on 1..5 -> 75

    @pytest.mark.parametrize(("answers", "field"), [
        ({}, "OWN"), ({"OWN": 6}, "OWN"), ({"OWN": 3, "cq999999": 1}, "cq999999"),
    ])
    def test_missing_or_wrong_own_answers_are_refused(self, company, company_admin, member,
                                                      answers, field):
        q = _question(company, company_admin)
        s = survey(company, company_admin, indicators=["who5"])
        answers = {k.replace("OWN", q.key): v for k, v in answers.items()}
        with pytest.raises(InvalidInput) as exc:
            services.survey_answer(actor=member, survey=s, answers={**who5(3), **answers},
                                   today=TODAY)
        assert field.replace("OWN", q.key) in exc.value.fields
        assert not IndicatorScore.objects.exists()

    def test_a_survey_of_own_questions_only_and_unknown_ids(self, company, company_admin):
        q = _question(company, company_admin)
        s = services.survey_create(actor=company_admin, company=company, title="Ours",
                                   opens_on=TODAY, closes_on=TODAY, indicators=[],
                                   questions=[q.pk])
        assert s.indicators == [] and len(s.questions) == 1
        with pytest.raises(InvalidInput) as exc:
            services.survey_create(actor=company_admin, company=company, title="X",
                                   opens_on=TODAY, closes_on=TODAY, indicators=["who5"],
                                   questions=[q.pk + 1000])
        assert "questions" in exc.value.fields
        with pytest.raises(InvalidInput):
            services.survey_create(actor=company_admin, company=company, title="Empty",
                                   opens_on=TODAY, closes_on=TODAY, indicators=[],
                                   questions=[])

    def test_the_monthly_survey_asks_them_too(self, company, company_admin):
        q = _question(company, company_admin, scale="zero_to_ten")
        SurveySchedule.objects.create(company=company, active=True, day_of_month=1,
                                      open_days=10)
        assert services.surveys_open_scheduled(today=dt.date(2026, 3, 2)) == 1
        assert [x["key"] for x in Survey.objects.get().questions] == [q.key]


class TestResults:
    def test_shown_from_5_respondents_folded_under(self, company, company_admin):
        q = _question(company, company_admin, scale="zero_to_ten")
        s = survey(company, company_admin, indicators=["who5"])
        people = staff(company, 5)
        for i, person in enumerate(people[:4]):
            services.survey_answer(actor=person, survey=s, answers={**who5(3), q.key: 10},
                                   today=TODAY)
        data = selectors.company_results(actor=company_admin, company=company)
        point = data["series"][q.key][0]
        assert point["mean"] is None and point["suppressed"]
        services.survey_answer(actor=people[4], survey=s, answers={**who5(3), q.key: 5},
                               today=TODAY)
        data = selectors.company_results(actor=company_admin, company=company)
        assert data["series"][q.key][0]["mean"] == 90.0  # (4 x 100 + 50) / 5
        names = {i["key"]: i for i in data["indicators"]}
        assert names[q.key]["name"] == TEXT["en"] and names[q.key]["own"]
        # The person sees their own answer.
        mine = selectors.my_results(actor=people[4])
        assert mine["responses"][0]["scores"][q.key] == 50
        # The operator's network view never lists a company's own question.
        assert q.key not in str(selectors.network_results(
            actor=testing.make_operator(company.network), network=company.network))


class TestPagesAndApi:
    def test_the_admin_adds_and_switches_off_a_question_on_the_page(self, company,
                                                                    company_admin):
        c = client_for(company_admin)
        r = c.post(f"/wellbeing/company/{company.pk}/questions/", {
            "text_fr": TEXT["fr"], "text_en": TEXT["en"], "scale": "frequency5",
            "family": "social"})
        assert r.status_code == 302
        q = CompanyQuestion.objects.get()
        assert q.text == {"fr": TEXT["fr"], "en": TEXT["en"]} and q.active
        r = c.post(f"/wellbeing/company/{company.pk}/questions/",
                   {"action": "off", "question": q.pk})
        q.refresh_from_db()
        assert r.status_code == 302 and not q.active

    def test_an_empty_question_shows_inline(self, company, company_admin):
        r = client_for(company_admin).post(f"/wellbeing/company/{company.pk}/questions/",
                                           {"scale": "frequency5", "family": "social"})
        assert r.status_code == 200
        assert "Write the question in at least one language." in r.content.decode()
        assert not CompanyQuestion.objects.exists()

    def test_the_member_reads_it_in_french_on_the_survey_page(self, company, company_admin,
                                                              member):
        _question(company, company_admin)
        s = survey(company, company_admin, opens_on=dt.date.today(), days=3,
                   indicators=["who5"])
        page = client_for(member, "fr").get(f"/wellbeing/surveys/{s.pk}/").content.decode()
        assert escape(TEXT["fr"]) in page and "Les questions de votre entreprise" in page

    def test_api(self, api, company, company_admin, member):
        client = api(company_admin)
        r = client.post("/api/v1/wellbeing/questions", {
            "company": company.pk, "text": {"nl": TEXT["nl"]}, "scale": "yes_no",
            "family": "security"})
        assert r.status_code == 201, r.content
        qid = r.json()["id"]
        bad = client.post("/api/v1/wellbeing/questions", {
            "company": company.pk, "text": {"nl": TEXT["nl"]}, "scale": "stars",
            "family": "security"})
        assert bad.status_code == 422 and "scale" in bad.json()["error"]["fields"]
        listed = client.get("/api/v1/wellbeing/questions", {"company": company.pk}).json()
        assert [x["key"] for x in listed] == [f"cq{qid}"]
        assert api(member).get("/api/v1/wellbeing/questions",
                               {"company": company.pk}).status_code == 403
        r = client.put(f"/api/v1/wellbeing/questions/{qid}", {"active": False})
        assert r.status_code == 200 and r.json()["active"] is False
