"""Reads of the insights app, each scoped by the acting user's role.

company admin -> own company; centre manager -> own centre; operator -> own
network (and its companies and centres); member -> own detail. Scoping goes
through smartwork.core.permissions; the figures come from attendance,
occupancy, commute and placement.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, Team, User
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.core.permissions import require
from smartwork.insights import conf
from smartwork.insights.attendance import Presence, Scope, member_intervals, presence
from smartwork.insights.periods import Period
from smartwork.insights.privacy import fold_small_groups, suppress_small_buckets
from smartwork.network.models import Centre, Network


def _h(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def company_get(company_id: int) -> Organisation:
    company = Organisation.objects.filter(pk=company_id, kind="company").first()
    if company is None:
        raise NotFound(_("No such company."), code="unknown_company",
                       fields={"company": [_("Unknown company %(id)s.") % {"id": company_id}]})
    return company


def centre_get(centre_id: int) -> Centre:
    centre = Centre.objects.filter(pk=centre_id).first()
    if centre is None:
        raise NotFound(_("No such centre."), code="unknown_centre",
                       fields={"centre": [_("Unknown centre %(id)s.") % {"id": centre_id}]})
    return centre


def network_get(network_id: int) -> Network:
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        raise NotFound(_("No such network."), code="unknown_network",
                       fields={"network": [_("Unknown network %(id)s.") % {"id": network_id}]})
    return network


def resolve_scope(*, actor: User, company_id: int | None = None,
                  centre_id: int | None = None, network_id: int | None = None
                  ) -> tuple[Scope, Any]:
    """One of company / centre / network, checked against the actor's role."""
    given = [x for x in (company_id, centre_id, network_id) if x is not None]
    if len(given) != 1:
        raise InvalidInput(_("Give exactly one of company, centre or network."),
                           code="scope_required",
                           fields={"scope": [_("Give exactly one of company, centre or network.")]})
    if company_id is not None:
        company = company_get(company_id)
        require(actor, "company.reports", company=company)
        return Scope("company", company.pk), company
    if centre_id is not None:
        centre = centre_get(centre_id)
        require(actor, "centre.reports", centre=centre)
        return Scope("centre", centre.pk), centre
    network = network_get(network_id)  # type: ignore[arg-type]
    require(actor, "network.reports", network=network)
    return Scope("network", network.pk), network


# --- attendance -----------------------------------------------------------------


def _named(rows: list[dict[str, Any]], names: dict[Any, str], none_name: str) -> list[dict[str, Any]]:
    return [{**r, "name": names.get(r["id"], none_name) if r["id"] is not None else none_name}
            for r in rows]


def _trend(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    hours = [w["seconds"] / 3600 for w in weeks]
    n = len(hours)
    if n < 2:
        return {"slope_hours_per_week": 0.0, "first_half_hours": round(sum(hours), 2),
                "second_half_hours": 0.0, "change_pct": None}
    mean_x, mean_y = (n - 1) / 2, sum(hours) / n
    var = sum((i - mean_x) ** 2 for i in range(n))
    slope = sum((i - mean_x) * (h - mean_y) for i, h in enumerate(hours)) / var
    first, second = sum(hours[: n // 2]), sum(hours[n - n // 2:])
    return {"slope_hours_per_week": round(slope, 3), "first_half_hours": round(first, 2),
            "second_half_hours": round(second, 2),
            "change_pct": round(100 * (second - first) / first, 1) if first else None}


def attendance_build(*, scope: Scope, period: Period, aggregate_only: bool = True,
                     raw: Presence | None = None) -> dict[str, Any]:
    """The attendance tables of a scope; with `aggregate_only`, privacy rules apply."""
    p = raw or presence(scope=scope, period=period,
                        with_company_centres=scope.kind in ("network", "centre"))
    k = conf.privacy_min_group()
    centre_names = dict(Centre.objects.filter(
        pk__in={r["id"] for r in [*p.by_centre, *p.by_company_centre]}).values_list("pk", "name"))
    team_names = dict(Team.objects.filter(pk__in=[r["id"] for r in p.by_team if r["id"]])
                      .values_list("pk", "name"))
    company_names = dict(Organisation.objects.filter(
        pk__in=[r["id"] for r in p.by_company if r["id"]]).values_list("pk", "legal_name"))
    by_centre = _named(p.by_centre, centre_names, "?")
    by_team = _named(p.by_team, team_names, _("No team")) if scope.kind == "company" else []
    by_company = (_named(p.by_company, company_names, _("Independent members"))
                  if scope.kind in ("network", "centre") else [])
    by_week, by_month = p.by_week, p.by_month
    folded = 0
    suppressed = False
    if aggregate_only:
        if p.people and p.people < k:
            suppressed = True
        by_centre, f1 = fold_small_groups(by_centre, k=k)
        by_team, f2 = fold_small_groups(by_team, k=k)
        by_company, f3 = fold_small_groups(by_company, k=k)
        folded = f1 + f2 + f3
        by_week = suppress_small_buckets(by_week, k=k)
        by_month = suppress_small_buckets(by_month, k=k)

    def table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": r.get("id"), "name": r["name"], "hours": _h(r["seconds"]),
                 "people": r["people"], "visits": r.get("visits")} for r in rows]

    def buckets(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        return [{key: r[key], "hours": _h(r["seconds"]), "people": r["people"],
                 "suppressed": r.get("suppressed", False)} for r in rows]

    report: dict[str, Any] = {
        "scope": {"kind": scope.kind, "id": scope.id},
        "period": {"label": period.label, "first": period.first.isoformat(),
                   "last": period.last.isoformat()},
        "privacy": {"aggregate_only": aggregate_only, "min_group": k, "folded_groups": folded,
                    "suppressed": suppressed},
    }
    if suppressed:
        report.update(total=None, by_centre=[], by_team=[], by_company=[], by_week=[],
                      by_month=[], weekday_hour=[], most_used_centres=[],
                      centres_by_company=[], trend=None)
        return report
    centres_table = table(by_centre)
    report.update(
        total={"hours": _h(p.total_seconds), "people": p.people, "visits": p.visits,
               "person_days": p.person_days},
        by_centre=centres_table, by_team=table(by_team), by_company=table(by_company),
        by_week=buckets(by_week, "week"), by_month=buckets(by_month, "month"),
        weekday_hour=p.weekday_hour,
        most_used_centres=[r for r in centres_table if r["id"] is not None][:5],
        centres_by_company=_centres_by_company(p, by_company, centre_names, k=k,
                                               aggregate_only=aggregate_only, table=table),
        trend=_trend(p.by_week),
    )
    return report


def _centres_by_company(p: Presence, companies: list[dict[str, Any]], centre_names: dict[Any, str],
                        *, k: int, aggregate_only: bool, table: Any) -> list[dict[str, Any]]:
    """The most-used centres of each company shown (network and centre scopes):
    its five busiest centres, with the company's small groups folded as elsewhere."""
    out = []
    for company in companies:
        if company.get("id") is None:
            continue  # "Other" and the independent members have no company of their own
        rows = _named([r for r in p.by_company_centre if r["company"] == company["id"]],
                      centre_names, "?")
        if aggregate_only:
            rows, _folded = fold_small_groups(rows, k=k)
        named = [r for r in table(rows) if r["id"] is not None][:5]
        named += [r for r in table(rows) if r["id"] is None]
        out.append({"company_id": company["id"], "company": company["name"], "centres": named})
    return out


def attendance_report(*, actor: User, period: Period, company_id: int | None = None,
                      centre_id: int | None = None, network_id: int | None = None
                      ) -> dict[str, Any]:
    scope, _target = resolve_scope(actor=actor, company_id=company_id,
                                   centre_id=centre_id, network_id=network_id)
    return attendance_build(scope=scope, period=period, aggregate_only=True)


def my_attendance(*, actor: User, period: Period) -> dict[str, Any]:
    """A member's own detail: every merged presence interval, and their totals."""
    report = attendance_build(scope=Scope("member", actor.pk), period=period,
                              aggregate_only=False)
    names = dict(Centre.objects.values_list("pk", "name"))
    intervals = member_intervals(member_id=actor.pk, period=period)
    report["intervals"] = [{**i, "centre": names.get(i["centre_id"], "?")} for i in intervals]
    return report


# --- occupancy ------------------------------------------------------------------


def occupancy_report(*, actor: User, period: Period, centre_id: int | None = None,
                     network_id: int | None = None) -> dict[str, Any]:
    from smartwork.insights.occupancy import occupancy

    if centre_id is None and network_id is None:
        raise InvalidInput(_("Give a centre or a network."), code="scope_required",
                           fields={"scope": [_("Give a centre or a network.")]})
    scope, target = resolve_scope(actor=actor, centre_id=centre_id,
                                  network_id=network_id)
    centres = [target] if scope.kind == "centre" else list(
        Centre.objects.filter(network=target).order_by("name"))
    data = occupancy(centres=centres, period=period)
    data["scope"] = {"kind": scope.kind, "id": scope.id}
    data["period"] = {"label": period.label, "first": period.first.isoformat(),
                      "last": period.last.isoformat()}
    return data


# --- commute study --------------------------------------------------------------


def _point(lat: Any, lon: Any) -> tuple[float, float] | None:
    return (float(lat), float(lon)) if lat is not None and lon is not None else None


def commute_inputs(*, members: list[User], period: Period) -> list[Any]:
    """Each member's home, head office and centre (most used, else nearest)."""
    from smartwork.core.geo import haversine_km
    from smartwork.insights.commute import CommuteInput
    from smartwork.network.choices import LabelStatus

    ids = [m.pk for m in members]
    used: dict[int, list[dict[str, Any]]] = defaultdict(list)
    days: dict[int, float] = defaultdict(float)
    if len(ids) == 1:
        scopes = [Scope("member", ids[0])]
    else:
        scopes = [Scope("company", c) for c in sorted({m.company_id for m in members
                                                       if m.company_id})]
    if ids:
        for scope in scopes:
            p = presence(scope=scope, period=period, with_members=True)
            for row in p.by_member:
                if row.get("kind") == "centre":
                    used[row["id"]].append(row)
                else:
                    days[row["id"]] = row["days"]
    labelled = list(Centre.objects.filter(label_status=LabelStatus.LABELLED)
                    .values("pk", "name", "lat", "lon", "network_id"))
    all_centres = {c["pk"]: c for c in Centre.objects.values("pk", "name", "lat", "lon")}
    out = []
    for m in members:
        company = m.company
        mode = m.commute_mode or (company.default_commute_mode if company else "car")
        home = _point(m.home_lat, m.home_lon)
        office = _point(company.head_office_lat, company.head_office_lon) if company else None
        centre, basis = None, "most_used"
        if used.get(m.pk):
            best = max(used[m.pk], key=lambda r: (r["seconds"], -r["centre"]))
            centre = all_centres.get(best["centre"])
        elif home is not None:
            network_id = company.network_id if company else m.network_id
            pool = [c for c in labelled if c["network_id"] == network_id] or labelled
            if pool:
                centre = min(pool, key=lambda c: haversine_km(home[0], home[1], float(c["lat"]),
                                                              float(c["lon"])))
                basis = "nearest"
        out.append(CommuteInput(
            member_id=m.pk, name=m.get_full_name() or m.email, mode=mode, home=home,
            office=office, centre_id=centre["pk"] if centre else None,
            centre_name=centre["name"] if centre else "",
            centre=_point(centre["lat"], centre["lon"]) if centre else None,
            centre_basis=basis, days_in_period=float(days.get(m.pk, 0)),
        ))
    return out


def commute_build(*, members: list[User], period: Period, days_per_week: float | None,
                  aggregate_only: bool, distances: Any = None) -> dict[str, Any]:
    from dataclasses import asdict

    from smartwork.insights.commute import compute
    from smartwork.insights.factors import load_emission_factors

    factors = load_emission_factors()
    study = compute(members=commute_inputs(members=members, period=period),
                    weeks_in_period=period.weeks, factors=factors, days_per_week=days_per_week,
                    distances=distances)
    data = asdict(study)
    data["period"] = {"label": period.label, "first": period.first.isoformat(),
                      "last": period.last.isoformat()}
    k = conf.privacy_min_group()
    data["privacy"] = {"aggregate_only": aggregate_only, "min_group": k}
    if aggregate_only:
        # Per-member lines would disclose each person's days at a centre:
        # aggregate viewers get modes with at least k members, the rest folded.
        data["lines"] = []
        data["excluded"] = [{"reason": r, "members": n} for r, n in sorted(
            _count(e["reason"] for e in study.excluded).items())]
        visible = [m for m in data["by_mode"] if m["members"] >= k]
        small = [m for m in data["by_mode"] if m["members"] < k]
        if small:
            other = {"mode": "other", "label": _("Other modes (under %(k)s members)") % {"k": k},
                     "members": sum(m["members"] for m in small), "factor": None}
            for key in ("km_per_week", "hours_per_week", "kg_per_week", "km_per_year",
                        "hours_per_year", "kg_per_year"):
                other[key] = round(sum(m[key] for m in small), 2)
            visible.append(other)
        data["by_mode"] = visible
        if study.total.get("members", 0) < k:
            data["total"] = {"members": study.total.get("members", 0), "suppressed": True}
            data["by_mode"] = []
    return data


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for item in items:
        out[item] += 1
    return out


def commute_study(*, actor: User, period: Period, company_id: int | None = None,
                  network_id: int | None = None, days_per_week: float | None = None,
                  distances: Any = None) -> dict[str, Any]:
    if days_per_week is not None and not 0 < days_per_week <= 7:
        raise InvalidInput(_("Days per week must be between 0 and 7."),
                           fields={"days_per_week": [_("Between 0 (excluded) and 7.")]})
    if company_id is None and network_id is None:
        raise InvalidInput(_("Give a company or a network."), code="scope_required",
                           fields={"scope": [_("Give a company or a network.")]})
    scope, target = resolve_scope(actor=actor, company_id=company_id,
                                  network_id=network_id)
    qs = User.objects.filter(is_active=True).select_related("company")
    if scope.kind == "company":
        qs = qs.filter(company=target)
    else:
        qs = qs.filter(company__network=target)
    data = commute_build(members=list(qs.order_by("pk")), period=period,
                         days_per_week=days_per_week, aggregate_only=True, distances=distances)
    data["scope"] = {"kind": scope.kind, "id": scope.id,
                     "name": str(target)}
    return data


def my_commute(*, actor: User, period: Period, days_per_week: float | None = None,
               distances: Any = None) -> dict[str, Any]:
    data = commute_build(members=[actor], period=period, days_per_week=days_per_week,
                         aggregate_only=False, distances=distances)
    data["scope"] = {"kind": "member", "id": actor.pk, "name": str(actor)}
    return data


# --- placement ------------------------------------------------------------------


# Below this many homes served, a proposed site is a mini centre (see placement_run).
MINI_CENTRE_BELOW_HOMES = 20


def placement_run(*, actor: User, network_id: int, k: int, company_id: int | None = None,
                  candidates: list[dict[str, Any]] | None = None, capacity: float | None = None,
                  method: str = "exact", time_limit_s: float | None = None) -> dict[str, Any]:
    """k new sites for a network (homes of its members, or of one company's staff)."""
    from dataclasses import asdict

    from smartwork.insights.placement import Site, solve
    from smartwork.insights.towns import load_towns
    from smartwork.network.choices import LabelStatus

    network = network_get(network_id)
    if company_id is not None:
        company = company_get(company_id)
        require(actor, "company.reports", company=company)
        if company.network_id != network.pk:
            why = _("This company buys from another network.")
            raise InvalidInput(why, fields={"company_id": [why]})
        homes_qs = User.objects.filter(company=company)
    else:
        require(actor, "network.reports", network=network)
        homes_qs = User.objects.filter(Q(network=network) | Q(company__network=network))
    if method not in ("exact", "greedy"):
        raise InvalidInput(_("Method is 'exact' or 'greedy'."),
                           fields={"method": [_("Use 'exact' or 'greedy'.")]})
    homes = [(float(str(a)), float(str(b))) for a, b in homes_qs.filter(
        is_active=True, home_lat__isnull=False, home_lon__isnull=False
    ).values_list("home_lat", "home_lon")]
    if candidates is None:
        sites = [Site(t.name, t.lat, t.lon) for t in load_towns()]
        source = "towns"
    else:
        sites = [Site(str(c["name"]), float(c["lat"]), float(c["lon"])) for c in candidates]
        source = "uploaded"
    existing = [(float(lat), float(lon)) for lat, lon in Centre.objects.filter(
        network=network, label_status=LabelStatus.LABELLED).values_list("lat", "lon")]
    result = solve(homes=homes, existing=existing, candidates=sites, k=k, capacity=capacity,
                   method=method, time_limit_s=time_limit_s)
    data = asdict(result)
    # Where demand is thin, a mini centre (issue #21): a full centre has at least 8 desks;
    # someone working there two days a week fills 0.4 of a desk, so 8 desks need about
    # 20 homes. A site serving fewer is proposed as a mini centre (2 to 7 desks).
    for site in data["chosen"]:
        site["format"] = ("mini" if site["homes_served"] < MINI_CENTRE_BELOW_HOMES
                          else "full")
    data["mini_below_homes"] = MINI_CENTRE_BELOW_HOMES
    data["candidate_source"] = source
    data["network"] = {"id": network.pk, "name": network.name}
    data["existing"] = [{"lat": a, "lon": b} for a, b in existing]
    return data


# --- Presence across the network, now and on one day -------------------------------------------


PRESENCE_KINDS = ("check_in", "wifi")
# What the page and the CSV show of a person: loading only these keeps a busy day cheap.
PERSON_FIELDS = ("member__first_name", "member__last_name", "member__email")


def network_presence(*, actor: User, network_id: int, on: dt.date | None = None,
                     centre_id: int | None = None, kind: str | None = None,
                     now: dt.datetime | None = None) -> dict[str, Any]:
    """Who is in which centre now, and the day's check-ins and WiFi sessions per centre
    (the day local to each centre), for the network's operator.

    A check-in is a booking checked in that day; "in now" is a checked-in booking
    running now or an open WiFi session. One person counts once per centre."""
    from smartwork.bookings.choices import BookingState
    from smartwork.bookings.models import Booking
    from smartwork.bookings.slots import zone
    from smartwork.wifi.models import PresenceSession

    require(actor, "network.reports", network=network_id)
    if kind not in (None, "", *PRESENCE_KINDS):
        raise InvalidInput(_("Unknown kind of presence."), fields={"kind": [_("Unknown.")]})
    now = now or timezone.now()
    centres = list(Centre.objects.filter(network_id=network_id).order_by("name"))
    if centre_id is not None:
        centres = [c for c in centres if c.pk == centre_id]
        if not centres:
            raise InvalidInput(_("A centre of another network."),
                               fields={"centre": [_("Not in this network.")]})
    # Each centre's day in its own time zone; two queries for the whole network.
    windows: dict[int, tuple[dt.date, dt.datetime, dt.datetime]] = {}
    for centre in centres:
        tz = zone(centre.timezone)
        day = on or now.astimezone(tz).date()
        start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        windows[centre.pk] = (day, start, start + dt.timedelta(days=1))
    earliest = min((w[1] for w in windows.values()), default=now)
    latest = max((w[2] for w in windows.values()), default=now)
    check_ins: dict[int, list[Booking]] = defaultdict(list)
    sessions: dict[int, list[PresenceSession]] = defaultdict(list)
    if kind in (None, "", "check_in") and windows:
        for b in (Booking.objects.select_related("member", "resource")
                  .only("centre_id", "member_id", "state", "start", "end", "checked_in_at",
                        "resource__name", *PERSON_FIELDS)
                  .filter(centre_id__in=windows, checked_in_at__gte=earliest,
                          checked_in_at__lt=latest).order_by("checked_in_at", "pk")):
            _day, start, end = windows[b.centre_id]
            if b.checked_in_at is not None and start <= b.checked_in_at < end:
                check_ins[b.centre_id].append(b)
    if kind in (None, "", "wifi") and windows:
        for s in (PresenceSession.objects.select_related("member", "nas")
                  .only("centre_id", "member_id", "started_at", "ended_at", "nas__name",
                        *PERSON_FIELDS)
                  .filter(centre_id__in=windows, started_at__lt=latest)
                  .exclude(ended_at__lt=earliest).order_by("started_at", "pk")):
            _day, start, end = windows[s.centre_id]
            if s.started_at < end and (s.ended_at is None or s.ended_at >= start):
                sessions[s.centre_id].append(s)
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for centre in centres:
        day, start, end = windows[centre.pk]
        is_today = start <= now < end
        in_now: dict[int, dict[str, Any]] = {}
        for b in check_ins[centre.pk]:
            here = is_today and b.state == BookingState.CHECKED_IN and b.start <= now < b.end
            events.append({"centre": centre, "member": b.member, "kind": "check_in",
                           "started_at": b.checked_in_at, "ended_at": b.end,
                           "where": b.resource.name, "in_now": here})
            if here:
                in_now.setdefault(b.member_id, {"member": b.member, "since": b.checked_in_at,
                                                "via": "check_in"})
        for s in sessions[centre.pk]:
            here = is_today and s.ended_at is None
            events.append({"centre": centre, "member": s.member, "kind": "wifi",
                           "started_at": s.started_at, "ended_at": s.ended_at,
                           "where": s.nas.name, "in_now": here})
            if here and s.member_id not in in_now:
                in_now[s.member_id] = {"member": s.member, "since": s.started_at, "via": "wifi"}
        centre_sessions = sessions[centre.pk]
        rows.append({
            "centre": centre, "day": day, "is_today": is_today,
            "in_now": sorted(in_now.values(), key=lambda p: (p["member"].last_name,
                                                             p["member"].first_name)),
            "check_ins": len(check_ins[centre.pk]),
            "wifi_sessions": len(centre_sessions),
            "wifi_members": len({s.member_id for s in centre_sessions}),
        })
    events.sort(key=lambda e: (e["centre"].name, e["started_at"]))
    return {
        "centres": rows, "events": events,
        "totals": {"in_now": sum(len(r["in_now"]) for r in rows),
                   "check_ins": sum(r["check_ins"] for r in rows),
                   "wifi_sessions": sum(r["wifi_sessions"] for r in rows)},
    }


def network_presence_csv(presence: dict[str, Any]) -> str:
    """The day's presence, one line per check-in or WiFi session (UTC, ISO 8601)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["centre", "member", "email", "kind", "where", "started_at", "ended_at",
                     "in_now"])
    for e in presence["events"]:
        writer.writerow([
            e["centre"].name, e["member"].get_full_name() or e["member"].email,
            e["member"].email, e["kind"], e["where"],
            e["started_at"].astimezone(dt.UTC).isoformat(timespec="seconds"),
            e["ended_at"].astimezone(dt.UTC).isoformat(timespec="seconds")
            if e["ended_at"] else "",
            "yes" if e["in_now"] else "no",
        ])
    return out.getvalue()
