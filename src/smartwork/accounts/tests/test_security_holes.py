"""The holes found by trying each demo role as an attacker (issue #16), each closed.

Every test here failed before the fix: an operator changed the bank account of
another network's centre operator, invoiced any user of any network, and anybody
logged in read every centre's label inspections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from smartwork.accounts.choices import OrganisationKind
from smartwork.billing.models import Invoice
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.network.services import inspection_record

pytestmark = pytest.mark.django_db

IBAN = "BE68539007547034"
BIC = "GEBABEBB"
ATTACKER_IBAN = "BE71096123456769"


@pytest.fixture
def other_network(db):
    return testing.make_network(name="Mobispot")


@pytest.fixture
def foreign_centre(other_network):
    centre = testing.make_centre(network=other_network, desks=1, rooms=0)
    op = centre.operator
    op.iban, op.bic = IBAN, BIC
    op.save()
    return centre


class TestCentreOperatorBankAccount:
    def test_another_networks_operator_cannot_change_or_see_it(self, api, operator,
                                                               foreign_centre):
        org = foreign_centre.operator
        response = api(operator).patch(f"/organisations/{org.pk}",
                                       {"iban": ATTACKER_IBAN, "bic": "GKCCBEBB"})
        assert response.status_code == 404, response.content
        assert api(operator).get(f"/organisations/{org.pk}").status_code == 404
        org.refresh_from_db()
        assert (org.iban, org.bic) == (IBAN, BIC)
        ids = [o["id"] for o in api(operator).get("/organisations?limit=500").json()["items"]]
        assert org.pk not in ids

    def test_nor_through_the_web_form(self, operator, foreign_centre):
        client = Client()
        client.force_login(operator)
        url = f"/network/organisations/{foreign_centre.operator.pk}/"
        page = client.get(url)
        assert page.status_code == 404
        assert IBAN not in page.content.decode()
        client.post(url, {"legal_name": "Taken", "iban": ATTACKER_IBAN})
        foreign_centre.operator.refresh_from_db()
        assert foreign_centre.operator.iban == IBAN

    def test_even_its_own_networks_operator_does_not_change_it_directly(
            self, api, other_network, foreign_centre):
        own = testing.make_operator(other_network)
        response = api(own).patch(f"/organisations/{foreign_centre.operator.pk}",
                                  {"iban": ATTACKER_IBAN})
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "payout_change_needs_proposal"
        # Other fields stay the operator's to correct.
        response = api(own).patch(f"/organisations/{foreign_centre.operator.pk}",
                                  {"city": "Liège"})
        assert response.status_code == 200, response.content

    def test_a_change_is_audited_for_every_network_the_organisation_works_with(
            self, api, network, other_network, foreign_centre):
        # The same centre operator also runs a centre in the first network.
        testing.make_centre(network=network, operator=foreign_centre.operator, desks=1, rooms=0)
        own = testing.make_operator(other_network)
        assert api(own).patch(f"/organisations/{foreign_centre.operator.pk}",
                              {"phone": "+32 81 00 00 00"}).status_code == 200
        first = testing.make_operator(network)
        for reader in (own, first):
            actions = [e["action"] for e in api(reader).get(
                "/audit?action=organisation.updated").json()["items"]]
            assert actions == ["organisation.updated"], reader


class TestInvoicingOutsiders:
    def lines(self):
        return [{"description": "Desk", "quantity": "1", "unit_price": "25.00",
                 "vat_rate": "21.00"}]

    def test_an_operator_cannot_invoice_a_member_of_another_network(self, api, network,
                                                                   operator, outsider):
        response = api(operator).post("/invoices", {
            "network_id": network.pk, "customer_member_id": outsider.pk,
            "lines": self.lines()})
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["error"]["code"] == "member_not_customer"
        assert outsider.email not in response.content.decode()
        assert outsider.last_name not in response.content.decode()
        assert not Invoice.objects.filter(customer_member=outsider).exists()

    def test_nor_another_networks_centre_operator(self, api, network, operator, foreign_centre):
        response = api(operator).post("/invoices", {
            "network_id": network.pk, "customer_organisation_id": foreign_centre.operator.pk,
            "lines": self.lines()})
        assert response.status_code == 422, response.content
        assert not Invoice.objects.filter(customer_organisation=foreign_centre.operator).exists()

    def test_own_members_are_still_invoiced(self, api, network, operator, member):
        response = api(operator).post("/invoices", {
            "network_id": network.pk, "customer_member_id": member.pk, "lines": self.lines()})
        assert response.status_code == 201, response.content


class TestInspections:
    @pytest.fixture
    def inspected(self, centre, operator):
        items = {item["code"]: {"passed": True, "note": ""}
                 for item in centre.network.label_checklist}
        inspection_record(actor=operator, centre=centre, visited_on=dt.date(2026, 1, 5),
                          inspector_name="Inspector Secret", items=items, notes="Private notes")
        return centre

    def test_members_strangers_and_other_networks_are_refused(self, api, inspected, member,
                                                              company_admin, receptionist,
                                                              outsider):
        url = f"/centres/{inspected.pk}/inspections"
        assert api().get(url).status_code == 401
        foreign_operator = testing.make_operator(outsider.network)
        for who in (member, company_admin, receptionist, outsider, foreign_operator):
            response = api(who).get(url)
            assert response.status_code == 403, (who, response.content)
            assert "Inspector Secret" not in response.content.decode()

    def test_the_networks_operator_and_the_centres_manager_read_them(self, api, inspected,
                                                                     operator, manager):
        url = f"/centres/{inspected.pk}/inspections"
        for who in (operator, manager):
            response = api(who).get(url)
            assert response.status_code == 200, response.content
            assert [i["inspector_name"] for i in response.json()] == ["Inspector Secret"]


def test_an_audit_entry_of_a_centre_names_its_network(operator, centre):
    from smartwork.network.services import centre_update

    centre_update(actor=operator, centre=centre, description="New")
    entry = AuditEntry.objects.get(action="centre.updated")
    assert entry.network_id == centre.network_id


def test_organisations_belong_to_the_networks_they_work_with(network, centre, company):
    from smartwork.accounts.scopes import organisation_network_ids

    assert organisation_network_ids(centre.operator) == {network.pk}
    assert organisation_network_ids(company) == {network.pk}
    assert organisation_network_ids(network.operator) == {network.pk}
    assert testing.make_organisation(kind=OrganisationKind.CENTRE_OPERATOR).pk
