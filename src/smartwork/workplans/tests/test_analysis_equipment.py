"""Activity analysis (private answers, aggregates of 5 or more, adopt as the team's
policy) and the equipment inventory (hand out, sign, return, leavers)."""

from __future__ import annotations

import datetime as dt

import pytest

from smartwork.accounts.models import Team, TeamMembership
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from smartwork.workplans import analysis, equipment
from smartwork.workplans.models import PolicyVersion
from smartwork.workplans.tests.factories import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(company):
    return Team.objects.create(company=company, name="Finance")


def people(company, team, n):
    out = []
    for i in range(n):
        person = testing.make_user(company=company, last_name=f"P{i}")
        TeamMembership.objects.create(team=team, user=person)
        out.append(person)
    return out


def test_answers_are_private_and_aggregated_from_five(company, company_admin, team, member):
    policy(company_admin, company, remote_days=1, anchor_days=(1,))
    close = analysis.activity_create(actor=company_admin, company=company, team=team,
                                     name="Closing", time_share=40, needs_head_office=True)
    report = analysis.activity_create(actor=company_admin, company=company, team=team,
                                      name="Reports", time_share=60, home_ok=True)
    # from the ratings first: 60 % away -> 3 days, within the 4 non-anchor days
    summary = analysis.team_summaries(actor=company_admin, company=company)[0]
    assert summary.source == "ratings" and summary.away_share == pytest.approx(0.6)
    assert summary.suggested_remote_days == 3
    staff = people(company, team, 5)
    for person in staff[:4]:
        analysis.activity_answer_set(actor=person, activity=report, time_share=80,
                                     best_place="home")
        analysis.activity_answer_set(actor=person, activity=close, time_share=20,
                                     best_place="head_office")
    summary = analysis.team_summaries(actor=company_admin, company=company)[0]
    assert summary.folded and summary.answered == 0
    assert all(a.mean_share is None and a.best == {} for a in summary.activities)
    analysis.activity_answer_set(actor=staff[4], activity=report, time_share=80,
                                 best_place="centre")
    summary = analysis.team_summaries(actor=company_admin, company=company)[0]
    assert not summary.folded and summary.answered == 5 and summary.source == "answers"
    agg = next(a for a in summary.activities if a.activity == report)
    assert agg.best == {"home": 4, "centre": 1} and agg.mean_share == 80
    # someone outside the team cannot answer its activities; the admin cannot read one answer
    with pytest.raises(NotFound):
        analysis.activity_answer_set(actor=member, activity=report, time_share=10,
                                     best_place="home")
    version = analysis.analysis_adopt(actor=company_admin, team=team)
    assert version.team == team and version.remote_days == summary.suggested_remote_days
    assert version.anchor_days == [1]


def test_adopting_needs_a_company_policy_and_the_admin(company, company_admin, team, member):
    analysis.activity_create(actor=company_admin, company=company, team=team, name="Calls",
                             time_share=50, home_ok=True)
    with pytest.raises(Forbidden):
        analysis.analysis_adopt(actor=company_admin, team=team)
    with pytest.raises(Forbidden):
        analysis.analysis_adopt(actor=member, team=team)
    assert not PolicyVersion.objects.exists()


def test_equipment_is_handed_out_signed_returned_and_leavers_listed(company, company_admin,
                                                                     member):
    laptop = equipment.equipment_item_create(actor=company_admin, company=company, kind="laptop",
                                             label="ThinkPad", serial="SN1")
    with pytest.raises(Conflict):
        equipment.equipment_item_create(actor=company_admin, company=company, kind="laptop",
                                        label="Other", serial="SN1")
    loan = equipment.equipment_hand_out(actor=company_admin, item=laptop, user=member,
                                        on=dt.date(2026, 1, 5))
    with pytest.raises(Conflict):
        equipment.equipment_hand_out(actor=company_admin, item=laptop, user=member)
    other = testing.make_user(company=company)
    with pytest.raises(NotFound):
        equipment.equipment_acknowledge(actor=other, loan=loan, name="Someone")
    signed = equipment.equipment_acknowledge(actor=member, loan=loan, name="Marie Dupont")
    assert signed.acknowledged_at is not None and signed.acknowledged_name == "Marie Dupont"
    assert [loan.pk] == [x.pk for x in equipment.my_equipment(actor=member)]
    from smartwork.accounts.services import staff_deactivate

    staff_deactivate(actor=company_admin, company=company, user=member)
    leavers = equipment.equipment_of_leavers(actor=company_admin, company=company)
    assert [x.pk for x in leavers] == [loan.pk]
    with pytest.raises(InvalidInput):
        equipment.equipment_return(actor=company_admin, loan=loan, on=dt.date(2026, 1, 1))
    equipment.equipment_return(actor=company_admin, loan=loan, on=dt.date(2026, 2, 1))
    assert equipment.equipment_of_leavers(actor=company_admin, company=company) == []
    with pytest.raises(Forbidden):
        equipment.equipment_inventory(actor=other, company=company)


def test_a_loan_is_seen_by_its_holder_and_the_company_only(company, company_admin, member):
    """To a colleague or another company's admin a loan does not exist: the same 404 as a
    missing id, so no one learns which loan ids there are."""
    laptop = equipment.equipment_item_create(actor=company_admin, company=company, kind="laptop",
                                             label="ThinkPad", serial="SN9")
    loan = equipment.equipment_hand_out(actor=company_admin, item=laptop, user=member)
    assert equipment.loan_get(actor=member, pk=loan.pk).pk == loan.pk
    assert equipment.loan_get(actor=company_admin, pk=loan.pk).pk == loan.pk
    colleague = testing.make_user(company=company)
    other_company = testing.make_organisation(network=company.network)
    other_admin = testing.make_company_admin(other_company)
    for outsider in (colleague, other_admin):
        with pytest.raises(NotFound) as seen:
            equipment.loan_get(actor=outsider, pk=loan.pk)
        with pytest.raises(NotFound) as missing:
            equipment.loan_get(actor=outsider, pk=loan.pk + 1000)
        assert str(seen.value) == str(missing.value)
