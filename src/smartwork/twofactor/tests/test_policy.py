"""Who must use a second factor: the network's setting for its operators, centre
managers and company admins; a company's setting for its staff; members never by
default. A required user without a factor is sent to enrolment after the password
and can do nothing else until enrolled (or, during a grace period, put it off)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from smartwork.accounts.choices import OrganisationKind, Role
from smartwork.core import testing
from smartwork.twofactor import services
from smartwork.twofactor.models import CompanyPolicy, NetworkPolicy
from smartwork.twofactor.selectors import two_factor_requirement
from smartwork.twofactor.tests.helpers import code_at

pytestmark = pytest.mark.django_db


def require_for_network(network, grace_until=None):
    NetworkPolicy.objects.create(network=network, staff_required=True, grace_until=grace_until)


def test_the_network_setting_covers_its_staff_roles_not_members(
        network, operator, manager, receptionist, company_admin, member, outsider):
    assert not two_factor_requirement(user=operator).required  # off by default
    require_for_network(network)
    assert two_factor_requirement(user=operator).required
    assert two_factor_requirement(user=manager).required
    assert two_factor_requirement(user=company_admin).required
    assert not two_factor_requirement(user=receptionist).required
    assert not two_factor_requirement(user=member).required
    # Another network's operator is not concerned.
    assert not two_factor_requirement(user=testing.make_operator(outsider.network)).required


def test_a_company_requires_it_of_its_staff_only(company, member, network):
    other = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)
    other_member = testing.make_user(company=other, network=network)
    CompanyPolicy.objects.create(company=company, staff_required=True)
    assert two_factor_requirement(user=member).required
    assert not two_factor_requirement(user=other_member).required


def test_the_grace_is_the_earliest_and_none_wins(network, company, company_admin):
    today = timezone.localdate()
    require_for_network(network, grace_until=today + dt.timedelta(days=10))
    CompanyPolicy.objects.create(company=company, staff_required=True,
                                 grace_until=today + dt.timedelta(days=3))
    requirement = two_factor_requirement(user=company_admin)
    assert requirement.grace_until == today + dt.timedelta(days=3)
    assert requirement.may_postpone()
    CompanyPolicy.objects.filter(company=company).update(grace_until=None)
    assert not two_factor_requirement(user=company_admin).may_postpone()


def login(client, user):
    return client.post("/login/", {"username": user.email, "password": "pass-1234"})


def test_a_required_operator_is_sent_to_enrolment_and_can_do_nothing_else(network, operator):
    require_for_network(network)
    client = Client()
    response = login(client, operator)
    assert response.status_code == 302 and response["Location"] == "/login/enrol/"
    page = client.get("/login/enrol/")
    assert page.status_code == 200 and b"<svg" in page.content
    assert b"Later" not in page.content  # no grace
    # Nothing else: not logged in, the API refuses, putting it off is refused.
    assert "_auth_user_id" not in client.session
    assert client.get("/network/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    response = client.post("/login/enrol/later/")
    assert response.status_code == 302 and response["Location"] == "/login/enrol/"
    assert "_auth_user_id" not in client.session
    # Enrol with the app's code: logged in, the recovery codes shown once.
    device = services.totp_pending(user=operator)
    response = client.post("/login/enrol/", {"code": code_at(device)})
    assert response.status_code == 200 and b"recovery-codes" in response.content
    assert client.session.get("_auth_user_id") == str(operator.pk)
    assert client.get("/network/").status_code == 200
    # Next time: the second step.
    other = Client()
    assert login(other, operator)["Location"] == "/login/verify/"


def test_during_the_grace_the_enrolment_may_be_put_off(network, manager):
    require_for_network(network, grace_until=timezone.localdate() + dt.timedelta(days=5))
    client = Client()
    login(client, manager)
    page = client.get("/login/enrol/")
    assert b"Later" in page.content
    response = client.post("/login/enrol/later/")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_after_the_grace_it_may_not(network, manager):
    require_for_network(network, grace_until=timezone.localdate() - dt.timedelta(days=1))
    client = Client()
    login(client, manager)
    client.post("/login/enrol/later/")
    assert "_auth_user_id" not in client.session


def test_a_member_logs_in_with_the_password_alone(network, company, member):
    require_for_network(network)
    client = Client()
    assert login(client, member)["Location"] != "/login/enrol/"
    assert "_auth_user_id" in client.session


def test_the_company_policy_sends_its_staff_to_enrolment(company, member):
    CompanyPolicy.objects.create(company=company, staff_required=True)
    client = Client()
    assert login(client, member)["Location"] == "/login/enrol/"


def test_policies_through_the_api(api, network, operator, company, company_admin, member):
    response = api(operator).put(f"/api/v1/networks/{network.pk}/two-factor-policy",
                                 {"staff_required": True, "grace_until": "2030-01-31"})
    assert response.status_code == 200, response.content
    assert response.json() == {"staff_required": True, "grace_until": "2030-01-31"}
    assert api(company_admin).put(f"/api/v1/networks/{network.pk}/two-factor-policy",
                                  {"staff_required": False}).status_code == 403
    response = api(company_admin).put(f"/api/v1/companies/{company.pk}/two-factor-policy",
                                      {"staff_required": True})
    assert response.status_code == 200
    assert api(member).get(f"/api/v1/companies/{company.pk}/two-factor-policy"
                           ).status_code == 403
    status = api(member).get("/api/v1/me/two-factor").json()
    assert status == {"totp": False, "passkeys": 0, "recovery_codes_left": 0,
                      "required": True, "grace_until": None}
    response = api(operator).put(f"/api/v1/networks/{network.pk}/two-factor-policy",
                                 {"staff_required": "maybe"})
    assert response.status_code == 422 and "staff_required" in response.json()["error"]["fields"]


def test_policy_pages(network, operator, company, company_admin):
    client = Client()
    client.force_login(company_admin)
    assert client.get(f"/network/{network.pk}/two-factor/").status_code == 403
    response = client.post(f"/company/{company.pk}/two-factor/",
                           {"staff_required": "on", "grace_until": ""})
    assert response.status_code == 302
    assert CompanyPolicy.objects.get(company=company).staff_required
    client.force_login(operator)
    response = client.post(f"/network/{network.pk}/two-factor/",
                           {"staff_required": "on", "grace_until": "2030-01-31"})
    assert response.status_code == 302
    assert NetworkPolicy.objects.get(network=network).grace_until == dt.date(2030, 1, 31)
    assert Role.OPERATOR
