"""fastsql's instances are the ORM's: `new` as `Model(**values)`, `from_row` as a
queryset's rows, field by field, on the hot path's models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import signals

from smartwork.bookings.models import Booking
from smartwork.core import fastsql, testing
from smartwork.core.models import AuditEntry
from smartwork.credits.models import CompanyCreditPolicy, CreditAccount, LedgerEntry
from smartwork.network.models import Centre, Network, Resource

pytestmark = pytest.mark.django_db


def fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def same(a, b, *, skip=()):
    left, right = fields(a), fields(b)
    for name in skip:
        left.pop(name), right.pop(name)
    assert left == right
    assert (a._state.adding, a._state.db) == (b._state.adding, b._state.db)


class TestNew:
    def test_a_booking_as_the_orm_builds_it(self, centre, member):
        desk = centre.resources.order_by("pk").first()
        start = dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC)
        values = dict(member=member, booked_by=member, resource=desk, centre=centre, series=None,
                      slot="morning", start=start, end=start + dt.timedelta(hours=4),
                      payment_method="payg", note="près de la fenêtre")
        fast, orm = fastsql.new(Booking, **values), Booking(**values)
        same(fast, orm)
        # the related instances are cached: no query to read them back
        assert fast.member is member and fast.resource is desk and fast.series is None
        assert fast.pk is None and fast._state.adding

    def test_ids_defaults_and_a_missing_relation(self, centre, member):
        values = dict(account_id=7, amount_minutes=-240, balance_after=0, reason="booking",
                      member=member, centre=centre, allotment=None, actor=None,
                      service_date=dt.date(2026, 12, 3), purchase_id=None)
        # created_at: a callable default (now), called by each
        same(fastsql.new(LedgerEntry, **values), LedgerEntry(**values), skip=("created_at",))
        policy = fastsql.new(CompanyCreditPolicy, company_id=3)
        same(policy, CompanyCreditPolicy(company_id=3))
        assert policy.pool_open_to_staff is True

    def test_a_wrong_type_or_name_is_refused_as_by_django(self, centre):
        with pytest.raises(ValueError):
            fastsql.new(Booking, member=centre)
        with pytest.raises(Exception, match="nosuchfield"):
            fastsql.new(AuditEntry, nosuchfield=1)

    def test_written_and_read_back_as_the_orm_would(self, member):
        entry = fastsql.new(AuditEntry, actor_id=member.pk, action="test.fast",
                            data={"a": [1, "é"]}, network_id=None)
        fastsql.insert(entry)
        stored = AuditEntry.objects.get(pk=entry.pk)
        same(entry, stored, skip=("created_at",))

    def test_a_receiver_of_the_init_signals_gets_django(self, member):
        seen = []

        def receiver(sender, instance, **kwargs):
            seen.append(instance)

        signals.post_init.connect(receiver, sender=AuditEntry)
        try:
            entry = fastsql.new(AuditEntry, actor_id=member.pk, action="x", data={})
        finally:
            signals.post_init.disconnect(receiver, sender=AuditEntry)
        assert seen == [entry]


class TestFromRow:
    @pytest.mark.parametrize("model", [Resource, Centre, Network, CreditAccount])
    def test_rows_as_the_orm_reads_them(self, model, centre, company):
        testing.make_centre(network=centre.network)
        from smartwork.credits.tests.factories import buy

        buy(company, hours=10)
        cols = fastsql.columns(model)[0]
        with fastsql.cursor() as cursor:
            cursor.execute(f"SELECT {cols} FROM {model._meta.db_table} ORDER BY id")
            rows = cursor.fetchall()
        orm = list(model.objects.order_by("pk"))
        assert rows and len(rows) == len(orm)
        for row, expected in zip(rows, orm, strict=True):
            same(fastsql.from_row(model, row), expected)

    def test_decimals_dates_and_json_come_typed(self, centre):
        # SQLite hands back text for these: from_row applies the backend's converters.
        network = centre.network
        cols = fastsql.columns(Network)[0]
        with fastsql.cursor() as cursor:
            cursor.execute(f"SELECT {cols} FROM network_network WHERE id = %s",
                           [network.pk])
            found = fastsql.from_row(Network, cursor.fetchone())
        assert isinstance(found.default_vat_rate, Decimal)
        assert found.default_vat_rate == network.default_vat_rate
        assert isinstance(found.created_at, dt.datetime) and found.created_at.tzinfo
        assert found.label_checklist == network.label_checklist
        assert isinstance(found.label_checklist, (list, dict))
