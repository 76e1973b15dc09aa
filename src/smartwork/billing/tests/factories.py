"""Builders for billing tests: real rows through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from smartwork.billing.choices import LineSource
from smartwork.billing.services import LineDraft, invoice_draft_create, invoice_issue


def line(**extra: Any) -> LineDraft:
    data: dict[str, Any] = {
        "description": "Desk, full day", "quantity": Decimal("3"),
        "unit_price": Decimal("25.00"), "vat_rate": Decimal("21.00"),
        "source_type": LineSource.MANUAL,
    }
    data.update(extra)
    return LineDraft(**data)


def issued_invoice(*, actor: Any, network: Any, customer: Any, lines: list[LineDraft] | None = None,
                   issue_date: dt.date = dt.date(2026, 11, 2)) -> Any:
    invoice = invoice_draft_create(
        actor=actor, network=network, customer_organisation=customer,
        lines=lines or [line(), line(description="Meeting room, 2 h", quantity=Decimal("2"),
                                     unit_price=Decimal("20.00"))],
        period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31),
    )
    return invoice_issue(actor=actor, invoice=invoice, issue_date=issue_date)


def billing_ready(network: Any) -> Any:
    """Give the network's operator what an invoice needs: a VAT number and a bank account."""
    operator = network.operator
    operator.vat_number = "BE" + operator.enterprise_number
    operator.iban = "BE71096123456769"
    operator.bic = "GKCCBEBB"
    operator.street = "Rue de l'Industrie 12"
    operator.save()
    return network


def period_sources(*, network: Any, centre: Any, company: Any, member: Any,
                   independent: Any) -> dict[str, Any]:
    """October 2026: a credit purchase, overage and pay-as-you-go bookings, a membership."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from smartwork.bookings.models import Booking
    from smartwork.credits.models import (
        CreditAccount,
        CreditPurchase,
        Membership,
        MembershipPeriod,
        MembershipPlan,
        PaygCharge,
    )
    from smartwork.network.models import Resource

    tz = ZoneInfo("Europe/Brussels")
    desk = Resource.objects.filter(centre=centre, kind="desk").order_by("name")
    purchase = CreditPurchase.objects.create(
        company=company, network=network, minutes=500 * 60, price_net=Decimal("2750.00"),
        vat_rate=Decimal("21.00"), purchased_on=dt.date(2026, 10, 5),
        valid_from=dt.date(2026, 10, 5), valid_until=dt.date(2027, 10, 4), reference="PO-77",
    )

    def charge(who: Any, day: int, slot: str, price: str, bill_to: str, n: int = 0) -> Any:
        start_h, end_h = {"morning": (8, 12), "afternoon": (13, 17), "full_day": (8, 17)}[slot]
        booking = Booking.objects.create(
            member=who, booked_by=who, resource=desk[n], centre=centre, slot=slot,
            start=dt.datetime(2026, 10, day, start_h, tzinfo=tz),
            end=dt.datetime(2026, 10, day, end_h, tzinfo=tz), state="completed",
            payment_method="payg", price_net=Decimal(price), vat_rate=Decimal("21.00"),
        )
        return PaygCharge.objects.create(
            booking=booking, member=who, bill_to=bill_to,
            company=company if bill_to == "company" else None, centre=centre,
            slot=slot, resource_kind=booking.resource.kind, price_net=Decimal(price), vat_rate=Decimal("21.00"),
            service_date=dt.date(2026, 10, day),
        )

    charges = [
        charge(member, 6, "full_day", "25.00", "company"),
        charge(member, 7, "full_day", "25.00", "company"),
        charge(member, 8, "morning", "15.00", "company"),
        charge(independent, 6, "morning", "15.00", "member", n=1),
        charge(independent, 9, "afternoon", "15.00", "member", n=1),
    ]
    cancelled = charge(independent, 12, "morning", "15.00", "member", n=1)
    cancelled.cancelled_at = dt.datetime(2026, 10, 10, tzinfo=tz)
    cancelled.save()
    # Its booking was cancelled too (a completed booking is paid: check-books says so).
    Booking.objects.filter(pk=cancelled.booking_id).update(
        state="cancelled", cancelled_at=cancelled.cancelled_at)
    plan = MembershipPlan.objects.create(
        network=network, centre=centre, name="Nomad 20 h", monthly_fee_net=Decimal("99.00"),
        vat_rate=Decimal("21.00"), included_minutes=20 * 60)
    account = CreditAccount.objects.create(
        kind="membership", member=independent, network=network,
        valid_from=dt.date(2026, 10, 1), valid_until=dt.date(2026, 10, 31))
    membership = Membership.objects.create(member=independent, plan=plan, account=account,
                                           starts_on=dt.date(2026, 10, 1))
    period = MembershipPeriod.objects.create(
        membership=membership, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 31),
        fee_net=Decimal("99.00"), vat_rate=Decimal("21.00"), included_minutes=20 * 60)
    return {"purchase": purchase, "charges": charges, "membership_period": period}


def sqlite_flushable():
    """A generator fixture body for transactional tests on SQLite.

    Django flushes the database after such a test with DELETE, which the
    immutability triggers refuse for issued invoices (PostgreSQL's TRUNCATE does
    not fire them). Drop the triggers just before the flush; put them back first.
    """
    import importlib

    from django.db import connection

    migration = importlib.import_module("smartwork.billing.migrations.0002_immutable_triggers")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in migration.SQLITE_FORWARD:
                cursor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in migration.SQLITE_BACKWARD:
                cursor.execute(statement)
