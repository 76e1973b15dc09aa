"""Accounts API, role by role: /me, /me/tokens, /organisations, /roles."""

from __future__ import annotations

import pytest
from django.test import Client

from smartwork.accounts.choices import OrganisationKind, Role
from smartwork.accounts.models import ApiToken, Organisation, RoleAssignment
from smartwork.core import testing
from smartwork.core.tests.errors import assert_error

pytestmark = pytest.mark.django_db

ROLES = ["operator", "manager", "receptionist", "company_admin", "member", "outsider"]


@pytest.fixture
def superuser(db):
    return testing.make_user(is_superuser=True, is_staff=True)


class TestMe:
    def test_anonymous_gets_401(self, api):
        assert_error(api().get("/me"), 401, code="not_authenticated")

    @pytest.mark.parametrize("who, role", [
        ("operator", Role.OPERATOR), ("manager", Role.CENTRE_MANAGER),
        ("receptionist", Role.RECEPTIONIST), ("company_admin", Role.COMPANY_ADMIN),
        ("member", None), ("outsider", None),
    ])
    def test_each_role_sees_itself_with_its_roles(self, api, request, who, role):
        user = request.getfixturevalue(who)
        body = api(user).get("/me").json()
        assert body["id"] == user.pk and body["email"] == user.email
        assert [r["role"] for r in body["roles"]] == ([role] if role else [])

    def test_profile_update_and_bad_coordinates(self, api, member):
        response = api(member).patch("/me", {"home_town": "Wavre", "home_lat": "50.7172",
                                             "home_lon": "4.6014", "commute_mode": "train"})
        assert response.status_code == 200, response.content
        assert response.json()["home_town"] == "Wavre"
        assert_error(api(member).patch("/me", {"home_lat": "91"}), 422, field="home_lat")
        member.refresh_from_db()
        assert member.home_lat is not None and str(member.home_lat).startswith("50.7172")

    def test_a_member_cannot_change_company_or_roles_through_me(self, api, member, outsider):
        response = api(member).patch("/me", {"company_id": 999, "is_superuser": True})
        member.refresh_from_db()
        assert not member.is_superuser
        assert response.status_code in (200, 422)


class TestTokens:
    """By session: in token mode (conftest.API_AUTH) the test client's own token would
    be listed too."""

    def test_create_use_list_and_revoke(self, api, member):
        created = api(member, auth="session").post("/me/tokens", {"name": "laptop"})
        assert created.status_code == 201, created.content
        raw = created.json()["token"]
        # The token authenticates without a session.
        response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200 and response.json()["id"] == member.pk
        listed = api(member, auth="session").get("/me/tokens").json()
        assert [t["name"] for t in listed] == ["laptop"]
        assert "token" not in listed[0]
        assert api(member, auth="session").delete(f"/me/tokens/{created.json()['id']}").status_code == 204
        assert_error(Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}),
                     401)

    def test_a_token_without_name_is_422(self, api, member):
        assert_error(api(member, auth="session").post("/me/tokens", {"name": ""}), 422, field="name")
        assert not ApiToken.objects.exists()

    def test_nobody_revokes_someone_elses_token(self, api, member, operator):
        token_id = api(member, auth="session").post("/me/tokens", {"name": "mine"}).json()["id"]
        assert_error(api(operator, auth="session").delete(f"/me/tokens/{token_id}"), 404)
        assert ApiToken.objects.get(pk=token_id).revoked_at is None
        assert api(operator, auth="session").get("/me/tokens").json() == []

    def test_bad_bearer_is_401(self):
        response = Client().get("/api/v1/me", headers={"Authorization": "Bearer sw_nope"})
        assert_error(response, 401)


def org_payload(network, **extra):
    data = {"legal_name": "Nouvelle SRL", "kind": OrganisationKind.COMPANY,
            "enterprise_number": "0403.170.701", "network_id": network.pk, "city": "Namur"}
    data.update(extra)
    return data


class TestOrganisations:
    def test_operator_sees_the_organisations_of_their_network_only(
        self, api, operator, company, centre
    ):
        elsewhere = testing.make_organisation(network=testing.make_network())
        body = api(operator).get("/organisations").json()
        ids = {o["id"] for o in body["items"]}
        assert company.pk in ids
        assert centre.operator_id in ids and centre.network.operator_id in ids
        assert elsewhere.pk not in ids

    def test_company_admin_sees_only_their_company(self, api, company_admin, company):
        testing.make_organisation(network=company.network)
        body = api(company_admin).get("/organisations").json()
        assert [o["id"] for o in body["items"]] == [company.pk]
        other = testing.make_organisation(network=company.network)
        assert_error(api(company_admin).get(f"/organisations/{other.pk}"), 404)
        assert api(company_admin).get(f"/organisations/{company.pk}").status_code == 200

    @pytest.mark.parametrize("who", ["manager", "receptionist", "member", "outsider"])
    def test_other_roles_are_refused(self, api, request, who):
        assert_error(api(request.getfixturevalue(who)).get("/organisations"), 403,
                     code="forbidden")

    def test_operator_onboards_a_company(self, api, operator, network):
        response = api(operator).post("/organisations", org_payload(network))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["enterprise_number"] == "0403170701"
        assert body["peppol_endpoint"] == "0208:0403170701"

    def test_wrong_check_digits_answer_422_and_store_nothing(self, api, operator, network):
        response = api(operator).post(
            "/organisations", org_payload(network, enterprise_number="0403.170.702"))
        assert_error(response, 422, field="enterprise_number")
        assert "check digits" in response.json()["error"]["fields"]["enterprise_number"][0]
        response = api(operator).post(
            "/organisations", org_payload(network, vat_number="BE0403170799"))
        assert_error(response, 422, field="vat_number")
        response = api(operator).post("/organisations", org_payload(network, iban="BE00123"))
        assert_error(response, 422, field="iban")
        assert not Organisation.objects.filter(legal_name="Nouvelle SRL").exists()

    def test_unknown_network_is_a_field_error(self, api, operator, network):
        response = api(operator).post("/organisations",
                                      org_payload(network, network_id=network.pk + 999))
        assert_error(response, 422, field="network_id")

    @pytest.mark.parametrize("who", ["manager", "receptionist", "company_admin", "member"])
    def test_only_operators_onboard(self, api, request, network, who):
        response = api(request.getfixturevalue(who)).post("/organisations",
                                                          org_payload(network))
        assert_error(response, 403)
        assert not Organisation.objects.filter(legal_name="Nouvelle SRL").exists()

    def test_operator_edits_and_company_admin_may_not(self, api, operator, company_admin,
                                                      company):
        response = api(operator).patch(f"/organisations/{company.pk}", {"city": "Liège"})
        assert response.status_code == 200 and response.json()["city"] == "Liège"
        assert_error(api(company_admin).patch(f"/organisations/{company.pk}",
                                              {"city": "Mons"}), 403)
        company.refresh_from_db()
        assert company.city == "Liège"

    def test_operator_of_another_network_cannot_see_or_edit(self, api, company):
        stranger = testing.make_operator(testing.make_network())
        assert_error(api(stranger).get(f"/organisations/{company.pk}"), 404)
        assert_error(api(stranger).patch(f"/organisations/{company.pk}", {"city": "X"}), 404)

    def test_superuser_sees_everything(self, api, superuser, company):
        testing.make_organisation(network=testing.make_network())
        count = api(superuser).get("/organisations").json()["count"]
        assert count == Organisation.objects.count()


class TestRolesApi:
    def test_operator_lists_roles_in_their_network(self, api, operator, manager,
                                                   company_admin):
        other_centre = testing.make_centre()
        testing.make_centre_staff(other_centre)
        body = api(operator).get("/roles").json()
        emails = {r["user_email"] for r in body["items"]}
        assert {operator.email, manager.email, company_admin.email} <= emails
        assert body["count"] == 3

    @pytest.mark.parametrize("who", ["manager", "receptionist", "company_admin", "member"])
    def test_other_roles_may_not_list_or_assign(self, api, request, centre, who):
        actor = request.getfixturevalue(who)
        assert_error(api(actor).get("/roles"), 403)
        target = testing.make_user()
        response = api(actor).post("/roles", {"user_email": target.email,
                                              "role": Role.RECEPTIONIST,
                                              "centre_id": centre.pk})
        assert_error(response, 403)
        assert not RoleAssignment.objects.filter(user=target).exists()

    def test_operator_assigns_and_revokes(self, api, operator, centre):
        target = testing.make_user()
        response = api(operator).post("/roles", {"user_email": target.email,
                                                 "role": Role.RECEPTIONIST,
                                                 "centre_id": centre.pk})
        assert response.status_code == 201, response.content
        assert api(target).get("/me").json()["roles"][0]["role"] == Role.RECEPTIONIST
        assignment_id = response.json()["id"]
        assert api(operator).delete(f"/roles/{assignment_id}").status_code == 204
        assert not RoleAssignment.objects.filter(pk=assignment_id).exists()

    def test_assign_errors_name_the_field(self, api, operator, centre):
        target = testing.make_user()
        assert_error(api(operator).post("/roles", {"user_email": "nobody@example.org",
                                                   "role": Role.RECEPTIONIST,
                                                   "centre_id": centre.pk}),
                     422, field="user_email")
        assert_error(api(operator).post("/roles", {"user_email": target.email,
                                                   "role": Role.RECEPTIONIST}),
                     422, field="centre")
        assert_error(api(operator).post("/roles", {"user_email": target.email,
                                                   "role": Role.RECEPTIONIST,
                                                   "centre_id": centre.pk + 999}),
                     422, field="centre_id")
        assert_error(api(operator).post("/roles", {"user_email": target.email,
                                                   "role": "emperor",
                                                   "centre_id": centre.pk}),
                     422, field="role")
        assert not RoleAssignment.objects.filter(user=target).exists()

    def test_operator_of_another_network_may_not_assign_or_revoke_here(
        self, api, centre, manager
    ):
        stranger = testing.make_operator(testing.make_network())
        response = api(stranger).post("/roles", {"user_email": testing.make_user().email,
                                                 "role": Role.CENTRE_MANAGER,
                                                 "centre_id": centre.pk})
        assert_error(response, 403)
        assignment = RoleAssignment.objects.get(user=manager)
        assert_error(api(stranger).delete(f"/roles/{assignment.pk}"), 404)
        assert RoleAssignment.objects.filter(pk=assignment.pk).exists()

    def test_operator_makes_a_company_admin(self, api, operator, company):
        target = testing.make_user(company=company)
        response = api(operator).post("/roles", {"user_email": target.email,
                                                 "role": Role.COMPANY_ADMIN,
                                                 "organisation_id": company.pk})
        assert response.status_code == 201, response.content
        assert api(target).get("/organisations").json()["items"][0]["id"] == company.pk
