from __future__ import annotations

import datetime as dt

import pytest

from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.core.tests.errors import assert_error
from smartwork.network.choices import LabelStatus
from smartwork.network.models import Centre, Inspection, OpeningHours, Resource

pytestmark = pytest.mark.django_db


def centre_payload(network, operator_org, **extra):
    data = {
        "network_id": network.pk, "operator_id": operator_org.pk, "name": "Wavre Centre",
        "street": "Rue du Commerce 1", "postcode": "1300", "city": "Wavre",
        "lat": "50.7167", "lon": "4.6000", "services": ["reception", "parking"],
    }
    data.update(extra)
    return data


def items(passed=True, **overrides):
    from smartwork.network.choices import DEFAULT_LABEL_CHECKLIST

    answers = {i["code"]: {"passed": passed, "note": ""} for i in DEFAULT_LABEL_CHECKLIST}
    answers.update(overrides)
    return answers


class TestCentreList:
    def test_anonymous_is_refused_with_the_error_shape(self, api, centre):
        assert_error(api().get("/centres"), 401, code="not_authenticated")

    def test_lists_centres_of_a_network_with_desk_counts(self, api, member, centre):
        testing.make_centre(name="Elsewhere")  # another network
        body = api(member).get("/centres", {"network": centre.network_id}).json()
        assert body["count"] == 1
        assert body["items"][0]["name"] == "Namur Centre"
        assert body["items"][0]["desk_count"] == 8

    def test_near_sorts_by_distance_and_filters_radius(self, api, member, network):
        testing.make_centre(network=network, name="Liège", lat=50.6326, lon=5.5797)
        testing.make_centre(network=network, name="Namur", lat=50.4674, lon=4.8720)
        testing.make_centre(network=network, name="Arlon", lat=49.6833, lon=5.8167)
        body = api(member).get("/centres", {"near": "50.4669,4.8675", "within_km": 80}).json()
        names = [c["name"] for c in body["items"]]
        assert names == ["Namur", "Liège"]
        assert body["items"][0]["distance_km"] < 1

    def test_bad_point_is_a_clear_422(self, api, member):
        assert_error(api(member).get("/centres", {"near": "95,4"}), 422, field="near")
        assert_error(api(member).get("/centres", {"near": "abc"}), 422, field="near")

    def test_service_filter(self, api, member, network):
        testing.make_centre(network=network, name="With parking", services=["parking"])
        testing.make_centre(network=network, name="Without", services=["reception"])
        body = api(member).get("/centres", {"service": "parking"}).json()
        assert [c["name"] for c in body["items"]] == ["With parking"]

    def test_pagination(self, api, member, network):
        for _ in range(5):
            testing.make_centre(network=network, desks=0, rooms=0)
        body = api(member).get("/centres", {"limit": 2, "offset": 2}).json()
        assert body["count"] == 5 and len(body["items"]) == 2


class TestCentreWrite:
    def test_operator_creates_a_centre(self, api, operator, network):
        org = testing.make_organisation(kind="centre_operator")
        r = api(operator).post("/centres", centre_payload(network, org))
        assert r.status_code == 201, r.content
        assert r.json()["label_status"] == "candidate"
        assert AuditEntry.objects.filter(action="centre.created").count() == 1

    @pytest.mark.parametrize("who", ["member", "manager", "company_admin", "outsider"])
    def test_others_may_not_create_centres(self, api, request, network, who):
        user = request.getfixturevalue(who)
        org = testing.make_organisation(kind="centre_operator")
        before = Centre.objects.count()
        assert_error(api(user).post("/centres", centre_payload(network, org)), 403)
        assert Centre.objects.count() == before

    def test_invalid_coordinates_store_nothing(self, api, operator, network):
        org = testing.make_organisation(kind="centre_operator")
        before = Centre.objects.count()
        assert_error(api(operator).post("/centres", centre_payload(network, org, lat="91")), 422,
                     field="lat")
        assert_error(api(operator).post("/centres", centre_payload(network, org, lon="-181")), 422,
                     field="lon")
        assert Centre.objects.count() == before

    def test_unknown_timezone_and_service(self, api, operator, network):
        org = testing.make_organisation(kind="centre_operator")
        r = api(operator).post("/centres", centre_payload(network, org, timezone="Mars/Base",
                                                           services=["jacuzzi"]))
        assert_error(r, 422, field="timezone")
        assert "services" in r.json()["error"]["fields"]

    def test_operator_of_another_network_is_refused(self, api, centre):
        stranger = testing.make_operator(testing.make_network())
        assert_error(api(stranger).patch(f"/centres/{centre.pk}", {"name": "X"}), 403)


class TestHoursAndClosures:
    def test_manager_sets_hours(self, api, manager, centre):
        r = api(manager).put(f"/centres/{centre.pk}/hours", {"hours": [
            {"weekday": 0, "opens": "08:00", "closes": "12:00"},
            {"weekday": 0, "opens": "13:00", "closes": "18:00"},
        ]})
        assert r.status_code == 200, r.content
        assert OpeningHours.objects.filter(centre=centre).count() == 2

    def test_overlapping_hours_are_refused_and_nothing_changes(self, api, manager, centre):
        before = list(OpeningHours.objects.filter(centre=centre).values_list("id", flat=True))
        r = api(manager).put(f"/centres/{centre.pk}/hours", {"hours": [
            {"weekday": 1, "opens": "08:00", "closes": "12:30"},
            {"weekday": 1, "opens": "12:00", "closes": "18:00"},
        ]})
        assert_error(r, 422, field="hours")
        assert list(OpeningHours.objects.filter(centre=centre).values_list("id", flat=True)) == before

    def test_closing_before_opening_is_refused(self, api, manager, centre):
        r = api(manager).put(f"/centres/{centre.pk}/hours", {"hours": [
            {"weekday": 1, "opens": "18:00", "closes": "08:00"}]})
        assert_error(r, 422, field="hours")

    def test_receptionist_may_not_set_hours(self, api, receptionist, centre):
        assert_error(api(receptionist).put(f"/centres/{centre.pk}/hours", {"hours": []}), 403)

    def test_manager_of_another_centre_is_refused(self, api, centre, network):
        other_manager = testing.make_centre_staff(testing.make_centre(network=network))
        assert_error(api(other_manager).post(f"/centres/{centre.pk}/closures", {
            "start_date": "2026-12-24", "end_date": "2026-12-26", "reason": "Christmas"}), 403)

    def test_closure(self, api, manager, centre):
        r = api(manager).post(f"/centres/{centre.pk}/closures", {
            "start_date": "2026-12-24", "end_date": "2026-12-26", "reason": "Christmas"})
        assert r.status_code == 201
        bad = api(manager).post(f"/centres/{centre.pk}/closures", {
            "start_date": "2026-12-26", "end_date": "2026-12-24", "reason": "Backwards"})
        assert_error(bad, 422, field="end_date")


class TestResources:
    def test_duplicate_name_is_a_409_on_the_name(self, api, manager, centre):
        before = Resource.objects.count()
        r = api(manager).post(f"/centres/{centre.pk}/resources", {"kind": "desk", "name": "Desk 01"})
        assert_error(r, 409, field="name", code="duplicate_name")
        assert Resource.objects.count() == before

    def test_manager_adds_and_renames(self, api, manager, centre):
        r = api(manager).post(f"/centres/{centre.pk}/resources", {
            "kind": "telepresence_room", "name": "Cisco room", "capacity": 6,
            "equipment": ["video_conference"]})
        assert r.status_code == 201, r.content
        rid = r.json()["id"]
        r = api(manager).patch(f"/resources/{rid}", {"name": "Desk 02"})
        assert_error(r, 409, field="name")

    def test_unknown_kind_and_equipment(self, api, manager, centre):
        assert_error(api(manager).post(f"/centres/{centre.pk}/resources",
                                       {"kind": "sofa", "name": "S"}), 422, field="kind")
        assert_error(api(manager).post(f"/centres/{centre.pk}/resources",
                                       {"kind": "desk", "name": "S", "equipment": ["laser"]}),
                     422, field="equipment")

    def test_member_may_not_add_resources(self, api, member, centre):
        assert_error(api(member).post(f"/centres/{centre.pk}/resources",
                                      {"kind": "desk", "name": "New"}), 403)


class TestPrices:
    def test_manager_sets_a_price(self, api, manager, centre):
        r = api(manager).post(f"/centres/{centre.pk}/prices", {
            "resource_kind": "desk", "valid_from": "2027-01-01", "per_half_day": "16.50",
            "per_day": "28.00"})
        assert r.status_code == 201, r.content
        assert r.json()["vat_rate"] == "21.00"

    def test_negative_price_is_refused(self, api, manager, centre):
        r = api(manager).post(f"/centres/{centre.pk}/prices", {
            "resource_kind": "desk", "valid_from": "2027-01-01", "per_day": "-1"})
        assert_error(r, 422, field="per_day")


class TestLabel:
    def candidate(self, network, desks=8):
        return testing.make_centre(network=network, desks=desks, label_status="candidate")

    def test_labelled_after_a_passed_inspection(self, api, operator, network):
        centre = self.candidate(network)
        r = api(operator).post(f"/centres/{centre.pk}/inspections", {
            "visited_on": str(dt.date.today()), "inspector_name": "A. Inspector", "items": items()})
        assert r.status_code == 201, r.content
        assert r.json()["passed"] is True
        r = api(operator).post(f"/centres/{centre.pk}/label", {"status": "labelled"})
        assert r.status_code == 200, r.content
        centre.refresh_from_db()
        assert centre.label_status == LabelStatus.LABELLED
        assert AuditEntry.objects.filter(action="centre.label_changed",
                                         object_id=str(centre.pk)).exists()

    def test_no_label_without_a_passed_inspection(self, api, operator, network):
        centre = self.candidate(network)
        assert_error(api(operator).post(f"/centres/{centre.pk}/label", {"status": "labelled"}),
                     409, code="label_needs_passed_inspection")
        api(operator).post(f"/centres/{centre.pk}/inspections", {
            "visited_on": str(dt.date.today()), "inspector_name": "I",
            "items": items(lockers={"passed": False, "note": "none"})})
        assert Inspection.objects.get(centre=centre).passed is False
        assert_error(api(operator).post(f"/centres/{centre.pk}/label", {"status": "labelled"}),
                     409, code="label_needs_passed_inspection")
        centre.refresh_from_db()
        assert centre.label_status == LabelStatus.CANDIDATE

    def test_no_label_with_fewer_than_eight_desks(self, api, operator, network):
        centre = self.candidate(network, desks=7)
        api(operator).post(f"/centres/{centre.pk}/inspections", {
            "visited_on": str(dt.date.today()), "inspector_name": "I", "items": items()})
        assert_error(api(operator).post(f"/centres/{centre.pk}/label", {"status": "labelled"}),
                     409, code="label_needs_desks")

    def test_incomplete_checklist_is_refused(self, api, operator, network):
        centre = self.candidate(network)
        r = api(operator).post(f"/centres/{centre.pk}/inspections", {
            "visited_on": str(dt.date.today()), "inspector_name": "I",
            "items": {"printer": {"passed": True}}})
        assert_error(r, 422, field="items")
        assert not Inspection.objects.filter(centre=centre).exists()

    def test_suspension_needs_a_reason(self, api, operator, centre):
        assert_error(api(operator).post(f"/centres/{centre.pk}/label", {"status": "suspended"}),
                     422, field="reason")
        r = api(operator).post(f"/centres/{centre.pk}/label",
                               {"status": "suspended", "reason": "No receptionist for weeks"})
        assert r.status_code == 200

    def test_manager_may_not_label(self, api, manager, centre):
        assert_error(api(manager).post(f"/centres/{centre.pk}/label",
                                       {"status": "suspended", "reason": "x"}), 403)


class TestAuditAndOrganisations:
    def test_audit_visible_to_operator_only_for_own_network(self, api, operator, manager, centre):
        api(manager).post(f"/centres/{centre.pk}/closures", {
            "start_date": "2026-12-24", "end_date": "2026-12-24", "reason": "Eve"})
        body = api(operator).get("/audit", {"action": "centre."}).json()
        assert body["count"] >= 1
        assert_error(api(manager).get("/audit"), 403)
        stranger = testing.make_operator(testing.make_network())
        assert api(stranger).get("/audit").json()["count"] == 0

    def test_enterprise_number_with_wrong_check_digits(self, api, operator, network):
        r = api(operator).post("/organisations", {
            "legal_name": "Bad SA", "kind": "company", "enterprise_number": "0403.170.702",
            "network_id": network.pk})
        assert_error(r, 422, field="enterprise_number")
        assert "check digits" in r.json()["error"]["fields"]["enterprise_number"][0]

    def test_operator_onboards_a_company_with_peppol_endpoint(self, api, operator, network):
        r = api(operator).post("/organisations", {
            "legal_name": "Good SA", "kind": "company", "enterprise_number": "0403.170.701",
            "vat_number": "BE 0403 170 701", "network_id": network.pk})
        assert r.status_code == 201, r.content
        assert r.json()["enterprise_number"] == "0403170701"
        assert r.json()["vat_number"] == "BE0403170701"
        assert r.json()["peppol_endpoint"] == "0208:0403170701"

    def test_company_admin_sees_only_own_company(self, api, company_admin, company, network):
        testing.make_organisation(network=network, legal_name="Other SA")
        body = api(company_admin).get("/organisations").json()
        assert [o["legal_name"] for o in body["items"]] == ["Acme SA"]

    def test_member_may_not_list_organisations(self, api, member):
        assert_error(api(member).get("/organisations"), 403)

    def test_role_assignment_by_operator(self, api, operator, centre):
        user = testing.make_user(email="new.manager@example.org")
        r = api(operator).post("/roles", {"user_email": user.email, "role": "centre_manager",
                                          "centre_id": centre.pk})
        assert r.status_code == 201, r.content
        r = api(user).post(f"/centres/{centre.pk}/resources", {"kind": "desk", "name": "New"})
        assert r.status_code == 201

    def test_role_without_scope_is_refused(self, api, operator):
        user = testing.make_user()
        assert_error(api(operator).post("/roles", {"user_email": user.email,
                                                   "role": "centre_manager"}), 422, field="centre")


class TestMeAndTokens:
    def test_token_auth_roundtrip(self, api, member):
        r = api(member).post("/me/tokens", {"name": "script"})
        assert r.status_code == 201
        raw = r.json()["token"]
        anon = api()
        me = anon.get("/me", Authorization=f"Bearer {raw}")
        assert me.status_code == 200 and me.json()["email"] == member.email
        api(member).delete(f"/me/tokens/{r.json()['id']}")
        assert anon.get("/me", Authorization=f"Bearer {raw}").status_code == 401

    def test_profile_home_outside_the_map(self, api, member):
        assert_error(api(member).patch("/me", {"home_lat": "91", "home_lon": "4"}), 422,
                     field="home_lat")

    def test_openapi_is_served(self, api):
        r = api().client.get("/api/v1/openapi.json")
        assert r.status_code == 200
        assert "/api/v1/centres" in r.json()["paths"]
