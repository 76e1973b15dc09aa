"""The workplans API through HTTP, each role allowed and refused; bad input is a 4xx
with the one error shape and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from smartwork.accounts.models import Team, TeamMembership
from smartwork.core import testing
from smartwork.workplans.models import PolicyAcknowledgement, PolicyVersion
from smartwork.workplans.tests.factories import week_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(company, member):
    team = Team.objects.create(company=company, name="Sales")
    TeamMembership.objects.create(team=team, user=member)
    return team


def policy_body(**extra):
    return {"effective_from": timezone.localdate().isoformat(), "remote_days": 2,
            "anchor_days": [1], "confidentiality": {"fr": "Écran verrouillé", "en": "Lock"},
            **extra}


def test_the_admin_writes_a_version_the_employee_reads_and_acknowledges_it(
        api, company, company_admin, member, team):
    url = f"/api/v1/workplans/companies/{company.pk}/policies"
    r = api(company_admin).post(url, policy_body(team_days=[{"team_id": team.pk, "weekday": 3}]))
    assert r.status_code == 201, r.json()
    version_id = r.json()["id"]
    assert r.json()["team_days"] == [{"team_id": team.pk, "weekday": 3, "place": "head_office",
                                      "centre_id": None}]
    member.language = "fr"
    member.save(update_fields=["language"])
    mine = api(member).get("/api/v1/workplans/me/policy")
    assert mine.status_code == 200 and mine.json()["in_force"]["id"] == version_id
    assert mine.json()["confidentiality"] == "Écran verrouillé"
    assert api(member).post(f"/api/v1/workplans/policies/{version_id}/acknowledge",
                            {}).status_code == 200
    acks = api(company_admin).get(f"/api/v1/workplans/policies/{version_id}/acknowledgements")
    row = next(x for x in acks.json() if x["user_id"] == member.pk)
    assert row["acknowledged_at"] is not None
    assert api(member).get(
        f"/api/v1/workplans/policies/{version_id}/acknowledgements").status_code == 403


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"anchor_days": [0, 1, 2, 3, 4, 5]}, "invalid_policy", "anchor_days"),
    ({"anchor_days": [6]}, "invalid_policy", "anchor_days"),
    ({"anchor_days": [1], "working_days": [0, 2]}, "invalid_policy", "anchor_days"),
])
def test_bad_policies_answer_422_and_store_nothing(api, company, company_admin, body, code,
                                                   field):
    r = api(company_admin).post(f"/api/v1/workplans/companies/{company.pk}/policies",
                                policy_body(**body))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == code and field in r.json()["error"]["fields"]
    assert not PolicyVersion.objects.exists()


def test_overlapping_versions_answer_409(api, company, company_admin):
    url = f"/api/v1/workplans/companies/{company.pk}/policies"
    assert api(company_admin).post(url, policy_body()).status_code == 201
    r = api(company_admin).post(url, policy_body())
    assert r.status_code == 409 and r.json()["error"]["code"] == "overlapping_version"
    assert PolicyVersion.objects.count() == 1


def test_who_may_not_write_or_read_a_companys_policy(api, company, operator, member, manager):
    url = f"/api/v1/workplans/companies/{company.pk}/policies"
    for user in (operator, member, manager):
        assert api(user).post(url, policy_body()).status_code == 403
        assert api(user).get(url).status_code == 403
    assert api().get(url).status_code == 401
    assert not PolicyVersion.objects.exists()


def test_the_plan_in_the_api_and_its_privacy(api, company, company_admin, member, team, operator):
    mon, *_ = week_ahead()
    r = api(member).put(f"/api/v1/workplans/me/days/{mon.isoformat()}", {"place": "home"})
    assert r.status_code == 200
    week = api(member).get(f"/api/v1/workplans/me/week?week={mon.isoformat()}").json()
    assert week["rows"][0]["cells"][0]["place"] == "home"
    mate = testing.make_user(company=company)
    TeamMembership.objects.create(team=team, user=mate)
    seen = api(mate).get(f"/api/v1/workplans/teams/{team.pk}/week?week={mon.isoformat()}").json()
    cell = next(r for r in seen["rows"] if r["user_id"] == member.pk)["cells"][0]
    assert cell["category"] == "home" and cell["centre_name"] == ""
    admin_view = api(company_admin).get(
        f"/api/v1/workplans/teams/{team.pk}/week?week={mon.isoformat()}").json()
    cell = next(r for r in admin_view["rows"] if r["user_id"] == member.pk)["cells"][0]
    assert cell["hidden"] and cell["place"] == ""
    assert api(operator).get(f"/api/v1/workplans/teams/{team.pk}/week").status_code == 404
    assert api(operator).get(f"/api/v1/workplans/companies/{company.pk}/week").status_code == 403
    assert api(company_admin).get(
        f"/api/v1/workplans/companies/{company.pk}/week").status_code == 200
    bad = api(member).put(f"/api/v1/workplans/me/days/{mon.isoformat()}", {"place": "moon"})
    assert bad.status_code == 422


def test_a_team_lead_outside_their_team_gets_403(api, company, company_admin, member, team,
                                                 centre):
    other = Team.objects.create(company=company, name="Other")
    lead = testing.make_user(company=company)
    TeamMembership.objects.create(team=other, user=lead)
    assert api(company_admin).post(f"/api/v1/workplans/teams/{other.pk}/leads",
                                   {"user_id": lead.pk}).status_code == 201
    r = api(company_admin).post(f"/api/v1/workplans/teams/{team.pk}/leads", {"user_id": lead.pk})
    assert r.status_code == 422 and r.json()["error"]["code"] == "lead_not_in_team"
    _mon, _tue, wed, *_ = week_ahead()
    r = api(lead).post(f"/api/v1/workplans/teams/{team.pk}/team-days",
                       {"day": wed.isoformat(), "centre_id": centre.pk, "kind": "desks"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_team_lead"


def test_questionnaire_and_equipment_routes(api, company, company_admin, member, team):
    r = api(company_admin).post(f"/api/v1/workplans/companies/{company.pk}/activities",
                                {"name": "Calls", "team_id": team.pk, "time_share": 50})
    assert r.status_code == 201
    activity_id = r.json()["id"]
    r = api(member).put(f"/api/v1/workplans/me/activities/{activity_id}",
                        {"time_share": 30, "best_place": "home"})
    assert r.status_code == 200
    assert api(member).get("/api/v1/workplans/me/activities").json()[0]["best_place"] == "home"
    summary = api(company_admin).get(f"/api/v1/workplans/companies/{company.pk}/analysis").json()
    assert summary[0]["folded"] and summary[0]["activities"][0]["mean_share"] is None
    assert api(member).get(
        f"/api/v1/workplans/companies/{company.pk}/analysis").status_code == 403
    item = api(company_admin).post(f"/api/v1/workplans/companies/{company.pk}/equipment",
                                   {"kind": "laptop", "label": "X1", "serial": "A1"}).json()
    loan = api(company_admin).post(f"/api/v1/workplans/equipment/{item['id']}/hand-out",
                                   {"user_id": member.pk}).json()
    signed = api(member).post(f"/api/v1/workplans/me/equipment/{loan['id']}/acknowledge",
                              {"name": "Me Myself"})
    assert signed.status_code == 200 and signed.json()["acknowledged_at"]
    assert api(member).post(f"/api/v1/workplans/equipment/{item['id']}/hand-out",
                            {"user_id": member.pk}).status_code == 403
    returned = api(company_admin).post(f"/api/v1/workplans/equipment/loans/{loan['id']}/return",
                                       {"on": dt.date.today().isoformat()})
    assert returned.status_code == 200 and returned.json()["returned_on"]
    assert PolicyAcknowledgement.objects.count() == 0
