"""Races on bookings with real threads, each with its own database connection.

Run on SQLite (BEGIN IMMEDIATE + re-check) and on PostgreSQL (exclusion
constraint): the outcome must be the same.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from smartwork.bookings import services
from smartwork.bookings.choices import LIVE_STATES
from smartwork.bookings.models import Booking
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.models import AuditEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    return testing.run_together(calls, timeout=120)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, payload: dict[str, Any], **headers: str) -> Callable[[], Any]:
    def call() -> tuple[int, dict[str, Any]]:
        r = client.post("/api/v1/bookings", data=payload, content_type="application/json",
                        headers=headers)
        return r.status_code, r.json()
    return call


def members(company: Any, n: int) -> list[Any]:
    return [testing.make_user(company=company, network=company.network) for _ in range(n)]


def test_fifty_requests_for_one_desk_give_one_booking(setting):
    _network, centre, company = setting
    desk = centre.resources.filter(kind="desk").first()
    payload = {"resource_id": desk.pk, "date": workday(2).isoformat(), "slot": "morning"}
    clients = [logged_in(m) for m in members(company, 50)]
    results = run_together([post(c, payload) for c in clients])
    statuses = Counter(r[0] if isinstance(r, tuple) else repr(r) for r in results)
    assert statuses == {201: 1, 409: 49}, statuses
    assert {r[1]["error"]["code"] for r in results if r[0] == 409} == {"slot_taken"}
    assert Booking.objects.filter(resource=desk).count() == 1


def test_overlapping_room_ranges_never_overlap(setting):
    _network, centre, company = setting
    room = centre.resources.get(kind="meeting_room")
    day = workday(2).isoformat()
    starts = [dt.time(9, 0), dt.time(9, 30), dt.time(9, 45), dt.time(10, 0), dt.time(10, 15),
              dt.time(10, 30), dt.time(11, 0), dt.time(11, 15), dt.time(9, 15), dt.time(10, 45)]
    payloads = []
    for i, start in enumerate(starts):
        end = (dt.datetime.combine(dt.date.today(), start) + dt.timedelta(minutes=45 + 15 * (i % 3)))
        payloads.append({"resource_id": room.pk, "date": day, "slot": "range",
                         "start_time": start.strftime("%H:%M"), "end_time": end.strftime("%H:%M")})
    clients = [logged_in(m) for m in members(company, len(payloads))]
    results = run_together([post(c, p) for c, p in zip(clients, payloads, strict=True)])
    assert all(isinstance(r, tuple) and r[0] in (201, 409) for r in results), results
    live = list(Booking.objects.filter(resource=room, state__in=LIVE_STATES))
    assert len(live) == sum(1 for r in results if r[0] == 201) >= 1
    for a, b in itertools.combinations(live, 2):
        assert a.end <= b.start or b.end <= a.start, (a.start, a.end, b.start, b.end)


def test_two_any_desk_requests_for_the_last_desk(setting):
    _network, centre, company = setting
    day = workday(2)
    holder = members(company, 1)[0]
    for desk in centre.resources.filter(kind="desk").order_by("name")[:7]:
        booking_row(member=holder, resource=desk, on=day)
    payload = {"centre_id": centre.pk, "date": day.isoformat(), "slot": "morning"}
    clients = [logged_in(m) for m in members(company, 2)]
    results = run_together([post(c, payload) for c in clients])
    assert sorted(r[0] for r in results) == [201, 409], results
    assert next(r for r in results if r[0] == 409)[1]["error"]["code"] == "no_desk_free"
    assert Booking.objects.filter(centre=centre).count() == 8


def test_any_desk_requests_spread_over_the_free_desks(setting):
    _network, centre, company = setting
    payload = {"centre_id": centre.pk, "date": workday(2).isoformat(), "slot": "full_day"}
    clients = [logged_in(m) for m in members(company, 12)]
    results = run_together([post(c, payload) for c in clients])
    assert Counter(r[0] for r in results) == {201: 8, 409: 4}, results
    assert Booking.objects.filter(centre=centre).values("resource").distinct().count() == 8


def test_concurrent_duplicates_with_one_idempotency_key(setting):
    _network, centre, company = setting
    member = members(company, 1)[0]
    desk = centre.resources.filter(kind="desk").first()
    payload = {"resource_id": desk.pk, "date": workday(2).isoformat(), "slot": "morning"}
    clients = [logged_in(member) for _ in range(8)]
    results = run_together([post(c, payload, **{"Idempotency-Key": "same"}) for c in clients])
    codes = Counter(r[0] for r in results)
    assert set(codes) <= {201, 409} and codes[201] >= 1, results
    for status, body in results:
        if status == 409:
            assert body["error"]["code"] == "idempotency_in_progress"
    assert Booking.objects.count() == 1
    assert len({body["id"] for status, body in results if status == 201}) == 1


def test_no_show_release_twice_at_once_changes_nothing_more(setting):
    _network, centre, company = setting
    member = members(company, 1)[0]
    day = workday(2)
    rows = [booking_row(member=member, resource=desk, on=day)
            for desk in centre.resources.filter(kind="desk")]
    Booking.objects.update(created_at=rows[0].start - dt.timedelta(days=1))
    at = rows[0].start + dt.timedelta(hours=1)
    results = run_together([lambda: services.bookings_release_no_shows(now=at)] * 3)
    assert sum(results) == len(rows), results
    assert AuditEntry.objects.filter(action="booking.no_show").count() == len(rows)
    assert services.bookings_release_no_shows(now=at) == 0
