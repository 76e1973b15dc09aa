import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from lxml import etree

from smartwork.billing.models import Invoice, InvoiceRun
from smartwork.billing.tests.camt import entry, statement
from smartwork.billing.tests.factories import issued_invoice, period_sources
from smartwork.billing.validation import ubl_validate
from smartwork.core import testing

pytestmark = pytest.mark.django_db

DRAFT = {
    "lines": [{"description": "Desk, full day", "quantity": "2", "unit_price": "25.00",
               "vat_rate": "21"}],
    "note": "October",
}


@pytest.fixture
def invoice(network, operator, company):
    return issued_invoice(actor=operator, network=network, customer=company)


@pytest.fixture
def other_company_invoice(network, operator):
    other = testing.make_organisation(network=network)
    return issued_invoice(actor=operator, network=network, customer=other)


def test_company_sees_only_its_own_invoices(api, company_admin, invoice, other_company_invoice):
    r = api(company_admin).get("/invoices")
    assert r.status_code == 200
    assert [i["id"] for i in r.json()["items"]] == [invoice.pk]
    assert api(company_admin).get(f"/invoices/{other_company_invoice.pk}").status_code == 404
    detail = api(company_admin).get(f"/invoices/{invoice.pk}").json()
    assert detail["number"] == invoice.display_number and len(detail["lines"]) == 2
    assert detail["total_gross"] == "139.15"


def test_others_see_nothing(api, manager, member, outsider, invoice):
    for user in (manager, member, outsider):
        assert api(user).get("/invoices").json()["count"] == 0
        assert api(user).get(f"/invoices/{invoice.pk}").status_code == 404
    assert api().get("/invoices").status_code == 401


def test_operator_sees_the_network(api, operator, invoice, other_company_invoice):
    assert api(operator).get("/invoices").json()["count"] == 2
    assert api(operator).get("/invoices", {"customer_organisation":
                                           invoice.customer_organisation_id}).json()["count"] == 1


def test_pdf_and_ubl_downloads(api, company_admin, invoice):
    pdf = api(company_admin).get(f"/invoices/{invoice.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:4] == b"%PDF"
    xml = api(company_admin).get(f"/invoices/{invoice.pk}/ubl")
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    assert ubl_validate(xml=xml.content) == []  # not even a warning
    assert etree.fromstring(xml.content).findtext(
        "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID") == \
        invoice.display_number


def test_draft_issue_and_immutability_through_the_api(api, operator, network, company):
    body = {**DRAFT, "network_id": network.pk, "customer_organisation_id": company.pk}
    r = api(operator).post("/invoices", body)
    assert r.status_code == 201, r.json()
    draft_id = r.json()["id"]
    assert r.json()["number"] == "" and r.json()["state"] == "draft"
    assert api(operator).patch(f"/invoices/{draft_id}", {"note": "Nov"}).status_code == 200
    issued = api(operator).post(f"/invoices/{draft_id}/issue", {"issue_date": "2026-11-02"})
    assert issued.status_code == 200 and issued.json()["number"] == "INV-2026-000001"
    r = api(operator).patch(f"/invoices/{draft_id}", {"note": "changed"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invoice_immutable"
    r = api(operator).delete(f"/invoices/{draft_id}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "invoice_immutable"
    assert api(operator).post(f"/invoices/{draft_id}/issue", {}).status_code == 409
    assert Invoice.objects.get(pk=draft_id).note == "Nov"


@pytest.mark.parametrize(("patch", "field"), [
    ({"lines": []}, "lines"),
    ({"lines": [{**DRAFT["lines"][0], "quantity": "0"}]}, "lines.0.quantity"),
    ({"lines": [{**DRAFT["lines"][0], "vat_rate": "121"}]}, "lines.0.vat_rate"),
    ({"lines": [{**DRAFT["lines"][0], "unit_price": "abc"}]}, "lines.0.unit_price"),
    ({"lines": [{**DRAFT["lines"][0], "centre_id": 999999}]}, "lines.0.centre_id"),
    ({"customer_organisation_id": None}, "customer"),
    ({"customer_organisation_id": 999999}, "customer_organisation_id"),
])
def test_bad_drafts_are_refused(api, operator, network, company, patch, field):
    body = {**DRAFT, "network_id": network.pk, "customer_organisation_id": company.pk, **patch}
    r = api(operator).post("/invoices", body)
    assert r.status_code == 422, r.json()
    assert field in r.json()["error"]["fields"], r.json()
    assert Invoice.objects.count() == 0


def test_only_the_operator_writes(api, company_admin, manager, network, company, invoice):
    body = {**DRAFT, "network_id": network.pk, "customer_organisation_id": company.pk}
    for user in (company_admin, manager):
        assert api(user).post("/invoices", body).status_code == 403
    r = api(company_admin).post(f"/invoices/{invoice.pk}/payments",
                                {"amount": "10", "value_date": "2026-11-05"})
    assert r.status_code == 403
    r = api(company_admin).post(f"/invoices/{invoice.pk}/credit-notes", {})
    assert r.status_code == 403


def test_credit_note_larger_than_invoice_is_refused(api, operator, invoice):
    desk = invoice.lines.get(position=1)
    r = api(operator).post(f"/invoices/{invoice.pk}/credit-notes",
                           {"lines": [{"line": desk.pk, "quantity": "4"}], "reason": "x"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "credit_note_too_large"
    r = api(operator).post(f"/invoices/{invoice.pk}/credit-notes",
                           {"lines": [{"line": desk.pk, "quantity": "1"}], "reason": "Closed"})
    assert r.status_code == 201 and r.json()["kind"] == "credit_note"
    assert r.json()["credited_invoice_id"] == invoice.pk
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_payment_and_bad_amount(api, operator, invoice):
    r = api(operator).post(f"/invoices/{invoice.pk}/payments",
                           {"amount": "-3", "value_date": "2026-11-05"})
    assert r.status_code == 422 and "amount" in r.json()["error"]["fields"]
    r = api(operator).post(f"/invoices/{invoice.pk}/payments",
                           {"amount": "39.15", "value_date": "2026-11-05"})
    assert r.status_code == 201
    assert api(operator).get(f"/invoices/{invoice.pk}").json()["state"] == "part_paid"


def test_run_button_refuses_an_open_period(api, operator, network):
    r = api(operator).post(f"/networks/{network.pk}/invoice-runs", {"period": "2099-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "period_open"
    r = api(operator).post(f"/networks/{network.pk}/invoice-runs", {"period": "2026/10"})
    assert r.status_code == 422 and "period" in r.json()["error"]["fields"]
    assert InvoiceRun.objects.count() == 0


def test_run_button_runs_in_a_task(api, operator, network, centre, company, member,
                                   django_capture_on_commit_callbacks):
    period_sources(network=network, centre=centre, company=company, member=member,
                   independent=testing.make_user(network=network))
    with django_capture_on_commit_callbacks(execute=True):
        r = api(operator).post(f"/networks/{network.pk}/invoice-runs", {"period": "2026-10"})
    assert r.status_code == 202
    run = api(operator).get(f"/invoice-runs/{r.json()['id']}").json()
    assert run["state"] == "done" and run["invoices_created"] == 2
    assert run["customers_done"] == run["customers_total"] == 2


def _upload(user, network, data):
    client = Client()
    client.force_login(user)
    return client.post(f"/api/v1/networks/{network.pk}/bank-statements",
                       {"file": SimpleUploadedFile("stmt.xml", data, "application/xml")})


def test_camt_upload(operator, company_admin, network, invoice):
    good = statement("BE71096123456769", [
        entry(str(invoice.total_gross), name="Acme", structured=invoice.structured_communication,
              ref="R1"),
        entry("12.00", name="Nobody", text="?", ref="R2"),
    ])
    assert _upload(company_admin, network, good).status_code == 403
    r = _upload(operator, network, statement("BE68539007547034", [entry("1.00")]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "camt_wrong_account"
    r = _upload(operator, network, b"<html>no</html>")
    assert r.status_code == 422 and r.json()["error"]["code"] == "camt_invalid"
    r = _upload(operator, network, good)
    assert r.status_code == 201 and (r.json()["matched"], r.json()["unmatched"]) == (1, 1)
    invoice.refresh_from_db()
    assert invoice.state == "paid"
    client = Client()
    client.force_login(operator)
    unmatched = client.get("/api/v1/payments", {"unmatched": "true"}).json()
    assert [p["bank_reference"] for p in unmatched["items"]] == ["R2"]
    assert _upload(operator, network, good).status_code == 409


def test_settlement_scope(api, operator, manager, centre, network):
    from smartwork.billing.models import Settlement

    other_centre = testing.make_centre(network=network)
    for c in (centre, other_centre):
        Settlement.objects.create(network=network, centre=c, period_start=dt.date(2026, 10, 1),
                                  period_end=dt.date(2026, 10, 31), reference=f"SB-{c.pk}",
                                  gross_value=Decimal("100"), commission_rate=Decimal("15"),
                                  commission=Decimal("15"), payout_amount=Decimal("85"),
                                  payee_data={"name": "Centre op"})
    mine = api(manager).get("/settlements").json()
    assert [s["centre_id"] for s in mine["items"]] == [centre.pk]
    theirs = Settlement.objects.get(centre=other_centre)
    assert api(manager).get(f"/settlements/{theirs.pk}").status_code == 404
    pdf = api(manager).get(f"/settlements/{mine['items'][0]['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert api(operator).get("/settlements").json()["count"] == 2
    assert api(manager).post(f"/settlements/{theirs.pk}/approve").status_code == 404
    assert api(manager).post(f"/networks/{network.pk}/settlements",
                             {"period": "2026-10"}).status_code == 403


def test_books_endpoint(api, operator, company_admin, network):
    r = api(operator).get(f"/networks/{network.pk}/books", {"period": "2026-10"})
    assert r.status_code == 200 and r.json()["balanced"] is True
    assert api(company_admin).get(f"/networks/{network.pk}/books",
                                  {"period": "2026-10"}).status_code == 403
    r = api(operator).get(f"/networks/{network.pk}/books", {"period": "10-2026"})
    assert r.status_code == 422


def test_another_networks_billing_is_not_disclosed(api, operator, network, company, invoice):
    """An operator acting on another network gets 404 (as the docs promise: outside
    one's scope, 404); a company admin of the network gets 403 (no billing role)."""
    from smartwork.billing.tests.factories import billing_ready

    other = billing_ready(testing.make_network(name="Other network"))
    stranger = testing.make_operator(other)
    for path, body in ((f"/networks/{network.pk}/invoice-runs", {"period": "2026-10"}),
                       (f"/networks/{network.pk}/settlements", {"period": "2026-10"}),
                       (f"/networks/{network.pk}/clearings", {"period": "2026-10"}),
                       (f"/networks/{network.pk}/payouts", {"period": "2026-10"})):
        r = api(stranger).post(path, body)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", (path, r.json())
    r = api(stranger).get(f"/networks/{network.pk}/books", {"period": "2026-10"})
    assert r.status_code == 404
    assert _upload(stranger, network, statement("BE71096123456769", [])).status_code == 404
    assert api(stranger).get(f"/invoices/{invoice.pk}").status_code == 404
    # Assigning one's payment to another network's invoice: that invoice is unknown.
    from smartwork.billing.models import Payment

    payment = Payment.objects.create(network=other, amount=Decimal("1.00"),
                                     value_date=dt.date(2026, 11, 5), method="bank")
    r = api(stranger).post(f"/payments/{payment.pk}/assign", {"invoice_id": invoice.pk})
    assert r.status_code == 404


def test_a_credit_note_has_no_due_date_and_nothing_due(api, operator, invoice):
    r = api(operator).post(f"/invoices/{invoice.pk}/credit-notes", {"reason": "x"})
    assert r.status_code == 201, r.json()
    note = api(operator).get(f"/invoices/{r.json()['id']}").json()
    assert note["due_date"] is None and Decimal(note["amount_due"]) == 0
