"""The pages: member, company admin, operator; in French and Dutch too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from smartwork.wellbeing.models import Survey, SurveyResponse
from smartwork.wellbeing.tests.helpers import full_answers, staff, survey

pytestmark = pytest.mark.django_db


def client_for(user, language="en"):
    c = Client(headers={"accept-language": language})
    c.force_login(user)
    return c


@pytest.fixture
def today_survey(company, company_admin):
    return survey(company, company_admin, opens_on=timezone.localdate(), days=3,
                  indicators=["who5", "isolation"])


class TestMemberPages:
    def test_home_shows_the_open_survey_and_answering_stores_it(self, member, today_survey):
        c = client_for(member)
        home = c.get("/")
        assert f"/wellbeing/surveys/{today_survey.pk}/" in home.content.decode()
        page = c.get(f"/wellbeing/surveys/{today_survey.pk}/")
        assert page.status_code == 200
        assert "I have felt cheerful and in good spirits." in page.content.decode()
        answers = {k: v for k, v in full_answers().items() if k.startswith(("who5", "iso"))}
        r = c.post(f"/wellbeing/surveys/{today_survey.pk}/", answers)
        assert r.status_code == 302 and r["Location"] == "/wellbeing/"
        assert SurveyResponse.objects.count() == 1
        mine = c.get("/wellbeing/").content.decode()
        assert "No survey is waiting for you." in mine and ">60<" in mine

    def test_missing_answers_show_inline_and_store_nothing(self, member, today_survey):
        r = client_for(member).post(f"/wellbeing/surveys/{today_survey.pk}/", {"who5_1": "3"})
        assert r.status_code == 200
        assert r.content.decode().count("Answer this question.") == 5
        assert not SurveyResponse.objects.exists()

    @pytest.mark.parametrize(("language", "words"), [
        ("fr", ["Au cours des deux dernières semaines", "Tout le temps", "Envoyer mes réponses"]),
        ("nl", ["In de afgelopen twee weken", "De hele tijd", "Mijn antwoorden versturen"]),
        ("de", ["In den letzten zwei Wochen", "Die ganze Zeit", "Meine Antworten senden"]),
    ])
    def test_in_french_and_dutch(self, member, today_survey, language, words):
        member.language = language
        member.save()
        body = client_for(member, language).get(
            f"/wellbeing/surveys/{today_survey.pk}/").content.decode()
        for word in words:
            assert word in body

    def test_other_company_survey_is_a_404(self, outsider, today_survey):
        assert client_for(outsider).get(f"/wellbeing/surveys/{today_survey.pk}/").status_code \
            == 404


class TestCompanyPage:
    def test_admin_sees_aggregates_and_opens_a_survey(self, company, company_admin,
                                                      today_survey):
        for person in staff(company, 5):
            c = client_for(person)
            c.post(f"/wellbeing/surveys/{today_survey.pk}/",
                   {k: v for k, v in full_answers(who5_each=2).items()
                    if k.startswith(("who5", "iso"))})
        admin = client_for(company_admin)
        page = admin.get(f"/wellbeing/company/{company.pk}/").content.decode()
        assert ">40.0<" in page  # one survey: the table, no line chart
        r = admin.post(f"/wellbeing/company/{company.pk}/", {
            "action": "survey", "title": "No question", "opens_on": "2026-03-01",
            "closes_on": "2026-03-05"})
        assert r.status_code == 200
        assert "A survey needs at least one question" in r.content.decode()
        assert Survey.objects.count() == 1
        r = admin.post(f"/wellbeing/company/{company.pk}/", {
            "action": "indicator", "indicator": "it_security", "enabled": "0"})
        assert r.status_code == 302

    def test_member_and_operator(self, company, member, operator):
        assert client_for(member).get(f"/wellbeing/company/{company.pk}/").status_code == 403
        page = client_for(operator).get(f"/wellbeing/company/{company.pk}/")
        assert page.status_code == 200 and "Open the survey" not in page.content.decode()
        assert client_for(operator).post(f"/wellbeing/company/{company.pk}/", {
            "action": "indicator", "indicator": "who5", "enabled": "0"}).status_code == 403
        assert client_for(operator).get("/wellbeing/network/").status_code == 200
        assert client_for(member).get("/wellbeing/network/").status_code == 403


@pytest.mark.parametrize("value", ["\u00b2", "x", "1\x00", str(2**63)])
def test_network_pages_take_an_odd_network_or_module_id_as_none(network, operator, value):
    """?network= and the library's module are read as plain digits within 64 bits: "²"
    or a letter made the query raise (a 500); now the operator's own network is shown,
    and a module that is no id is not found."""
    from django.utils.html import escape

    from smartwork.wellbeing import training
    from smartwork.wellbeing.models import Module

    training.library_seed(actor=operator, network=network)
    c = client_for(operator)
    assert c.get("/wellbeing/network/", {"network": value}).status_code == 200
    library = c.get("/wellbeing/network/library/", {"network": value})
    assert library.status_code == 200
    first = Module.objects.filter(network=network).order_by("pk").first()
    assert escape(first.title) in library.content.decode()
    active = set(Module.objects.values_list("pk", "active"))
    answer = c.post(f"/wellbeing/network/library/?network={network.pk}",
                    {"action": "active", "module": value, "active": "0"})
    assert answer.status_code == 404
    assert set(Module.objects.values_list("pk", "active")) == active
