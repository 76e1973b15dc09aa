"""The bookings API through HTTP, with each role, allowed and refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from smartwork.bookings.models import Booking
from smartwork.bookings.qr import checkin_token_for
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def error(response) -> str:
    return response.json()["error"]["code"]


def test_member_books_a_desk_and_sees_it(api, member, desk):
    day = workday(2).isoformat()
    r = api(member).post("/bookings", {"resource_id": desk.pk, "date": day, "slot": "morning"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "confirmed" and body["price_net"] == "15.00"
    assert body["local_start"].startswith(f"{day}T08:30")
    listing = api(member).get("/bookings").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]
    assert api(member).get(f"/bookings/{body['id']}").status_code == 200
    ics = api(member).get(f"/bookings/{body['id']}/calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert f"UID:booking-{body['id']}@smartwork" in ics.content.decode()


def test_second_request_for_the_same_desk_gets_409(api, member, company, desk):
    day = workday(2).isoformat()
    assert api(member).post("/bookings", {"resource_id": desk.pk, "date": day,
                                          "slot": "morning"}).status_code == 201
    other = testing.make_user(company=company, network=company.network)
    r = api(other).post("/bookings", {"resource_id": desk.pk, "date": day, "slot": "full_day"})
    assert r.status_code == 409 and error(r) == "slot_taken"


@pytest.mark.parametrize(("target", "payload", "status", "code", "field"), [
    ("unknown", {"slot": "morning"}, 422, "unknown_resource", "resource_id"),
    ("none", {"slot": "morning"}, 422, "resource_required", "resource_id"),
    ("room", {"slot": "range", "start_time": "09:10", "end_time": "10:00"}, 422,
     "off_grid", "start_time"),
    ("room", {"slot": "range", "start_time": "10:00", "end_time": "09:00"}, 422,
     "end_before_start", "end_time"),
    ("room", {"slot": "range", "start_time": "06:00", "end_time": "07:00"}, 422,
     "outside_opening_hours", "start_time"),
    ("room", {"slot": "morning"}, 422, "slot_not_for_resource", "slot"),
    ("desk", {"slot": "range", "start_time": "09:00", "end_time": "10:00"}, 422,
     "slot_not_for_resource", "slot"),
    ("desk", {"slot": "morning", "date": "2020-01-06"}, 422, "in_past", "date"),
    ("desk", {"slot": "evening"}, 422, "invalid", "slot"),
    ("desk", {"slot": "morning", "date": "tomorrow"}, 422, "invalid", "date"),
    ("desk", {"slot": "morning", "member_id": 999999}, 422, "unknown_member", "member_id"),
])
def test_bad_input_is_a_clear_4xx_and_stores_nothing(api, member, desk, room, target, payload,
                                                    status, code, field):
    payload = {"date": workday(2).isoformat(), **payload}
    if target != "none":
        payload["resource_id"] = {"desk": desk.pk, "room": room.pk, "unknown": 999999}[target]
    r = api(member).post("/bookings", payload)
    assert r.status_code == status, r.content
    assert error(r) == code
    assert field in r.json()["error"]["fields"]
    assert not Booking.objects.exists()


def test_anonymous_is_refused(api, desk):
    r = api().post("/bookings", {"resource_id": desk.pk, "date": workday(2).isoformat(),
                                 "slot": "morning"})
    assert r.status_code == 401


def test_any_desk_and_availability(api, member, centre, desk):
    day = workday(2).isoformat()
    r = api(member).post("/bookings", {"centre_id": centre.pk, "date": day, "slot": "morning"})
    assert r.status_code == 201
    avail = api(member).get(f"/centres/{centre.pk}/availability",
                            {"date": day, "slot": "morning"}).json()
    desks = [res for res in avail["resources"] if res["kind"] == "desk"]
    assert len(desks) == 8
    assert sum(res["free_count"] for res in desks) == 7
    taken = next(res for res in desks if res["id"] == r.json()["resource_id"])
    assert taken["slots"] == [{"date": day, "slot": "morning", "start": "08:30:00",
                               "end": "12:30:00", "free": False}]


def test_room_availability_shows_free_ranges(api, member, centre, room):
    day = workday(2)
    booking_row(member=member, resource=room, on=day, slot="range",
                start_time=dt.time(10, 0), end_time=dt.time(11, 0))
    avail = api(member).get(f"/centres/{centre.pk}/availability",
                            {"date": day.isoformat(), "kind": "meeting_room"}).json()
    ranges = [(s["start"], s["end"]) for s in avail["resources"][0]["slots"]]
    assert ranges == [("08:00:00", "10:00:00"), ("11:00:00", "18:00:00")]


def test_availability_of_a_closed_day(api, member, centre):
    saturday = workday(1)
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    avail = api(member).get(f"/centres/{centre.pk}/availability",
                            {"date": saturday.isoformat()}).json()
    assert avail["days"][0]["open"] is False
    assert all(res["slots"] == [] for res in avail["resources"])


def test_availability_query_count_does_not_grow_with_resources(
        api, member, centre, django_assert_max_num_queries):
    from smartwork.bookings.selectors import availability_for_centre

    big = testing.make_centre(network=centre.network, desks=60, rooms=6)
    day = workday(2)
    for c in (centre, big):
        for res in list(c.resources.all())[:5]:
            booking_row(member=member, resource=res, on=day,
                        slot="morning" if res.kind == "desk" else "range",
                        start_time=dt.time(9) if res.kind != "desk" else None,
                        end_time=dt.time(10) if res.kind != "desk" else None)
    for c in (centre, big):
        with django_assert_max_num_queries(4):
            result = availability_for_centre(centre=c, date_from=day,
                                             date_to=day + dt.timedelta(days=6))
        assert len(result["resources"]) == c.resources.count()


def test_free_desks_near_home_and_near_a_point(api, member, centre, desk):
    far = testing.make_centre(network=centre.network, lat=50.85, lon=4.35, name="Brussels")
    day = workday(2).isoformat()
    r = api(member).get("/availability/desks", {"date": day, "slot": "morning"})
    assert r.status_code == 200
    rows = r.json()
    assert [row["centre"]["id"] for row in rows] == [centre.pk]
    assert rows[0]["free_desks"] == 8 and rows[0]["distance_km"] == 0.0
    booking_row(member=member, resource=desk, on=workday(2))
    rows = api(member).get("/availability/desks", {"date": day, "slot": "morning",
                                                   "near": "50.6,4.6", "within_km": 60}).json()
    assert [row["centre"]["id"] for row in rows] == [centre.pk, far.pk] or \
        [row["centre"]["id"] for row in rows] == [far.pk, centre.pk]
    assert {row["centre"]["id"]: row["free_desks"] for row in rows} == {centre.pk: 7, far.pk: 8}
    bad = api(member).get("/availability/desks", {"date": day, "slot": "morning",
                                                  "near": "95,4"})
    assert bad.status_code == 422 and "near" in bad.json()["error"]["fields"]


def test_no_home_no_point_is_a_clear_error(api, company, centre):
    homeless = testing.make_user(company=company, network=company.network)
    r = api(homeless).get("/availability/desks", {"date": workday(2).isoformat(),
                                                  "slot": "morning"})
    assert r.status_code == 422 and error(r) == "no_location"


def test_rooms_by_capacity_and_equipment(api, member, centre, room):
    day = workday(2).isoformat()
    base = {"date": day, "start_time": "10:00", "end_time": "11:00"}
    rows = api(member).get("/availability/rooms", {**base, "min_capacity": 6,
                                                   "equipment": ["screen"]}).json()
    assert [row["resource"]["id"] for row in rows] == [room.pk]
    assert api(member).get("/availability/rooms", {**base, "min_capacity": 9}).json() == []
    assert api(member).get("/availability/rooms", {**base, "equipment": ["projector"]}).json() == []
    booking_row(member=member, resource=room, on=workday(2), slot="range",
                start_time=dt.time(10, 30), end_time=dt.time(12, 0))
    assert api(member).get("/availability/rooms", {**base, "centre": centre.pk}).json() == []
    bad = api(member).get("/availability/rooms", {**base, "start_time": "10:05"})
    assert bad.status_code == 422 and error(bad) == "off_grid"


def test_series_endpoint_weekly_with_skip(api, member, company, desk):
    first = workday(1, weekday=1)
    other = testing.make_user(company=company, network=company.network)
    booking_row(member=other, resource=desk, on=first + dt.timedelta(weeks=1), slot="full_day")
    payload = {"resource_id": desk.pk, "slot": "morning", "weekly_from": first.isoformat(),
               "weeks": 3}
    r = api(member).post("/booking-series", payload)
    assert r.status_code == 409 and error(r) == "series_conflicts"
    assert r.json()["error"]["data"]["conflicts"][0]["date"] == (
        first + dt.timedelta(weeks=1)).isoformat()
    r = api(member).post("/booking-series", {**payload, "conflict_policy": "skip"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert len(body["bookings"]) == 2 and len(body["skipped"]) == 1
    assert body["series"]["kind"] == "weekly"
    series_id = body["series"]["id"]
    assert api(member).get(f"/booking-series/{series_id}").status_code == 200
    assert api(other).get(f"/booking-series/{series_id}").status_code == 404
    cancelled = api(member).post(f"/booking-series/{series_id}/cancel", {"reason": "done"})
    assert cancelled.status_code == 200 and len(cancelled.json()) == 2


def test_company_admin_books_for_employee_and_lists_staff_bookings(
        api, company_admin, member, outsider, desk, django_capture_on_commit_callbacks):
    day = workday(2).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        r = api(company_admin).post("/bookings", {"resource_id": desk.pk, "date": day,
                                                  "slot": "morning", "member_id": member.pk})
    assert r.status_code == 201 and r.json()["member_id"] == member.pk
    assert mail.outbox[0].to == [member.email]
    assert api(company_admin).get("/bookings").json()["count"] == 1
    assert api(outsider).get("/bookings").json()["count"] == 0
    assert api(outsider).get(f"/bookings/{r.json()['id']}").status_code == 404
    r = api(company_admin).post("/bookings", {"resource_id": desk.pk, "date": day,
                                              "slot": "afternoon", "member_id": outsider.pk})
    assert r.status_code == 403 and error(r) == "not_in_scope"


def test_list_filters(api, member, operator, manager, desk, room):
    d1, d2 = workday(2), workday(3)
    booking_row(member=member, resource=desk, on=d1)
    booking_row(member=member, resource=desk, on=d2, state="cancelled",
                cancelled_at=dt.datetime.now(dt.UTC))
    booking_row(member=member, resource=room, on=d2, slot="range", start_time=dt.time(9),
                end_time=dt.time(10))
    for user in (member, operator, manager):
        assert api(user).get("/bookings").json()["count"] == 3
    assert api(member).get("/bookings", {"state": "cancelled"}).json()["count"] == 1
    assert api(member).get("/bookings", {"state": ["cancelled", "confirmed"]}).json()["count"] == 3
    assert api(member).get("/bookings", {"date_from": d2.isoformat()}).json()["count"] == 2
    assert api(member).get("/bookings", {"date_to": d1.isoformat()}).json()["count"] == 1
    assert api(member).get("/bookings", {"resource": room.pk}).json()["count"] == 1
    page = api(member).get("/bookings", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and len(page["items"]) == 1


def test_front_desk_arrivals_and_check_in(api, member, receptionist, outsider, centre, desk):
    booking = booking_row(member=member, resource=desk, on=workday(2))
    day = workday(2).isoformat()
    arrivals = api(receptionist).get(f"/centres/{centre.pk}/arrivals", {"date": day})
    assert arrivals.status_code == 200 and arrivals.json()["count"] == 1
    assert api(member).get(f"/centres/{centre.pk}/arrivals", {"date": day}).status_code == 403
    # too early (the booking is days ahead)
    r = api(receptionist).post(f"/bookings/{booking.pk}/check-in", {"via": "reception"})
    assert r.status_code == 409 and error(r) == "too_early"
    r = api(member).post(f"/bookings/{booking.pk}/check-in", {"via": "reception"})
    assert r.status_code == 403


def test_check_in_code_for_the_reception_screen(api, receptionist, member, centre):
    r = api(receptionist).get(f"/centres/{centre.pk}/check-in-code")
    assert r.status_code == 200
    body = r.json()
    assert body["svg"].startswith("<svg") and body["token"] in body["url"]
    assert body["token"] == checkin_token_for(centre=centre)
    assert api(member).get(f"/centres/{centre.pk}/check-in-code").status_code == 403
    r = api(member).post("/check-in/qr", {"token": body["token"]})
    assert r.status_code == 404 and error(r) == "no_booking_now"
    r = api(member).post("/check-in/qr", {"token": "1.20200101.abc"})
    assert r.status_code == 422 and error(r) == "invalid_checkin_code"


def test_cancel_and_move_through_the_api(api, member, outsider, centre, desk):
    r = api(member).post("/bookings", {"resource_id": desk.pk, "date": workday(3).isoformat(),
                                       "slot": "morning"})
    booking_id = r.json()["id"]
    other = centre.resources.filter(kind="desk").exclude(pk=desk.pk).first()
    moved = api(member).post(f"/bookings/{booking_id}/move", {"resource_id": other.pk})
    assert moved.status_code == 200 and moved.json()["resource_id"] == other.pk
    assert api(outsider).post(f"/bookings/{booking_id}/cancel", {}).status_code == 404
    r = api(member).post(f"/bookings/{booking_id}/cancel", {"reason": "Sick"})
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert r.json()["cancel_reason"] == "Sick"
    r = api(member).post(f"/bookings/{booking_id}/move", {"resource_id": desk.pk})
    assert r.status_code == 409 and error(r) == "not_changeable"


def test_calendar_feed_with_revocable_token(api, member, desk):
    booking = booking_row(member=member, resource=desk, on=workday(2))
    url = api(member).get("/me/calendar").json()["url"]
    path = url[url.index("/api/v1"):]
    feed = api().get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    text = feed.content.decode()
    assert f"UID:booking-{booking.pk}@smartwork" in text and "LOCATION:" in text
    new_url = api(member).post("/me/calendar/reset").json()["url"]
    assert new_url != url
    assert api().get(path).status_code == 404
    assert api().get(new_url[new_url.index("/api/v1"):]).status_code == 200


def test_idempotency_key_replays_the_first_answer(api, member, desk):
    client = api(member)
    payload = {"resource_id": desk.pk, "date": workday(2).isoformat(), "slot": "morning"}
    first = client.post("/bookings", payload, **{"Idempotency-Key": "k-1"})
    again = client.post("/bookings", payload, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1
    other = client.post("/bookings", {**payload, "slot": "afternoon"},
                        **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422 and error(other) == "idempotency_key_reused"
    # an error answer is replayed too
    conflict = client.post("/bookings", payload, **{"Idempotency-Key": "k-2"})
    assert conflict.status_code == 409
    assert client.post("/bookings", payload, **{"Idempotency-Key": "k-2"}).status_code == 409
    # A row left in progress and committed (by an older version's crashed run) does not
    # block the retry: a first run's row commits with its answer or not at all
    # (core/idempotency.py; the waiting twin: tests/concurrency/test_idempotency_crash.py).
    import hashlib
    import json

    fingerprint = hashlib.sha256(
        b"POST\0/api/v1/bookings\0" + json.dumps({**payload, "slot": "full_day"}).encode()
    ).hexdigest()
    IdempotencyRecord.objects.create(user=member, key="k-3", method="POST",
                                     path="/api/v1/bookings", request_hash=fingerprint)
    taken_over = client.post("/bookings", {**payload, "slot": "full_day"},
                             **{"Idempotency-Key": "k-3"})
    # (the member holds that desk's morning already: one desk at a time)
    assert taken_over.status_code == 409 and error(taken_over) == "member_already_booked"
    assert IdempotencyRecord.objects.get(key="k-3").state == "done"
    # no key: no record, the route runs as usual
    assert client.post("/bookings", {**payload, "slot": "afternoon"}).status_code == 201
    assert IdempotencyRecord.objects.count() == 3
    from smartwork.core.idempotency import idempotency_records_purge

    assert idempotency_records_purge(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2)) == 3


def test_receptionist_of_another_centre_sees_nothing_here(api, member, network, desk):
    from smartwork.accounts.choices import Role

    booking_row(member=member, resource=desk, on=workday(2))
    elsewhere = testing.make_centre(network=network)
    stranger = testing.make_centre_staff(elsewhere, role=Role.RECEPTIONIST)
    assert api(stranger).get("/bookings").json()["count"] == 0
    assert api(stranger).get(f"/centres/{desk.centre_id}/arrivals").status_code == 403
    assert api().get("/bookings").status_code == 401


def test_openapi_documents_the_routes_with_examples(api, member):
    schema = api(member).get("/openapi.json").json()
    assert "/api/v1/bookings" in schema["paths"]
    post = schema["paths"]["/api/v1/bookings"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    body = schema["components"]["schemas"]["BookingIn"]
    assert body.get("examples")
