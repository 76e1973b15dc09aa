"""Hostile input to /api/v1 (issue #17 §1): every class of input that once answered 500,
or answered differently on PostgreSQL and SQLite, now answers a 4xx in the error shape,
the same on both databases (core/guard.py, config/api.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from smartwork.credits.tests.factories import buy

BIG = 2**63


def shape(response, status, code=None, field=None):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    if code:
        assert body["error"]["code"] == code, body
    if field:
        assert field in body["error"]["fields"], body
    return body["error"]


@pytest.mark.django_db
class TestIdsAndNumbers:
    def test_ids_beyond_64_bits_are_not_found(self, api, operator, centre):
        for path in (f"/centres/{BIG}", f"/centres/{BIG * 10}", f"/bookings/{BIG}",
                     f"/credit-accounts/{BIG}/ledger"):
            shape(api(operator).get(path), 404, code="not_found")

    def test_query_integers_beyond_64_bits(self, api, operator):
        shape(api(operator).get("/bookings", {"centre": str(BIG)}), 422, field="centre")
        shape(api(operator).get("/bookings", {"member": str(-BIG - 1)}), 422, field="member")

    def test_body_integers_beyond_64_bits(self, api, member, centre):
        r = api(member).post("/bookings", {"resource_id": BIG, "date": "2030-01-07",
                                           "slot": "morning"})
        shape(r, 422, field="resource_id")

    def test_huge_limit_and_offset(self, api, operator):
        shape(api(operator).get("/bookings", {"limit": 10**6}), 422, field="limit")
        shape(api(operator).get("/bookings", {"limit": str(BIG)}), 422, field="limit")
        shape(api(operator).get("/bookings", {"offset": str(BIG)}), 422, field="offset")
        r = api(operator).get("/bookings", {"offset": str(BIG - 1)})
        assert r.status_code in (200, 422), r.content
        if r.status_code == 422:
            shape(r, 422)
        else:
            assert r.json()["items"] == []

    def test_credit_adjustment_of_a_trillion_minutes(self, api, operator, company):
        pool = buy(company, hours=1)
        url = f"/credit-accounts/{pool.pk}/adjustments"
        shape(api(operator).post(url, {"minutes": 10**12, "note": "x"}), 422, field="minutes")
        assert api(operator).post(url, {"minutes": 6_000_000, "note": "x"}).status_code == 201
        # Balances stay within the column PostgreSQL has (32 bits), on both databases
        # (the stored balance moved near the top, not by 358 adjustments).
        type(pool).objects.filter(pk=pool.pk).update(balance_minutes=2**31 - 5_000_000)
        r = api(operator).post(url, {"minutes": 6_000_000, "note": "x"})
        shape(r, 422, code="out_of_range")
        pool.refresh_from_db()
        assert pool.balance_minutes <= 2**31 - 1

    def test_nan_and_infinity_are_not_json(self, api, manager, centre):
        r = api(manager).client.patch(f"/api/v1/centres/{centre.pk}", data='{"lat": NaN}',
                                      content_type="application/json")
        shape(r, 422)


@pytest.mark.django_db
class TestTextAndTime:
    def test_nul_bytes_refused_in_body_query_and_path(self, api, manager, centre, operator):
        shape(api(manager).patch(f"/centres/{centre.pk}", {"description": "a\x00b"}), 422,
              field="description")
        shape(api(manager).patch(f"/centres/{centre.pk}", {"services": ["wifi\x00"]}), 422,
              field="services.0")
        shape(api(operator).get("/bookings", {"state": "confirmed\x00"}), 422, field="state")
        shape(api(operator).get("/centres/1%00"), 404)
        centre.refresh_from_db()
        assert "\x00" not in centre.description

    def test_time_with_a_time_zone_in_a_centre_update(self, api, operator, centre):
        for value in ("09:00:00+02:00", "09:00Z", "09:00:00.5-05:30"):
            shape(api(operator).patch(f"/centres/{centre.pk}", {"morning_start": value}), 422,
                  field="morning_start")
        r = api(operator).patch(f"/centres/{centre.pk}", {"morning_start": "08:30"})
        assert r.status_code == 200, r.content

    def test_date_offsets_postgresql_cannot_store(self, api, member):
        for offset in ("+16:00", "-23:59", "+2000"):
            r = api(member).get("/bookings", {"date_from": f"2030-01-01T00:00:00{offset}"})
            shape(r, 422, field="date_from")

    def test_price_valid_from_year_one(self, api, manager, centre):
        url = f"/centres/{centre.pk}/prices"
        body = {"resource_kind": "desk", "per_day": "20.00"}
        for day in ("0001-01-01", "1899-12-31", "3000-01-01"):
            shape(api(manager).post(url, {**body, "valid_from": day}), 422, field="valid_from")
        assert api(manager).post(url, {**body, "valid_from": "2031-01-01"}).status_code == 201

    def test_times_are_documented_as_local_times(self, api):
        doc = api().get("/openapi.json").json()
        text = json.dumps(doc)
        assert '"format": "time"' not in text
        hours = doc["components"]["schemas"]["HoursOut"]["properties"]["opens"]
        assert hours["format"] == "partial-time" and hours["pattern"]


@pytest.mark.django_db
class TestBodies:
    def test_json_body_over_the_limit_is_413(self, api, manager, centre, settings):
        big = json.dumps({"description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
        r = api(manager).client.patch(f"/api/v1/centres/{centre.pk}", data=big,
                                      content_type="application/json")
        shape(r, 413, code="payload_too_large")

    def test_json_must_be_sent_as_json(self, api, member, centre):
        resource = centre.resources.first()
        body = json.dumps({"resource_id": resource.pk, "date": "2030-01-07", "slot": "morning"})
        client = api(member).client
        for ctype in ("text/plain", "application/x-www-form-urlencoded", ""):
            r = client.post("/api/v1/bookings", data=body, content_type=ctype)
            shape(r, 415, code="unsupported_media_type")
        assert not resource.bookings.exists()

    def test_multipart_without_boundary(self, api, company_admin, company):
        r = api(company_admin).client.post(
            f"/api/v1/companies/{company.pk}/staff/import", data=b"email\r\n",
            content_type="multipart/form-data")
        shape(r, 400)

    def test_csv_field_over_128_kib_and_nul(self, api, company_admin, company):
        from django.core.files.uploadedfile import SimpleUploadedFile

        url = f"/api/v1/companies/{company.pk}/staff/import"
        client = api(company_admin).client
        big = b"email,first_name,last_name\r\na@example.org,\"" + b"x" * 140_000 + b"\",B\r\n"
        for content in (big, b"email,first_name,last_name\r\na@example.org,A\x00,B\r\n"):
            r = client.post(url, {"file": SimpleUploadedFile("s.csv", content, "text/csv")})
            shape(r, 422, code="csv_invalid", field="file")


@pytest.mark.django_db
class TestUnknownPathsAndMethods:
    def test_405_in_the_error_shape(self, api, member):
        r = api(member).client.put("/api/v1/me/tokens", data="{}",
                                   content_type="application/json")
        err = shape(r, 405, code="method_not_allowed")
        assert err["message"]
        assert "GET" in r["Allow"]

    def test_unknown_api_path_in_the_error_shape(self, api, member):
        shape(api(member).get("/api/v1/no-such-thing"), 404, code="not_found")
        shape(api().get("/api/v1/no/such/thing/either"), 404, code="not_found")
        shape(api(member).client.get("/api/v2/"), 404, code="not_found")

    def test_pages_keep_their_html_404(self, client, db):
        r = client.get("/no-such-page/")
        assert r.status_code == 404
        assert r["Content-Type"].startswith("text/html")

    @pytest.mark.parametrize("path", [f"/community/members/{BIG}/", f"/desk/{BIG * 10}/",
                                      f"/staff/centres/1/plans/{BIG}/", "/centres/a\x00b/"])
    def test_a_pages_id_beyond_64_bits_is_the_html_404(self, client, member, path):
        client.force_login(member)
        r = client.get(path)
        assert r.status_code == 404
        assert r["Content-Type"].startswith("text/html")


def test_guard_string_rules():
    from smartwork.core.guard import _string_problem

    assert _string_problem("0471-12-34-56") is None  # a phone number, not a date
    assert _string_problem("2030-01-07") is None
    assert _string_problem("2030-01-07T09:00:00+15:59") is None
    assert _string_problem("2030-01-07T09:00:00+16:00")
    assert _string_problem("10:00") is None
    assert _string_problem("10:00+01:00")
    assert _string_problem(dt.date(1, 1, 1).isoformat())
