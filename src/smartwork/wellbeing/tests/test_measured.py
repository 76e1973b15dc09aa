"""Measured indicators against a hand-computed fixture."""

from __future__ import annotations

import datetime as dt

import pytest

from smartwork.accounts.models import Team
from smartwork.core.errors import Forbidden
from smartwork.wellbeing import measured
from smartwork.wellbeing.tests.helpers import staff
from smartwork.workplans.models import DayPlan

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 3, 2)  # a Monday; four weeks to Sunday 29 March
LAST = dt.date(2026, 3, 29)


@pytest.fixture
def plans(company, company_admin):
    """Team A (5): four meet at the head office every Tuesday, work at home Monday,
    Wednesday and Thursday, are off on Friday; the fifth works at home every weekday.
    Policy: 2 remote days a week. Staff: the 5 plus the admin = 6."""
    from smartwork.workplans.policy import policy_version_create

    policy_version_create(actor=company_admin, company=company,
                          effective_from=dt.date(2026, 3, 1), remote_days=2,
                          today=dt.date(2026, 2, 1))
    team = Team.objects.create(company=company, name="Team A")
    people = staff(company, 5, team)
    rows = []
    for week in range(4):
        monday = FIRST + dt.timedelta(days=7 * week)
        for i, person in enumerate(people):
            for wd in range(5):
                day = monday + dt.timedelta(days=wd)
                if i == 4:
                    place = "home"
                else:
                    place = {0: "home", 1: "head_office", 2: "home", 3: "home", 4: "off"}[wd]
                rows.append(DayPlan(user=person, company=company, day=day, place=place))
    DayPlan.objects.bulk_create(rows)
    return people


def test_days_against_policy_and_isolation_count(company, company_admin, plans):
    data = measured.company_measured(actor=company_admin, company=company, first=FIRST,
                                     last=LAST)
    assert data["days"] == {"head_office": 16, "centre": 0, "home": 68, "travelling": 0,
                            "off": 16}
    assert data["remote_days"] == 68
    assert data["remote_days_allowed"] == 2 * 6 * 4
    assert data["remote_share_of_allowed"] == round(100 * 68 / 48, 1)
    assert data["person_weeks_planned"] == 20
    assert data["remote_days_per_person_week"] == 3.4
    assert data["teams"] == [{"team": "Team A", "members": 5, "isolated": 1, "team_days": 0}]


def test_the_person_gets_their_own_signal_without_names(company, plans):
    signal = measured.my_isolation(actor=plans[4], today=dt.date(2026, 3, 30))
    assert signal == {"weeks_without_team": 4, "of": 4, "flagged": True}
    assert measured.my_isolation(actor=plans[0], today=dt.date(2026, 3, 30))["flagged"] is False


def test_a_team_under_five_is_folded_away(company, company_admin):
    team = Team.objects.create(company=company, name="Tiny")
    staff(company, 3, team)
    data = measured.company_measured(actor=company_admin, company=company, first=FIRST,
                                     last=LAST)
    assert data["teams"] == []


def test_members_read_nothing(company, member):
    with pytest.raises(Forbidden):
        measured.company_measured(actor=member, company=company, first=FIRST, last=LAST)


def test_api_measured_and_bad_period(api, company, company_admin, plans):
    r = api(company_admin).get("/wellbeing/measured", {"company": company.pk,
                                                       "from": "2026-03-02", "to": "2026-03-29"})
    assert r.status_code == 200, r.content
    assert r.json()["remote_days"] == 68
    r = api(company_admin).get("/wellbeing/measured", {"company": company.pk,
                                                       "from": "2026-03-29", "to": "2026-03-02"})
    assert r.status_code == 422 and "to" in r.json()["error"]["fields"]
