"""Two leaks found by trying each role (issue #16): an operator of another network
creating an invoice on this network learnt it exists (403, not 404), and the
operators' money lists answered a member, a company admin or a receptionist 200 with
an empty list where the rule is 403 (docs/architecture.md, "Permissions and tenancy")."""

from __future__ import annotations

import pytest

from smartwork.billing.tests.factories import billing_ready
from smartwork.core import testing

LINE = {"description": "Desk", "quantity": "1", "unit_price": "25.00", "vat_rate": "21.00"}


def test_an_invoice_on_another_network_is_not_disclosed(api, network, company, operator):
    stranger = testing.make_operator(billing_ready(testing.make_network(name="Other network")))
    body = {"network_id": network.pk, "customer_organisation_id": company.pk, "lines": [LINE]}
    r = api(stranger).post("/invoices", body)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.json()
    # The network's own operator still creates it; a company admin of it gets 403.
    assert api(operator).post("/invoices", body).status_code == 201
    admin = testing.make_company_admin(company)
    assert api(admin).post("/invoices", body).status_code == 403
    # An unknown network is still bad input naming the field.
    r = api(stranger).post("/invoices", {**body, "network_id": 987654})
    assert r.status_code == 422 and "network_id" in r.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/payments", "/deliveries", "/clearings", "/settlements"])
def test_money_lists_refuse_who_has_no_scope(api, member, company_admin, receptionist,
                                             operator, manager, path):
    for user in (member, company_admin, receptionist):
        r = api(user).get(path)
        assert r.status_code == 403, (path, user, r.status_code)
    assert api(operator).get(path).status_code == 200
    # Settlements are also the centre manager's (their centre's).
    assert api(manager).get(path).status_code == (200 if path == "/settlements" else 403)


def test_the_settlements_page_refuses_who_has_no_scope(client, member, company_admin,
                                                       receptionist, manager, operator):
    for user in (member, company_admin, receptionist):
        client.force_login(user)
        assert client.get("/settlements/").status_code == 403
    for user in (manager, operator):
        client.force_login(user)
        assert client.get("/settlements/").status_code == 200
