"""Revenue as economics reports it equals what billing invoiced and settled, to the
cent: a month of credit, roaming, membership and pay-as-you-go bookings is invoiced,
settled and cleared through billing's services, then read back by economics and
compared with the invoices themselves and with `check-books`."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from smartwork.billing.books import books_check
from smartwork.billing.calc import period_parse
from smartwork.billing.models import Invoice
from smartwork.billing.tests.test_books import close
from smartwork.economics import selectors

pytestmark = pytest.mark.django_db


def test_revenue_equals_what_was_invoiced_to_the_cent(network, operator, centre, month):
    other = month["other"]
    for period in month["periods"]:
        close(period, network, operator, other, month["other_operator"])
    months = selectors.months_between(month["periods"][0], month["periods"][-1])
    data = selectors.network_economics(actor=operator, network=network, months=months,
                                       today=months[-1].end + dt.timedelta(days=1))
    assert data["totals"]["books_balanced"] is True
    assert data["totals"]["balanced_months"] == data["totals"]["invoiced_months"] >= 1
    for entry, period in zip(data["months"], months, strict=True):
        books = books_check(network=network, period=period)
        assert books.balanced, books.failures
        issued = Invoice.objects.filter(network=network, kind="invoice",
                                        period_start=period.start).exclude(state="draft")
        invoiced = issued.aggregate(s=Sum("total_net"))["s"] or Decimal("0")
        assert entry["invoiced"] == invoiced == books.figures["invoiced"]
        # What the centres earned = what they are paid + the network's commission.
        assert entry["revenue"] == (books.figures["settled_to_centres"]
                                    + books.figures["commission"])
        assert entry["payout"] == books.figures["settled_to_centres"]
        assert entry["commission"] == books.figures["commission"]
        for key in ("invoiced", "revenue", "payout", "commission", "costs", "margin"):
            assert isinstance(entry[key], Decimal), key
    total_invoiced = Invoice.objects.filter(network=network, kind="invoice").exclude(
        state="draft").aggregate(s=Sum("total_net"))["s"]
    assert data["totals"]["invoiced"] == total_invoiced

    use = period_parse(month["day"].strftime("%Y-%m"))
    by_centre = {c["name"]: c for c in data["centres"]}
    namur = by_centre["Namur Centre"]
    # 240 min of credit at 6.00 an hour + a pay-as-you-go afternoon at 15.00; 15 % commission.
    assert (namur["credit"], namur["payg"], namur["revenue"]) == (
        Decimal("24.00"), Decimal("15.00"), Decimal("39.00"))
    assert (namur["commission"], namur["payout"]) == (Decimal("5.85"), Decimal("33.15"))
    liege = by_centre["Liège Centre"]
    assert (liege["credit"], liege["membership"]) == (Decimal("48.00"), Decimal("99.00"))
    # The alliance: 240 min of our members abroad, cleared at 5.00 an hour.
    (alliance,) = data["alliances"]
    assert (alliance["minutes_out"], alliance["payable"], alliance["clearing_net"]) == (
        240, Decimal("20.00"), Decimal("-20.00"))
    # The company that bought the credit is the one customer company.
    (acme,) = [c for c in data["companies"] if c["id"] is not None]
    assert acme["invoiced"] == Decimal("600.00")
    month_entry = next(m for m in data["months"] if m["month"] == use.label)
    assert month_entry["books"]["balanced"]


def test_the_allied_network_sees_the_guests_as_roaming_income(network, operator, month):
    other, op = month["other"], month["other_operator"]
    for period in month["periods"]:
        close(period, network, operator, other, op)
    months = selectors.months_between(month["periods"][0], month["periods"][-1])
    data = selectors.network_economics(actor=op, network=other, months=months)
    (away,) = data["centres"]
    assert away["roaming"] == Decimal("24.00") and away["revenue"] == Decimal("24.00")
    (alliance,) = data["alliances"]
    assert (alliance["minutes_in"], alliance["receivable"], alliance["guest_value"]) == (
        240, Decimal("20.00"), Decimal("24.00"))
