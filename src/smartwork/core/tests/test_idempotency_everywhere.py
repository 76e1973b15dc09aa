"""`Idempotency-Key` on every POST of the API (core/idempotency.IdempotencyMiddleware),
not only the booking routes: a credit purchase or an adjustment sent twice with one key
is recorded once, and the retry gets the first answer."""

from __future__ import annotations

import pytest

from smartwork.credits.models import CreditPurchase, LedgerEntry
from smartwork.credits.tests.factories import buy


@pytest.mark.django_db
def test_credit_purchase_twice_with_one_key_is_one_purchase(api, operator, company):
    client = api(operator)
    url = f"/companies/{company.pk}/credit-purchases"
    body = {"hours": 10, "price_net": "100.00"}
    first = client.post(url, body, **{"Idempotency-Key": "buy-1"})
    again = client.post(url, body, **{"Idempotency-Key": "buy-1"})
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CreditPurchase.objects.filter(company=company).count() == 1
    other = client.post(url, body, **{"Idempotency-Key": "buy-2"})
    assert other.status_code == 201
    assert CreditPurchase.objects.filter(company=company).count() == 2
    reused = client.post(url, {**body, "hours": 11}, **{"Idempotency-Key": "buy-1"})
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_adjustment_twice_with_one_key_is_one_entry(api, operator, company):
    pool = buy(company, hours=1)
    url = f"/credit-accounts/{pool.pk}/adjustments"
    client = api(operator)
    for _ in range(3):
        r = client.post(url, {"minutes": 15, "note": "goodwill"}, **{"Idempotency-Key": "adj-7"})
        assert r.status_code == 201, r.content
    assert LedgerEntry.objects.filter(account=pool, reason="adjustment").count() == 1


@pytest.mark.django_db
def test_the_booking_routes_still_guard_once(api, member, centre, company):
    from smartwork.bookings.models import Booking
    from smartwork.credits.tests.factories import workday

    buy(company, hours=10)
    resource = centre.resources.filter(kind="desk").first()
    body = {"resource_id": resource.pk, "date": workday(4).isoformat(), "slot": "morning"}
    first = api(member).post("/bookings", body, **{"Idempotency-Key": "b-1"})
    again = api(member).post("/bookings", body, **{"Idempotency-Key": "b-1"})
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Booking.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_a_refused_login_is_not_kept(api, company):
    url = f"/companies/{company.pk}/credit-purchases"
    r = api().post(url, {"hours": 1, "price_net": "1.00"}, **{"Idempotency-Key": "k"})
    assert r.status_code == 401
    from smartwork.core.models import IdempotencyRecord

    assert not IdempotencyRecord.objects.exists()
