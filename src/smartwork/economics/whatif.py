"""What-ifs: a price, the credit-hour value or the commission changed, over the last
3, 6 or 12 months of real bookings; a site opened; a centre closed.

Pricing. The bookings of the window (not cancelled) are summed per centre, kind of
resource and way of paying, in one grouped query:
- credit-paid bookings (the network's members and allied networks' guests) earn
  their centre the credit minutes at the credit-hour value h;
- pay-as-you-go bookings earn their price.
Memberships' fees are fixed per month and do not change with these scenarios; they
are left out of the figures (the deltas are what the scenario changes).
- A kind's price in a centre moves by p %: the pay-as-you-go bookings of that kind
  there cost f = 1 + p/100 times as much. Credit-paid bookings do not change (credit
  is consumed by the hour, whatever the centre's price). With an elasticity e (<= 0,
  the operator's assumption, never a fact), the number of those bookings becomes
  f^e times as many (constant elasticity), and so their revenue f^(1+e) times.
- The credit-hour value becomes h': the centres earn minutes x h' / 60; customers pay
  the same (they bought credit packages); no elasticity applies.
- The commission becomes c': revenue and customers' cost unchanged; the centres
  are paid revenue x (1 - c'/100).
Customer cost = what customers pay for the bookings at the centres' prices
(pay-as-you-go); credit hours consumed are reported beside it.
Every amount is Decimal, rounded once per total (half up).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput
from smartwork.core.money import ZERO, money_round
from smartwork.core.permissions import require
from smartwork.economics.choices import (
    COMMISSION_MAX,
    ELASTICITY_MIN,
    HOUR_VALUE_FACTOR_MAX,
    HOUR_VALUE_FACTOR_MIN,
    PRICE_CHANGE_MAX,
    PRICE_CHANGE_MIN,
    WINDOWS,
    WhatIfChange,
)
from smartwork.network.choices import LabelStatus, ResourceKind
from smartwork.network.models import Centre, Network

SIXTY = Decimal(60)
HUNDRED = Decimal(100)
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)


def _bad(field: str, why: str, code: str = "invalid") -> InvalidInput:
    return InvalidInput(why, code=code, fields={field: [why]})


def _decimal(value: Any, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _bad(field, _("Give a number.")) from exc
    if not d.is_finite():
        raise _bad(field, _("Give a number."))
    return d


def window(months: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last `months` ended months: [first day, day after the last)."""
    if months not in WINDOWS:
        raise _bad("months", _("Choose 3, 6 or 12 months."), "bad_window")
    end = today.replace(day=1)
    start = end
    for _i in range(months):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, end


@dataclass
class Cell:
    """The bookings of one centre and kind of resource, by way of paying."""

    credit_minutes: int = 0
    credit_bookings: int = 0
    payg: Decimal = ZERO
    payg_bookings: int = 0


def booking_cells(*, network: Network, start: dt.date, end: dt.date,
                  centre_ids: list[int] | None = None) -> dict[tuple[int, str], Cell]:
    """One grouped query over the window's bookings (cancelled ones left out)."""
    from smartwork.bookings.models import Booking

    tz = timezone.get_current_timezone()
    qs = Booking.objects.filter(
        centre__network_id=network.pk,
        start__gte=dt.datetime.combine(start, dt.time(0), tzinfo=tz),
        start__lt=dt.datetime.combine(end, dt.time(0), tzinfo=tz),
    ).exclude(state="cancelled")
    if centre_ids is not None:
        qs = qs.filter(centre_id__in=centre_ids)
    rows = qs.values("centre_id", "resource__kind", "payment_method").annotate(
        n=Count("id"), minutes=Sum("credit_minutes"), price=Sum("price_net")).order_by()
    cells: dict[tuple[int, str], Cell] = defaultdict(Cell)
    for r in rows:
        cell = cells[(r["centre_id"], r["resource__kind"])]
        if r["payment_method"] == "payg":
            cell.payg += r["price"] or ZERO
            cell.payg_bookings += r["n"]
        elif r["payment_method"] == "credit":
            cell.credit_minutes += int(r["minutes"] or 0)
            cell.credit_bookings += r["n"]
    return dict(cells)


@dataclass
class Scenario:
    price_factor: dict[tuple[int, str], Decimal]  # (centre, kind) -> f
    hour_value: Decimal
    commission_rate: Decimal
    elasticity: Decimal | None = None


def evaluate(cells: dict[tuple[int, str], Cell], s: Scenario) -> dict[str, Any]:
    """Revenue, customer cost, commission and payouts of the cells under a scenario."""
    credit_minutes = 0
    credit_value = ZERO  # unrounded until the end
    payg = ZERO
    bookings = Decimal(0)
    by_centre: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (centre_id, kind), cell in cells.items():
        f = s.price_factor.get((centre_id, kind), Decimal(1))
        q = Decimal(1)
        if f != 1 and s.elasticity is not None and s.elasticity != 0:
            q = f ** s.elasticity
        cell_payg = cell.payg * f * q
        cell_credit = Decimal(cell.credit_minutes) * s.hour_value / SIXTY
        credit_minutes += cell.credit_minutes
        credit_value += cell_credit
        payg += cell_payg
        bookings += cell.credit_bookings + cell.payg_bookings * q
        by_centre[centre_id] += cell_credit + cell_payg
    revenue = money_round(credit_value + payg)
    commission = money_round(revenue * s.commission_rate / HUNDRED)
    return {
        "revenue": revenue, "credit_value": money_round(credit_value),
        "customer_cost": money_round(payg), "commission": commission,
        "payouts": revenue - commission, "bookings": bookings.quantize(Decimal("0.1")),
        "credit_hours": (Decimal(credit_minutes) / SIXTY).quantize(Decimal("0.01")),
        "_by_centre": by_centre,
    }


def _delta(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    keys = ("revenue", "customer_cost", "commission", "payouts", "bookings")
    return {**{k: v for k, v in new.items() if not k.startswith("_")},
            "delta": {k: new[k] - base[k] for k in keys}}


def whatif_pricing(*, actor: Any, network: Network, change: str, months: int = 12,
                   centre_id: int | None = None, resource_kind: str | None = None,
                   change_pct: Any = None, new_value: Any = None, elasticity: Any = None,
                   today: dt.date | None = None) -> dict[str, Any]:
    """The effect of a price change over the last months of real bookings (audited)."""
    require(actor, "network.economics", network=network)
    today = today or timezone.localdate()
    start, end = window(months, today)
    h, rate = network.credit_hour_value, network.commission_rate
    factor: dict[tuple[int, str], Decimal] = {}
    new_h, new_rate = h, rate
    e: Decimal | None = None
    if elasticity not in (None, ""):
        e = _decimal(elasticity, "elasticity")
        if e > 0:
            raise _bad("elasticity", _("An elasticity is negative or zero: demand falls when "
                                       "the price rises."), "elasticity_wrong_sign")
        if e < ELASTICITY_MIN:
            raise _bad("elasticity", _("At least %(min)s.") % {"min": ELASTICITY_MIN},
                       "elasticity_out_of_bounds")
    centre = None
    if change == WhatIfChange.KIND_PRICE:
        centre = (Centre.objects.filter(pk=centre_id, network=network).first()
                  if centre_id is not None else None)
        if centre is None:
            raise _bad("centre_id", _("Choose a centre of the network."), "unknown_centre")
        if resource_kind not in ResourceKind.values:
            raise _bad("resource_kind", _("Choose a kind of resource."))
        if change_pct in (None, ""):
            raise _bad("change_pct", _("Give the change of price in %."))
        pct = _decimal(change_pct, "change_pct")
        if not PRICE_CHANGE_MIN <= pct <= PRICE_CHANGE_MAX:
            raise _bad("change_pct", _("A price change lies between %(lo)s %% and +%(hi)s %%.")
                       % {"lo": PRICE_CHANGE_MIN, "hi": PRICE_CHANGE_MAX}, "price_out_of_bounds")
        factor[(centre.pk, str(resource_kind))] = 1 + pct / HUNDRED
    elif change == WhatIfChange.CREDIT_HOUR_VALUE:
        if new_value in (None, ""):
            raise _bad("new_value", _("Give the new credit-hour value."))
        new_h = money_round(_decimal(new_value, "new_value"))
        if not h * HOUR_VALUE_FACTOR_MIN <= new_h <= h * HOUR_VALUE_FACTOR_MAX:
            raise _bad("new_value", _("Between %(lo)s and %(hi)s (a quarter to four times "
                                      "today's %(h)s).") % {
                "lo": money_round(h * HOUR_VALUE_FACTOR_MIN),
                "hi": money_round(h * HOUR_VALUE_FACTOR_MAX), "h": h}, "price_out_of_bounds")
    elif change == WhatIfChange.COMMISSION:
        if new_value in (None, ""):
            raise _bad("new_value", _("Give the new commission in %."))
        new_rate = _decimal(new_value, "new_value")
        if not 0 <= new_rate <= COMMISSION_MAX:
            raise _bad("new_value", _("A commission lies between 0 and %(hi)s %%.")
                       % {"hi": COMMISSION_MAX}, "price_out_of_bounds")
    else:
        raise _bad("change", _("Choose what to change."))
    cells = booking_cells(network=network, start=start, end=end)
    base = evaluate(cells, Scenario({}, h, rate))
    same = evaluate(cells, Scenario(factor, new_h, new_rate))
    elastic = None
    applies = change == WhatIfChange.KIND_PRICE
    if e is not None and applies:
        elastic = evaluate(cells, Scenario(factor, new_h, new_rate, e))
    names = dict(Centre.objects.filter(network=network).values_list("pk", "name"))
    touched = sorted({c for c, _k in factor} if factor else base["_by_centre"].keys(),
                     key=lambda c: names.get(c, ""))
    by_centre = []
    for cid in touched:
        b = money_round(base["_by_centre"].get(cid, ZERO))
        n = money_round(same["_by_centre"].get(cid, ZERO))
        row: dict[str, Any] = {"centre_id": cid, "centre": names.get(cid, ""),
                               "revenue": b, "revenue_same_demand": n,
                               "payout": b - money_round(b * rate / HUNDRED),
                               "payout_same_demand": n - money_round(n * new_rate / HUNDRED)}
        if elastic is not None:
            x = money_round(elastic["_by_centre"].get(cid, ZERO))
            row["revenue_with_elasticity"] = x
            row["payout_with_elasticity"] = x - money_round(x * new_rate / HUNDRED)
        by_centre.append(row)
    inputs = {"change": change, "months": months, "centre_id": centre.pk if centre else None,
              "resource_kind": resource_kind if centre else None,
              "change_pct": str(change_pct) if centre else None,
              "new_value": str(new_value) if not centre else None,
              "elasticity": str(e) if e is not None else None}
    audit_log(actor=actor, action="whatif.pricing", obj=network, network_id=network.pk,
              data=inputs)
    notes = [_("Memberships' fees are fixed and left out; the deltas are what changes.")]
    if change == WhatIfChange.KIND_PRICE:
        notes.append(_("Only pay-as-you-go bookings pay the centre's price; credit-paid "
                       "bookings consume hours whatever the price."))
    elif e is not None:
        notes.append(_("Customers do not see this figure: no elasticity applies."))
    return {
        "inputs": inputs,
        "window": {"months": months, "from": start.isoformat(),
                   "to": (end - dt.timedelta(days=1)).isoformat()},
        "today": {"credit_hour_value": h, "commission_rate": rate},
        "scenario": {"credit_hour_value": new_h, "commission_rate": new_rate,
                     "price_factor": (next(iter(factor.values())) if factor else None)},
        "assumption": ({"elasticity": e, "model": "constant elasticity: bookings x f^e",
                        "is_assumption": True} if elastic is not None else None),
        "baseline": {k: v for k, v in base.items() if not k.startswith("_")},
        "demand_unchanged": _delta(base, same),
        "with_elasticity": _delta(base, elastic) if elastic is not None else None,
        "by_centre": by_centre, "notes": notes,
    }


# --- opening a site ------------------------------------------------------------------


def _distances(points: list[tuple[float, float]], places: list[tuple[float, float]]) -> Any:
    """km from every point to every place (a points x places array), as the placement
    of insights computes them (great circle)."""
    import numpy as np

    from smartwork.insights.placement import haversine_matrix

    if not points or not places:
        return np.zeros((len(points), len(places)))
    return haversine_matrix(np.array(points, dtype=float), np.array(places, dtype=float))


def _payout_per_hour(*, network: Network, today: dt.date) -> Decimal | None:
    """What a centre is paid per booked hour, over the network's last 12 months of
    bookings (credit at the credit-hour value and pay-as-you-go, less the commission)."""
    from django.db.models import DurationField, ExpressionWrapper, F

    from smartwork.bookings.models import Booking

    start, end = window(12, today)
    cells = booking_cells(network=network, start=start, end=end)
    base = evaluate(cells, Scenario({}, network.credit_hour_value, network.commission_rate))
    tz = timezone.get_current_timezone()
    booked = Booking.objects.filter(
        centre__network_id=network.pk,
        start__gte=dt.datetime.combine(start, dt.time(0), tzinfo=tz),
        start__lt=dt.datetime.combine(end, dt.time(0), tzinfo=tz),
    ).exclude(state="cancelled").aggregate(d=Sum(ExpressionWrapper(
        F("end") - F("start"), output_field=DurationField())))["d"]
    hours = Decimal(int(booked.total_seconds())) / Decimal(3600) if booked else ZERO
    return base["payouts"] / hours if hours else None


def whatif_site(*, actor: Any, network: Network, lat: float, lon: float, desks: int,
                monthly_costs: Any, radius_km: float = 15.0, days_per_week: Any = 1,
                name: str = "", today: dt.date | None = None) -> dict[str, Any]:
    """A proposed site: who would use it (customers' employees living nearer to it than
    to any labelled centre or their head office, within the radius), the commute they
    would save, the expected occupancy and the break-even occupancy with the costs given."""
    from smartwork.accounts.models import User

    require(actor, "network.economics", network=network)
    today = today or timezone.localdate()
    costs = _decimal(monthly_costs, "monthly_costs")
    if costs < 0:
        raise _bad("monthly_costs", _("Costs cannot be negative."), "negative_cost")
    if not 1 <= int(desks) <= 500:
        raise _bad("desks", _("Between 1 and 500 desks."))
    days = _decimal(days_per_week, "days_per_week")
    if not 0 < days <= 5:
        raise _bad("days_per_week", _("Between 0 and 5 days a week."))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _bad("lat", _("Not a place on Earth."))
    site = (float(lat), float(lon))
    centres = [(float(a), float(b)) for a, b in Centre.objects.filter(
        network=network, label_status=LabelStatus.LABELLED).values_list("lat", "lon")
        if a is not None and b is not None]
    people = list(User.objects.filter(
        Q(company__network=network) | Q(network=network, company__isnull=True),
        is_active=True, home_lat__isnull=False, home_lon__isnull=False,
    ).values_list("home_lat", "home_lon", "company__head_office_lat",
                  "company__head_office_lon"))
    homes = [(float(str(a)), float(str(b))) for a, b, _c, _d in people]
    to_site = _distances(homes, [site])
    to_centres = _distances(homes, centres)
    users, saved_km = 0, 0.0
    for i, (_a, _b, olat, olon) in enumerate(people):
        d_new = float(to_site[i, 0])
        if d_new > radius_km:
            continue
        options = [float(x) for x in to_centres[i]] if centres else []
        if olat is not None and olon is not None:
            options.append(float(_distances([homes[i]], [(float(olat), float(olon))])[0, 0]))
        d_now = min(options) if options else None
        if d_now is None or d_new >= d_now:
            continue
        users += 1
        saved_km += 2 * (d_now - d_new)  # per visit, there and back
    visits = days * WEEKS_PER_MONTH  # per person and month
    hours_per_day = Decimal(network.desk_full_day_hours)
    demand_hours = (Decimal(users) * visits * hours_per_day).quantize(Decimal("0.1"))
    capacity = (Decimal(desks) * hours_per_day * Decimal(5) * WEEKS_PER_MONTH).quantize(
        Decimal("0.1"))
    per_hour = _payout_per_hour(network=network, today=today)
    expected_occ = min(HUNDRED, HUNDRED * demand_hours / capacity).quantize(Decimal("0.1"))
    result: dict[str, Any] = {
        "site": {"name": name, "lat": lat, "lon": lon, "desks": desks,
                 "monthly_costs": money_round(costs), "radius_km": radius_km},
        "assumptions": {"days_per_week": days, "hours_per_day": hours_per_day,
                        "open_days_per_week": 5, "is_assumption": True},
        "people": users,
        "commute_saved_km_per_month": Decimal(str(round(saved_km * float(visits), 1))),
        "demand_hours_per_month": demand_hours, "capacity_hours_per_month": capacity,
        "expected_occupancy": expected_occ,
        # Credit and pay-as-you-go bookings of the last 12 months, less the commission.
        "payout_per_booked_hour": money_round(per_hour) if per_hour is not None else None,
        "break_even_occupancy": None, "expected_margin_per_month": None,
    }
    if per_hour:
        result["break_even_occupancy"] = (HUNDRED * costs / (per_hour * capacity)).quantize(
            Decimal("0.1"))
        used = min(demand_hours, capacity)
        result["expected_margin_per_month"] = money_round(used * per_hour - costs)
    audit_log(actor=actor, action="whatif.site", obj=network, network_id=network.pk,
              data={"lat": lat, "lon": lon, "desks": desks, "monthly_costs": str(costs)})
    return result


# --- closing a centre ----------------------------------------------------------------


def whatif_closing(*, actor: Any, network: Network, centre_id: int, months: int = 12,
                   radius_km: float = 25.0, today: dt.date | None = None) -> dict[str, Any]:
    """Where the members of a centre would go (the nearest other labelled centre to their
    home, or to the closed centre when their home is unknown, within the radius) and what
    the network would lose: the revenue of those with nowhere to go, less the centre's
    costs that stop."""
    from smartwork.bookings.models import Booking
    from smartwork.economics import selectors

    require(actor, "network.economics", network=network)
    today = today or timezone.localdate()
    centre = Centre.objects.filter(pk=centre_id, network=network).first()
    if centre is None:
        raise _bad("centre_id", _("Choose a centre of the network."), "unknown_centre")
    start, end = window(months, today)
    others = [(c.pk, c.name, (float(c.lat), float(c.lon))) for c in Centre.objects.filter(
        network=network, label_status=LabelStatus.LABELLED).exclude(pk=centre.pk)
        if c.lat is not None and c.lon is not None]
    here = (float(centre.lat or 0), float(centre.lon or 0))
    tz = timezone.get_current_timezone()
    rows: Any = Booking.objects.filter(
        centre=centre, start__gte=dt.datetime.combine(start, dt.time(0), tzinfo=tz),
        start__lt=dt.datetime.combine(end, dt.time(0), tzinfo=tz),
    ).exclude(state="cancelled").values(
        "member_id", "member__home_lat", "member__home_lon").annotate(
        minutes=Sum("credit_minutes"), price=Sum("price_net"), n=Count("id")).order_by()
    h = network.credit_hour_value
    rows = list(rows)
    origins = [here if r["member__home_lat"] is None
               else (float(str(r["member__home_lat"])), float(str(r["member__home_lon"])))
               for r in rows]
    dist = _distances(origins, [p for _pk, _nm, p in others])
    moves: dict[int | None, dict[str, Any]] = {}
    lost = moved = ZERO
    for i, r in enumerate(rows):
        value = Decimal(int(r["minutes"] or 0)) * h / SIXTY + (r["price"] or ZERO)
        best = None
        if others:
            j = int(dist[i].argmin())
            best = (float(dist[i, j]), others[j][0], others[j][1])
        key = best[1] if best is not None and best[0] <= radius_km else None
        agg = moves.setdefault(key, {"centre_id": key,
                                     "centre": best[2] if key is not None and best else "",
                                     "members": 0, "bookings": 0, "value": ZERO, "km": []})
        agg["members"] += 1
        agg["bookings"] += r["n"]
        agg["value"] += value
        if key is not None and best is not None:
            agg["km"].append(best[0])
            moved += value
        else:
            lost += value
    destinations = []
    for agg in moves.values():
        km = agg.pop("km")
        agg["value"] = money_round(agg["value"])
        agg["average_km"] = Decimal(str(round(sum(km) / len(km), 1))) if km else None
        destinations.append(agg)
    destinations.sort(key=lambda d: (d["centre_id"] is None, -d["members"]))
    # The centre's own figures over the window, on the same footing as the pricing
    # what-if (its bookings: credit at the credit-hour value and pay-as-you-go), and its
    # costs in force each month of the window.
    own = evaluate(booking_cells(network=network, start=start, end=end, centre_ids=[centre.pk]),
                   Scenario({}, h, network.commission_rate))
    months_list = selectors.month_range(first=start.strftime("%Y-%m"),
                                        last=(end - dt.timedelta(days=1)).strftime("%Y-%m"))
    items = selectors.versions_of([centre.pk]).get(centre.pk, [])
    desks = selectors.active_desks([centre.pk])[centre.pk]
    costs = sum((ln.monthly for m in months_list
                 for ln in selectors.cost_lines(items, m, desks)), ZERO)
    econ = {"revenue": own["revenue"], "costs": costs, "margin": own["payouts"] - costs}
    lost = money_round(lost)
    audit_log(actor=actor, action="whatif.closing", obj=centre, network_id=network.pk,
              data={"months": months})
    return {
        "centre": {"id": centre.pk, "name": centre.name},
        "window": {"months": months, "from": start.isoformat(),
                   "to": (end - dt.timedelta(days=1)).isoformat()},
        "radius_km": radius_km,
        "destinations": destinations,
        "members": sum(d["members"] for d in destinations),
        "members_without_alternative": next(
            (d["members"] for d in destinations if d["centre_id"] is None), 0),
        "revenue": econ["revenue"], "costs": econ["costs"], "margin": econ["margin"],
        "revenue_moving": money_round(moved), "revenue_lost": lost,
        "commission_lost": money_round(lost * network.commission_rate / HUNDRED),
        "network_change": econ["costs"] - lost,
        "payout": own["payouts"],
        "notes": [_("Bookings' value: credit minutes at the credit-hour value plus "
                    "pay-as-you-go; memberships are left out.")],
    }
