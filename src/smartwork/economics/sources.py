"""Everything economics reads from billing, in one module.

Billing's documents are the truth: the invoices and credit notes of a month (what
customers were invoiced), the settlement statements (what each centre is paid and
the network's commission), the clearing statements (what allied networks owe each
other), and billing's own computation of a centre's value (`centre_values`, which
the settlements are made from and `check-books` compares them with). Economics reads
the documents through billing's selectors, scoped to the acting user, and reads
nothing else of billing: if billing changes how it stores a settlement, this is the
one module to adapt.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from smartwork.billing import selectors as billing_selectors
from smartwork.billing.calc import Period as Month
from smartwork.core.money import ZERO, money_round
from smartwork.network.models import Alliance, Network


@dataclass
class CentreMonth:
    """What a centre earned in a month, from billing."""

    credit: Decimal = ZERO  # credit hours of the network's members, at the credit-hour value
    roaming: Decimal = ZERO  # credit hours of allied networks' guests, at the credit-hour value
    payg: Decimal = ZERO
    membership: Decimal = ZERO
    commission: Decimal = ZERO
    payout: Decimal = ZERO
    settled: bool = False  # a settlement statement exists (else computed, not yet settled)
    credit_minutes: int = 0
    guest_minutes: int = 0

    @property
    def revenue(self) -> Decimal:
        return self.credit + self.roaming + self.payg + self.membership


def month_of(day: dt.date) -> Month:
    from smartwork.billing.calc import period_parse

    return period_parse(day.strftime("%Y-%m"))


def centre_months(*, actor: Any, network: Network, month: Month,
                  centre_ids: set[int] | None = None) -> dict[int, CentreMonth]:
    """Each centre's revenue, commission and payout in a month: from its settlement
    statement when there is one, else as billing would settle it."""
    from smartwork.billing.settlement import centre_values

    values = centre_values(network=network, period=month)
    settlements = {
        s.centre_id: s for s in billing_selectors.settlements_for(user=actor).filter(
            network_id=network.pk, period_start=month.start)
    }
    out: dict[int, CentreMonth] = {}
    for centre_id in set(values) | set(settlements):
        if centre_ids is not None and centre_id not in centre_ids:
            continue
        v = values.get(centre_id)
        row = CentreMonth()
        if v is not None:
            row.credit, row.roaming = v.own_value, v.guest_value
            row.payg, row.membership = v.payg, v.membership
            row.credit_minutes, row.guest_minutes = v.own_minutes, v.guest_minutes
        s = settlements.get(centre_id)
        if s is not None:
            # Net of VAT, as the invoices and check-books: the settlement's value less the
            # commission (the payout transfer itself carries the VAT of both invoices).
            row.settled = True
            row.commission, row.payout = s.commission, s.gross_value - s.commission
        else:
            row.commission = money_round(row.revenue * network.commission_rate / 100)
            row.payout = row.revenue - row.commission
        out[centre_id] = row
    return out


@dataclass
class Invoiced:
    net: Decimal = ZERO  # issued invoices of the month (net)
    credited: Decimal = ZERO  # credit notes on them (net)
    count: int = 0


def invoiced(*, actor: Any, network: Network, month: Month) -> tuple[Invoiced, dict[Any, Decimal]]:
    """The month's issued periodic invoices to customers (net) and the credit notes on
    them, and the net per customer (a company id, or ``"members"`` for invoices to
    members)."""
    qs = billing_selectors.invoices_for(user=actor).filter(network_id=network.pk).exclude(
        state="draft")
    # The operator's commission invoices to the centres (set off in their payouts) are not
    # revenue from customers: left out.
    commission_ids = billing_selectors.settlements_for(user=actor).filter(
        network_id=network.pk, period_start=month.start, commission_invoice__isnull=False,
    ).values("commission_invoice_id")
    invoices = qs.filter(kind="invoice", period_start=month.start,
                         billing_key__isnull=False).exclude(pk__in=commission_ids)
    total = Invoiced()
    per_customer: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    for org_id, net in invoices.values_list("customer_organisation_id", "total_net"):
        total.net += net
        total.count += 1
        per_customer[org_id if org_id is not None else "members"] += net
    credited = qs.filter(kind="credit_note", credited_invoice__in=invoices).aggregate(
        s=Sum("total_net"))["s"]
    total.credited = money_round(credited or ZERO)
    total.net = money_round(total.net)
    return total, dict(per_customer)


@dataclass
class AllianceMonth:
    alliance_id: int
    partner: str
    minutes_out: int  # our members' minutes in the partner's centres
    minutes_in: int  # the partner's members' minutes in our centres
    payable: Decimal  # at the clearing rate
    receivable: Decimal
    stated: bool  # a clearing statement exists


def alliance_months(*, actor: Any, network: Network, month: Month) -> list[AllianceMonth]:
    from smartwork.billing.clearing import clearing_compute

    # Only a statement of exactly this month stands for it: a quarter's, or a longer or
    # shorter one after a change of the settlement period, covers other days too.
    statements = {c.alliance_id: c for c in billing_selectors.clearings_for(user=actor).filter(
        period_start=month.start, period_end=month.end)}
    out = []
    for alliance in Alliance.objects.filter(Q(network_a=network) | Q(network_b=network)).select_related(
            "network_a", "network_b").order_by("pk"):
        we_are_a = alliance.network_a_id == network.pk
        partner = alliance.network_b if we_are_a else alliance.network_a
        statement = statements.get(alliance.pk)
        data: dict[str, Any] = (
            {"a_in_b_minutes": statement.a_in_b_minutes, "b_in_a_minutes": statement.b_in_a_minutes,
             "a_owes_b": statement.a_owes_b, "b_owes_a": statement.b_owes_a}
            if statement is not None else clearing_compute(alliance=alliance, period=month))
        row = AllianceMonth(
            alliance_id=alliance.pk, partner=partner.name,
            minutes_out=data["a_in_b_minutes" if we_are_a else "b_in_a_minutes"],
            minutes_in=data["b_in_a_minutes" if we_are_a else "a_in_b_minutes"],
            payable=data["a_owes_b" if we_are_a else "b_owes_a"],
            receivable=data["b_owes_a" if we_are_a else "a_owes_b"],
            stated=statement is not None)
        if row.minutes_in or row.minutes_out:
            out.append(row)
    return out


def books(*, network: Network, month: Month) -> dict[str, Any]:
    """`check-books` for the month: its figures and whether they balance."""
    from smartwork.billing.books import books_check

    result = books_check(network=network, period=month)
    return {"figures": result.figures, "balanced": result.balanced, "failures": result.failures}
