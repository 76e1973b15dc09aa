"""The economics pages: who sees them, costs entered through the form (refusals shown
under the field, nothing stored), the charts."""

import datetime as dt

import pytest
from django.test import Client

from smartwork.core import testing
from smartwork.economics.models import CostItem, CostVersion

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_operator_sees_the_network_page(operator, centre):
    r = client_for(operator).get("/economics/network/?date_from=2026-01&date_to=2026-03")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="network-kpis"' in body and "<svg" in body
    assert "/api/v1/economics/networks/" in body
    r = client_for(operator).get("/economics/")
    assert r.status_code == 302 and r["Location"].endswith("/economics/network/")


def test_a_bad_range_is_a_form_error_not_a_500(operator, centre):
    r = client_for(operator).get("/economics/network/?date_from=2026-05&date_to=2026-01")
    assert r.status_code == 200
    assert "aria-invalid" in r.content.decode()


def test_manager_sees_their_centre_only(network, centre, manager):
    other = testing.make_centre(network=network, name="Elsewhere")
    c = client_for(manager)
    r = c.get("/economics/")
    assert r.status_code == 302 and r["Location"].endswith(f"/economics/centres/{centre.pk}/")
    assert c.get(f"/economics/centres/{centre.pk}/").status_code == 200
    assert c.get(f"/economics/centres/{other.pk}/").status_code == 403
    assert c.get("/economics/network/").status_code == 403


def test_member_and_company_admin_are_refused(centre, member, company_admin):
    for user in (member, company_admin):
        assert client_for(user).get(f"/economics/centres/{centre.pk}/").status_code == 403


def test_cost_form_and_new_version(manager, centre):
    c = client_for(manager)
    url = f"/economics/centres/{centre.pk}/"
    data = {"cost-kind": "rent", "cost-label": "Rent", "cost-basis": "fixed",
            "cost-amount": "-100", "cost-starts_on": "2026-01", "cost-ends_on": "",
            "cost-note": ""}
    r = c.post(url, data)
    assert r.status_code == 200 and "negative" in r.content.decode()
    assert not CostItem.objects.exists()
    r = c.post(url, {**data, "cost-amount": "1000", "cost-starts_on": "2026-13"})
    assert r.status_code == 200 and not CostItem.objects.exists()
    r = c.post(url, {**data, "cost-amount": "1000"})
    assert r.status_code == 302
    item = CostItem.objects.get()
    r = c.post(f"/economics/costs/{item.pk}/version/",
               {f"v{item.pk}-basis": "fixed", f"v{item.pk}-amount": "1100",
                f"v{item.pk}-starts_on": "2026-06"})
    assert r.status_code == 302
    assert list(CostVersion.objects.values_list("amount", flat=True).order_by("id")) == [
        1000, 1100]
    page = c.get(url + "?date_from=2026-01&date_to=2026-06").content.decode()
    assert 'id="cost-' in page and "break-even" in page


def test_whatif_page(operator, network, centre):
    c = client_for(operator)
    assert c.get("/economics/network/what-if/").status_code == 200
    r = c.post("/economics/network/what-if/", {
        "form": "pricing", "p-change": "kind_price", "p-months": "12",
        "p-centre_id": str(centre.pk), "p-resource_kind": "desk", "p-change_pct": "10",
        "p-elasticity": "0.5"})
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="pricing-result"' not in body and "errorlist" in body
    assert "demand falls when the price rises" in body
    r = c.post("/economics/network/what-if/", {
        "form": "pricing", "p-change": "kind_price", "p-months": "12",
        "p-centre_id": str(centre.pk), "p-resource_kind": "desk", "p-change_pct": "10",
        "p-elasticity": "-0.5"})
    assert 'id="pricing-result"' in r.content.decode()
    r = c.post("/economics/network/what-if/", {
        "form": "site", "s-town": "Namur", "s-desks": "10", "s-monthly_costs": "-5",
        "s-radius_km": "15", "s-days_per_week": "1"})
    assert r.status_code == 200 and 'id="site-result"' not in r.content.decode()
    assert "cannot be negative" in r.content.decode()
    r = c.post("/economics/network/what-if/", {
        "form": "site", "s-town": "Namur", "s-desks": "10", "s-monthly_costs": "3000",
        "s-radius_km": "15", "s-days_per_week": "1"})
    assert 'id="site-result"' in r.content.decode()
    r = c.post("/economics/network/what-if/", {"form": "closing", "c-centre_id": str(centre.pk),
                                               "c-months": "6"})
    assert 'id="closing-result"' in r.content.decode()


def test_whatif_page_refuses_a_manager(manager):
    assert client_for(manager).get("/economics/network/what-if/").status_code == 403


def test_cost_months_read_and_answer_like_every_month_picker(manager, centre):
    """The cost form's months are core's month field: "10/2026" as a browser without the
    picker sends it is read, and a month that does not exist gets the one message every
    month picker gives ("YYYY-MM" was said here although 10/2026 is taken too)."""
    c = client_for(manager)
    url = f"/economics/centres/{centre.pk}/"
    data = {"cost-kind": "rent", "cost-label": "Rent", "cost-basis": "fixed",
            "cost-amount": "1000", "cost-starts_on": "2026-13", "cost-ends_on": "",
            "cost-note": ""}
    wrong = c.post(url, data)
    assert wrong.status_code == 200
    assert "Choose a month (for example 2026-10)." in wrong.content.decode()
    assert not CostItem.objects.exists()
    assert c.post(url, {**data, "cost-starts_on": "10/2026"}).status_code == 302
    assert CostItem.objects.get().versions.get().starts_on == dt.date(2026, 10, 1)
