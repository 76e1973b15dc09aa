"""The booking engine's fast path (issue #4): the token cache honours revocation, the
mail task row is written in the booking's transaction, the plain-SQL reads give the
same rows as the ORM."""

from __future__ import annotations

import json
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client, override_settings

from smartwork.accounts import services as accounts
from smartwork.accounts.models import ApiToken
from smartwork.bookings import services, sql
from smartwork.bookings.models import Booking
from smartwork.bookings.rules import calendars_for
from smartwork.bookings.tests.factories import workday
from smartwork.core import testing
from smartwork.core.errors import DomainError
from smartwork.core.models import AuditEntry
from smartwork.credits.models import PaygCharge
from smartwork.network.models import Closure, Resource

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _empty_token_cache():
    accounts.api_token_cache_forget()
    yield
    accounts.api_token_cache_forget()


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def book(client: Client, desk: Resource, day, slot: str = "morning") -> int:
    return client.post("/api/v1/bookings", json.dumps(
        {"resource_id": desk.pk, "date": day.isoformat(), "slot": slot}),
        content_type="application/json").status_code


class TestTokenCache:
    def test_a_cached_token_needs_no_query(self, member, django_assert_num_queries):
        _token, raw = accounts.api_token_create(user=member, name="script")
        assert accounts.api_token_authenticate(raw=raw) == member
        with django_assert_num_queries(0):
            user = accounts.api_token_authenticate(raw=raw)
        assert user == member and user is not accounts.api_token_authenticate(raw=raw)

    def test_revocation_is_honoured_at_once_in_this_process(self, member, desk):
        token, raw = accounts.api_token_create(user=member, name="script")
        client = bearer(raw)
        assert book(client, desk, workday(2)) == 201
        accounts.api_token_revoke(user=member, token_id=token.pk)
        assert book(client, desk, workday(3)) == 401

    def test_another_process_honours_revocation_within_the_cache_delay(self, member):
        token, raw = accounts.api_token_create(user=member, name="script")
        assert accounts.api_token_authenticate(raw=raw) == member
        # Revoked by another process: a queryset update sends no signal here.
        ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
        assert accounts.api_token_authenticate(raw=raw) == member  # still cached
        later = accounts.token_cache_seconds() + 0.5
        with mock.patch("time.monotonic", return_value=__import__("time").monotonic() + later):
            assert accounts.api_token_authenticate(raw=raw) is None

    def test_a_token_read_again_after_the_delay_still_works(self, member):
        import time

        token, raw = accounts.api_token_create(user=member, name="script")
        assert accounts.api_token_authenticate(raw=raw) == member  # writes last_used_at
        later = time.monotonic() + accounts.token_cache_seconds() + 0.5
        with mock.patch("time.monotonic", return_value=later):
            assert accounts.api_token_authenticate(raw=raw) == member  # read from the row
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_a_deactivated_user_is_refused_at_once(self, member):
        _token, raw = accounts.api_token_create(user=member, name="script")
        assert accounts.api_token_authenticate(raw=raw) == member
        member.is_active = False
        member.save(update_fields=["is_active"])
        assert accounts.api_token_authenticate(raw=raw) is None

    def test_each_request_gets_its_own_user_object(self, member):
        _token, raw = accounts.api_token_create(user=member, name="script")
        first = accounts.api_token_authenticate(raw=raw)
        assert first is not None
        first.first_name = "changed in memory"
        again = accounts.api_token_authenticate(raw=raw)
        assert again is not None and again.first_name == member.first_name


class TestOutbox:
    @override_settings(TASKS=DB_TASKS)
    def test_the_mail_task_row_commits_with_the_booking(self, member, desk):
        from django_tasks_db.models import DBTaskResult

        booking = services.booking_create(actor=member, resource=desk, slot="morning",
                                          on=workday(2))
        row = DBTaskResult.objects.get()
        assert row.task_path == "smartwork.bookings.tasks.booking_mail"
        assert row.args_kwargs == {"args": ["confirmed", booking.pk, None], "kwargs": {}}
        assert row.status == "READY" and row.backend_name == "default"
        assert row.task.func.__name__ == "booking_mail"

    @override_settings(TASKS=DB_TASKS)
    def test_a_rolled_back_booking_leaves_no_task(self, member, desk):
        from django_tasks_db.models import DBTaskResult

        with pytest.raises(RuntimeError), transaction.atomic():
            services.booking_create(actor=member, resource=desk, slot="morning", on=workday(2))
            assert DBTaskResult.objects.count() == 1
            raise RuntimeError("rolled back")
        assert DBTaskResult.objects.count() == 0 and Booking.objects.count() == 0


class TestPlainSql:
    def test_resource_centre_and_network_in_one_query(self, desk, django_assert_num_queries):
        with django_assert_num_queries(1):
            found = sql.resource_with_centre(desk.pk)
            assert found is not None
            assert (found.name, found.centre.name, found.centre.network.name) == (
                desk.name, desk.centre.name, desk.centre.network.name)
            assert found.centre.network.booking_window_days == \
                desk.centre.network.booking_window_days
        assert found.equipment == desk.equipment and found.created_at == desk.created_at
        assert sql.resource_with_centre(10**9) is None

    def test_calendar_matches_the_orm(self, centre):
        day = workday(5)
        Closure.objects.create(centre=centre, start_date=day, end_date=day, reason="Works")
        orm = calendars_for([centre.pk], date_from=day, date_to=day)[centre.pk]
        raw = sql.calendar_for(centre.pk, day, day)
        assert raw.hours == orm.hours and raw.closures == orm.closures
        assert raw.closure_reason(day) == "Works"

    def test_the_days_calendar_comes_with_the_resource_in_the_same_query(
            self, desk, django_assert_num_queries):
        day, later = workday(5), workday(9)
        Closure.objects.create(centre=desk.centre, start_date=day, end_date=day, reason="Works")
        Closure.objects.create(centre=desk.centre, start_date=later, end_date=later,
                               reason="Later")
        orm = calendars_for([desk.centre_id], date_from=day, date_to=day)[desk.centre_id]
        with django_assert_num_queries(1):
            found = sql.resource_with_centre(desk.pk, (day, day))
            assert found is not None
            kept = sql.calendar_of(found.centre, day, day)
        assert (found.name, found.centre.name, found.centre.network.name) == (
            desk.name, desk.centre.name, desk.centre.network.name)
        assert found.equipment == desk.equipment and found.created_at == desk.created_at
        assert kept.hours == orm.hours and kept.closures == orm.closures
        assert kept.closure_reason(day) == "Works" and kept.closure_reason(later) is None
        # Days it was not read for: read then.
        with django_assert_num_queries(1):
            assert sql.calendar_of(found.centre, later, later).closure_reason(later) == "Later"
        assert sql.resource_with_centre(10**9, (day, day)) is None

    def test_a_centre_with_its_calendar_for_a_range(self, centre, django_assert_num_queries):
        first, last = workday(2), workday(6)
        Closure.objects.create(centre=centre, start_date=last, end_date=last, reason="Move")
        orm = calendars_for([centre.pk], date_from=first, date_to=last)[centre.pk]
        with django_assert_num_queries(1):
            found = sql.centre_with_network(centre.pk, (first, last))
            assert found is not None and found.network.pk == centre.network_id
            kept = sql.calendar_of(found, first, last)
        assert kept.hours == orm.hours and kept.closures == orm.closures
        assert sql.centre_with_network(10**9, (first, last)) is None

    def test_the_write_is_refused_when_the_slot_is_taken(self, member, desk):
        day = workday(2)
        first = services.booking_create(actor=member, resource=desk, slot="morning", on=day)
        other = testing.make_user(company=member.company, network=member.network)
        with pytest.raises(DomainError) as excinfo:
            services.booking_create(actor=other, resource=desk, slot="full_day", on=day)
        assert excinfo.value.code == "slot_taken"
        assert list(Booking.objects.values_list("pk", flat=True)) == [first.pk]
        assert PaygCharge.objects.count() == 1
        assert AuditEntry.objects.filter(action="booking.created").count() == 1

    def test_rows_written_read_back_as_with_the_orm(self, member, desk):
        booking = services.booking_create(actor=member, resource=desk, slot="morning",
                                          on=workday(2), note="près de la fenêtre")
        stored = Booking.objects.get(pk=booking.pk)
        assert (stored.start, stored.end, stored.note) == (booking.start, booking.end,
                                                            "près de la fenêtre")
        assert stored.price_net == Decimal("15.00") and stored.created_at is not None
        entry = AuditEntry.objects.get(action="booking.created")
        assert entry.data["resource"] == desk.pk and entry.object_id == str(booking.pk)
        charge = PaygCharge.objects.get()
        assert charge.price_net == Decimal("15.00") and charge.booking_id == booking.pk


class TestCreateAnswer:
    """The create route renders its answer without pydantic: it must be exactly what
    BookingOut gives (the detail route still goes through the schema)."""

    def answers(self, api, user, payload):
        client = api(user)
        created = client.post("/bookings", payload)
        assert created.status_code == 201, created.content
        body = created.json()
        detail = client.get(f"/bookings/{body['id']}")
        assert detail.status_code == 200
        return body, detail.json()

    def test_pay_as_you_go(self, api, member, desk):
        body, detail = self.answers(api, member, {
            "resource_id": desk.pk, "date": workday(2).isoformat(), "slot": "morning",
            "note": "près de la fenêtre"})
        assert body == detail
        assert body["price_net"] == "15.00" and body["payment_method"] == "payg"

    def test_full_day_and_the_schema_field_by_field(self, api, member, desk):
        from smartwork.bookings.schemas import BookingOut, booking_out_data

        body, detail = self.answers(api, member, {
            "resource_id": desk.pk, "date": workday(3).isoformat(), "slot": "full_day"})
        assert body == detail
        booking = Booking.objects.select_related("member", "resource", "centre").get(
            pk=body["id"])
        assert booking_out_data(booking) == BookingOut.from_orm(booking).model_dump()
        assert list(booking_out_data(booking)) == list(BookingOut.model_fields)
