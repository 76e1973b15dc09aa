"""The economics API through HTTP, with each role allowed and refused."""

import pytest

from smartwork.core import testing
from smartwork.economics.models import CostItem

pytestmark = pytest.mark.django_db
COST = {"kind": "rent", "label": "Rent", "basis": "fixed", "amount": "1200.00",
        "starts_on": "2026-01-01"}


def test_costs_through_the_api(api, operator, centre):
    client = api(operator)
    r = client.post(f"/api/v1/economics/centres/{centre.pk}/costs", COST)
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["versions"][0]["amount"] == "1200.00"
    r = client.post(f"/api/v1/economics/costs/{item['id']}/versions",
                    {"basis": "fixed", "amount": "1250", "starts_on": "2026-07-01"})
    assert r.status_code == 201 and len(r.json()["versions"]) == 2
    r = client.get(f"/api/v1/economics/centres/{centre.pk}?from=2026-06&to=2026-07")
    assert r.status_code == 200
    assert [m["costs"] for m in r.json()["months"]] == ["1200.00", "1250.00"]


def test_a_negative_cost_is_a_422_and_stores_nothing(api, operator, centre):
    r = api(operator).post(f"/api/v1/economics/centres/{centre.pk}/costs",
                           {**COST, "amount": "-5"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "negative_cost" and "amount" in r.json()["error"]["fields"]
    assert not CostItem.objects.exists()


def test_roles(api, network, centre, manager, company_admin, member, outsider):
    other = testing.make_centre(network=network, name="Elsewhere")
    assert api(manager).get(f"/api/v1/economics/centres/{centre.pk}").status_code == 200
    assert api(manager).get(f"/api/v1/economics/centres/{other.pk}").status_code == 403
    assert api(manager).get(f"/api/v1/economics/networks/{network.pk}").status_code == 403
    assert api(manager).post(f"/api/v1/economics/centres/{other.pk}/costs",
                             COST).status_code == 403
    for user in (company_admin, member, outsider):
        assert api(user).get(f"/api/v1/economics/centres/{centre.pk}").status_code == 403
        assert api(user).get(f"/api/v1/economics/networks/{network.pk}").status_code == 403
    assert api().get(f"/api/v1/economics/networks/{network.pk}").status_code == 401
    item = api(manager).post(f"/api/v1/economics/centres/{centre.pk}/costs", COST).json()
    other_manager = testing.make_centre_staff(other)
    r = api(other_manager).post(f"/api/v1/economics/costs/{item['id']}/versions",
                                {"amount": "1", "starts_on": "2026-02-01"})
    assert r.status_code == 404


def test_network_report_and_exports(api, operator, network, centre):
    client = api(operator)
    r = client.get(f"/api/v1/economics/networks/{network.pk}?from=2026-01&to=2026-03")
    assert r.status_code == 200 and len(r.json()["months"]) == 3
    r = client.get(f"/api/v1/economics/networks/{network.pk}/export?from=2026-01&to=2026-03"
                   "&format=csv&table=months")
    assert r.status_code == 200 and r.content.decode("utf-8-sig").startswith("month,revenue")
    r = client.get(f"/api/v1/economics/networks/{network.pk}/export?from=2026-01&to=2026-03"
                   "&format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = client.get(f"/api/v1/economics/centres/{centre.pk}/export?format=csv&table=nope")
    assert r.status_code == 422
    r = client.get(f"/api/v1/economics/networks/{network.pk}?from=2026-05&to=2026-01")
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_range"
    r = client.get(f"/api/v1/economics/networks/{network.pk}?from=2020-01&to=2026-01")
    assert r.status_code == 422


def test_whatifs_through_the_api(api, operator, network, centre, manager):
    url = f"/api/v1/economics/networks/{network.pk}/what-if"
    r = api(operator).post(f"{url}/pricing", {"change": "commission", "new_value": "20",
                                              "months": 6})
    assert r.status_code == 200 and r.json()["window"]["months"] == 6
    r = api(operator).post(f"{url}/pricing", {"change": "kind_price", "centre_id": centre.pk,
                                              "resource_kind": "desk", "change_pct": "10",
                                              "elasticity": "0.3"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "elasticity_wrong_sign"
    assert "elasticity" in r.json()["error"]["fields"]
    r = api(operator).post(f"{url}/site", {"lat": 50.5, "lon": 4.9, "desks": 10,
                                           "monthly_costs": "-3"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "negative_cost"
    r = api(operator).post(f"{url}/site", {"lat": 50.5, "lon": 4.9, "desks": 10,
                                           "monthly_costs": "3000"})
    assert r.status_code == 200 and r.json()["people"] == 0
    r = api(operator).post(f"{url}/closing", {"centre_id": centre.pk})
    assert r.status_code == 200 and r.json()["centre"]["id"] == centre.pk
    r = api(manager).post(f"{url}/pricing", {"change": "commission", "new_value": "20"})
    assert r.status_code == 403
