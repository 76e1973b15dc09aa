"""GET /api/v1/centres/{id}/colleagues?on=: the member's company only, the one error
shape for bad input, in the OpenAPI document."""

from __future__ import annotations

import pytest

from smartwork.accounts.choices import OrganisationKind
from smartwork.bookings.models import ColleagueSharing, FloorPlan, PlacePosition
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.network.models import Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(centre, company):
    anna = testing.make_user(company=company, network=company.network, first_name="Anna",
                             last_name="Peeters")
    ColleagueSharing.objects.create(member=anna, show_bookings=True)
    floor = FloorPlan.objects.create(centre=centre, name="Ground", level=0, image=b"<svg/>",
                                     content_type="image/svg+xml", width=1000, height=1000)
    for name, x in (("Desk 01", 10), ("Desk 02", 20), ("Desk 03", 80)):
        PlacePosition.objects.create(plan=floor, resource=Resource.objects.get(
            centre=centre, name=name), x=x, y=50)
    booking_row(member=anna, resource=Resource.objects.get(centre=centre, name="Desk 01"),
                on=workday(2), slot="full_day")
    return anna


def test_a_member_reads_their_colleagues_with_the_desk_next_to_them(api, centre, member, anna):
    res = api(member).get(f"/centres/{centre.pk}/colleagues", {"on": workday(2).isoformat()})
    assert res.status_code == 200, res.content
    [row] = res.json()
    assert row["name"] == "Anna Peeters"
    assert row["slot"] == "full_day"
    assert row["desk"]["name"] == "Desk 01"
    assert row["desk"]["x"] is not None
    assert row["next_to"]["desk_name"] == "Desk 02"
    assert row["next_to"]["slot"] == "full_day"
    assert "nearest" in row["next_to"]["reason"]
    # With a slot: the afternoon, next to her.
    res = api(member).get(f"/centres/{centre.pk}/colleagues",
                          {"on": workday(2).isoformat(), "slot": "afternoon"})
    assert res.json()[0]["next_to"]["slot"] == "afternoon"


def test_another_company_and_the_operator_see_nothing(api, centre, network, anna, operator,
                                                      manager, outsider):
    other = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                      legal_name="Other SA")
    stranger = testing.make_user(company=other, network=network)
    on = workday(2).isoformat()
    res = api(stranger).get(f"/centres/{centre.pk}/colleagues", {"on": on})
    assert (res.status_code, res.json()) == (200, [])
    for nobody in (operator, manager, outsider):
        res = api(nobody).get(f"/centres/{centre.pk}/colleagues", {"on": on})
        assert res.status_code == 403
        assert res.json()["error"]["code"] == "not_employee"
    res = api().get(f"/centres/{centre.pk}/colleagues", {"on": on})
    assert res.status_code == 401


@pytest.mark.parametrize("params", [
    {}, {"on": "tomorrow"}, {"on": "2026-02-30"}, {"on": "06/12/2026"},
])
def test_a_bad_date_is_the_one_error_shape(api, centre, member, params):
    res = api(member).get(f"/centres/{centre.pk}/colleagues", params)
    assert res.status_code == 422
    error = res.json()["error"]
    assert error["code"] == "invalid"
    assert "on" in error["fields"]


def test_a_bad_slot_and_an_unknown_centre(api, centre, member):
    res = api(member).get(f"/centres/{centre.pk}/colleagues",
                          {"on": workday(2).isoformat(), "slot": "range"})
    assert res.status_code == 422
    assert res.json()["error"]["code"] == "unknown_slot"
    res = api(member).get("/centres/999999/colleagues", {"on": workday(2).isoformat()})
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "not_found"


def test_the_route_is_in_the_openapi_document(api, member):
    doc = api(member).get("/openapi.json").json()
    route = doc["paths"]["/api/v1/centres/{centre_id}/colleagues"]["get"]
    assert {p["name"] for p in route["parameters"]} >= {"centre_id", "on", "slot"}
