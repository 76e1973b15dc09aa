"""The economics pages: who sees them, costs entered through the form (refusals shown
under the field, nothing stored), the charts."""

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
