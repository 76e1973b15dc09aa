"""Policy versions: validation (nothing stored on bad input), append-only versions that
never overlap, team overrides, acknowledgements, team leads; every change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from smartwork.accounts.models import Team, TeamMembership
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from smartwork.core.models import AuditEntry
from smartwork.workplans import policy as svc
from smartwork.workplans.models import PolicyAcknowledgement, PolicyVersion
from smartwork.workplans.tests.factories import policy

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def test_a_version_is_written_and_audited(company, company_admin, centre):
    team = Team.objects.create(company=company, name="Sales")
    version = policy(company_admin, company, remote_days=2, anchor_days=(1,),
                     team_days=[{"team_id": team.pk, "weekday": 3, "place": "centre",
                                 "centre_id": centre.pk}],
                     confidentiality={"fr": "Pas de dossiers", "en": "No files", "de": "x"})
    assert version.number == 1 and version.anchor_days == [1]
    assert version.confidentiality == {"fr": "Pas de dossiers", "en": "No files"}
    assert version.text("confidentiality", "nl") == "No files"  # falls back to English
    assert version.team_days.get().centre_id == centre.pk
    assert AuditEntry.objects.filter(action="workplans.policy_version_created",
                                     object_id=str(version.pk)).exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"working_days": [0, 1], "anchor_days": [0, 1, 2]}, "anchor_days"),
    ({"anchor_days": [5]}, "anchor_days"),
    ({"anchor_days": [6]}, "anchor_days"),
    ({"remote_days": 5, "anchor_days": [1]}, "remote_days"),
    ({"cap_mode": "separate"}, "home_days"),
    ({"allowed_places": ["moon"]}, "allowed_places"),
    ({"core_start": dt.time(16), "core_end": dt.time(10)}, "core_start"),
    ({"team_days": [{"team_id": 999999, "weekday": 1}]}, "team_days"),
])
def test_bad_policies_say_why_and_store_nothing(company, company_admin, kwargs, field):
    args = {"remote_days": 2, "anchor_days": [1], **kwargs}
    with pytest.raises(InvalidInput) as exc:
        svc.policy_version_create(actor=company_admin, company=company,
                                  effective_from=timezone.localdate(), **args)
    assert field in exc.value.fields
    assert not PolicyVersion.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="workplans.").exists()


def test_versions_never_overlap_and_the_past_is_not_rewritten(company, company_admin):
    first = policy(company_admin, company, effective_from=TODAY, today=TODAY)
    with pytest.raises(Conflict) as exc:
        policy(company_admin, company, effective_from=TODAY, today=TODAY)
    assert exc.value.code == "overlapping_version"
    with pytest.raises(Conflict):
        policy(company_admin, company, effective_from=TODAY - dt.timedelta(days=1),
               today=TODAY - dt.timedelta(days=5))
    with pytest.raises(InvalidInput) as past:
        policy(company_admin, company, effective_from=TODAY - dt.timedelta(days=1), today=TODAY)
    assert past.value.code == "effective_in_past"
    second = policy(company_admin, company, remote_days=3, effective_from=TODAY + dt.timedelta(days=7),
                    today=TODAY)
    assert second.number == 2 and PolicyVersion.objects.count() == 2
    # each in force on its own dates
    assert svc.policy_in_force(company_id=company.pk, team_ids=[], on=TODAY) == first
    assert svc.policy_in_force(company_id=company.pk, team_ids=[],
                               on=TODAY + dt.timedelta(days=8)) == second
    assert svc.policy_in_force(company_id=company.pk, team_ids=[],
                               on=TODAY - dt.timedelta(days=1)) is None


def test_a_team_override_applies_to_its_members_only(company, company_admin, member):
    team = Team.objects.create(company=company, name="Field")
    TeamMembership.objects.create(team=team, user=member)
    base = policy(company_admin, company, remote_days=2)
    override = policy(company_admin, company, team=team, remote_days=1, anchor_days=(0, 1))
    other = testing.make_user(company=company)
    assert svc.policy_for_member(member=member) == override
    assert svc.policy_for_member(member=other) == base


def test_only_the_company_admin_writes_a_policy(company, member, operator):
    other_company = testing.make_organisation(network=company.network)
    other_admin = testing.make_company_admin(other_company)
    for actor in (member, operator, other_admin):
        with pytest.raises(Forbidden):
            policy(actor, company)
    assert not PolicyVersion.objects.exists()


def test_employees_acknowledge_their_version_once_and_the_admin_sees_who(company, company_admin,
                                                                        member):
    version = policy(company_admin, company)
    ack = svc.policy_acknowledge(actor=member, version=version, language="fr")
    again = svc.policy_acknowledge(actor=member, version=version, language="nl")
    assert ack.pk == again.pk and again.language == "fr"
    assert PolicyAcknowledgement.objects.count() == 1
    assert AuditEntry.objects.filter(action="workplans.policy_acknowledged").count() == 1
    other = testing.make_user(company=company, first_name="Zed")
    rows = {r["user"].pk: r for r in svc.acknowledgement_report(actor=company_admin,
                                                                version=version)}
    assert rows[member.pk]["acknowledged_at"] is not None and rows[member.pk]["language"] == "fr"
    assert rows[other.pk]["acknowledged_at"] is None
    with pytest.raises(Forbidden):
        svc.acknowledgement_report(actor=member, version=version)
    # someone of another company cannot read or acknowledge it
    stranger = testing.make_user(company=testing.make_organisation(network=company.network))
    with pytest.raises(NotFound):
        svc.policy_acknowledge(actor=stranger, version=version, language="en")


def test_a_team_lead_is_one_of_the_team(company, company_admin, member):
    team = Team.objects.create(company=company, name="Ops")
    with pytest.raises(InvalidInput) as exc:
        svc.team_lead_assign(actor=company_admin, team=team, user=member)
    assert exc.value.code == "lead_not_in_team"
    TeamMembership.objects.create(team=team, user=member)
    lead = svc.team_lead_assign(actor=company_admin, team=team, user=member)
    assert lead.team == team
    other = Team.objects.create(company=company, name="Other")
    with pytest.raises(Forbidden) as refused:
        svc.require_team_manager(member, other)
    assert refused.value.code == "not_team_lead"
    svc.require_team_manager(member, team)
