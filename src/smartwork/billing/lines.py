"""Gather what a period owes: one query per source for a whole network, grouped by customer.

Sources (owned by the credits app, read as they are):
- CreditPurchase bought in the period -> the company (one line each, network-wide);
- PaygCharge of the period not cancelled nor paid at the front desk -> the member, or
  the company (overage, or a guest it allows), aggregated per centre, resource kind, slot and price (one line per group);
- MembershipPeriod starting in the period -> the member (one line each).
Credit-paid bookings bill nothing here: the credit was billed when bought.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import translation

from smartwork.billing.calc import Period
from smartwork.billing.choices import (
    UNIT_PIECE,
    LineSource,
    VatCategory,
)
from smartwork.billing.labels import labels_for, number_text
from smartwork.billing.services import LANGUAGES, LineDraft
from smartwork.bookings.choices import Slot
from smartwork.credits.choices import PaygBillTo
from smartwork.credits.models import CreditPurchase, MembershipPeriod, PaygCharge
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Centre, Network


@dataclass
class CustomerLines:
    kind: str  # "org" or "member"
    customer_id: int
    lines: list[LineDraft] = field(default_factory=list)

    def billing_key(self, *, network_id: int, period: Period) -> str:
        return f"{network_id}:{period.label}:{self.kind}:{self.customer_id}"


def customer_languages(customers: Iterable[CustomerLines]) -> dict[tuple[str, int], str]:
    """The document language of each customer (as invoice_draft_create sets it)."""
    from smartwork.accounts.models import Organisation, User

    org_ids = [c.customer_id for c in customers if c.kind == "org"]
    member_ids = [c.customer_id for c in customers if c.kind == "member"]
    found = {("org", pk): lang for pk, lang in
             Organisation.objects.filter(pk__in=org_ids).values_list("pk", "language")}
    found.update({("member", pk): lang for pk, lang in
                  User.objects.filter(pk__in=member_ids).values_list("pk", "language")})
    return {key: (lang if lang in LANGUAGES else "en") if lang else "fr"
            for key, lang in found.items()} | {
        ("org", pk): "fr" for pk in org_ids if ("org", pk) not in found} | {
        ("member", pk): "fr" for pk in member_ids if ("member", pk) not in found}


def line_text(key: str, params: dict[str, Any], language: str) -> str:
    """The text of an invoice line in the customer's language and notation."""
    labels = labels_for(language)
    if key == "credit":
        text = labels["credit_hours"].format(
            hours=number_text(params["hours"], language), start=f"{params['start']:%d/%m/%Y}",
            end=f"{params['end']:%d/%m/%Y}")
        if params["reference"]:
            text += " (" + labels["purchase_order"].format(reference=params["reference"]) + ")"
        return text
    if key == "payg":
        with translation.override(language):
            kind = str(dict(ResourceKind.choices).get(params["kind"], params["kind"]))
            slot = str(dict(Slot.choices).get(params["slot"], params["slot"]))
        return f"{kind}, {slot}" + (f" {labels['overage']}" if params["overage"] else "")
    return labels["membership_line"].format(plan=params["plan"],
                                            start=f"{params['start']:%d/%m/%Y}",
                                            end=f"{params['end']:%d/%m/%Y}")


def vat_category_for(rate: Decimal) -> str:
    return VatCategory.STANDARD if rate > 0 else VatCategory.ZERO


def payg_querysets(*, network: Network, period: Period) -> list[QuerySet]:
    """The aggregated queries over pay-as-you-go charges (the benchmark times them):
    overage billed to companies, grouped per company; the rest per member. The charge
    carries its slot, resource kind, price and centre (copied when charged), so the
    charges are grouped alone: no join with the month's bookings or their resources.
    Unordered, so that PostgreSQL hashes the groups instead of sorting every charge of
    the month (payg_rows orders the few groups)."""
    base = PaygCharge.objects.filter(
        centre__network_id=network.pk, service_date__gte=period.start,
        service_date__lte=period.end, cancelled_at__isnull=True,
        # Paid at the front desk: its receipt billed it (billing/walkins.py).
        paid_at__isnull=True,
    )
    item = ("centre_id", "slot", "resource_kind", "price_net", "vat_rate")
    return [
        base.filter(bill_to=PaygBillTo.COMPANY).values("company_id", *item)
        .annotate(n=Count("id")).order_by(),
        base.filter(bill_to=PaygBillTo.MEMBER).values("member_id", *item)
        .annotate(n=Count("id")).order_by(),
    ]


def payg_rows(*, network: Network, period: Period) -> list[dict]:
    """The month's pay-as-you-go groups with their centre's name, ordered per customer,
    centre name, slot, resource kind and price."""
    names = dict(Centre.objects.filter(network_id=network.pk).values_list("pk", "name"))
    company, member = payg_querysets(network=network, period=period)
    rows = ([{**row, "bill_to": PaygBillTo.COMPANY, "centre__name": names[row["centre_id"]]}
             for row in company]
            + [{**row, "bill_to": PaygBillTo.MEMBER, "centre__name": names[row["centre_id"]]}
               for row in member])
    rows.sort(key=lambda row: (
        row["bill_to"], row.get("company_id") or row.get("member_id"), row["centre__name"],
        row["centre_id"], row["slot"], row["resource_kind"], row["price_net"], row["vat_rate"]))
    return rows


def lines_gather(*, network: Network, period: Period) -> list[CustomerLines]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # JIT compiling the aggregate costs more (~0.5 s) than it saves here.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _gather(network=network, period=period)


def _gather(*, network: Network, period: Period) -> list[CustomerLines]:
    customers: dict[tuple[str, int], CustomerLines] = {}

    def of(kind: str, pk: int) -> CustomerLines:
        if (kind, pk) not in customers:
            customers[(kind, pk)] = CustomerLines(kind=kind, customer_id=pk)
        return customers[(kind, pk)]

    # Each line's text is written in its customer's language once the customers are
    # known (two queries for every customer's language): (key, params) until then.
    texts: list[tuple[CustomerLines, LineDraft, str, dict[str, Any]]] = []

    for purchase in CreditPurchase.objects.filter(
        network_id=network.pk, purchased_on__gte=period.start, purchased_on__lte=period.end,
    ).order_by("purchased_on", "id"):
        hours = Decimal(purchase.minutes) / 60
        target = of("org", purchase.company_id)
        draft = LineDraft(
            description="", quantity=Decimal(1), unit=UNIT_PIECE, unit_price=purchase.price_net,
            vat_rate=purchase.vat_rate, vat_category=vat_category_for(purchase.vat_rate),
            service_date=purchase.purchased_on, source_type=LineSource.CREDIT_PURCHASE,
            source_id=purchase.pk, source_key=f"credit_purchase:{purchase.pk}",
        )
        target.lines.append(draft)
        texts.append((target, draft, "credit", {
            "hours": hours, "start": purchase.valid_from, "end": purchase.valid_until,
            "reference": purchase.reference}))

    for row in payg_rows(network=network, period=period):
        company = row["bill_to"] == PaygBillTo.COMPANY
        target = of("org", row["company_id"]) if company else of("member", row["member_id"])
        draft = LineDraft(
            description="", quantity=Decimal(row["n"]), unit=UNIT_PIECE,
            unit_price=row["price_net"], vat_rate=row["vat_rate"],
            vat_category=vat_category_for(row["vat_rate"]),
            centre_id=row["centre_id"], centre_name=row["centre__name"],
            source_type=LineSource.OVERAGE if company else LineSource.BOOKING,
            source_count=row["n"],
        )
        target.lines.append(draft)
        texts.append((target, draft, "payg", {
            "kind": row["resource_kind"], "slot": row["slot"], "overage": company}))

    for mp in MembershipPeriod.objects.filter(
        membership__plan__network_id=network.pk, starts_on__gte=period.start,
        starts_on__lte=period.end,
    ).select_related("membership__plan__centre").order_by("starts_on", "id"):
        plan = mp.membership.plan
        target = of("member", mp.membership.member_id)
        draft = LineDraft(
            description="", quantity=Decimal(1), unit=UNIT_PIECE, unit_price=mp.fee_net,
            vat_rate=mp.vat_rate, vat_category=vat_category_for(mp.vat_rate),
            centre_id=plan.centre_id,
            centre_name=plan.centre.name if plan.centre is not None else "",
            service_date=mp.starts_on, source_type=LineSource.MEMBERSHIP, source_id=mp.pk,
            source_key=f"membership_period:{mp.pk}",
        )
        target.lines.append(draft)
        texts.append((target, draft, "membership", {
            "plan": plan.name, "start": mp.starts_on, "end": mp.ends_on}))

    languages = customer_languages(customers.values())
    for target, draft, key, params in texts:
        draft.description = line_text(key, params,
                                      languages[(target.kind, target.customer_id)])[:300]
    result = [c for c in customers.values() if c.lines]
    for customer in result:
        # Network-wide lines first, then centre by centre: the PDF groups by centre.
        customer.lines.sort(key=lambda ln: (ln.centre_name != "", ln.centre_name))
    return sorted(result, key=lambda c: (c.kind, c.customer_id))
