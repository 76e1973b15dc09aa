"""Team objectives: recorded per team and month by the company admin, read on their page
and in the evaluation (the recorded half of the productivity indicators)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from smartwork.accounts.models import Team
from smartwork.core import testing
from smartwork.insights.periods import parse_period
from smartwork.wellbeing import evaluation, selectors, services
from smartwork.wellbeing.models import TeamObjectives

pytestmark = pytest.mark.django_db


def client_for(user, language="en"):
    c = Client(headers={"accept-language": language})
    c.force_login(user)
    return c


@pytest.fixture
def teams(company):
    return (Team.objects.create(company=company, name="Finance"),
            Team.objects.create(company=company, name="IT"))


def test_shares_per_team_and_for_the_company(company, company_admin, teams):
    finance, it = teams
    for team, month, s, met in ((finance, dt.date(2026, 1, 1), 10, 8),
                                (finance, dt.date(2026, 2, 1), 10, 5),
                                (it, dt.date(2026, 2, 1), 4, 4)):
        services.team_objectives_record(actor=company_admin, team=team, month=month,
                                        objectives_set=s, objectives_met=met)
    data = selectors.team_objectives(actor=company_admin, company=company,
                                     first=dt.date(2026, 1, 1), last=dt.date(2026, 3, 31))
    assert data["months"] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    rows = {t["name"]: t for t in data["teams"]}
    assert (rows["Finance"]["set"], rows["Finance"]["met"], rows["Finance"]["share"]) == (
        20, 13, 65.0)
    assert [c["share"] for c in rows["Finance"]["cells"]] == [80.0, 50.0, None]
    assert rows["IT"]["share"] == 100.0
    assert (data["set"], data["met"], data["share"]) == (24, 17, 70.8)  # 17/24 = 70.83 %
    # In the evaluation of the quarter, and in its tables.
    quarter = evaluation.company_evaluation(actor=company_admin, company=company,
                                            period=parse_period("2026-Q1"))
    assert quarter["objectives"]["share"] == 70.8
    table = evaluation.evaluation_tables(quarter)["objectives"]
    assert table[1] == [["Finance", 20, 13, 65.0], ["IT", 4, 4, 100.0]]


def test_the_admin_records_a_month_on_the_page(company, company_admin, teams):
    finance, _it = teams
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    c = client_for(company_admin)
    page = c.get(f"/wellbeing/company/{company.pk}/objectives/")
    assert page.status_code == 200 and 'type="month"' in page.content.decode()
    r = c.post(f"/wellbeing/company/{company.pk}/objectives/", {
        "team": finance.pk, "month": f"{last_month:%Y-%m}", "objectives_set": "6",
        "objectives_met": "3"})
    assert r.status_code == 302
    row = TeamObjectives.objects.get()
    assert (row.team, row.month, row.objectives_set, row.objectives_met) == (
        finance, last_month, 6, 3)
    assert "3/6" in c.get(f"/wellbeing/company/{company.pk}/objectives/").content.decode()


@pytest.mark.parametrize(("post", "field_error"), [
    ({"objectives_set": "3", "objectives_met": "5"}, "cannot meet more objectives"),
    ({"month": "2999-01"}, "Record a month that has begun."),
    ({"month": "2026-13"}, "Choose a month (for example 2026-10)."),
    ({"objectives_set": "-1"}, "greater than or equal to 0"),
])
def test_bad_input_shows_inline_and_stores_nothing(company, company_admin, teams, post,
                                                   field_error):
    data = {"team": teams[0].pk, "month": "2026-01", "objectives_set": "3",
            "objectives_met": "1", **post}
    r = client_for(company_admin).post(f"/wellbeing/company/{company.pk}/objectives/", data)
    assert r.status_code == 200
    assert field_error in r.content.decode()
    assert not TeamObjectives.objects.exists()


def test_another_company_cannot_read_or_record(company, teams):
    other = testing.make_organisation(network=company.network)
    outsider = testing.make_company_admin(other)
    c = client_for(outsider)
    assert c.get(f"/wellbeing/company/{company.pk}/objectives/").status_code == 403
    r = c.post(f"/wellbeing/company/{company.pk}/objectives/", {
        "team": teams[0].pk, "month": "2026-01", "objectives_set": "1", "objectives_met": "1"})
    assert r.status_code == 403
    assert not TeamObjectives.objects.exists()


@pytest.mark.parametrize(("language", "words"), [
    ("fr", ["Objectifs d'équipe", "Enregistrer un mois"]),
    ("nl", ["Teamdoelstellingen", "Een maand invoeren"]),
    ("de", ["Teamziele", "Einen Monat erfassen"]),
])
def test_the_page_speaks_the_reader_language(company, company_admin, teams, language, words):
    text = client_for(company_admin, language).get(
        f"/wellbeing/company/{company.pk}/objectives/").content.decode()
    for word in words:
        assert word in text
