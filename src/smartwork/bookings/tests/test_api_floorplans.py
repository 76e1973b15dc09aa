"""Floor plans through the API (bookings/api_floorplans.py): each role allowed and
refused as on the pages, uploads checked by the same service as the page, positions
validated, the same availability as the plan page; bad input answers 4xx in the one
error shape and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartwork.bookings import floorplans
from smartwork.bookings.models import FloorPlan, PlacePosition
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.bookings.tests.test_floorplans import SVG, png
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.network.models import Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(centre, manager):
    return floorplans.floorplan_upload(actor=manager, centre=centre, name="Ground", level=0,
                                       data=SVG)


@pytest.fixture
def desks(centre):
    return list(Resource.objects.filter(centre=centre, kind="desk").order_by("name"))


def error(response):
    body = response.json()["error"]
    assert set(body) >= {"code", "message", "fields"}
    return body["code"]


def upload(api, user, path, data=SVG, **fields):
    form = {**fields}
    if data is not None:
        form["image"] = SimpleUploadedFile("plan.svg", data, content_type="image/svg+xml")
    return api(user).client.post(f"/api/v1{path}", form)


# --- Reading --------------------------------------------------------------------------


def test_a_member_lists_the_floors_with_their_places_and_the_image(api, centre, manager,
                                                                   member, plan, desks):
    floorplans.floorplan_place(actor=manager, plan=plan, positions={desks[0].pk: (12.5, 40)})
    first = floorplans.floorplan_upload(actor=manager, centre=centre, name="First", level=1,
                                        data=png())
    r = api(member).get(f"/centres/{centre.pk}/floor-plans")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [(f["name"], f["level"], f["format"]) for f in body] == [
        ("Ground", 0, "image/svg+xml"), ("First", 1, "image/png")]
    assert body[0]["places"] == [{
        "resource_id": desks[0].pk, "name": desks[0].name, "kind": "desk", "capacity": 1,
        "equipment": [], "is_active": True, "x": 12.5, "y": 40.0}]
    assert body[1]["places"] == [] and body[1]["id"] == first.pk
    assert body[0]["image_url"].endswith(f"/api/v1/floor-plans/{plan.pk}/image")
    image = api(member).get(f"/floor-plans/{plan.pk}/image")
    assert image.status_code == 200 and image.content == SVG
    assert image["Content-Type"] == "image/svg+xml"
    assert "sandbox" in image["Content-Security-Policy"]
    assert image["X-Content-Type-Options"] == "nosniff"
    assert api(member).get(f"/floor-plans/{plan.pk}").json() == body[0]


def test_availability_is_the_plan_pages_selector(api, centre, manager, member, plan, desks):
    room = Resource.objects.get(centre=centre, kind="meeting_room")
    floorplans.floorplan_place(actor=manager, plan=plan, positions={
        desks[0].pk: (10, 10), desks[1].pk: (20, 10), room.pk: (50, 50)})
    on = workday()
    booking_row(member=testing.make_user(network=centre.network), resource=desks[0], on=on,
                slot="morning")
    r = api(member).get(f"/floor-plans/{plan.pk}/availability",
                        {"date": on.isoformat(), "slot": "morning"})
    assert r.status_code == 200, r.content
    body = r.json()
    selector = floorplans.floorplan_availability(plan=plan, on=on, slot="morning",
                                                 member=member)
    assert body["free"] == selector["free"] == 2 and body["open"] is True
    places = {p["resource_id"]: p for p in body["places"]}
    assert places[desks[0].pk]["free"] is False and places[desks[0].pk]["bookable"] is False
    assert places[desks[1].pk]["free"] is True and places[desks[1].pk]["bookable"] is True
    assert places[desks[1].pk]["span"] == {"start": centre.morning_start.isoformat(),
                                           "end": centre.morning_end.isoformat()}
    assert places[room.pk]["ranges"] and places[room.pk]["span"] is None
    assert places[room.pk]["equipment"] == ["screen", "video_conference"]
    # once the member holds a desk that day, no desk is bookable for them; the room is
    booking_row(member=member, resource=desks[1], on=on, slot="morning")
    again = api(member).get(f"/floor-plans/{plan.pk}/availability",
                            {"date": on.isoformat(), "slot": "morning"}).json()
    assert again["blocker"]
    assert [p["bookable"] for p in again["places"] if p["kind"] == "desk"] == [False, False]
    assert {p["resource_id"]: p for p in again["places"]}[room.pk]["bookable"] is True


@pytest.mark.parametrize("query", [{"date": "2026-13-01", "slot": "morning"},
                                   {"date": "tomorrow", "slot": "morning"},
                                   {"slot": "morning"},
                                   {"date": "2026-12-01", "slot": "evening"},
                                   {"date": "2026-12-01", "slot": "range"}])
def test_availability_refuses_a_bad_date_or_slot(api, member, plan, query):
    r = api(member).get(f"/floor-plans/{plan.pk}/availability", query)
    assert r.status_code == 422 and error(r) in ("invalid", "unknown_slot")


# --- Who may do what ------------------------------------------------------------------


def _writes(api, user, centre, plan, desk):
    """The status of each change route for `user`, and whether anything changed."""
    before = (FloorPlan.objects.count(), PlacePosition.objects.count(),
              AuditEntry.objects.count())
    statuses = [
        upload(api, user, f"/centres/{centre.pk}/floor-plans", name="New", level=4).status_code,
        upload(api, user, f"/floor-plans/{plan.pk}/image").status_code,
        api(user).put(f"/floor-plans/{plan.pk}/places/{desk.pk}", {"x": 5, "y": 5}).status_code,
        api(user).delete(f"/floor-plans/{plan.pk}/places/{desk.pk}").status_code,
        api(user).delete(f"/floor-plans/{plan.pk}").status_code,
    ]
    after = (FloorPlan.objects.count(), PlacePosition.objects.count(),
             AuditEntry.objects.count())
    return statuses, before == after


def _reads(api, user, centre, plan):
    return [api(user).get(f"/centres/{centre.pk}/floor-plans").status_code,
            api(user).get(f"/floor-plans/{plan.pk}").status_code,
            api(user).get(f"/floor-plans/{plan.pk}/image").status_code,
            api(user).get(f"/floor-plans/{plan.pk}/availability",
                          {"date": workday().isoformat(), "slot": "morning"}).status_code]


def test_the_manager_uploads_replaces_places_moves_unplaces_and_deletes(api, centre, manager,
                                                                        desks):
    r = upload(api, manager, f"/centres/{centre.pk}/floor-plans", name="Ground", level=0)
    assert r.status_code == 201, r.content
    plan_id = r.json()["id"]
    assert r.json()["width"] == 1000 and r.json()["height"] == 500
    placed = api(manager).put(f"/floor-plans/{plan_id}/places/{desks[0].pk}",
                              {"x": 12.346, "y": 0})
    assert placed.status_code == 200, placed.content
    assert (placed.json()["places"][0]["x"], placed.json()["places"][0]["y"]) == (12.35, 0.0)
    moved = api(manager).put(f"/floor-plans/{plan_id}/places/{desks[0].pk}", {"x": 100, "y": 99})
    assert [(p["x"], p["y"]) for p in moved.json()["places"]] == [(100.0, 99.0)]
    replaced = api(manager).client.post(
        f"/api/v1/floor-plans/{plan_id}/image",
        {"image": SimpleUploadedFile("p.png", png(40, 20), content_type="image/png")})
    assert replaced.status_code == 200, replaced.content
    body = replaced.json()
    assert (body["name"], body["level"], body["format"], body["width"]) == (
        "Ground", 0, "image/png", 40)
    assert len(body["places"]) == 1  # the places stay
    gone = api(manager).delete(f"/floor-plans/{plan_id}/places/{desks[0].pk}")
    assert gone.status_code == 200 and gone.json()["places"] == []
    assert api(manager).delete(f"/floor-plans/{plan_id}").status_code == 204
    assert not FloorPlan.objects.exists()
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "floor_plan.uploaded", "floor_plan.places_set", "floor_plan.deleted"}


def test_the_networks_operator_may_change_the_plans(api, centre, operator, plan, desks):
    statuses, unchanged = _writes(api, operator, centre, plan, desks[0])
    assert statuses == [201, 200, 200, 200, 204] and not unchanged


@pytest.mark.parametrize("who", ["member", "receptionist", "other_manager", "other_operator"])
def test_others_read_a_labelled_centres_plans_and_may_change_nothing(api, centre, plan, desks,
                                                                     member, receptionist,
                                                                     who):
    users = {
        "member": member, "receptionist": receptionist,
        "other_manager": testing.make_centre_staff(testing.make_centre(network=centre.network)),
        "other_operator": testing.make_operator(testing.make_network(name="Elsewhere")),
    }
    user = users[who]
    assert _reads(api, user, centre, plan) == [200, 200, 200, 200]
    statuses, unchanged = _writes(api, user, centre, plan, desks[0])
    assert statuses == [403, 403, 403, 403, 403] and unchanged
    r = api(user).put(f"/floor-plans/{plan.pk}/places/{desks[0].pk}", {"x": 5, "y": 5})
    assert error(r) == "forbidden"


@pytest.mark.parametrize("who", ["member", "other_manager", "other_operator", "staff"])
def test_a_centre_not_labelled_is_unknown_but_to_its_staff(api, network, member, who):
    hidden = testing.make_centre(network=network, label_status="pending")
    staff = testing.make_centre_staff(hidden)
    plan = floorplans.floorplan_upload(actor=staff, centre=hidden, name="G", level=0, data=SVG)
    desk = Resource.objects.filter(centre=hidden).first()
    users = {
        "member": member, "staff": staff,
        "other_manager": testing.make_centre_staff(testing.make_centre(network=network)),
        "other_operator": testing.make_operator(testing.make_network(name="Elsewhere")),
    }
    statuses, unchanged = _writes(api, users[who], hidden, plan, desk)
    if who == "staff":
        assert _reads(api, staff, hidden, FloorPlan.objects.get()) == [200, 200, 200, 200]
        assert statuses == [201, 200, 200, 200, 204]
        return
    assert _reads(api, users[who], hidden, plan) == [404, 404, 404, 404]
    assert statuses == [404, 404, 404, 404, 404] and unchanged


def test_anonymous_gets_401(api, centre, plan):
    assert api().get(f"/centres/{centre.pk}/floor-plans").status_code == 401
    assert api().get(f"/floor-plans/{plan.pk}/image").status_code == 401
    assert api().put(f"/floor-plans/{plan.pk}/places/1", {"x": 1, "y": 1}).status_code == 401


def test_a_bookings_token_reads_the_plans_and_changes_none(api, centre, manager, plan, desks):
    from smartwork.accounts.services import api_token_create

    _token, raw = api_token_create(user=manager, name="kiosk", scope="bookings")
    client = api(None, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(f"/floor-plans/{plan.pk}/availability",
                      {"date": workday().isoformat(), "slot": "morning"}).status_code == 200
    r = client.put(f"/floor-plans/{plan.pk}/places/{desks[0].pk}", {"x": 5, "y": 5})
    assert r.status_code == 403 and error(r) == "token_scope"


# --- Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "code"), [
    (b"GIF89a....", "invalid_floor_plan"),
    (b"%PDF-1.7 not an image", "invalid_floor_plan"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"/>',
     "invalid_floor_plan"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><script>x()</script></svg>',
     "invalid_floor_plan"),
    (b"\x89PNG\r\n\x1a\nnot really a png", "invalid_floor_plan"),
    (b"<svg" + b" " * (floorplans.MAX_PLAN_BYTES + 1) + b"/>", "invalid_floor_plan"),
    (None, "invalid_floor_plan"),
])
def test_an_upload_that_is_not_a_plain_plan_changes_nothing(api, centre, manager, plan, data,
                                                            code):
    before = bytes(FloorPlan.objects.get().image)
    created = upload(api, manager, f"/centres/{centre.pk}/floor-plans", data=data,
                     name="First", level=1)
    assert created.status_code == 422 and error(created) == code
    assert "image" in created.json()["error"]["fields"]
    replaced = upload(api, manager, f"/floor-plans/{plan.pk}/image", data=data)
    assert replaced.status_code == 422 and error(replaced) == code
    assert FloorPlan.objects.count() == 1 and bytes(FloorPlan.objects.get().image) == before


@pytest.mark.parametrize(("fields", "status", "code"), [
    ({"name": "First", "level": 300}, 422, "bad_level"),
    ({"name": "First", "level": -6}, 422, "bad_level"),
    ({"name": "First", "level": "first"}, 422, "invalid"),
    ({"name": "First", "level": str(2**70)}, 422, "invalid"),
    ({"name": "   ", "level": 1}, 422, "name_required"),
    ({"name": "Again", "level": 0}, 422, "floor_has_plan"),
])
def test_an_upload_with_a_bad_name_or_floor_changes_nothing(api, centre, manager, plan, fields,
                                                            status, code):
    r = upload(api, manager, f"/centres/{centre.pk}/floor-plans", **fields)
    assert r.status_code == status and error(r) == code, r.content
    assert FloorPlan.objects.count() == 1


def test_replacing_onto_a_floor_that_has_a_plan_is_refused(api, centre, manager, plan):
    first = floorplans.floorplan_upload(actor=manager, centre=centre, name="First", level=1,
                                        data=SVG)
    r = upload(api, manager, f"/floor-plans/{first.pk}/image", level=0)
    assert r.status_code == 422 and error(r) == "floor_has_plan"
    assert FloorPlan.objects.get(pk=first.pk).level == 1


@pytest.mark.parametrize("body", [{"x": 101, "y": 5}, {"x": -0.01, "y": 5}, {"x": 5, "y": 1e300},
                                  {"x": "left", "y": 5}, {"x": 5}, {}, {"x": None, "y": 5},
                                  {"x": True, "y": [1]}])
def test_a_position_outside_the_plan_or_not_a_number_changes_nothing(api, manager, plan, desks,
                                                                     body):
    floorplans.floorplan_place(actor=manager, plan=plan, positions={desks[0].pk: (10, 10)})
    r = api(manager).put(f"/floor-plans/{plan.pk}/places/{desks[0].pk}", body)
    assert r.status_code == 422 and error(r) == "invalid"
    position = PlacePosition.objects.get()
    assert (position.x, position.y) == (10, 10)


def test_a_resource_of_another_centre_or_none_is_refused(api, centre, manager, plan, desks):
    elsewhere = Resource.objects.filter(centre=testing.make_centre(network=centre.network)).first()
    for rid in (elsewhere.pk, 987654321):
        r = api(manager).put(f"/floor-plans/{plan.pk}/places/{rid}", {"x": 5, "y": 5})
        assert r.status_code == 422 and error(r) == "unknown_resource"
        r = api(manager).delete(f"/floor-plans/{plan.pk}/places/{rid}")
        assert r.status_code == 422 and error(r) == "unknown_resource"
    assert not PlacePosition.objects.exists()


def test_an_unknown_plan_or_centre_is_404(api, manager, centre, desks):
    assert api(manager).get("/floor-plans/987654321").status_code == 404
    assert api(manager).put(f"/floor-plans/987654321/places/{desks[0].pk}",
                            {"x": 1, "y": 1}).status_code == 404
    r = upload(api, manager, "/centres/987654321/floor-plans", name="G", level=0)
    assert r.status_code == 404 and error(r) == "not_found"


def test_unplacing_from_one_plan_leaves_the_place_on_another(api, centre, manager, plan, desks):
    first = floorplans.floorplan_upload(actor=manager, centre=centre, name="First", level=1,
                                        data=SVG)
    floorplans.floorplan_place(actor=manager, plan=first, positions={desks[0].pk: (5, 5)})
    r = api(manager).delete(f"/floor-plans/{plan.pk}/places/{desks[0].pk}")
    assert r.status_code == 200
    assert PlacePosition.objects.get(resource=desks[0]).plan == first
