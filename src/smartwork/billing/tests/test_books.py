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


def _next_period(period):
    return period_parse((period.end + dt.timedelta(days=1)).strftime("%Y-%m"))


def _weekday_in(period, after_days=5):
    day = period.start + dt.timedelta(days=after_days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _settled_for(centre, period):
    """What the centre's settlements carry for a period: its own statement's lines of
    the period, and the corrections of that statement in later ones."""
    from django.db.models import Sum

    from smartwork.billing.models import SettlementLine

    own = SettlementLine.objects.filter(
        settlement__centre=centre, settlement__period_start=period.start,
    ).exclude(kind="correction").aggregate(t=Sum("amount"))["t"] or Decimal("0")
    later = SettlementLine.objects.filter(
        kind="correction", corrects__centre=centre, corrects__period_start=period.start,
    ).aggregate(t=Sum("amount"))["t"] or Decimal("0")
    return money_round(own + later)


def test_a_refund_after_the_settlement_is_corrected_in_the_next_one(
        network, operator, centre, company, member, month, api):
    """A booking refunded after its centre's settlement was issued: the statement keeps
    its 39.00 (issued documents do not change); the centre's next statement carries a
    correction of -24.00 (its commission taken back at the original rate), and the
    statements of both months add up to what the facts now say; check-books balances."""
    from smartwork.billing.settlement import centre_values
    from smartwork.bookings.models import Booking

    use = period_parse(month["day"].strftime("%Y-%m"))
    nxt = _next_period(use)
    buy(company, hours=8, actor=operator)  # for the next month's booking
    for period in month["periods"]:
        close(period, network, operator, month["other"], month["other_operator"])
    first = Settlement.objects.get(centre=centre, period_start=use.start)
    assert first.gross_value == Decimal("39.00") and first.commission == Decimal("5.85")
    booked = Booking.objects.get(member=member, centre=centre, state="confirmed",
                                 start__date=month["day"])
    booking_cancel(booking=booked, actor=member)  # in time: refunded, after the statement
    assert centre_values(network=network, period=use)[centre.pk].gross == Decimal("15.00")
    assert any(f"settlement {first.reference} value" in f
               for f in books_check(network=network, period=use).failures)
    # Running the month again changes nothing issued.
    assert settlements_create(actor=operator, network=network, period=use,
                              today=nxt.start) == []
    book(member, centre, on=_weekday_in(nxt), slot="full_day")  # 48.00 next month
    close(nxt, network, operator, month["other"], month["other_operator"])
    first.refresh_from_db()
    assert first.gross_value == Decimal("39.00")
    second = Settlement.objects.get(centre=centre, period_start=nxt.start)
    lines = {ln.kind: ln for ln in second.lines.all()}
    assert set(lines) == {"credit", "correction"}
    correction = lines["correction"]
    assert correction.amount == Decimal("-24.00") and correction.corrects_id == first.pk
    assert money_round(correction.quantity * correction.unit_value) == correction.amount
    assert correction.unit_value > 0  # a price is never negative (Peppol BR-27)
    assert use.label in correction.description
    assert second.gross_value == Decimal("24.00")
    # 15 % of 48.00, less 15 % of 24.00 taken back.
    assert second.commission == Decimal("3.60")
    assert second.commission_invoice.total_net == Decimal("3.60")
    assert first.gross_value + second.gross_value == Decimal("15.00") + Decimal("48.00")
    assert _settled_for(centre, use) == Decimal("15.00")
    assert _settled_for(centre, nxt) == Decimal("48.00")
    shown = api(operator).get(f"/settlements/{second.pk}").json()
    assert [(ln["kind"], ln["amount"], ln["corrects_number"], ln["corrects_period_start"])
            for ln in shown["lines"] if ln["corrects_id"]] == [
        ("correction", "-24.00", first.display_number, use.start.isoformat())]
    listed = api(operator).get("/settlements", params={"period": nxt.label}).json()["items"]
    assert any(ln["corrects_id"] == first.pk for s in listed for ln in s["lines"])
    from django.test import Client
    from django.urls import reverse

    page = Client()
    page.force_login(operator)
    html = page.get(reverse("web:settlements")).content.decode()
    row = re.search(rf'<tr data-settlement="{second.pk}">.*?</tr>', html, re.S).group(0)
    assert "Corrections" in row and "24.00" in row
    for period in (use, nxt):
        failures = books_check(network=network, period=period).failures
        assert failures == [], (period, failures)
    # Once corrected, never twice: a later month's statement carries nothing more.
    later = _next_period(nxt)
    settlements_create(actor=operator, network=network, period=later,
                       today=later.end + dt.timedelta(days=1))
    assert not Settlement.objects.filter(centre=centre, period_start=later.start).exists()
    assert _settled_for(centre, use) == Decimal("15.00")


def test_a_late_booking_makes_a_statement_of_corrections_alone(
        network, operator, centre, month):
    """A pay-as-you-go booking recorded after its month's settlement: the next month has
    no activity at the centre, yet a statement carrying only the correction is made,
    numbered, with its commission; check-books balances for both months."""
    use = period_parse(month["day"].strftime("%Y-%m"))
    nxt = _next_period(use)
    for period in month["periods"]:
        close(period, network, operator, month["other"], month["other_operator"])
    first = Settlement.objects.get(centre=centre, period_start=use.start)
    late = testing.make_user(network=network, language="en")
    book(late, centre, on=month["day"], slot="morning")  # pay-as-you-go, 15.00
    invoice_run(actor=operator, network=network, period=use, today=nxt.start, send=False)
    close(nxt, network, operator, month["other"], month["other_operator"])
    second = Settlement.objects.get(centre=centre, period_start=nxt.start)
    assert [(ln.kind, ln.amount, ln.corrects_id) for ln in second.lines.all()] == [
        ("correction", Decimal("15.00"), first.pk)]
    assert second.number == first.number + 1
    assert second.commission == Decimal("2.25") and second.payout_amount > 0
    assert _settled_for(centre, use) == Decimal("54.00")
    for period in (use, nxt):
        failures = books_check(network=network, period=period).failures
        assert failures == [], (period, failures)


def test_a_correction_that_would_make_a_statement_negative_waits(
        network, operator, centre, member, month):
    """A refund after the statement and no activity the next month: no statement of a
    negative total is drawn up; the correction waits for a month that can carry it."""
    from smartwork.bookings.models import Booking

    use = period_parse(month["day"].strftime("%Y-%m"))
    nxt = _next_period(use)
    for period in month["periods"]:
        close(period, network, operator, month["other"], month["other_operator"])
    booked = Booking.objects.get(member=member, centre=centre, state="confirmed",
                                 start__date=month["day"])
    booking_cancel(booking=booked, actor=member)
    settlements_create(actor=operator, network=network, period=nxt,
                       today=nxt.end + dt.timedelta(days=1))
    assert not Settlement.objects.filter(centre=centre, period_start=nxt.start).exists()
    assert _settled_for(centre, use) == Decimal("39.00")
    # check-books keeps saying so until a statement carries it.
    assert any("value" in f for f in books_check(network=network, period=use).failures)


@pytest.mark.parametrize("vat_registered", [True, False])
def test_a_statement_with_a_negative_correction_is_a_valid_self_billing_invoice(
        network, operator, centre, company, member, month, vat_registered):
    """The Peppol self-billing document of a statement carrying a negative correction
    passes the official rules (a negative line: quantity -1 at a positive price), and
    the PDF and the API show the correction with the month it corrects."""
    from smartwork.billing.pdf import settlement_html
    from smartwork.billing.selfbilling import settlement_ubl
    from smartwork.billing.validation import ubl_validate
    from smartwork.bookings.models import Booking

    supplier = centre.operator
    supplier.vat_number = f"BE{supplier.enterprise_number}" if vat_registered else ""
    supplier.peppol_id = supplier.enterprise_number
    supplier.language = "fr"
    supplier.save()
    use = period_parse(month["day"].strftime("%Y-%m"))
    nxt = _next_period(use)
    buy(company, hours=8, actor=operator)
    settlements_create(actor=operator, network=network, period=use,
                       today=use.end + dt.timedelta(days=1))
    booked = Booking.objects.get(member=member, centre=centre, state="confirmed",
                                 start__date=month["day"])
    booking_cancel(booking=booked, actor=member)
    book(member, centre, on=_weekday_in(nxt), slot="full_day")
    settlements_create(actor=operator, network=network, period=nxt,
                       today=nxt.end + dt.timedelta(days=1))
    second = Settlement.objects.get(centre=centre, period_start=nxt.start)
    assert second.gross_value == Decimal("24.00")
    xml = settlement_ubl(second)
    fatal = [str(f) for f in ubl_validate(xml=xml, rules="self_billing") if f.fatal]
    assert fatal == []
    first = Settlement.objects.get(centre=centre, period_start=use.start)
    # In the supplier's language, naming the month corrected and its statement.
    name = f"Correction pour {use.start:%m/%Y} : faits enregistrés après son autofacture " \
        f"{first.display_number}"
    assert b"-24.00" in xml and name.encode() in xml
    html = settlement_html(second)
    assert name in html and "-24,00" in html.replace("\u2212", "-")


def test_late_roaming_at_a_host_centre_is_corrected_in_its_next_statement(
        network, operator, centre, company, month):
    """A guest of the allied network books at its centre after that centre's month was
    settled (late roaming on the host side): the host centre's next statement carries
    +24.00 for the month, of corrections alone."""
    other, away = month["other"], month["away"]
    use = period_parse(month["day"].strftime("%Y-%m"))
    nxt = _next_period(use)
    for period in month["periods"]:
        close(period, network, operator, other, month["other_operator"])
    first = Settlement.objects.get(centre=away, period_start=use.start)
    assert first.gross_value == Decimal("24.00")
    book(employee(company), away, on=month["day"])  # 240 min more, recorded late
    close(nxt, network, operator, other, month["other_operator"])
    second = Settlement.objects.get(centre=away, period_start=nxt.start)
    assert [(ln.kind, ln.amount, ln.corrects_id) for ln in second.lines.all()] == [
        ("correction", Decimal("24.00"), first.pk)]
    assert _settled_for(away, use) == Decimal("48.00")
    failures = books_check(network=other, period=use).failures
    assert not any("settlement" in f for f in failures), failures
