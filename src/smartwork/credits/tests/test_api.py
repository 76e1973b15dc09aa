from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smartwork.accounts.models import Team
from smartwork.core import testing
from smartwork.core.tests.errors import assert_error
from smartwork.credits import services
from smartwork.credits.models import Allotment, CreditPurchase, LedgerEntry
from smartwork.credits.selectors import ledger_check
from smartwork.credits.tests.factories import book, buy, employee, other_company

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def ledgers_stay_clean():
    yield
    assert ledger_check().problems == []


@pytest.fixture
def others(network, centre):
    """People who must see none of the company's credit."""
    other_net = testing.make_network()
    return {
        "manager": testing.make_centre_staff(centre),
        "receptionist": testing.make_centre_staff(centre, role="receptionist"),
        "other_admin": testing.make_company_admin(other_company(network)),
        "other_operator": testing.make_operator(other_net),
    }


class TestCatalogue:
    def test_packages(self, api, network, operator, company_admin, member, manager):
        url = f"/networks/{network.pk}/credit-packages"
        r = api(operator).post(url, {"name": "500 h", "hours": 500, "price_net": "2500.00"})
        assert r.status_code == 201, r.content
        assert r.json()["vat_rate"] == "21.00"
        for who in (company_admin, member, manager):
            assert_error(api(who).post(url, {"name": "x", "hours": 1, "price_net": "1"}), 403)
            assert api(who).get(url).json()[0]["hours"] == 500
        assert_error(api().get(url), 401)
        assert_error(api(operator).post(url, {"name": "x", "hours": 0, "price_net": "1"}), 422,
                     field="hours")
        assert_error(api(operator).post(url, {"name": "x", "hours": 5, "price_net": "-1"}), 422,
                     field="price_net")
        assert_error(api(operator).get("/networks/999999/credit-packages"), 404)

    def test_membership_plans(self, api, network, operator, member, company_admin):
        url = f"/networks/{network.pk}/membership-plans"
        r = api(operator).post(url, {"name": "Flex", "monthly_fee_net": "99.00",
                                     "included_hours": 16})
        assert r.status_code == 201 and r.json()["included_minutes"] == 960
        for who in (member, company_admin):
            assert_error(api(who).post(url, {"name": "x", "monthly_fee_net": "1",
                                             "included_hours": 1}), 403)
        assert_error(api(operator).post(url, {"name": "x", "monthly_fee_net": "1",
                                              "included_hours": -1}), 422,
                     field="included_hours")
        assert len(api(member).get(url).json()) == 1


class TestCompanyCredit:
    def test_summary_roles(self, api, company, operator, company_admin, member, others):
        buy(company, hours=500)
        url = f"/companies/{company.pk}/credit"
        for who in (operator, company_admin):
            body = api(who).get(url).json()
            assert body["pool_minutes"] == 30000 and len(body["pools"]) == 1
        for who in (member, *others.values()):
            assert_error(api(who).get(url), 403)
        assert_error(api().get(url), 401)
        assert_error(api(operator).get("/companies/999999/credit"), 404)

    def test_purchases(self, api, network, company, operator, company_admin, others):
        package = services.credit_package_create(actor=operator, network=network, name="p",
                                                 hours=10, price_net=Decimal("60"))
        url = f"/companies/{company.pk}/credit-purchases"
        r = api(company_admin).post(url, {"package_id": package.pk, "reference": "PO-1"})
        assert r.status_code == 201, r.content
        assert r.json()["minutes"] == 600 and r.json()["balance_minutes"] == 600
        assert_error(api(company_admin).post(url, {"hours": 10, "price_net": "1"}), 403)
        r = api(operator).post(url, {"hours": 500, "price_net": "2400", "validity_months": 12})
        assert r.status_code == 201, r.content
        assert api(company_admin).get(url).json()["count"] == 2
        for who in others.values():
            assert_error(api(who).post(url, {"package_id": package.pk}), 403)
            assert_error(api(who).get(url), 403)
        assert_error(api(operator).post(url, {"hours": 0, "price_net": "1"}), 422, field="hours")
        assert_error(api(operator).post(url, {"hours": -3, "price_net": "1"}), 422, field="hours")
        assert_error(api(operator).post(url, {"package_id": 999999}), 422, field="package_id")
        assert CreditPurchase.objects.count() == 2

    def test_allotments(self, api, company, company_admin, member, network, others, centre):
        pool = buy(company, hours=10)
        url = f"/companies/{company.pk}/allotments"
        r = api(company_admin).post(url, {"minutes_per_period": 120, "member_id": member.pk,
                                          "period": "monthly", "centre_ids": [centre.pk]})
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["balance_minutes"] == 120 and body["centre_ids"] == [centre.pk]
        assert api(company_admin).get(url).json()["count"] == 1
        # Bad input: nothing written.
        assert_error(api(company_admin).post(url, {"minutes_per_period": 0}), 422,
                     field="minutes_per_period")
        assert_error(api(company_admin).post(url, {"minutes_per_period": -60}), 422,
                     field="minutes_per_period")
        assert_error(api(company_admin).post(url, {"minutes_per_period": 100000}), 409,
                     code="insufficient_credit")
        stranger = employee(other_company(network))
        assert_error(api(company_admin).post(url, {"minutes_per_period": 60,
                                                   "member_id": stranger.pk}), 422,
                     field="member_id")
        foreign = buy(other_company(network), hours=5)
        assert_error(api(company_admin).post(url, {"minutes_per_period": 60,
                                                   "pool_id": foreign.pk}), 422,
                     code="foreign_credit")
        assert_error(api(company_admin).post(url, {"minutes_per_period": 60, "team_id": 999999}),
                     422, field="team_id")
        assert_error(api(company_admin).post(url, {"minutes_per_period": 60,
                                                   "period": "weekly"}), 422, field="period")
        past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        assert_error(api(company_admin).post(url, {"minutes_per_period": 60, "starts_on": past}),
                     422, field="starts_on")
        too_late = (pool.valid_until + dt.timedelta(days=1)).isoformat()
        assert_error(api(company_admin).post(url, {"minutes_per_period": 60, "ends_on": too_late}),
                     422, field="ends_on")
        far = testing.make_centre()  # another network, not allied
        assert_error(api(company_admin).post(url, {"minutes_per_period": 60,
                                                   "centre_ids": [far.pk]}), 422,
                     field="centre_ids")
        assert_error(api(company_admin).post(url, {"minutes_per_period": 60,
                                                   "member_id": member.pk,
                                                   "team_id": Team.objects.create(
                                                       company=company, name="T").pk}),
                     422, field="team_id")
        assert Allotment.objects.count() == 1
        for who in (member, *others.values()):
            assert_error(api(who).post(url, {"minutes_per_period": 60}), 403)
            assert_error(api(who).get(url), 403)
        allotment_id = body["id"]
        for who in (member, *others.values()):
            assert_error(api(who).post(f"/allotments/{allotment_id}/end"), 403)
        r = api(company_admin).post(f"/allotments/{allotment_id}/end")
        assert r.status_code == 200 and r.json()["ended_at"] and r.json()["balance_minutes"] == 0
        pool.refresh_from_db()
        assert pool.balance_minutes == 600

    def test_ledger_filters_and_csv(self, api, company, company_admin, operator, member, centre,
                                    others):
        buy(company, hours=10)
        colleague = employee(company)
        book(member, centre)
        book(colleague, centre, slot="afternoon")
        url = f"/companies/{company.pk}/ledger"
        assert api(company_admin).get(url).json()["count"] == 3
        mine = api(company_admin).get(url, {"member": member.pk}).json()
        assert mine["count"] == 1 and mine["items"][0]["reason"] == "booking"
        assert api(operator).get(url, {"centre": centre.pk}).json()["count"] == 2
        assert api(operator).get(url, {"reason": "purchase"}).json()["count"] == 1
        today = dt.date.today().isoformat()
        assert api(operator).get(url, {"date_from": today, "date_to": today}).json()["count"] == 3
        assert_error(api(operator).get(url, {"date_from": today, "date_to": "2000-01-01"}), 422,
                     field="date_to")
        assert_error(api(operator).get(url, {"team": 999999}), 422, field="team")
        csv_response = api(company_admin).get(f"/companies/{company.pk}/ledger.csv",
                                              {"member": member.pk})
        assert csv_response.status_code == 200
        assert csv_response["Content-Type"].startswith("text/csv")
        lines = csv_response.content.decode().strip().splitlines()
        assert lines[0].startswith("id,created_at,account_id") and len(lines) == 2
        assert member.email in lines[1]
        for who in (member, *others.values()):
            assert_error(api(who).get(url), 403)
            assert_error(api(who).get(f"/companies/{company.pk}/ledger.csv"), 403)

    def test_policy(self, api, company, company_admin, centre, member, others):
        url = f"/companies/{company.pk}/credit-policy"
        assert api(company_admin).get(url).json()["pool_open_to_staff"] is True
        r = api(company_admin).put(url, {"allowed_centre_ids": [centre.pk],
                                         "allowed_resource_kinds": ["desk"],
                                         "pool_cap_minutes_per_month": 960,
                                         "allow_overage": True})
        assert r.status_code == 200, r.content
        assert r.json()["allowed_centre_ids"] == [centre.pk]
        assert_error(api(company_admin).put(url, {"allowed_resource_kinds": ["sofa"]}), 422,
                     field="allowed_resource_kinds")
        assert_error(api(company_admin).put(url, {"allowed_centre_ids": [999999]}), 422,
                     field="allowed_centre_ids")
        assert_error(api(company_admin).put(url, {"pool_cap_minutes_per_month": 0}), 422,
                     field="pool_cap_minutes_per_month")
        for who in (member, *others.values()):
            assert_error(api(who).put(url, {"allow_overage": False}), 403)
        assert api(company_admin).get(url).json()["allow_overage"] is True

    def test_adjustment_operator_only(self, api, company, operator, company_admin, member):
        pool = buy(company, hours=1)
        url = f"/credit-accounts/{pool.pk}/adjustments"
        r = api(operator).post(url, {"minutes": -30, "note": "goodwill correction"})
        assert r.status_code == 201 and r.json()["balance_after"] == 30
        assert_error(api(operator).post(url, {"minutes": -31, "note": "too much"}), 409,
                     code="insufficient_credit")
        assert_error(api(operator).post(url, {"minutes": 0, "note": "zero"}), 422,
                     field="minutes")
        for who in (company_admin, member):
            assert_error(api(who).post(url, {"minutes": 10, "note": "mine"}), 403)
        assert LedgerEntry.objects.filter(reason="adjustment").count() == 1

    def test_roaming_list_operator_only(self, api, network, operator, company_admin, manager):
        url = f"/networks/{network.pk}/roaming-usage"
        assert api(operator).get(url).json()["count"] == 0
        for who in (company_admin, manager):
            assert_error(api(who).get(url), 403)


class TestMemberViews:
    def test_my_credit_and_history(self, api, company, company_admin, member, centre):
        buy(company, hours=10)
        services.allotment_create(actor=company_admin, company=company, minutes_per_period=240,
                                  member=member)
        book(member, centre)
        colleague = employee(company)
        book(colleague, centre, slot="afternoon")
        mine = api(member).get("/me/credit").json()
        assert mine["allotments"][0]["balance_minutes"] == 0
        assert mine["allotments"][0]["holder"] == "me"
        assert mine["pool_minutes"] == 600 - 240 - 240
        history = api(member).get("/me/ledger").json()
        assert {e["reason"] for e in history["items"]} == {"allotment", "booking"}
        assert all(e["member_id"] == member.pk for e in history["items"])
        assert_error(api().get("/me/credit"), 401)

    def test_membership_journey(self, api, network, operator, centre):
        independent = testing.make_user(network=network)
        plan = services.membership_plan_create(actor=operator, network=network, name="Flex",
                                               monthly_fee_net=Decimal("99"), included_hours=8)
        assert_error(api(independent).get("/me/membership"), 404)
        r = api(independent).post("/me/membership", {"plan_id": plan.pk})
        assert r.status_code == 201 and r.json()["balance_minutes"] == 480
        assert_error(api(independent).post("/me/membership", {"plan_id": plan.pk}), 409)
        assert_error(api(independent).post("/me/membership", {"plan_id": 999999}), 422,
                     field="plan_id")
        book(independent, centre)
        assert api(independent).get("/me/credit").json()["membership"]["balance_minutes"] == 240
        r = api(independent).post("/me/membership/cancel")
        assert r.status_code == 200 and r.json()["state"] == "cancelling"
        assert_error(api(independent).post("/me/membership/cancel"), 409)

    def test_an_employee_may_not_subscribe(self, api, network, operator, member):
        plan = services.membership_plan_create(actor=operator, network=network, name="Flex",
                                               monthly_fee_net=Decimal("99"), included_hours=8)
        error = assert_error(api(member).post("/me/membership", {"plan_id": plan.pk}), 403,
                             code="company_employee")
        assert "independent" in error["message"]
        assert_error(api(member).get("/me/membership"), 404)

    def test_staff_may_not_subscribe(self, api, network, operator, manager, receptionist):
        plan = services.membership_plan_create(actor=operator, network=network, name="Flex",
                                               monthly_fee_net=Decimal("99"), included_hours=8)
        for staff in (operator, manager, receptionist):
            assert_error(api(staff).post("/me/membership", {"plan_id": plan.pk}), 403,
                         code="staff_role")

    def test_joining_a_company_leaves_the_membership_readable_until_its_end(
            self, api, network, operator, company):
        independent = testing.make_user(network=network)
        plan = services.membership_plan_create(actor=operator, network=network, name="Flex",
                                               monthly_fee_net=Decimal("99"), included_hours=8)
        assert api(independent).post("/me/membership", {"plan_id": plan.pk}).status_code == 201
        independent.company = company
        independent.save(update_fields=["company"])
        services.membership_member_joined_company(actor=independent, member=independent,
                                                  company=company)
        body = api(independent).get("/me/membership").json()
        assert body["state"] == "cancelling" and body["ends_on"] is not None
        assert_error(api(independent).post("/me/membership/cancel"), 409, code="not_active")
