"""Surveys: validation, answering once, anonymity, aggregates with small groups folded,
and invitations mailed once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from smartwork.accounts.models import Team
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from smartwork.wellbeing import selectors, services
from smartwork.wellbeing.models import IndicatorScore, Survey, SurveyResponse, SurveySchedule
from smartwork.wellbeing.privacy import respondent_token
from smartwork.wellbeing.tests.helpers import TODAY, full_answers, staff, survey

pytestmark = pytest.mark.django_db


class TestSurveyCreate:
    def test_a_survey_with_no_question_is_refused_and_nothing_stored(self, company, company_admin):
        with pytest.raises(InvalidInput) as exc:
            services.survey_create(actor=company_admin, company=company, title="Empty",
                                   opens_on=TODAY, closes_on=TODAY, indicators=[])
        assert "indicators" in exc.value.fields
        assert not Survey.objects.exists()

    def test_unknown_indicator_and_reversed_dates(self, company, company_admin):
        with pytest.raises(InvalidInput) as exc:
            services.survey_create(actor=company_admin, company=company, title="X",
                                   opens_on=TODAY, closes_on=TODAY - dt.timedelta(days=1),
                                   indicators=["who5", "objectives_met"])
        assert set(exc.value.fields) == {"indicators", "closes_on"}
        assert not Survey.objects.exists()

    def test_only_the_company_admin_creates(self, company, operator, member):
        for actor in (operator, member):
            with pytest.raises(Forbidden):
                survey(company, actor)
        other = testing.make_organisation(network=company.network)
        with pytest.raises(Forbidden):
            survey(other, testing.make_company_admin(company))


class TestAnswer:
    def test_stored_under_a_pseudonym_with_one_score_per_instrument(self, company,
                                                                    company_admin, member):
        s = survey(company, company_admin)
        r = services.survey_answer(actor=member, survey=s, answers=full_answers(), today=TODAY)
        assert r.respondent == respondent_token(user_id=member.pk, company_id=company.pk)
        assert len(r.respondent) == 64 and member.email not in str(r.answers)
        field_names = {f.name for f in SurveyResponse._meta.get_fields()}
        assert not field_names & {"user", "member", "person"}
        scores = dict(IndicatorScore.objects.filter(response=r).values_list("indicator", "score"))
        assert scores == {"who5": 60, "isolation": 75, "digital_overload": 75,
                          "work_life_balance": 75, "productivity_self": 70, "it_security": 100}

    def test_once_per_person(self, company, company_admin, member):
        s = survey(company, company_admin)
        services.survey_answer(actor=member, survey=s, answers=full_answers(), today=TODAY)
        with pytest.raises(Conflict) as exc:
            services.survey_answer(actor=member, survey=s, answers=full_answers(), today=TODAY)
        assert exc.value.code == "already_answered"
        assert SurveyResponse.objects.count() == 1

    def test_closed_other_company_and_bad_answers_store_nothing(self, company, company_admin,
                                                                member, outsider):
        s = survey(company, company_admin)
        with pytest.raises(Conflict):
            services.survey_answer(actor=member, survey=s, answers=full_answers(),
                                   today=TODAY + dt.timedelta(days=30))
        with pytest.raises(NotFound):
            services.survey_answer(actor=outsider, survey=s, answers=full_answers(), today=TODAY)
        with pytest.raises(InvalidInput):
            services.survey_answer(actor=member, survey=s, answers={"who5_1": 3}, today=TODAY)
        assert not SurveyResponse.objects.exists() and not IndicatorScore.objects.exists()

    def test_the_person_sees_their_own_answers_and_trend(self, company, company_admin, member):
        s1 = survey(company, company_admin, opens_on=dt.date(2026, 1, 5), title="Jan")
        s2 = survey(company, company_admin, opens_on=dt.date(2026, 2, 5), title="Feb")
        services.survey_answer(actor=member, survey=s1, answers=full_answers(who5_each=2),
                               today=dt.date(2026, 1, 6))
        services.survey_answer(actor=member, survey=s2, answers=full_answers(who5_each=4),
                               today=dt.date(2026, 2, 6))
        other = staff(company, 1)[0]
        services.survey_answer(actor=other, survey=s2, answers=full_answers(who5_each=0),
                               today=dt.date(2026, 2, 6))
        mine = selectors.my_results(actor=member)
        assert [p["score"] for p in mine["series"]["who5"]] == [40, 80]
        assert mine["responses"][0]["bands"]["who5"]["key"] == "poor_wellbeing"
        assert len(mine["responses"]) == 2
        assert selectors.my_open_surveys(actor=member, today=dt.date(2026, 2, 6)) == []


class TestCompanyAggregates:
    """Hand-computed: team A (6 people) WHO-5 raw 3 each -> 60; team B (3 people)
    raw 5 -> 100; one person without a team raw 1 -> 20."""

    @pytest.fixture
    def answered(self, company, company_admin):
        a = Team.objects.create(company=company, name="Team A")
        b = Team.objects.create(company=company, name="Team B")
        s = survey(company, company_admin, indicators=["who5"])
        for person in staff(company, 6, a):
            services.survey_answer(actor=person, survey=s, answers={f"who5_{i}": 3 for i in
                                                                     range(1, 6)}, today=TODAY)
        for person in staff(company, 3, b):
            services.survey_answer(actor=person, survey=s, answers={f"who5_{i}": 5 for i in
                                                                     range(1, 6)}, today=TODAY)
        services.survey_answer(actor=staff(company, 1)[0], survey=s,
                               answers={f"who5_{i}": 1 for i in range(1, 6)}, today=TODAY)
        return s

    def test_company_mean_and_small_teams_folded(self, company, company_admin, answered):
        data = selectors.company_results(actor=company_admin, company=company)
        point = data["series"]["who5"][0]
        assert point["respondents"] == 10
        assert point["mean"] == round((6 * 60 + 3 * 100 + 20) / 10, 1) == 68.0
        assert point["share_low"] == 10.0  # the one at 20
        teams = {t["team"]: (t["respondents"], t["mean"]) for t in data["teams"]}
        # Team B (3) and "no team" (1) fold to 4 < 5, so Team A joins them: one group of 10.
        assert list(teams.values()) == [(10, 68.0)]
        assert "Team A" not in teams and "Team B" not in teams

    def test_a_team_of_five_or_more_shows_unless_needed_to_hide_a_smaller_group(
            self, company, company_admin, answered):
        b = Team.objects.get(name="Team B")
        for person in staff(company, 2, b):
            services.survey_answer(actor=person, survey=answered,
                                   answers={f"who5_{i}": 5 for i in range(1, 6)}, today=TODAY)
        data = selectors.company_results(actor=company_admin, company=company)
        teams = {t["team"]: (t["respondents"], t["mean"]) for t in data["teams"]}
        # The lone person without a team cannot be shown alone; folding them with the
        # smallest team (B, 5) gives a group of 6, so Team B's own mean stays hidden.
        assert teams == {"Team A": (6, 60.0),
                         "Other teams (under 5 people each)": (6, round((500 + 20) / 6, 1))}

    def test_under_five_respondents_nothing_but_the_fact(self, company, company_admin):
        s = survey(company, company_admin, indicators=["who5"])
        for person in staff(company, 4):
            services.survey_answer(actor=person, survey=s, answers={f"who5_{i}": 2 for i in
                                                                     range(1, 6)}, today=TODAY)
        data = selectors.company_results(actor=company_admin, company=company)
        point = data["series"]["who5"][0]
        assert point == {"survey_id": s.pk, "title": s.title, "opens_on": s.opens_on,
                         "respondents": None, "mean": None, "suppressed": True,
                         "share_low": None}
        assert data["teams"] == [] and data["surveys"][0]["respondents"] is None

    def test_members_and_outsiders_read_no_aggregate(self, company, member, outsider, answered):
        for actor in (member, outsider):
            with pytest.raises(Forbidden):
                selectors.company_results(actor=actor, company=company)

    def test_operator_reads_the_network_view_with_small_companies_folded(
            self, company, operator, answered):
        small = testing.make_organisation(network=company.network, legal_name="Tiny")
        admin = testing.make_company_admin(small)
        s = survey(small, admin, indicators=["who5"])
        for person in staff(small, 2):
            services.survey_answer(actor=person, survey=s, answers={f"who5_{i}": 0 for i in
                                                                     range(1, 6)}, today=TODAY)
        data = selectors.network_results(actor=operator, network=company.network)
        rows = {r["company"]: (r["respondents"], r["mean"]) for r in data["companies"]}
        assert "Tiny" not in rows
        assert len(rows) == 1 and next(iter(rows.values())) == (12, round((680 + 0) / 12, 1))


class TestSchedule:
    def test_monthly_survey_opened_once_and_mailed_once(self, company, company_admin,
                                                        django_capture_on_commit_callbacks):
        staff(company, 3)
        services.survey_schedule_set(actor=company_admin, company=company, active=True,
                                     day_of_month=5, open_days=10)
        services.indicator_set(actor=company_admin, company=company, indicator="it_security",
                               enabled=False)
        assert services.surveys_open_scheduled(today=dt.date(2026, 3, 4)) == 0
        assert services.surveys_open_scheduled(today=dt.date(2026, 3, 6)) == 1
        assert services.surveys_open_scheduled(today=dt.date(2026, 3, 7)) == 0
        s = Survey.objects.get()
        assert (s.period, s.opens_on, s.closes_on) == ("2026-03", dt.date(2026, 3, 5),
                                                       dt.date(2026, 3, 14))
        assert "it_security" not in s.indicators and "who5" in s.indicators
        with django_capture_on_commit_callbacks(execute=True):
            assert services.surveys_send_invitations(today=dt.date(2026, 3, 6)) == 1
            assert services.surveys_send_invitations(today=dt.date(2026, 3, 6)) == 0
        recipients = sorted(m.to[0] for m in mail.outbox)
        assert len(recipients) == 4 == len(set(recipients))  # 3 staff + the admin, once each

    def test_a_monthly_survey_reads_in_the_readers_language(self, company, company_admin,
                                                          django_capture_on_commit_callbacks):
        """The worker that opens it has its own language: the title is the system's
        words, said to each reader in theirs (page, mail, API); a company's own survey
        keeps the title it was given."""
        from django.test import Client
        from django.utils import translation
        from django.utils.formats import date_format

        person = staff(company, 1)[0]
        person.language = "fr"
        person.save(update_fields=["language"])
        today = dt.date.today()
        services.survey_schedule_set(actor=company_admin, company=company, active=True,
                                     day_of_month=min(today.day, 28), open_days=28)
        with translation.override("en"):
            assert services.surveys_open_scheduled(today=today) == 1
        monthly = Survey.objects.get(period=f"{today:%Y-%m}")
        month = today.replace(day=1)
        words = {"en": "Pulse survey", "fr": "Enquête éclair", "nl": "Pulsenquête",
                 "de": "Pulsbefragung"}
        for language, start in words.items():
            with translation.override(language):
                expected = f"{start} {date_format(month, 'YEAR_MONTH_FORMAT')}"
                assert monthly.shown_title == expected
        assert monthly.title.startswith("Pulse survey")  # as stored by the worker
        own = survey(company, company_admin, title="Notre enquête")
        with translation.override("nl"):
            assert own.shown_title == "Notre enquête"
        with django_capture_on_commit_callbacks(execute=True):
            services.surveys_send_invitations(today=today)
        subjects = [m.subject for m in mail.outbox if m.to == [person.email]]
        assert subjects and all("Enquête éclair" in s for s in subjects), subjects
        client = Client()
        client.force_login(person)
        page = client.get("/wellbeing/", headers={"accept-language": "fr"}).content.decode()
        with translation.override("fr"):
            assert monthly.shown_title in page
        assert "Pulse survey" not in page
        # The company's results: each survey's row is headed by its title.
        admin = Client()
        admin.force_login(company_admin)
        results = admin.get(f"/wellbeing/company/{company.pk}/",
                            headers={"accept-language": "nl"}).content.decode()
        with translation.override("nl"):
            assert results.count(f'<th scope="row">{monthly.shown_title}</th>') == 1
        assert f'<th scope="row">{own.title}</th>' in results

    def test_schedule_validation(self, company, company_admin):
        with pytest.raises(InvalidInput):
            services.survey_schedule_set(actor=company_admin, company=company, active=True,
                                         day_of_month=31)
        assert not SurveySchedule.objects.exists()


class TestByPolicyVersion:
    def test_means_per_version_in_force_when_each_survey_opened(self, company, company_admin):
        """Hand-computed: v1 (from 2026-01-01, 1 remote day) covers the January and
        February surveys (5 people at raw 2 -> 40, then 5 at raw 3 -> 60: mean 50);
        v2 (from 2026-03-01, 2 remote days) covers March (5 at raw 4 -> 80). A survey
        of 4 people in February is below the threshold and does not count."""
        from smartwork.workplans.policy import policy_version_create

        policy_version_create(actor=company_admin, company=company,
                              effective_from=dt.date(2026, 1, 1), remote_days=1,
                              today=dt.date(2025, 12, 1))
        policy_version_create(actor=company_admin, company=company,
                              effective_from=dt.date(2026, 3, 1), remote_days=2,
                              today=dt.date(2025, 12, 1))
        people = staff(company, 5)
        plan = [(dt.date(2026, 1, 5), 2, people), (dt.date(2026, 2, 5), 3, people),
                (dt.date(2026, 2, 20), 0, people[:4]), (dt.date(2026, 3, 5), 4, people)]
        for opens, raw, who in plan:
            s = survey(company, company_admin, opens_on=opens, indicators=["who5"],
                       title=str(opens))
            for person in who:
                services.survey_answer(actor=person, survey=s,
                                       answers={f"who5_{i}": raw for i in range(1, 6)},
                                       today=opens)
        rows = selectors.company_results(actor=company_admin, company=company)["by_policy"]
        assert [(r["version"], r["surveys"], r["means"]["who5"], r["respondents"]["who5"])
                for r in rows] == [(1, 3, 50.0, 10), (2, 1, 80.0, 5)]
        assert rows[1]["remote_days"] == 2
