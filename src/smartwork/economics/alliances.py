"""Alliances in the operator's pages: the network's alliances (proposed, active,
ended) with their terms, the roaming each way over the last twelve months, and the
clearing statements. Reads through network's models and billing's selectors (via
`sources`); writes through network's services (`alliance_create`,
`alliance_set_status`), which check the permission and refuse an alliance of a
network with itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from smartwork.core.money import ZERO
from smartwork.core.permissions import require
from smartwork.economics import selectors, sources
from smartwork.network.models import Alliance, Network


def alliances_of(*, actor: Any, network: Network, today: dt.date | None = None) -> dict[str, Any]:
    from smartwork.billing import selectors as billing_selectors

    require(actor, "alliance.manage", network=network)
    today = today or timezone.localdate()
    months = selectors.month_range(today=today)
    usage: dict[int, dict[str, Any]] = {}
    for month in months:
        for a in sources.alliance_months(actor=actor, network=network, month=month):
            u = usage.setdefault(a.alliance_id, {"minutes_in": 0, "minutes_out": 0,
                                                 "receivable": ZERO, "payable": ZERO})
            u["minutes_in"] += a.minutes_in
            u["minutes_out"] += a.minutes_out
            u["receivable"] += a.receivable
            u["payable"] += a.payable
    rows = []
    for alliance in Alliance.objects.filter(
            Q(network_a=network) | Q(network_b=network)).select_related(
            "network_a", "network_b").prefetch_related("open_centres").order_by(
            "-starts_on", "pk"):
        we_are_a = alliance.network_a_id == network.pk
        u = usage.get(alliance.pk, {"minutes_in": 0, "minutes_out": 0, "receivable": ZERO,
                                    "payable": ZERO})
        rows.append({
            "id": alliance.pk, "partner": (alliance.network_b if we_are_a
                                           else alliance.network_a).name,
            "proposed_by_us": we_are_a, "status": alliance.status,
            "status_label": alliance.get_status_display(), "starts_on": alliance.starts_on,
            "ends_on": alliance.ends_on, "clearing_hour_rate": alliance.clearing_hour_rate,
            # Terms: the settlement period, and which centres each side opens (none
            # named by a side: every labelled centre of that side).
            "settlement_period": alliance.settlement_period,
            "settlement_period_label": alliance.get_settlement_period_display(),
            "our_open_centres": sorted(c.name for c in alliance.open_centres.all()
                                       if c.network_id == network.pk),
            "our_open_centre_ids": [c.pk for c in alliance.open_centres.all()
                                    if c.network_id == network.pk],
            "their_open_centres": sorted(c.name for c in alliance.open_centres.all()
                                         if c.network_id != network.pk),
            "may_change_terms": alliance.status in ("proposed", "active"),
            "hours_in": round(u["minutes_in"] / 60, 1), "hours_out": round(u["minutes_out"] / 60, 1),
            "receivable": u["receivable"], "payable": u["payable"],
            "net": u["receivable"] - u["payable"],
            # The other side accepts a proposal; either side ends it.
            "may_accept": alliance.status == "proposed" and not we_are_a,
            "may_end": alliance.status in ("proposed", "active"),
        })
    statements = []
    for s in billing_selectors.clearings_for(user=actor).filter(
            Q(alliance__network_a=network) | Q(alliance__network_b=network)).select_related(
            "alliance__network_a", "alliance__network_b", "debtor", "creditor")[:36]:
        we_are_a = s.alliance.network_a_id == network.pk
        statements.append({
            "period": s.period_start.strftime("%Y-%m"),
            "partner": (s.alliance.network_b if we_are_a else s.alliance.network_a).name,
            "hours_out": round((s.a_in_b_minutes if we_are_a else s.b_in_a_minutes) / 60, 1),
            "hours_in": round((s.b_in_a_minutes if we_are_a else s.a_in_b_minutes) / 60, 1),
            # Of which late: roaming of earlier periods recorded after their statement.
            "late_hours_out": round(
                (s.a_in_b_late_minutes if we_are_a else s.b_in_a_late_minutes) / 60, 1),
            "late_hours_in": round(
                (s.b_in_a_late_minutes if we_are_a else s.a_in_b_late_minutes) / 60, 1),
            "rate": s.rate, "net": s.net_amount,
            "we_owe": s.debtor_id == network.pk, "settled_nothing": s.debtor_id is None,
        })
    return {"alliances": rows, "statements": statements,
            "from": months[0].label, "to": months[-1].label}


def centre_choices(*, network: Network) -> list[tuple[int, str]]:
    """The network's centres, to name those open to an ally's members."""
    from smartwork.network.models import Centre

    return list(Centre.objects.filter(network=network).order_by("name")
                .values_list("pk", "name"))


def partner_choices(*, network: Network) -> list[tuple[int, str]]:
    return list(Network.objects.order_by("name").values_list("pk", "name"))
