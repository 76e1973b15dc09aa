"""Reads of the economics app, scoped to the acting user: a centre manager sees
their centre's economics, an operator every centre of their network and the
network's totals; nobody else sees any.

Per centre and month (revenue from billing, see `sources`):
- revenue: credit hours used by the network's members and by allied networks'
  guests at the credit-hour value, pay-as-you-go, memberships' share;
- commission (the network's) and payout (what the centre is paid): from the
  settlement statement, or as billing would settle it when none exists yet;
- costs: the versions in force that month (per-desk costs times today's active
  desks), subsidies subtracted;
- margin = payout - costs (the centre's result);
- occupancy from insights (booked share of open desk and room hours).
Break-even occupancy: the occupancy at which the payout, at the payout per
booked hour of the period (today's prices as billed), covers today's monthly costs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.billing.calc import Period as Month
from smartwork.billing.calc import period_parse
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.core.money import ZERO, money_round
from smartwork.core.permissions import require, roles_of
from smartwork.economics import sources
from smartwork.economics.choices import MAX_MONTHS, CostBasis, CostKind
from smartwork.economics.models import CostItem, CostVersion
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Centre, Network, Resource

PCT = Decimal("0.1")


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(PCT)


# --- months --------------------------------------------------------------------------


def months_between(first: Month, last: Month) -> list[Month]:
    out = []
    day = first.start
    while day <= last.start:
        out.append(period_parse(day.strftime("%Y-%m")))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def first_activity(*, network: Network | None = None,
                   centre: Centre | None = None) -> dt.date | None:
    """The day of the first booking (not cancelled) of a network or a centre."""
    from django.db.models import Min

    from smartwork.bookings.models import Booking

    qs = Booking.objects.exclude(state="cancelled")
    qs = qs.filter(centre=centre) if centre is not None else qs.filter(centre__network=network)
    first = qs.aggregate(m=Min("start"))["m"]
    return timezone.localdate(first) if first else None


def month_range(*, first: str | None = None, last: str | None = None,
                today: dt.date | None = None, since: dt.date | None = None) -> list[Month]:
    """The months from `first` to `last` (YYYY-MM); by default the twelve ended months,
    or fewer when the data starts later (`since`)."""
    today = today or timezone.localdate()
    last_m = period_parse(last, field="to") if last else sources.month_of(
        today.replace(day=1) - dt.timedelta(days=1))
    if first:
        first_m = period_parse(first, field="from")
    else:
        day = last_m.start
        for _i in range(11):
            day = (day - dt.timedelta(days=1)).replace(day=1)
        first_m = sources.month_of(day)
        if since is not None and first_m.start < since <= last_m.end:
            first_m = sources.month_of(since)
    if first_m.start > last_m.start:
        why = _("'from' is after 'to'.")
        raise InvalidInput(why, code="bad_range", fields={"from": [why]})
    months = months_between(first_m, last_m)
    if len(months) > MAX_MONTHS:
        why = _("At most %(n)s months.") % {"n": MAX_MONTHS}
        raise InvalidInput(why, code="bad_range", fields={"from": [why]})
    return months


# --- costs ---------------------------------------------------------------------------


@dataclass
class CostLine:
    item_id: int
    kind: str
    label: str
    basis: str
    amount: Decimal
    monthly: Decimal  # signed: a subsidy is negative


def active_desks(centre_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for cid in Resource.objects.filter(centre_id__in=centre_ids, is_active=True,
                                       kind=ResourceKind.DESK).values_list("centre_id", flat=True):
        counts[cid] += 1
    return counts


def versions_of(centre_ids: list[int]) -> dict[int, list[tuple[CostItem, list[CostVersion]]]]:
    items = {i.pk: i for i in CostItem.objects.filter(centre_id__in=centre_ids)}
    by_item: dict[int, list[CostVersion]] = defaultdict(list)
    for v in CostVersion.objects.filter(item_id__in=items).order_by("item_id", "starts_on", "id"):
        by_item[v.item_id].append(v)
    out: dict[int, list[tuple[CostItem, list[CostVersion]]]] = defaultdict(list)
    for item_id, item in sorted(items.items()):
        out[item.centre_id].append((item, by_item[item_id]))
    return out


def version_in_force(versions: list[CostVersion], month: Month) -> CostVersion | None:
    """The latest version starting on or before the month, if it has not ended before it."""
    current = None
    for v in versions:  # ordered by (starts_on, id)
        if v.starts_on <= month.start:
            current = v
    if current is None or (current.ends_on is not None and current.ends_on < month.start):
        return None
    return current


def cost_lines(items: list[tuple[CostItem, list[CostVersion]]], month: Month,
               desks: int) -> list[CostLine]:
    lines = []
    for item, versions in items:
        v = version_in_force(versions, month)
        if v is None:
            continue
        monthly = v.amount * desks if v.basis == CostBasis.PER_DESK else v.amount
        if item.kind == CostKind.SUBSIDY:
            monthly = -monthly
        lines.append(CostLine(item.pk, item.kind, item.label, v.basis, v.amount,
                              money_round(monthly)))
    return lines


def costs_of(*, actor: Any, centre: Centre) -> list[dict[str, Any]]:
    """A centre's costs with their whole history (every version, oldest first)."""
    require(actor, "centre.economics", centre=centre)
    today = sources.month_of(timezone.localdate())
    desks = active_desks([centre.pk])[centre.pk]
    out = []
    for item, versions in versions_of([centre.pk])[centre.pk]:
        current = version_in_force(versions, today)
        out.append({
            "id": item.pk, "kind": item.kind, "kind_label": CostKind(item.kind).label,
            "label": item.label, "created_at": item.created_at,
            "current": current.pk if current else None,
            "monthly_now": (cost_lines([(item, versions)], today, desks)[0].monthly
                            if current else ZERO),
            "versions": [{"id": v.pk, "basis": v.basis, "basis_label": CostBasis(v.basis).label,
                          "amount": v.amount, "from": v.starts_on, "until": v.ends_on,
                          "note": v.note, "created_at": v.created_at,
                          "by": str(v.actor) if v.actor_id else ""} for v in versions],
        })
    return out


def cost_item_get(*, actor: Any, item_id: int) -> CostItem:
    item = CostItem.objects.select_related("centre").filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such cost."))
    roles = roles_of(actor)
    if not (roles.superuser or item.centre.network_id in roles.operator_networks
            or item.centre_id in roles.manager_centres):
        raise NotFound(_("No such cost."))
    return item


# --- occupancy -----------------------------------------------------------------------


def _occupancy(centres: list[Centre], months: list[Month]) -> dict[tuple[int, dt.date], tuple[Decimal, Decimal]]:
    """(capacity hours, booked hours) per centre and month, from insights."""
    from smartwork.insights.occupancy import occupancy
    from smartwork.insights.periods import Period

    data = occupancy(centres=centres, period=Period("economics", months[0].start, months[-1].end))
    out: dict[tuple[int, dt.date], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in data["by_slot"]:
        key = (row["centre_id"], dt.date.fromisoformat(row["date"]).replace(day=1))
        out[key][0] += Decimal(str(row["capacity_hours"]))
        out[key][1] += Decimal(str(row["booked_hours"]))
    return {k: (v[0], v[1]) for k, v in out.items()}


# --- a centre ------------------------------------------------------------------------


def _centre_rows(*, actor: Any, network: Network, centres: list[Centre],
                 months: list[Month]) -> tuple[dict[int, list[dict[str, Any]]], dict[int, int]]:
    ids = [c.pk for c in centres]
    desks = active_desks(ids)
    versions = versions_of(ids)
    occ = _occupancy(centres, months)
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for month in months:
        values = sources.centre_months(actor=actor, network=network, month=month,
                                       centre_ids=set(ids))
        for c in centres:
            v = values.get(c.pk, sources.CentreMonth())
            lines = cost_lines(versions.get(c.pk, []), month, desks[c.pk])
            costs = sum((ln.monthly for ln in lines), ZERO)
            subsidies = -sum((ln.monthly for ln in lines if ln.monthly < 0), ZERO)
            cap, booked = occ.get((c.pk, month.start), (ZERO, ZERO))
            rows[c.pk].append({
                "month": month.label, "credit": v.credit, "roaming": v.roaming, "payg": v.payg,
                "membership": v.membership, "revenue": v.revenue, "commission": v.commission,
                "payout": v.payout, "settled": v.settled, "costs": costs,
                "subsidies": subsidies, "margin": v.payout - costs,
                "capacity_hours": cap, "booked_hours": booked,
                "occupancy": _pct(booked, cap),
                "credit_minutes": v.credit_minutes, "guest_minutes": v.guest_minutes,
            })
    return rows, desks


def _summary(rows: list[dict[str, Any]], desks: int, costs_now: Decimal) -> dict[str, Any]:
    def total(key: str) -> Any:
        return sum((r[key] for r in rows), ZERO)

    revenue, payout, costs = total("revenue"), total("payout"), total("costs")
    cap, booked = total("capacity_hours"), total("booked_hours")
    with_data = [r for r in rows if r["revenue"] or r["booked_hours"]]
    months = len(rows)
    break_even = None
    if payout > 0 and booked > 0 and cap > 0:
        # payout per booked hour x capacity hours a month x occupancy = today's costs
        per_hour = payout / booked
        monthly_cap = cap / months
        break_even = (Decimal(100) * costs_now / (per_hour * monthly_cap)).quantize(PCT)
    return {
        "credit": total("credit"), "roaming": total("roaming"), "payg": total("payg"),
        "membership": total("membership"), "revenue": revenue,
        "commission": total("commission"), "payout": payout, "costs": costs,
        "subsidies": total("subsidies"), "margin": payout - costs,
        "desks": desks,
        "revenue_per_desk": money_round(revenue / desks) if desks else None,
        "revenue_per_desk_month": money_round(revenue / desks / months) if desks else None,
        "capacity_hours": cap, "booked_hours": booked, "occupancy": _pct(booked, cap),
        "costs_per_month_now": costs_now, "break_even_occupancy": break_even,
        "months": months, "months_of_data": len(with_data),
        "first_month_with_data": with_data[0]["month"] if with_data else None,
        "settled_months": sum(1 for r in rows if r["settled"]),
    }


def centre_get(*, actor: Any, centre_id: int) -> Centre:
    centre = Centre.objects.select_related("network").filter(pk=centre_id).first()
    if centre is None:
        raise NotFound(_("No such centre."))
    require(actor, "centre.economics", centre=centre)
    return centre


def network_get(*, actor: Any, network_id: int) -> Network:
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        raise NotFound(_("No such network."))
    require(actor, "network.economics", network=network)
    return network


def _costs_now(versions: list[tuple[CostItem, list[CostVersion]]], desks: int,
               today: dt.date) -> Decimal:
    return sum((ln.monthly for ln in cost_lines(versions, sources.month_of(today), desks)), ZERO)


def centre_economics(*, actor: Any, centre: Centre, months: list[Month],
                     today: dt.date | None = None) -> dict[str, Any]:
    require(actor, "centre.economics", centre=centre)
    today = today or timezone.localdate()
    rows, desks = _centre_rows(actor=actor, network=centre.network, centres=[centre],
                               months=months)
    costs_now = _costs_now(versions_of([centre.pk]).get(centre.pk, []), desks[centre.pk], today)
    mine = rows[centre.pk]
    return {"centre": {"id": centre.pk, "name": centre.name, "network": centre.network.name},
            "from": months[0].label, "to": months[-1].label,
            "months": mine, "summary": _summary(mine, desks[centre.pk], costs_now)}


# --- the network ---------------------------------------------------------------------


def network_economics(*, actor: Any, network: Network, months: list[Month],
                      today: dt.date | None = None, with_books: bool = True) -> dict[str, Any]:
    require(actor, "network.economics", network=network)
    today = today or timezone.localdate()
    centres = list(Centre.objects.filter(network=network).order_by("name"))
    rows, desks = _centre_rows(actor=actor, network=network, centres=centres, months=months)
    versions = versions_of([c.pk for c in centres])
    per_centre = []
    for c in centres:
        summary = _summary(rows[c.pk], desks[c.pk],
                           _costs_now(versions.get(c.pk, []), desks[c.pk], today))
        if not (summary["revenue"] or summary["costs"] or summary["booked_hours"]):
            continue
        per_centre.append({"id": c.pk, "name": c.name, **summary})
    by_month = []
    companies: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    alliances: dict[int, dict[str, Any]] = {}
    invoiced_total = credited_total = ZERO
    for i, month in enumerate(months):
        month_rows = [rows[c.pk][i] for c in centres]
        inv, per_customer = sources.invoiced(actor=actor, network=network, month=month)
        for k, v in per_customer.items():
            companies[k] += v
        invoiced_total += inv.net
        credited_total += inv.credited
        clearing = sources.alliance_months(actor=actor, network=network, month=month)
        for am in clearing:
            agg = alliances.setdefault(am.alliance_id, {
                "id": am.alliance_id, "partner": am.partner, "minutes_in": 0, "minutes_out": 0,
                "receivable": ZERO, "payable": ZERO})
            agg["minutes_in"] += am.minutes_in
            agg["minutes_out"] += am.minutes_out
            agg["receivable"] += am.receivable
            agg["payable"] += am.payable
        entry: dict[str, Any] = {
            "month": month.label,
            "revenue": sum((r["revenue"] for r in month_rows), ZERO),
            "commission": sum((r["commission"] for r in month_rows), ZERO),
            "payout": sum((r["payout"] for r in month_rows), ZERO),
            "costs": sum((r["costs"] for r in month_rows), ZERO),
            "invoiced": inv.net, "credit_notes": inv.credited, "invoices": inv.count,
            "clearing_receivable": sum((a.receivable for a in clearing), ZERO),
            "clearing_payable": sum((a.payable for a in clearing), ZERO),
        }
        entry["margin"] = entry["payout"] - entry["costs"]
        entry["clearing_net"] = entry["clearing_receivable"] - entry["clearing_payable"]
        entry["network_margin"] = entry["revenue"] - entry["costs"]
        if with_books:
            entry["books"] = sources.books(network=network, month=month)
        by_month.append(entry)
    names = dict(_company_names([k for k in companies if k != "members"]))
    company_rows: list[dict[str, Any]] = sorted(
        ({"id": k if k != "members" else None,
          "name": names.get(k, "") if k != "members" else str(_("Members invoiced directly")),
          "invoiced": money_round(v), "share": _pct(v, invoiced_total)}
         for k, v in companies.items()), key=lambda r: (-r["invoiced"], r["name"]))
    h = network.credit_hour_value
    alliance_rows = []
    for a in alliances.values():
        a["guest_value"] = money_round(Decimal(a["minutes_in"]) * h / 60)
        a["clearing_net"] = a["receivable"] - a["payable"]
        alliance_rows.append(a)

    def total(key: str) -> Decimal:
        return sum((m[key] for m in by_month), ZERO)

    totals: dict[str, Any] = {k: total(k) for k in ("revenue", "commission", "payout", "costs", "margin",
                                    "network_margin", "clearing_receivable", "clearing_payable")}
    totals.update({"invoiced": invoiced_total, "credit_notes": credited_total,
                   "desks": sum(desks.values()),
                   "centres_losing": sum(1 for c in per_centre if c["margin"] < 0),
                   "centres": len(per_centre)})
    cap = sum((c["capacity_hours"] for c in per_centre), ZERO)
    booked = sum((c["booked_hours"] for c in per_centre), ZERO)
    totals["occupancy"] = _pct(booked, cap)
    totals["revenue_per_desk"] = (money_round(totals["revenue"] / totals["desks"])
                                  if totals["desks"] else None)
    if with_books:
        invoiced_months = [m for m in by_month if m["invoices"]]
        totals["invoiced_months"] = len(invoiced_months)
        totals["balanced_months"] = sum(1 for m in invoiced_months if m["books"]["balanced"])
        totals["books_balanced"] = all(m["books"]["balanced"] for m in invoiced_months)
    return {"network": {"id": network.pk, "name": network.name,
                        "credit_hour_value": h, "commission_rate": network.commission_rate},
            "from": months[0].label, "to": months[-1].label,
            "centres": per_centre, "months": by_month, "totals": totals,
            "companies": company_rows, "alliances": alliance_rows}


def _company_names(ids: list[Any]) -> list[tuple[Any, str]]:
    from smartwork.accounts.models import Organisation

    return list(Organisation.objects.filter(pk__in=ids).values_list("pk", "legal_name"))


def centres_for(*, actor: Any) -> list[Centre]:
    """The centres whose economics the user may read."""
    roles = roles_of(actor)
    qs = Centre.objects.select_related("network").order_by("network__name", "name")
    if roles.superuser:
        return list(qs)
    from django.db.models import Q

    return list(qs.filter(Q(network_id__in=roles.operator_networks)
                          | Q(pk__in=roles.manager_centres)))
