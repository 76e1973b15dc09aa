"""A month end to end through the real services: credit bought, bookings (credit, roaming,
membership, pay-as-you-go, a cancellation), invoicing, settlement, SEPA payout, clearing,
and check-books balancing to the cent (and failing loudly when a cent goes missing)."""

import contextlib
import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from smartwork.billing.books import books_check
from smartwork.billing.calc import period_parse
from smartwork.billing.choices import SettlementState
from smartwork.billing.clearing import clearings_create
from smartwork.billing.models import ClearingStatement, Invoice, PayoutBatch, Settlement
from smartwork.billing.pdf import settlement_pdf
from smartwork.billing.run import invoice_run
from smartwork.billing.settlement import (
    payout_batch_create,
    settlement_approve,
    settlements_create,
    split_by_weight,
)
from smartwork.billing.tests.factories import billing_ready
from smartwork.bookings.services import booking_cancel
from smartwork.core import testing
from smartwork.core.errors import Conflict, InvalidInput
from smartwork.core.money import money_round
from smartwork.credits import services as credits
from smartwork.credits.tests.factories import book, buy, employee, workday
from smartwork.network.choices import AllianceStatus
from smartwork.network.models import Alliance

pytestmark = pytest.mark.django_db
PAIN_XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


def give_bank_account(centre, iban, bic="GKCCBEBB"):
    centre.operator.iban, centre.operator.bic = iban, bic
    centre.operator.save()


@pytest.fixture
def month(network, centre, operator, company, member):
    other = billing_ready(testing.make_network(name="Allied network"))
    Alliance.objects.create(network_a=network, network_b=other, starts_on=dt.date.today(),
                            status=AllianceStatus.ACTIVE, clearing_hour_rate=Decimal("5.00"))
    centre2 = testing.make_centre(network=network, name="Liège Centre")
    away = testing.make_centre(network=other, name="Away Centre")
    for c, iban in ((centre, "BE68539007547034"), (centre2, "BE62510007547061"),
                    (away, "BE43068999999501")):
        give_bank_account(c, iban)
    buy(company, hours=20, actor=operator)
    day = workday(3)
    # (a member holds one desk at a time: two colleagues for the other centres)
    book(member, centre, on=day)                         # credit, 240 min at Namur
    book(employee(company), centre2, on=day, slot="full_day")  # credit, 480 min at Liège
    book(employee(company), away, on=day)                # roaming, 240 min abroad
    cancelled = book(member, centre, on=workday(4))
    booking_cancel(booking=cancelled, actor=member)      # in time: refunded
    independent = testing.make_user(network=network, language="en")
    book(independent, centre, on=day, slot="afternoon")  # pay-as-you-go, 15.00
    plan = credits.membership_plan_create(actor=operator, network=network, name="Flex",
                                          monthly_fee_net=Decimal("99.00"), included_hours=8)
    subscriber = testing.make_user(network=network)
    credits.membership_start(actor=subscriber, member=subscriber, plan=plan)
    book(subscriber, centre2, on=day)                    # membership hours at Liège
    periods = sorted({dt.date.today().strftime("%Y-%m"), day.strftime("%Y-%m")})
    return {"other": other, "centre2": centre2, "away": away, "day": day,
            "periods": [period_parse(p) for p in periods],
            "other_operator": testing.make_operator(other)}


def close(period, network, operator, other, other_operator):
    after = period.end + dt.timedelta(days=1)
    invoice_run(actor=operator, network=network, period=period, today=after, send=False)
    for net, op in ((network, operator), (other, other_operator)):
        settlements_create(actor=op, network=net, period=period, today=after)
        clearings_create(actor=op, network=net, period=period, today=after)
        for s in Settlement.objects.filter(network=net, state=SettlementState.DRAFT):
            settlement_approve(actor=op, settlement=s)
        with contextlib.suppress(Conflict):  # nothing to pay some months
            payout_batch_create(actor=op, network=net, period=period, execution_date=after)


def test_a_month_closes_and_balances_to_the_cent(network, operator, centre, month, capsys):
    other, centre2, away = month["other"], month["centre2"], month["away"]
    for period in month["periods"]:
        close(period, network, operator, other, month["other_operator"])
        for net in (network, other):
            books = books_check(network=net, period=period)
            assert books.failures == [], (net, period, books.failures)
    use = period_parse(month["day"].strftime("%Y-%m"))
    namur = Settlement.objects.get(centre=centre, period_start=use.start)
    lines = {ln.kind: ln.amount for ln in namur.lines.all()}
    assert lines == {"credit": Decimal("24.00"), "payg": Decimal("15.00")}
    # The centre's operator has no VAT number (no VAT on its self-billing invoice); the
    # commission (5.85) is the operator's invoice with 21 % VAT (7.08), set off.
    assert namur.commission == Decimal("5.85") and namur.payout_amount == Decimal("31.92")
    assert namur.flags == ["supplier_vat_missing"]
    liege = Settlement.objects.get(centre=centre2, period_start=use.start)
    assert {ln.kind: ln.amount for ln in liege.lines.all()} == {
        "credit": Decimal("48.00"), "membership": Decimal("99.00")}
    guest = Settlement.objects.get(centre=away, period_start=use.start)
    assert {ln.kind: ln.amount for ln in guest.lines.all()} == {"roaming": Decimal("24.00")}
    clearing = ClearingStatement.objects.get(period_start=use.start)
    assert (clearing.a_in_b_minutes, clearing.net_amount, clearing.debtor_id) == (
        240, Decimal("20.00"), network.pk)
    # The payout file: valid pain.001.001.09, one transfer per centre, the right total.
    batch = PayoutBatch.objects.get(network=network, period_start=use.start)
    xmlschema.XMLSchema(str(PAIN_XSD)).validate(batch.xml)
    assert batch.total == Decimal("31.92") + liege.payout_amount and batch.transfer_count == 2
    assert "BE68539007547034" in batch.xml and "<InstdAmt Ccy=\"EUR\">31.92</InstdAmt>" in batch.xml
    pdf = settlement_pdf(namur)
    assert pdf[:4] == b"%PDF"
    if os.environ.get("SMARTWORK_KEEP_PDF"):
        Path(os.environ["SMARTWORK_KEEP_PDF"]).write_bytes(pdf)
    call_command("check_books", "--period", use.label, "--network", network.slug)
    out = capsys.readouterr().out
    assert "balanced to the cent" in out
    if os.environ.get("SMARTWORK_SHOW_BOOKS"):
        Path(os.environ["SMARTWORK_SHOW_BOOKS"]).write_text(out)

    # A cent goes missing from a settlement: the books say so, loudly.
    Settlement.objects.filter(pk=namur.pk).update(payout_amount=F("payout_amount") - Decimal("0.01"))
    assert not books_check(network=network, period=use).balanced
    with pytest.raises(CommandError, match="do not balance"):
        call_command("check_books", "--period", use.label, "--network", network.slug)


def test_unbilled_charge_is_caught(network, operator, centre, month):
    other = month["other"]
    use = period_parse(month["day"].strftime("%Y-%m"))
    for period in month["periods"]:
        close(period, network, operator, other, month["other_operator"])
    # A booking made after invoicing is a pay-as-you-go charge nobody billed.
    book(testing.make_user(network=network), centre, on=month["day"], slot="morning")
    books = books_check(network=network, period=use)
    assert any("invoiced pay-as-you-go" in f for f in books.failures)
    # Running the period again bills nothing twice (that customer's invoice is new).
    before = Invoice.objects.count()
    invoice_run(actor=operator, network=network, period=use,
                today=use.end + dt.timedelta(days=1), send=False)
    assert Invoice.objects.count() == before + 1


def test_payout_refuses_an_invalid_iban(network, operator, centre, month):
    use = period_parse(month["day"].strftime("%Y-%m"))
    after = use.end + dt.timedelta(days=1)
    settlements_create(actor=operator, network=network, period=use, today=after)
    give_bank_account(centre, "BE00 1234 5678 9999")
    Settlement.objects.filter(centre=centre).update(payee_data={"iban": "BE00123456789999",
                                                                "bic": "GKCCBEBB", "name": "x"})
    for s in Settlement.objects.filter(network=network):
        settlement_approve(actor=operator, settlement=s)
    with pytest.raises(InvalidInput) as exc:
        payout_batch_create(actor=operator, network=network, period=use)
    assert exc.value.code == "invalid_iban" and f"centre.{centre.pk}.iban" in exc.value.fields
    assert PayoutBatch.objects.count() == 0
    assert not Settlement.objects.filter(payout_batch__isnull=False).exists()


def test_settlement_of_an_open_period_is_refused(network, operator):
    with pytest.raises(InvalidInput) as exc:
        settlements_create(actor=operator, network=network, period=period_parse("2099-01"))
    assert exc.value.code == "period_open"


def test_split_by_weight_adds_up():
    shares = split_by_weight(Decimal("100.00"), {1: 1, 2: 1, 3: 1})
    assert sum(shares.values()) == Decimal("100.00")
    assert sorted(shares.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_the_clearing_command_nets_the_roaming_once(network, month):
    """`smartwork clearing`: the roaming of an ended month netted per alliance, once."""
    from io import StringIO

    from smartwork.credits.models import RoamingUsage

    # The fixture's bookings lie ahead; the command clears ended months only.
    RoamingUsage.objects.update(service_date=dt.date(2026, 10, 15))
    out = StringIO()
    call_command("clearing", "--period", "2026-10", "--network", network.slug, stdout=out)
    text = out.getvalue()
    assert "1 clearing statements created, 0 already there." in text
    assert f"{network.name} owes {month['other'].name} 20.00" in text and "240 min" in text
    out = StringIO()
    call_command("clearing", "--period", "2026-10", stdout=out)  # every network, again
    assert out.getvalue().count("0 clearing statements created, 1 already there.") == 2
    assert ClearingStatement.objects.count() == 1
    with pytest.raises(CommandError, match="period_open"):
        call_command("clearing", "--period", "2099-01")


def test_the_default_execution_date_is_a_target2_business_day(network, operator, month,
                                                              monkeypatch):
    use = period_parse(month["day"].strftime("%Y-%m"))
    after = use.end + dt.timedelta(days=1)
    settlements_create(actor=operator, network=network, period=use, today=after)
    for s in Settlement.objects.filter(network=network):
        settlement_approve(actor=operator, settlement=s)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 5))  # a Saturday
    batch = payout_batch_create(actor=operator, network=network, period=use)
    assert batch.execution_date == dt.date(2026, 12, 7)
    assert re.search(r"<ReqdExctnDt>\s*<Dt>2026-12-07</Dt>", batch.xml)
    stamp = batch.message_id.split("-")[0]
    assert len(stamp) == 14 and int(stamp[8:10]) < 24


def test_check_books_fails_on_an_unbilled_completed_booking(network, operator, centre, month):
    """A completed booking paid by nobody (no credit, no membership, no charge), and a
    pay-as-you-go charge that reaches no invoice: both make check-books fail."""
    from smartwork.bookings.models import Booking
    from smartwork.credits.models import PaygCharge

    use = period_parse(month["day"].strftime("%Y-%m"))
    for period in month["periods"]:
        close(period, network, operator, month["other"], month["other_operator"])
    assert books_check(network=network, period=use).failures == []
    paid = Booking.objects.filter(centre=centre, state="completed").first() or \
        Booking.objects.filter(centre=centre).first()
    free = Booking.objects.create(
        member=paid.member, booked_by=paid.member, resource=paid.resource, centre=centre,
        slot="afternoon", start=paid.start.replace(hour=13) + dt.timedelta(days=7),
        end=paid.start.replace(hour=17) + dt.timedelta(days=7), state="completed")
    if free.start.date() > use.end:  # stay in the month
        free.start -= dt.timedelta(days=14)
        free.end -= dt.timedelta(days=14)
        free.save()
    books = books_check(network=network, period=use)
    assert any("paid by nobody" in f and str(free.pk) in f for f in books.failures), books.failures
    assert books.counts["bookings_unpaid"] == 1
    with pytest.raises(CommandError, match="do not balance"):
        call_command("check_books", "--period", use.label, "--network", network.slug)
    # Charged, but after the month was invoiced: the charge reaches no invoice.
    PaygCharge.objects.create(
        booking=free, member=free.member, bill_to="member", centre=centre, slot=free.slot,
        resource_kind=free.resource.kind, price_net=Decimal("15.00"), vat_rate=Decimal("21.00"),
        service_date=timezone.localtime(free.start).date())
    books = books_check(network=network, period=use)
    assert not any("paid by nobody" in f for f in books.failures)
    assert any(f"member {free.member_id} at centre {centre.pk}: 1 charges, 0 on" in f
               for f in books.failures), books.failures


@pytest.mark.parametrize("vat_registered", [True, False])
def test_settlements_are_numbered_self_billing_invoices(network, operator, centre, month,
                                                        vat_registered):
    """A settlement is a self-billing invoice in its supplier's gapless series, with
    VAT when the centre's operator is VAT-registered (else none, flagged), a commission
    invoice of the operator set off in the payout, a PDF, and a Peppol self-billing
    document that passes the official rules (UBL XSD, EN 16931, PEPPOL-EN16931-UBL-SB)."""
    from smartwork.billing.pdf import settlement_html
    from smartwork.billing.selfbilling import settlement_ubl
    from smartwork.billing.validation import ubl_validate

    supplier = centre.operator
    supplier.vat_number = f"BE{supplier.enterprise_number}" if vat_registered else ""
    supplier.peppol_id = supplier.enterprise_number
    supplier.save()
    use = period_parse(month["day"].strftime("%Y-%m"))
    after = use.end + dt.timedelta(days=1)
    made = settlements_create(actor=operator, network=network, period=use, today=after)
    namur = next(s for s in made if s.centre_id == centre.pk)
    assert namur.number == 1 and namur.display_number == f"SB-{after.year}-000001"
    assert namur.gross_value == Decimal("39.00")
    if vat_registered:
        assert (namur.vat_category, namur.vat_amount, namur.total_gross) == (
            "S", Decimal("8.19"), Decimal("47.19"))
        assert namur.flags == []
    else:
        assert (namur.vat_category, namur.vat_amount, namur.total_gross) == (
            "O", Decimal("0.00"), Decimal("39.00"))
        assert namur.flags == ["supplier_vat_missing"]
    commission = namur.commission_invoice
    assert commission is not None and commission.total_net == Decimal("5.85")
    assert commission.total_gross == Decimal("7.08") and commission.state == "paid"
    assert commission.customer_organisation_id == supplier.pk
    assert namur.payout_amount == namur.total_gross - Decimal("7.08")
    # Gapless per supplier: its next settlement takes number 2.
    assert settlements_create(actor=operator, network=network, period=use, today=after) == []
    # Every line adds up: quantity x unit value = amount.
    for ln in namur.lines.all():
        assert money_round(ln.quantity * ln.unit_value) == ln.amount, ln
    html = settlement_html(namur)
    assert namur.display_number in html and commission.display_number in html
    assert ("Autofacturation" in html) or ("Self-billing" in html) or ("Selfbilling" in html)
    xml = settlement_ubl(namur)
    fatal = [str(f) for f in ubl_validate(xml=xml, rules="self_billing") if f.fatal]
    assert fatal == []
    assert b"<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>" in xml
    books = books_check(network=network, period=use)
    assert not any("settlement" in f or "commission" in f for f in books.failures), books.failures
