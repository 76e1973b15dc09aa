"""`Idempotency-Key` when the first attempt is still running, or died mid-request
(issue #17 §3, core/idempotency.py): the retry waits for the first attempt's
transaction and then gets its answer (committed) or runs (rolled back): never a
5-minute `idempotency_in_progress`, never a conflict with its own first attempt.

Real threads with their own connections, on the run's database (SQLite file or
PostgreSQL)."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest
from django.db import connections, transaction

from smartwork.core.models import IdempotencyRecord
from smartwork.credits.models import LedgerEntry
from smartwork.credits.tests.factories import buy

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_a_twin_waits_for_the_first_and_replays_its_answer(api, operator, company,
                                                           monkeypatch):
    from smartwork.credits import services

    pool = buy(company, hours=1)
    url = f"/credit-accounts/{pool.pk}/adjustments"
    body = {"minutes": 15, "note": "goodwill"}
    real = services.credit_adjust
    started = threading.Event()

    def slow(**kwargs):
        entry = real(**kwargs)
        started.set()
        time.sleep(1.5)  # the first attempt is still in its transaction
        return entry

    monkeypatch.setattr(services, "credit_adjust", slow)
    results = {}
    client_token = api(operator, auth="token")  # one token, created before the threads
    headers = {"Idempotency-Key": "same"}

    def first():
        try:
            results["first"] = client_token.post(url, body, **headers)
        finally:
            connections.close_all()

    def twin():
        started.wait(timeout=30)
        try:
            results["twin"] = client_token.post(url, body, **headers)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=twin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    a, b = results["first"], results["twin"]
    assert a.status_code == 201, a.content
    assert b.status_code == 201, b.content
    assert b.json() == a.json() and b["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.filter(account=pool, reason="adjustment").count() == 1


def test_a_retry_after_a_crash_mid_request_runs_again(api, operator, company):
    pool = buy(company, hours=1)
    url = f"/credit-accounts/{pool.pk}/adjustments"
    body = {"minutes": 20, "note": "after the crash"}
    client = api(operator, auth="token")
    import json

    fingerprint = hashlib.sha256(
        f"POST\0/api/v1{url}\0".encode() + json.dumps(body).encode()).hexdigest()
    holding = threading.Event()
    results = {}

    def crashed_first_attempt():
        # What a server killed mid-request leaves: its transaction held the key's row
        # (and its changes) uncommitted, then the connection died and it rolled back.
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(user=operator, key="crash", method="POST",
                                                 path=f"/api/v1{url}",
                                                 request_hash=fingerprint)
                holding.set()
                time.sleep(1.5)
                raise RuntimeError("killed")
        except RuntimeError:
            pass
        finally:
            connections.close_all()

    def retry():
        holding.wait(timeout=30)
        time.sleep(0.2)
        try:
            results["retry"] = client.post(url, body, **{"Idempotency-Key": "crash"})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=crashed_first_attempt), threading.Thread(target=retry)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    r = results["retry"]
    assert r.status_code == 201, r.content
    assert LedgerEntry.objects.filter(account=pool, reason="adjustment").count() == 1
    record = IdempotencyRecord.objects.get(user=operator, key="crash")
    assert record.state == "done" and record.status_code == 201
    again = client.post(url, body, **{"Idempotency-Key": "crash"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.filter(account=pool, reason="adjustment").count() == 1


def test_a_booking_that_died_after_writing_runs_again_on_retry(api, member, centre, company,
                                                               monkeypatch):
    """The first attempt writes the key's row and the booking (and takes the credit),
    then dies before answering: everything rolls back with it. The retry with the same
    key books, never `member_already_booked` about its own first attempt; a further
    retry replays that answer."""
    from smartwork.bookings import services as booking_services
    from smartwork.bookings.models import Booking
    from smartwork.credits.tests.factories import workday

    pool = buy(company, hours=10)
    real = booking_services._pay_as_planned
    calls = []

    def dies_once(**kwargs):
        done = real(**kwargs)
        calls.append(kwargs["booking"].pk)
        if len(calls) == 1:
            assert Booking.objects.filter(pk=kwargs["booking"].pk).exists()
            raise RuntimeError("server killed mid-request")
        return done

    monkeypatch.setattr(booking_services, "_pay_as_planned", dies_once)
    client = api(member, auth="token")
    resource = centre.resources.filter(kind="desk").first()
    body = {"resource_id": resource.pk, "date": workday(4).isoformat(), "slot": "morning"}
    first = client.post("/bookings", body, **{"Idempotency-Key": "book-crash"})
    assert first.status_code == 500  # the API's last-resort answer; its transaction rolled back
    assert not Booking.objects.exists()
    assert not IdempotencyRecord.objects.filter(key="book-crash").exists()
    assert not LedgerEntry.objects.filter(reason="booking").exists()

    retry = client.post("/bookings", body, **{"Idempotency-Key": "book-crash"})
    assert retry.status_code == 201, retry.content
    assert "Idempotent-Replayed" not in retry
    again = client.post("/bookings", body, **{"Idempotency-Key": "book-crash"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == retry.json()
    assert list(Booking.objects.values_list("pk", flat=True)) == [retry.json()["id"]]
    assert LedgerEntry.objects.filter(account=pool, reason="booking").count() == 1
