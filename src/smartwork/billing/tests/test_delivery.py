"""Delivery of invoices by email and over Peppol, against a real stand-in access point:
an HTTP server started here on 127.0.0.1 that speaks HttpAccessPoint's protocol, and can
be told to fail. Only the Peppol network behind it is stood in for."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from lxml import etree

from smartwork.billing import delivery as delivery_module
from smartwork.billing.choices import DeliveryChannel, DeliveryState, InvoiceState
from smartwork.billing.delivery import (
    BACKOFF,
    LEASE,
    MAX_ATTEMPTS,
    POLL_EVERY,
    deliveries_process,
    delivery_attempt,
    delivery_retry,
    invoice_delivery_queue,
)
from smartwork.billing.models import BillingProfile, Invoice, InvoiceDelivery
from smartwork.billing.peppol import DOCUMENT_TYPES, AccessPointError, HttpAccessPoint
from smartwork.billing.tasks import invoice_send
from smartwork.billing.tests.factories import issued_invoice, line
from smartwork.billing.tests.standin_ap import TOKEN, StandInAccessPoint
from smartwork.billing.validation import ubl_fatal
from smartwork.core import testing
from smartwork.core.errors import Conflict

pytestmark = pytest.mark.django_db
@pytest.fixture
def ap(settings):
    with StandInAccessPoint() as stand_in:
        stand_in.configure(settings)
        yield stand_in


@pytest.fixture
def invoice(network, operator, company, centre):
    return issued_invoice(actor=operator, network=network, customer=company, lines=[
        line(centre_id=centre.pk, centre_name=centre.name)])


def _later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def _events(d: InvoiceDelivery) -> list[str]:
    return [e.state for e in d.events.all()]


def test_company_invoice_goes_over_peppol_and_is_delivered(ap, invoice, company):
    invoice_send.call(invoice_id=invoice.pk)
    assert mail.outbox == []  # Peppol replaces the mail
    assert len(ap.received) == 1
    sent = ap.received[0]
    assert sent["headers"]["X-Peppol-Receiver"] == f"0208:{company.enterprise_number}"
    assert sent["headers"]["X-Peppol-Sender"] == \
        f"0208:{invoice.issuer_data['peppol_id']}"
    assert sent["headers"]["X-Peppol-Document-Type"] == DOCUMENT_TYPES["Invoice"]
    assert sent["headers"]["Idempotency-Key"].endswith(invoice.display_number)
    assert ubl_fatal(xml=sent["body"]) == []
    assert etree.fromstring(sent["body"]).findtext(
        "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID") == \
        invoice.display_number
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert (d.channel, d.state, d.message_id, d.attempts) == (
        DeliveryChannel.PEPPOL, DeliveryState.SENT, "msg-1", 1)
    assert Invoice.objects.get(pk=invoice.pk).state == InvoiceState.SENT
    # Not yet due for its status poll; then the access point confirms.
    assert deliveries_process() == 0
    ap.status_of["msg-1"] = {"status": "delivered"}
    assert deliveries_process(now=timezone.now() + POLL_EVERY) == 1
    d.refresh_from_db()
    assert d.state == DeliveryState.DELIVERED and d.next_attempt_at is None
    assert ap.polls == ["msg-1"]
    assert _events(d) == ["queued", "sent", "delivered"]
    assert deliveries_process(now=_later(60 * 24)) == 0  # nothing more happens


def test_credit_note_goes_with_its_own_document_type(ap, invoice, operator):
    from smartwork.billing.services import credit_note_issue

    note = credit_note_issue(actor=operator, invoice=invoice)
    invoice_send.call(invoice_id=note.pk)
    assert ap.received[0]["headers"]["X-Peppol-Document-Type"] == DOCUMENT_TYPES["CreditNote"]
    assert ubl_fatal(xml=ap.received[0]["body"]) == []


def test_access_point_errors_are_retried_with_back_off(ap, invoice):
    ap.fail_next = [(503, "maintenance"), (502, "bad gateway")]
    invoice_send.call(invoice_id=invoice.pk)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.state == DeliveryState.FAILED and "HTTP 503" in d.reason and d.attempts == 1
    assert d.next_attempt_at is not None
    wait = d.next_attempt_at - d.updated_at
    assert abs(wait - BACKOFF[0]) < dt.timedelta(seconds=5)
    assert deliveries_process() == 0  # not due yet
    assert deliveries_process(now=_later(2)) == 1
    d.refresh_from_db()
    assert d.state == DeliveryState.FAILED and "HTTP 502" in d.reason and d.attempts == 2
    assert deliveries_process(now=_later(10)) == 1
    d.refresh_from_db()
    assert d.state == DeliveryState.SENT and d.attempts == 3 and d.reason == ""
    assert len(ap.received) == 1
    assert _events(d) == ["queued", "failed", "failed", "sent"]


def test_a_refusal_waits_for_the_operator_who_retries(ap, api, invoice, operator,
                                                     company_admin,
                                                     django_capture_on_commit_callbacks):
    ap.fail_next = [(400, "receiver 0208 not registered in the SMP")]
    invoice_send.call(invoice_id=invoice.pk)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.state == DeliveryState.FAILED and "not registered" in d.reason
    assert d.next_attempt_at is None  # not retried by itself
    assert deliveries_process(now=_later(60 * 48)) == 0

    failures = api(operator).get("/deliveries", params={"state": "failed"})
    assert failures.status_code == 200
    [item] = failures.json()["items"]
    assert item["id"] == d.pk and item["invoice_number"] == invoice.display_number
    assert "not registered" in item["reason"]
    assert api(company_admin).get("/deliveries").status_code == 403  # operators' only
    assert api(company_admin).post(f"/deliveries/{d.pk}/retry").status_code in (403, 404)

    with django_capture_on_commit_callbacks(execute=True):
        r = api(operator).post(f"/deliveries/{d.pk}/retry")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "queued"
    d.refresh_from_db()
    assert d.state == DeliveryState.SENT and d.attempts == 1  # the task ran after commit
    assert len(ap.received) == 1
    assert _events(d) == ["queued", "failed", "queued", "sent"]
    again = api(operator).post(f"/deliveries/{d.pk}/retry")
    assert again.status_code == 409 and again.json()["error"]["code"] == "delivery_not_failed"


def test_gives_up_after_the_last_back_off(ap, invoice):
    ap.fail_next = [(503, "down")] * MAX_ATTEMPTS
    invoice_send.call(invoice_id=invoice.pk)
    for hours in range(1, MAX_ATTEMPTS + 2):
        deliveries_process(now=_later(60 * 24 * hours))
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.state == DeliveryState.FAILED and d.attempts == MAX_ATTEMPTS
    assert d.next_attempt_at is None and ap.received == []


def test_an_unreachable_access_point_is_retried(settings, invoice):
    with StandInAccessPoint() as stand_in:
        url = stand_in.url  # the port is free again once the server is closed
    settings.SMARTWORK = {**settings.SMARTWORK, "PEPPOL_AP_URL": url,
                          "PEPPOL_AP_TOKEN": TOKEN, "PEPPOL_AP_TIMEOUT": 2}
    invoice_send.call(invoice_id=invoice.pk)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.state == DeliveryState.FAILED and "unreachable" in d.reason
    assert d.next_attempt_at is not None


def test_a_wrong_token_is_a_refusal(ap, settings, invoice):
    settings.SMARTWORK = {**settings.SMARTWORK, "PEPPOL_AP_TOKEN": "wrong"}
    invoice_send.call(invoice_id=invoice.pk)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.state == DeliveryState.FAILED and "HTTP 401" in d.reason
    assert d.next_attempt_at is None and ap.received == []


def test_an_invalid_document_is_never_sent(ap, invoice, monkeypatch):
    original = delivery_module.invoice_ubl

    def broken(inv):
        doc = etree.fromstring(original(inv))
        doc.find("{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
                 "LegalMonetaryTotal/{urn:oasis:names:specification:ubl:schema:xsd:"
                 "CommonBasicComponents-2}PayableAmount").text = "0.01"
        return etree.tostring(doc)

    monkeypatch.setattr(delivery_module, "invoice_ubl", broken)
    invoice_send.call(invoice_id=invoice.pk)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.state == DeliveryState.FAILED and "BR-CO-16" in d.reason
    assert d.next_attempt_at is None and ap.received == []


def test_the_access_point_may_reject_after_accepting(ap, invoice):
    invoice_send.call(invoice_id=invoice.pk)
    ap.status_of["msg-1"] = {"status": "failed", "reason": "receiver AP rejected: MLR"}
    deliveries_process(now=timezone.now() + POLL_EVERY)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.state == DeliveryState.FAILED and "MLR" in d.reason


def test_two_workers_never_send_one_delivery_twice(ap, invoice):
    """The claim locks the row and leases it: a second claim, meanwhile, finds it not due."""
    ap.fail_next = [(503, "down")]
    invoice_send.call(invoice_id=invoice.pk)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    due = _later(2)
    claimed = delivery_module._claim(d.pk, due)
    assert claimed is not None
    assert delivery_module._claim(d.pk, due) is None  # leased
    assert deliveries_process(now=due) == 0
    # The first worker died: after the lease another may take it.
    assert deliveries_process(now=due + LEASE + dt.timedelta(seconds=1)) == 1
    assert len(ap.received) == 1


def test_without_an_access_point_companies_are_mailed_pdf_and_ubl(invoice, company):
    invoice_send.call(invoice_id=invoice.pk)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert (d.channel, d.state, d.receiver) == (DeliveryChannel.EMAIL, DeliveryState.SENT,
                                                company.email)
    [message] = mail.outbox
    names = [a.filename for a in message.attachments]
    assert names == [f"{invoice.display_number}.pdf", f"{invoice.display_number}.xml"]
    assert ubl_fatal(xml=message.attachments[1].content) == []


def test_channel_peppol_without_access_point_fails_visibly(invoice, company, operator):
    BillingProfile.objects.create(organisation=company, delivery_channel=DeliveryChannel.PEPPOL)
    invoice_send.call(invoice_id=invoice.pk)
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.channel == DeliveryChannel.PEPPOL and d.state == DeliveryState.FAILED
    assert "SMARTWORK_PEPPOL_AP_URL" in d.reason and d.next_attempt_at is not None
    assert mail.outbox == []


def test_channel_email_is_kept_even_with_an_access_point(ap, invoice, company):
    BillingProfile.objects.create(organisation=company, delivery_channel=DeliveryChannel.EMAIL)
    invoice_send.call(invoice_id=invoice.pk)
    assert ap.received == [] and len(mail.outbox) == 1
    assert InvoiceDelivery.objects.get(invoice=invoice).channel == DeliveryChannel.EMAIL


def _member_invoice(operator, network, member):
    from smartwork.billing.services import invoice_draft_create, invoice_issue

    draft = invoice_draft_create(actor=operator, network=network, customer_member=member,
                                 lines=[line()])
    return invoice_issue(actor=operator, invoice=draft, issue_date=dt.date(2026, 11, 2))


def test_private_member_gets_the_pdf_only_by_email(ap, network, operator, member):
    inv = _member_invoice(operator, network, member)
    invoice_send.call(invoice_id=inv.pk)
    assert ap.received == []
    [message] = mail.outbox
    assert [a.filename for a in message.attachments] == [f"{inv.display_number}.pdf"]
    d = InvoiceDelivery.objects.get(invoice=inv)
    assert (d.channel, d.state, d.receiver) == (DeliveryChannel.EMAIL, DeliveryState.SENT,
                                                member.email)


def test_business_member_is_delivered_over_peppol(ap, api, network, operator, member):
    r = api(member).put("/me/billing-profile", {
        "legal_name": "Studio Dupont SRL", "enterprise_number": "0403.170.701",
        "vat_number": "BE 0403.170.701", "street": "Rue Haute 1", "postcode": "5000",
        "city": "Namur"})
    assert r.status_code == 200, r.content
    assert r.json()["peppol_id"] == "0208:0403170701"
    assert r.json()["vat_number"] == "BE0403170701"
    inv = _member_invoice(operator, network, member)
    invoice_send.call(invoice_id=inv.pk)
    assert ap.received[0]["headers"]["X-Peppol-Receiver"] == "0208:0403170701"
    assert ubl_fatal(xml=ap.received[0]["body"]) == []


def test_billing_profile_api_refuses_bad_details(api, member, operator, company,
                                                 company_admin):
    r = api(member).put("/me/billing-profile", {"enterprise_number": "0403.170.702"})
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert "enterprise_number" in fields and "legal_name" in fields and "city" in fields
    r = api(member).put("/me/billing-profile", {"delivery_channel": "peppol"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "peppol_id_missing"
    assert api(member).get("/me/billing-profile").json()["delivery_channel"] == "auto"
    # A company's channel is the operator's to set, within their network only.
    path = f"/organisations/{company.pk}/billing-profile"
    assert api(company_admin).put(path, {"delivery_channel": "email"}).status_code == 404
    r = api(operator).put(path, {"delivery_channel": "email"})
    assert r.status_code == 200 and r.json()["delivery_channel"] == "email"
    assert api(operator).put(path, {"legal_name": "x"}).status_code == 422
    other = testing.make_network(name="Elsewhere")
    stranger = testing.make_organisation(network=other)
    assert api(operator).put(f"/organisations/{stranger.pk}/billing-profile",
                             {"delivery_channel": "email"}).status_code == 404


def test_queue_is_idempotent_and_retry_only_of_failures(invoice, operator):
    first = invoice_delivery_queue(invoice_id=invoice.pk)
    assert invoice_delivery_queue(invoice_id=invoice.pk).pk == first.pk
    delivery_attempt(delivery_id=first.pk)
    first.refresh_from_db()
    assert first.state == DeliveryState.SENT
    with pytest.raises(Conflict):
        delivery_retry(actor=operator, delivery=first)
    with pytest.raises(Conflict):
        first.events.first().delete()


def test_http_adapter_needs_a_url():
    with pytest.raises(AccessPointError) as exc:
        HttpAccessPoint(url="", token="")
    assert exc.value.retryable


def test_operator_sends_an_invoice_by_hand(api, invoice, company, company_admin, operator,
                                           django_capture_on_commit_callbacks):
    assert api(company_admin).post(f"/invoices/{invoice.pk}/deliver").status_code in (403, 404)
    with django_capture_on_commit_callbacks(execute=True):
        r = api(operator).post(f"/invoices/{invoice.pk}/deliver")
    assert r.status_code == 202 and r.json()["state"] == "queued"
    assert r.json()["channel"] == "email" and r.json()["receiver"] == company.email
    d = InvoiceDelivery.objects.get(invoice=invoice)
    assert d.state == DeliveryState.SENT and len(mail.outbox) == 1



def test_ubl_of_a_private_member_is_409_never_500(api, network, operator, member):
    inv = _member_invoice(operator, network, member)
    for user in (operator, member):
        r = api(user).get(f"/invoices/{inv.pk}/ubl")
        assert r.status_code == 409, r.content
        assert r.json()["error"]["code"] == "einvoice_not_applicable"
    assert api(member).get(f"/invoices/{inv.pk}/pdf").status_code == 200
