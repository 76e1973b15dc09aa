"""The operator's deliveries page (failures, retry) and a member's invoicing details."""

from __future__ import annotations

import pytest
from django.urls import reverse

from smartwork.billing.choices import DeliveryState
from smartwork.billing.models import BillingProfile, InvoiceDelivery
from smartwork.billing.tests.factories import billing_ready, issued_invoice
from smartwork.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(network, operator, company):
    billing_ready(network)
    invoice = issued_invoice(actor=operator, network=network, customer=company)
    return InvoiceDelivery.objects.create(
        invoice=invoice, channel="peppol", receiver=f"0208:{company.enterprise_number}",
        state=DeliveryState.FAILED, attempts=3, reason="HTTP 400: receiver not registered")


@pytest.mark.parametrize(("language", "title", "button"), [
    ("en", "Invoice deliveries", "Retry now"),
    ("fr", "Envois des factures", "Relancer maintenant"),
    ("nl", "Verzending van facturen", "Nu opnieuw proberen"),
    ("de", "Rechnungsversand", "Jetzt wiederholen"),
])
def test_operator_sees_failures_with_a_retry(operator, failed, language, title, button):
    page = client_for(operator, language).get(reverse("web:deliveries"))
    assert page.status_code == 200
    html = page.content.decode()
    assert title in html and button in html
    assert failed.invoice.display_number in html and "receiver not registered" in html


def test_retry_from_the_page_queues_again(operator, failed, django_capture_on_commit_callbacks):
    client = client_for(operator)
    with django_capture_on_commit_callbacks(execute=False):  # the worker sends it later
        r = client.post(reverse("web:delivery_retry", args=[failed.pk]))
    assert r.status_code == 302
    failed.refresh_from_db()
    assert failed.state == DeliveryState.QUEUED and failed.attempts == 0
    again = client.post(reverse("web:delivery_retry", args=[failed.pk]), follow=True)
    assert "Only a failed delivery is retried." in again.content.decode()


def test_deliveries_page_is_the_operators(member, company_admin, failed):
    for user in (member, company_admin):
        assert client_for(user).get(reverse("web:deliveries")).status_code == 403
        assert client_for(user).post(
            reverse("web:delivery_retry", args=[failed.pk])).status_code in (403, 404)


def test_member_gives_business_details_inline_errors_then_saved(member):
    client = client_for(member, "fr")
    url = reverse("web:billing_profile")
    page = client.get(url)
    assert page.status_code == 200 and "Données de facturation" in page.content.decode()
    bad = client.post(url, {"delivery_channel": "auto", "enterprise_number": "123"})
    assert bad.status_code == 200
    html = bad.content.decode().replace("&#x27;", "'")
    assert "Un numéro d'entreprise compte 10 chiffres" in html  # inline, in French
    assert "Requis pour une facture à une entreprise." in html
    assert not BillingProfile.objects.filter(member=member).exists()
    ok = client.post(url, {"delivery_channel": "auto", "legal_name": "Studio Dupont SRL",
                           "enterprise_number": "0403.170.701", "vat_number": "",
                           "street": "Rue Haute 1", "postcode": "5000", "city": "Namur",
                           "country": "be"})
    assert ok.status_code == 302
    profile = BillingProfile.objects.get(member=member)
    assert (profile.enterprise_number, profile.country) == ("0403170701", "BE")


def test_ubl_link_only_for_peppol_recipients(network, operator, company, member):
    from smartwork.billing.services import invoice_draft_create, invoice_issue
    from smartwork.billing.tests.factories import line

    billing_ready(network)
    company_invoice = issued_invoice(actor=operator, network=network, customer=company)
    draft = invoice_draft_create(actor=operator, network=network, customer_member=member,
                                 lines=[line()])
    private = invoice_issue(actor=operator, invoice=draft)
    client = client_for(operator)
    html = client.get(reverse("web:invoices")).content.decode()
    assert reverse("web:invoice_ubl", args=[company_invoice.pk]) in html
    assert reverse("web:invoice_ubl", args=[private.pk]) not in html
    # Asked anyway: a message, never a 500.
    r = client.get(reverse("web:invoice_ubl", args=[private.pk]), follow=True)
    assert r.status_code == 200 and "Peppol" in r.content.decode()
    assert client.get(reverse("web:invoice_ubl", args=[company_invoice.pk])).status_code == 200
