"""The pages, each role allowed and refused; forms show the services' errors inline."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from smartwork.accounts.models import Team, TeamMembership
from smartwork.core import testing
from smartwork.workplans import equipment
from smartwork.workplans import policy as policy_services
from smartwork.workplans.models import DayPlan, PolicyAcknowledgement, PolicyVersion
from smartwork.workplans.tests.factories import policy, week_ahead

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def team(company, member):
    team = Team.objects.create(company=company, name="Sales")
    TeamMembership.objects.create(team=team, user=member)
    return team


def test_employee_pages(company, company_admin, member, team, centre):
    version = policy(company_admin, company, confidentiality={"fr": "Secret FR", "en": "Secret"})
    member.language = "fr"
    member.save()
    c = client(member)
    page = c.get("/smartworking/policy/")
    assert page.status_code == 200 and "Secret FR" in page.content.decode()
    assert c.post("/smartworking/policy/").status_code == 302
    assert PolicyAcknowledgement.objects.filter(version=version, user=member).exists()
    mon, *_ = week_ahead()
    assert c.get(f"/smartworking/week/?week={mon.isoformat()}").status_code == 200
    r = c.post("/smartworking/week/", {"day": mon.isoformat(), "place": "home"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="week"' in r.content.decode()
    assert DayPlan.objects.get(user=member, day=mon).place == "home"
    tue = week_ahead()[1]
    r = c.post("/smartworking/week/", {"day": tue.isoformat(), "place": "home"},
               HTTP_HX_REQUEST="true")
    assert 'id="week-error"' in r.content.decode()  # Tuesday is the anchor day
    for url in ("/smartworking/activities/", "/smartworking/equipment/",
                f"/smartworking/teams/{team.pk}/"):
        assert c.get(url).status_code == 200, url
    for url in (f"/smartworking/company/{company.pk}/policy/",
                f"/smartworking/company/{company.pk}/week/",
                f"/smartworking/company/{company.pk}/analysis/",
                f"/smartworking/company/{company.pk}/equipment/"):
        assert c.get(url).status_code == 403, url


def test_admin_pages_and_the_policy_form_errors(company, company_admin, member, team, operator):
    c = client(company_admin)
    for url in (f"/smartworking/company/{company.pk}/policy/",
                f"/smartworking/company/{company.pk}/week/",
                f"/smartworking/company/{company.pk}/analysis/",
                f"/smartworking/company/{company.pk}/equipment/",
                f"/smartworking/teams/{team.pk}/"):
        assert c.get(url).status_code == 200, url
    today = timezone.localdate().isoformat()
    bad = c.post(f"/smartworking/company/{company.pk}/policy/", {
        "effective_from": today, "working_days": [0, 1, 2, 3, 4], "cap_mode": "together",
        "remote_days": 2, "anchor_days": [5], "allowed_places": ["home"],
        "on_anchor_day": "refuse", "beyond_remote_days": "refuse"})
    assert bad.status_code == 200 and "weekend" in bad.content.decode()
    assert not PolicyVersion.objects.exists()
    good = c.post(f"/smartworking/company/{company.pk}/policy/", {
        "effective_from": today, "working_days": [0, 1, 2, 3, 4], "cap_mode": "together",
        "remote_days": 2, "anchor_days": [1], "allowed_places": ["home", "network_centres"],
        "on_anchor_day": "refuse", "beyond_remote_days": "approval",
        "team_day_team": team.pk, "team_day_weekday": 3})
    assert good.status_code == 302
    version = PolicyVersion.objects.get()
    assert version.team_days.get().weekday == 3
    acks = c.get(f"/smartworking/company/{company.pk}/policy/{version.pk}/acknowledgements/")
    assert acks.status_code == 200 and str(member) in acks.content.decode()
    for url in (f"/smartworking/company/{company.pk}/policy/",
                f"/smartworking/company/{company.pk}/week/"):
        assert client(operator).get(url).status_code == 403


def test_a_leavers_items_are_listed(company, company_admin, member):
    item = equipment.equipment_item_create(actor=company_admin, company=company, kind="phone",
                                           label="Fairphone", serial="FP-1")
    equipment.equipment_hand_out(actor=company_admin, item=item, user=member)
    from smartwork.accounts.services import staff_deactivate

    staff_deactivate(actor=company_admin, company=company, user=member)
    page = client(company_admin).get(f"/smartworking/company/{company.pk}/equipment/")
    assert 'id="leavers"' in page.content.decode() and "FP-1" in page.content.decode()


def test_a_team_lead_books_a_team_day_from_the_page(company, company_admin, member, team,
                                                    centre):
    from smartwork.credits.tests.factories import buy

    buy(company)
    policy_services.team_lead_assign(actor=company_admin, team=team, user=member)
    _mon, _tue, wed, *_ = week_ahead()
    r = client(member).post(f"/smartworking/teams/{team.pk}/", {
        "day": wed.isoformat(), "kind": "desks", "centre": centre.pk})
    assert r.status_code == 200 and 'id="team-day-result"' in r.content.decode()
    outsider = testing.make_user(company=company)
    assert client(outsider).get(f"/smartworking/teams/{team.pk}/").status_code == 404


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-13-01", "²"])
def test_a_week_or_day_out_of_the_calendar_shows_this_week(company, company_admin, member,
                                                            team, week):
    """A week after 9999-12-31 or before year 1 does not exist: its Monday or Sunday
    overflowed (500). Such a week is no week: the page shows this one."""
    assert client(member).get(f"/smartworking/week/?week={week}").status_code == 200
    assert client(company_admin).get(
        f"/smartworking/company/{company.pk}/week/?week={week}").status_code == 200
    assert client(member).get(f"/smartworking/teams/{team.pk}/?week={week}").status_code == 200
    r = client(member).post("/smartworking/week/", {"day": week, "place": "home"})
    assert r.status_code == 200 and not DayPlan.objects.exists()


@pytest.mark.parametrize("value", ["\u00b2", str(2**63), "1\x00", "x", "\uff11"])
def test_equipment_pages_refuse_an_odd_item_or_loan_id(company, company_admin, member, value):
    """The item or loan id a button sends is read as plain digits within 64 bits: "²"
    (str.isdigit() but not int()), a letter, a NUL byte are no row (the page's
    message or 404), never a 500, and nothing changes."""
    from smartwork.workplans.models import EquipmentLoan

    item = equipment.equipment_item_create(actor=company_admin, company=company, kind="phone",
                                           label="Fairphone", serial="FP-1")
    loan = equipment.equipment_hand_out(actor=company_admin, item=item, user=member)
    url = f"/smartworking/company/{company.pk}/equipment/"
    admin = client(company_admin)
    returned = admin.post(url, {"return": value})
    assert returned.status_code == 200 and "No such item." in returned.content.decode()
    handed = admin.post(url, {"hand_out": value, "user": member.pk,
                              "on": timezone.localdate().isoformat()})
    assert handed.status_code == 200 and "No such item." in handed.content.decode()
    signed = client(member).post("/smartworking/equipment/", {"loan": value,
                                                              f"l{loan.pk}-name": "Marie D"})
    assert signed.status_code == 404
    assert list(EquipmentLoan.objects.values_list("pk", "returned_on", "acknowledged_at")) \
        == [(loan.pk, None, None)]


@pytest.mark.parametrize("value", ["\u00b2", "x", "1\x00", str(2**63)])
def test_activity_pages_take_an_odd_activity_or_team_id_as_none(company, company_admin,
                                                                member, value):
    """The answered activity and the team to adopt for are read as plain digits within
    64 bits: "²" or a letter made the query raise (a 500); now the page answers (no
    such activity: nothing saved; no such team: its message)."""
    from smartwork.workplans.models import ActivityAnswer

    mine = client(member).post("/smartworking/activities/", {"activity": value})
    assert mine.status_code == 200
    adopted = client(company_admin).post(f"/smartworking/company/{company.pk}/analysis/",
                                         {"adopt": value})
    assert adopted.status_code == 200 and "No such team." in adopted.content.decode()
    assert not ActivityAnswer.objects.exists()
