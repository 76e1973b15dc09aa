"""The company attendance page: figures, and the downloads of its tables."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from smartwork.core import testing
from smartwork.insights.tests.helpers import at, booking

pytestmark = pytest.mark.django_db


def test_attendance_page_links_csv_and_xlsx_of_its_tables(company_admin, company, centre):
    desks = list(centre.resources.filter(kind="desk").order_by("pk"))
    for i in range(5):
        m = testing.make_user(company=company, network=centre.network)
        booking(m, centre, at(2025, 3, 4, 9), at(2025, 3, 4, 13), resource=desks[i])
    client = Client()
    client.force_login(company_admin)
    r = client.get(reverse("web:company_attendance", args=[company.pk]), {"period": "2025-03"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "20.0" in body  # 5 people x 4 h
    assert "table=by_centre" in body and "table=weekday_hour" in body and "format=xlsx" in body
    xlsx = client.get("/api/v1/insights/attendance/export",
                      {"company": company.pk, "period": "2025-03", "format": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"by_centre", "weekday_hour"} <= set(book.sheetnames)
    csv = client.get("/api/v1/insights/attendance/export",
                     {"company": company.pk, "period": "2025-03", "format": "csv",
                      "table": "by_centre"})
    assert csv.status_code == 200 and "Namur Centre" in csv.content.decode("utf-8-sig")


def test_download_labels_are_translated():
    with translation.override("fr"):
        assert translation.gettext("CSV (by centre)") == "CSV (par centre)"
    with translation.override("nl"):
        assert translation.gettext("CSV (weekday × hour)") == "CSV (weekdag × uur)"


def test_operator_figures_show_the_occupancy_heatmap_and_busiest_days(operator, centre, member):
    desk = centre.resources.filter(kind="desk").order_by("pk").first()
    booking(member, centre, at(2025, 3, 3, centre.morning_start.hour, centre.morning_start.minute),
            at(2025, 3, 3, centre.morning_end.hour, centre.morning_end.minute),
            resource=desk, slot="morning")
    client = Client()
    client.force_login(operator)
    body = client.get(reverse("web:operator_home"), {"period": "2025-03"}).content.decode()
    assert "Occupancy by weekday and slot" in body
    from django.utils.formats import date_format
    assert 'id="busiest-days"' in body  # the day in the language's format, not ISO
    assert date_format(datetime.date(2025, 3, 3), "DATE_FORMAT") in body
    assert "/api/v1/insights/occupancy/export?" in body and "format=xlsx" in body
    xlsx = client.get("/api/v1/insights/occupancy/export",
                      {"network": centre.network_id, "period": "2025-03", "format": "xlsx"})
    assert xlsx.status_code == 200
    assert {"heatmap", "series", "busiest_days"} <= set(
        load_workbook(io.BytesIO(xlsx.content)).sheetnames)


def test_occupancy_strings_are_translated():
    with translation.override("fr"):
        assert translation.gettext("Busiest days") == "Jours les plus chargés"
    with translation.override("nl"):
        assert translation.gettext("Occupancy by weekday and slot") == "Bezetting per weekdag en tijdvak"
