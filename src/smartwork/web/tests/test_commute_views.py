"""The commute study and placement pages: who may open them, what they show."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from smartwork.core.testing import make_user

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def commuters(company, centre):
    """Enough staff living near the centre, far from a Brussels head office."""
    company.head_office_lat, company.head_office_lon = Decimal("50.8466"), Decimal("4.3528")
    company.save()
    people = []
    for i in range(6):
        u = make_user(email=f"c{i}@example.com", company=company)
        u.home_lat = Decimal(str(centre.lat + Decimal("0.01") * i / 10))
        u.home_lon = Decimal(str(centre.lon))
        u.commute_mode = "car"
        u.save()
        people.append(u)
    return people


def test_company_commute_shows_totals_and_factors(company_admin, company, commuters):
    body = client_for(company_admin).get(
        reverse("web:company_commute", args=[company.pk]),
        {"period": "2026-10", "days_per_week": "2"}).content.decode()
    assert "<svg" in body
    assert "kg CO2e" in body and "Per year" in body
    assert "report.pdf" in body and "format=xlsx" in body and "format=csv" in body
    assert "c0@example.com" not in body  # aggregates only
    from django.template.defaultfilters import floatformat

    from smartwork.insights import selectors
    from smartwork.insights.periods import parse_period
    data = selectors.commute_study(actor=company_admin, period=parse_period("2026-10"),
                                   company_id=company.pk, days_per_week=2)
    assert data["total"]["kg_per_year"] > 0
    assert f'{floatformat(data["total"]["kg_per_year"], "0g")}&nbsp;kg' in body
    from smartwork.insights.factors import load_emission_factors
    car = load_emission_factors()["car"]
    assert car.source in body or car.source.replace("&", "&amp;") in body


def test_commute_page_refused_to_member_and_other_admin(member, company, outsider):
    assert client_for(member).get(
        reverse("web:company_commute", args=[company.pk])).status_code in (403, 404)
    assert client_for(outsider).get(
        reverse("web:company_commute", args=[company.pk])).status_code in (403, 404)
    assert client_for(member).get(reverse("web:network_commute")).status_code == 403
    assert client_for(member).get(reverse("web:placement")).status_code == 403


def test_operator_network_commute_and_bad_period(operator, commuters):
    client = client_for(operator)
    assert "Commute study" in client.get(reverse("web:network_commute")).content.decode()
    assert client.get(reverse("web:network_commute"), {"period": "junk"}).status_code == 200
    bad = client.get(reverse("web:network_commute"), {"days_per_week": "9"})
    assert bad.status_code == 200 and "between 0 and 7" in bad.content.decode()


def test_member_sees_own_line(commuters):
    body = client_for(commuters[0]).get(reverse("web:my_commute")).content.decode()
    assert "My commute" in body and "CO2e avoided per year" in body and "km from home" in body


def test_placement_form_and_answer(operator, commuters, centre):
    client = client_for(operator)
    page = client.get(reverse("web:placement"))
    assert page.status_code == 200 and centre.name in page.content.decode()
    bad = client.post(reverse("web:placement"), {"k": "0"})
    assert bad.status_code == 200 and "optimality gap" not in bad.content.decode()
    body = client.post(reverse("web:placement"), {"k": "1"}).content.decode()
    assert "optimality gap" in body and "new site" in body and "placement-markers" in body


def test_placement_page_in_french(operator):
    operator.language = "fr"
    operator.save()
    client = client_for(operator)
    client.cookies["django_language"] = "fr"
    body = client.get(reverse("web:placement"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Où ouvrir ensuite" in body and "Nouveaux centres" in body
