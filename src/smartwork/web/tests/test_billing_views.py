"""Invoice and billing pages: scoping, the run with its progress, downloads."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from smartwork.billing.models import InvoiceRun

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_operator_billing_pages_open(operator):
    client = client_for(operator)
    for name in ("web:invoicing", "web:payments", "web:settlements", "web:clearing",
                 "web:invoices"):
        assert client.get(reverse(name)).status_code == 200, name


def test_billing_pages_refused_to_members(member):
    client = client_for(member)
    for name in ("web:invoicing", "web:payments", "web:clearing"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("web:invoices")).status_code == 200  # their own, none


def test_open_month_is_refused_inline(operator):
    from django.utils import timezone

    this_month = timezone.localdate().strftime("%Y-%m")
    response = client_for(operator).post(reverse("web:invoicing"), {"period": this_month})
    assert response.status_code == 200
    assert "has not ended yet" in response.content.decode()
    assert not InvoiceRun.objects.exists()


def test_camt_garbage_is_refused_inline(operator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(operator).post(reverse("web:payments"), {
        "file": SimpleUploadedFile("s.xml", b"not xml", content_type="application/xml")})
    assert response.status_code == 200 and "not XML" in response.content.decode()


def test_network_dashboard_draws_charts(operator, centre):
    body = client_for(operator).get(reverse("web:operator_home")).content.decode()
    assert "<svg" in body and "Namur Centre" in body


def test_company_attendance_page(company_admin, company):
    response = client_for(company_admin).get(reverse("web:company_attendance", args=[company.pk]))
    assert response.status_code == 200
    bad = client_for(company_admin).get(reverse("web:company_attendance", args=[company.pk]),
                                        {"period": "nonsense"})
    assert bad.status_code == 200


def test_run_page_polls_while_running_and_stops_when_done(operator, network):
    import datetime as dt

    run = InvoiceRun.objects.create(network=network, period_start=dt.date(2026, 10, 1),
                                    period_end=dt.date(2026, 10, 31), customers_total=4,
                                    customers_done=1)
    client = client_for(operator)
    url = reverse("web:invoice_run", args=[run.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'hx-trigger="every 1s"' in partial
    assert 'value="25"' in partial  # 1 of 4 customers
    run.state = "done"
    run.save()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and 'value="100"' in partial
