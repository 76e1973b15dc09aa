"""Writes for networks, centres, the label, resources, prices, hours and closures."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartwork.accounts.choices import OrganisationKind
from smartwork.accounts.models import Organisation, User
from smartwork.accounts.scopes import organisation_network_ids
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput
from smartwork.core.permissions import require, roles_of
from smartwork.network.choices import (
    MIN_DESKS_BY_TIER,
    AllianceStatus,
    Equipment,
    HostedVisibility,
    LabelStatus,
    LabelTier,
    ResourceKind,
    Service,
    SettlementPeriod,
)
from smartwork.network.models import (
    Alliance,
    Centre,
    Closure,
    Inspection,
    LabelEvent,
    Network,
    OpeningHours,
    Price,
    Resource,
)

CENTRE_FIELDS = {
    "name", "description", "street", "postcode", "city", "country", "address_is_demo", "lat",
    "lon", "timezone", "morning_start", "morning_end", "afternoon_start", "afternoon_end",
    "no_show_grace_minutes", "services", "email", "phone", "label_tier",
}
NETWORK_FIELDS = {
    "name", "default_vat_rate", "commission_rate", "booking_window_days",
    "cancellation_deadline_hours", "credit_hour_value", "desk_half_day_hours",
    "desk_full_day_hours", "room_hour_factor", "payment_terms_days", "wifi_access_rule",
    "mini_credit_percent",
}


def _invalid(errors: Mapping[str, list[str]]) -> InvalidInput:
    first = next(iter(errors.values()))[0]
    return InvalidInput(first, fields=dict(errors))


def _full_clean(obj: Any, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise _invalid({k: list(v) for k, v in exc.message_dict.items()}) from exc


def _unknown(data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise _invalid({name: [_("Unknown field.")] for name in sorted(unknown)})


# --- Networks and alliances -----------------------------------------------------


def network_update(*, actor: User, network: Network, **data: Any) -> Network:
    require(actor, "network.edit", network=network)
    _unknown(data, NETWORK_FIELDS)
    for name, value in data.items():
        setattr(network, name, value)
    _full_clean(network, exclude=["operator"])
    network.save()
    audit_log(actor=actor, action="network.updated", obj=network,
              data={k: str(v) for k, v in data.items()}, network_id=network.pk)
    return network


def alliance_create(
    *, actor: User, network: Network, other: Network, starts_on: dt.date,
    ends_on: dt.date | None = None, clearing_hour_rate: Decimal = Decimal("5.00"),
    settlement_period: str = SettlementPeriod.MONTHLY,
    open_centre_ids: Iterable[int] | None = None,
) -> Alliance:
    """Propose an alliance with its terms: the clearing rate, the settlement period and
    the centres open to the other side's members (none named: every labelled centre)."""
    require(actor, "alliance.manage", network=network)
    if network.pk == other.pk:
        raise InvalidInput(_("An alliance joins two different networks."),
                           fields={"other_network_id": [_("Choose another network.")]})
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("The alliance ends before it starts."),
                           fields={"ends_on": [_("Must be on or after the start.")]})
    centres = _alliance_terms_check(networks={network.pk, other.pk},
                                    settlement_period=settlement_period,
                                    clearing_hour_rate=clearing_hour_rate,
                                    open_centre_ids=open_centre_ids)
    with transaction.atomic():
        alliance = Alliance.objects.create(
            network_a=network, network_b=other, starts_on=starts_on, ends_on=ends_on,
            clearing_hour_rate=clearing_hour_rate, status=AllianceStatus.PROPOSED,
            settlement_period=settlement_period,
        )
        alliance.open_centres.set(centres)
        audit_log(actor=actor, action="alliance.created", obj=alliance, network_id=network.pk,
                  data={"settlement_period": settlement_period,
                        "open_centres": sorted(c.pk for c in centres),
                        "clearing_hour_rate": str(clearing_hour_rate)})
    return alliance


def _alliance_terms_check(*, networks: set[int], settlement_period: str,
                          clearing_hour_rate: Decimal,
                          open_centre_ids: Iterable[int] | None) -> list[Centre]:
    errors: dict[str, list[str]] = {}
    if settlement_period not in SettlementPeriod.values:
        errors["settlement_period"] = [_("Unknown settlement period.")]
    if clearing_hour_rate is None or clearing_hour_rate < 0:
        errors["clearing_hour_rate"] = [_("A rate cannot be negative.")]
    ids = sorted(set(open_centre_ids or []))
    centres = list(Centre.objects.filter(pk__in=ids, network_id__in=networks))
    if len(centres) != len(ids):
        errors["open_centre_ids"] = [_("Only centres of the two allied networks.")]
    if errors:
        raise _invalid(errors)
    return centres


def alliance_terms_set(
    *, actor: User, alliance: Alliance, settlement_period: str, clearing_hour_rate: Decimal,
    open_centre_ids: Iterable[int] | None = None,
) -> Alliance:
    """Change the terms of a proposed or active alliance (either side's operator)."""
    if not (_is_operator_of(actor, alliance.network_a_id)
            or _is_operator_of(actor, alliance.network_b_id)):
        require(actor, "alliance.manage", network=alliance.network_a_id)
    centres = _alliance_terms_check(
        networks={alliance.network_a_id, alliance.network_b_id},
        settlement_period=settlement_period, clearing_hour_rate=clearing_hour_rate,
        open_centre_ids=open_centre_ids)
    with transaction.atomic():
        alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
        if alliance.status == AllianceStatus.ENDED:
            raise Conflict(_("An ended alliance keeps its terms."), code="alliance_ended",
                           fields={"settlement_period": [_("The alliance has ended.")]})
        before = {"settlement_period": alliance.settlement_period,
                  "clearing_hour_rate": str(alliance.clearing_hour_rate),
                  "open_centres": sorted(alliance.open_centres.values_list("pk", flat=True))}
        alliance.settlement_period = settlement_period
        alliance.clearing_hour_rate = clearing_hour_rate
        alliance.save(update_fields=["settlement_period", "clearing_hour_rate", "updated_at"])
        alliance.open_centres.set(centres)
        audit_log(actor=actor, action="alliance.terms_changed", obj=alliance,
                  network_id=alliance.network_a_id,
                  network_ids=[alliance.network_a_id, alliance.network_b_id],
                  data={"before": before, "after": {
                      "settlement_period": settlement_period,
                      "clearing_hour_rate": str(clearing_hour_rate),
                      "open_centres": sorted(c.pk for c in centres)}})
    return alliance


# The way an alliance may move: the other network accepts a proposal; either side ends it.
ALLIANCE_MOVES = {
    AllianceStatus.PROPOSED: {AllianceStatus.ACTIVE, AllianceStatus.ENDED},
    AllianceStatus.ACTIVE: {AllianceStatus.ENDED},
    AllianceStatus.ENDED: set(),
}


def alliance_set_status(*, actor: User, alliance: Alliance, status: str) -> Alliance:
    # Either side's operator may act on it.
    if not (_is_operator_of(actor, alliance.network_a_id)
            or _is_operator_of(actor, alliance.network_b_id)):
        require(actor, "alliance.manage", network=alliance.network_a_id)
    if status not in AllianceStatus.values:
        raise InvalidInput(_("Unknown status."), fields={"status": [_("Unknown status.")]})
    with transaction.atomic():
        # Locked and re-read: two operators acting at once see one outcome.
        alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
        old = alliance.status
        if status not in ALLIANCE_MOVES[AllianceStatus(old)]:
            raise Conflict(_("An alliance that is %(old)s cannot become %(new)s.") % {
                "old": AllianceStatus(old).label, "new": AllianceStatus(status).label},
                code="alliance_status", fields={"status": [_("Not allowed from here.")]})
        if (status == AllianceStatus.ACTIVE and not actor.is_superuser
                and not _is_operator_of(actor, alliance.network_b_id)):
            raise Conflict(_("The invited network accepts the proposal, not the one that made it."),
                           code="alliance_own_proposal",
                           fields={"status": [_("Wait for the other network.")]})
        alliance.status = status
        alliance.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, action="alliance.status_changed", obj=alliance,
                  data={"from": old, "to": status}, network_id=alliance.network_a_id)
    return alliance


def _is_operator_of(actor: User, network_id: int) -> bool:
    from smartwork.core.permissions import allowed

    return allowed(actor, "alliance.manage", network=network_id)


# --- Centres --------------------------------------------------------------------


def _clean_centre_values(data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "timezone" in data:
        try:
            zoneinfo.ZoneInfo(str(data["timezone"]))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = [_("Unknown time zone, e.g. Europe/Brussels.")]
    if "services" in data:
        services = data["services"] or []
        bad = [s for s in services if s not in Service.values]
        if bad:
            errors["services"] = [_("Unknown services: %(s)s.") % {"s": ", ".join(map(str, bad))}]
        data["services"] = sorted(set(services) - set(bad))
    for coord, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        if coord in data and data[coord] is not None:
            try:
                value = Decimal(str(data[coord]))
            except ArithmeticError:
                errors[coord] = [_("Must be a number.")]
                continue
            if not (low <= value <= high):
                errors[coord] = [_("Must be between %(low)s and %(high)s.") % {
                    "low": low, "high": high}]
            data[coord] = value.quantize(Decimal("0.000001"))
    return errors


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "centre"
    slug, n = base, 2
    while Centre.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def centre_create(
    *, actor: User, network: Network, operator: Organisation,
    host_company: Organisation | None = None, visibility: str = HostedVisibility.EVERYONE,
    partner_ids: Iterable[int] = (), **data: Any,
) -> Centre:
    """A centre run by a centre operator, or (with `host_company`) desks a customer
    company opens in its own office: the company is then the centre's operator, and
    `visibility` says who sees it (everyone, its own members, or named partners too)."""
    require(actor, "centre.create", network=network)
    _unknown(data, CENTRE_FIELDS)
    errors = _clean_centre_values(data)
    if data.get("label_tier", LabelTier.FULL) not in LabelTier.values:
        errors["label_tier"] = [_("Unknown label tier.")]
    partners: list[Organisation] = []
    if host_company is not None:
        if host_company.kind != OrganisationKind.COMPANY or host_company.network_id != network.pk:
            errors["host_company_id"] = [_("The host is a customer company of this network.")]
        elif operator.pk != host_company.pk:
            errors["operator_id"] = [_("A company-hosted space is operated by its host.")]
        partners, partner_errors = _partners_check(network=network, host=host_company,
                                                   visibility=visibility, partner_ids=partner_ids)
        errors.update(partner_errors)
    elif visibility != HostedVisibility.EVERYONE or list(partner_ids):
        errors["visibility"] = [_("Only a company-hosted space limits who sees it.")]
    if host_company is None and operator.kind not in (OrganisationKind.CENTRE_OPERATOR,
                                                      OrganisationKind.NETWORK_OPERATOR):
        errors["operator_id"] = [_("The operating organisation must be a centre operator.")]
    elif host_company is None:
        works_with = organisation_network_ids(operator)
        if works_with and network.pk not in works_with and not roles_of(actor).superuser:
            # Another network's centre operator: not this operator's to pick (it would
            # then be in their scope, bank account included).
            errors["operator_id"] = [_("Unknown organisation.")]
    if errors:
        raise _invalid(errors)
    centre = Centre(network=network, operator=operator, host_company=host_company,
                    visibility=visibility, **data)
    centre.slug = _unique_slug(centre.name or "centre")
    _full_clean(centre, exclude=["photo"])
    with transaction.atomic():
        centre.save()
        centre.partner_companies.set(partners)
        # The centre operator now works with this network.
        operator.networks.add(network)
        audit_log(actor=actor, action="centre.created", obj=centre, data={
            "name": centre.name, "format": centre.format, "visibility": visibility,
            "partners": sorted(p.pk for p in partners)})
    return centre


def _partners_check(*, network: Network, host: Organisation, visibility: str,
                    partner_ids: Iterable[int]) -> tuple[list[Organisation], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    ids = sorted({int(i) for i in partner_ids})
    if visibility not in HostedVisibility.values:
        return [], {"visibility": [_("Unknown visibility.")]}
    if visibility != HostedVisibility.PARTNERS and ids:
        errors["partner_ids"] = [_("Partner companies are named only for partner visibility.")]
    if visibility == HostedVisibility.PARTNERS and not ids:
        errors["partner_ids"] = [_("Name at least one partner company.")]
    if host.pk in ids:
        errors["partner_ids"] = [_("The host company sees its own space already.")]
    partners = list(Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.COMPANY,
                                                network_id=network.pk))
    if len(partners) != len(ids) and "partner_ids" not in errors:
        errors["partner_ids"] = [_("Only customer companies of this network.")]
    return partners, errors


def hosted_visibility_set(
    *, actor: User, centre: Centre, visibility: str, partner_ids: Iterable[int] = (),
) -> Centre:
    """Who sees a company-hosted space: the network's operator or the host's admin."""
    if centre.host_company_id is None:
        require(actor, "centre.edit", centre=centre)
        raise InvalidInput(_("Only a company-hosted space limits who sees it."),
                           fields={"visibility": [_("Not a company-hosted space.")]})
    require(actor, "company.hosted_space", company=centre.host_company)
    assert centre.host_company is not None
    partners, errors = _partners_check(network=centre.network, host=centre.host_company,
                                       visibility=visibility, partner_ids=partner_ids)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        locked = Centre.objects.select_for_update().get(pk=centre.pk)
        before = {"visibility": locked.visibility, "partners": sorted(
            locked.partner_companies.values_list("pk", flat=True))}
        locked.visibility = visibility
        locked.save(update_fields=["visibility", "updated_at"])
        locked.partner_companies.set(partners)
        audit_log(actor=actor, action="centre.visibility_set", obj=locked, data={
            "before": before, "after": {"visibility": visibility,
                                        "partners": sorted(p.pk for p in partners)}})
    centre.visibility = visibility
    return centre


def centre_update(*, actor: User, centre: Centre, **data: Any) -> Centre:
    require(actor, "centre.edit", centre=centre)
    _unknown(data, CENTRE_FIELDS)
    errors = _clean_centre_values(data)
    if "label_tier" in data and data["label_tier"] not in LabelTier.values:
        errors["label_tier"] = [_("Unknown label tier.")]
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        # The row as it is now, locked as the label's changes lock it: the tier rule
        # reads the current label, and only the given fields are written (a save of the
        # caller's copy would put back a label or visibility changed meanwhile).
        locked = Centre.objects.select_for_update().get(pk=centre.pk)
        if ("label_tier" in data and data["label_tier"] != locked.label_tier
                and locked.label_status in (LabelStatus.LABELLED, LabelStatus.SUSPENDED)):
            # The label was awarded at a tier: another tier is another label, inspected
            # anew.
            raise Conflict(_("Withdraw the label before changing the tier; the centre is "
                             "then inspected against the new tier's checklist."),
                           code="tier_change_needs_relabel",
                           fields={"label_tier": [_("Not while labelled.")]})
        for name, value in data.items():
            setattr(locked, name, value)
        _full_clean(locked, exclude=["photo"])
        locked.save(update_fields=[*data, "updated_at"])
        audit_log(actor=actor, action="centre.updated", obj=locked,
                  data={k: str(v) for k, v in data.items()})
    for name in [*data, "updated_at"]:
        setattr(centre, name, getattr(locked, name))  # the caller's copy too
    return locked


def opening_hours_set(
    *, actor: User, centre: Centre, intervals: Iterable[tuple[int, dt.time, dt.time]]
) -> list[OpeningHours]:
    """Replace the week's opening hours; intervals on one day may not overlap."""
    require(actor, "centre.hours", centre=centre)
    rows = sorted(intervals)
    errors: list[str] = []
    for weekday, opens, closes in rows:
        if not 0 <= weekday <= 6:
            errors.append(_("Weekday must be 0 (Monday) to 6 (Sunday)."))
        if opens >= closes:
            errors.append(_("%(day)s: opening %(o)s is not before closing %(c)s.") % {
                "day": weekday, "o": f"{opens:%H:%M}", "c": f"{closes:%H:%M}"})
    for (d1, _o1, c1), (d2, o2, _c2) in itertools.pairwise(rows):
        if d1 == d2 and o2 < c1:
            errors.append(_("Day %(day)s: two opening intervals overlap.") % {"day": d1})
    if errors:
        raise InvalidInput(errors[0], fields={"hours": errors})
    with transaction.atomic():
        OpeningHours.objects.filter(centre=centre).delete()
        created = OpeningHours.objects.bulk_create(
            [OpeningHours(centre=centre, weekday=d, opens=o, closes=c) for d, o, c in rows]
        )
        audit_log(actor=actor, action="centre.hours_set", obj=centre, data={
            "hours": [[d, f"{o:%H:%M}", f"{c:%H:%M}"] for d, o, c in rows]})
    return created


def closure_add(
    *, actor: User, centre: Centre, start_date: dt.date, end_date: dt.date, reason: str
) -> Closure:
    require(actor, "centre.hours", centre=centre)
    if end_date < start_date:
        raise InvalidInput(_("The closure ends before it starts."),
                           fields={"end_date": [_("Must be on or after the start date.")]})
    if not reason.strip():
        raise InvalidInput(_("Say why the centre is closed."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        closure = Closure.objects.create(
            centre=centre, start_date=start_date, end_date=end_date, reason=reason.strip()
        )
        audit_log(actor=actor, action="centre.closure_added", obj=centre,
                  data={"start": str(start_date), "end": str(end_date), "reason": reason})
    return closure


def closure_remove(*, actor: User, closure: Closure) -> None:
    require(actor, "centre.hours", centre=closure.centre)
    with transaction.atomic():
        audit_log(actor=actor, action="centre.closure_removed", obj=closure.centre,
                  data={"start": str(closure.start_date), "end": str(closure.end_date)})
        closure.delete()


# --- The label ------------------------------------------------------------------


def inspection_record(
    *, actor: User, centre: Centre, visited_on: dt.date, inspector_name: str,
    items: Mapping[str, Mapping[str, Any]], notes: str = "",
) -> Inspection:
    """Record a visit. `items` maps each checklist code to {"passed": bool, "note": str};
    every item of the standard of the centre's tier (the network's full label or its mini
    tier) must be answered."""
    require(actor, "centre.inspect", centre=centre)
    standard = label_checklist_for(centre)
    codes = [item["code"] for item in standard]
    missing = [c for c in codes if c not in items]
    unknown = [c for c in items if c not in codes]
    errors: dict[str, list[str]] = {}
    if missing:
        errors["items"] = [_("Answer every item of the checklist; missing: %(m)s.") % {
            "m": ", ".join(missing)}]
    if unknown:
        errors.setdefault("items", []).append(
            _("Not in the network's checklist: %(u)s.") % {"u": ", ".join(unknown)})
    if visited_on > timezone.localdate():
        errors["visited_on"] = [_("An inspection cannot be recorded before it happens.")]
    if not inspector_name.strip():
        errors["inspector_name"] = [_("Required.")]
    if errors:
        raise _invalid(errors)
    checklist = [
        {"code": item["code"], "label": item["label"], "passed": bool(items[item["code"]].get(
            "passed")), "note": str(items[item["code"]].get("note", ""))[:500]}
        for item in standard
    ]
    passed = all(entry["passed"] for entry in checklist)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            centre=centre, visited_on=visited_on, inspector=actor,
            inspector_name=inspector_name.strip(), checklist=checklist, passed=passed,
            notes=notes, tier=centre.label_tier,
        )
        audit_log(actor=actor, action="centre.inspected", obj=centre, data={
            "inspection_id": inspection.pk, "passed": passed, "tier": centre.label_tier,
            "failed_items": [e["code"] for e in checklist if not e["passed"]]})
    return inspection


def label_checklist_for(centre: Centre) -> list[dict[str, str]]:
    """The checklist a centre is inspected against: its network's, for its tier."""
    network = centre.network
    if centre.label_tier == LabelTier.MINI:
        return list(network.mini_label_checklist)
    return list(network.label_checklist)


ALLOWED_LABEL_MOVES = {
    LabelStatus.CANDIDATE: {LabelStatus.LABELLED, LabelStatus.WITHDRAWN},
    LabelStatus.LABELLED: {LabelStatus.SUSPENDED, LabelStatus.WITHDRAWN},
    LabelStatus.SUSPENDED: {LabelStatus.LABELLED, LabelStatus.WITHDRAWN},
    LabelStatus.WITHDRAWN: {LabelStatus.CANDIDATE},
}


def centre_label_change(
    *, actor: User, centre: Centre, to_status: str, reason: str = ""
) -> LabelEvent:
    require(actor, "centre.label", centre=centre)
    if to_status not in LabelStatus.values:
        raise InvalidInput(_("Unknown label status."), fields={"status": [_("Unknown status.")]})
    with transaction.atomic():
        locked = Centre.objects.select_for_update().get(pk=centre.pk)
        current = LabelStatus(locked.label_status)
        if to_status not in ALLOWED_LABEL_MOVES[current]:
            raise Conflict(
                _("A %(cur)s centre cannot become %(to)s.") % {"cur": current.label,
                                                               "to": LabelStatus(to_status).label},
                code="label_transition_not_allowed", fields={"status": [_("Not allowed now.")]},
            )
        inspection = None
        if to_status == LabelStatus.LABELLED:
            inspection = locked.inspections.order_by("-visited_on", "-id").first()
            if inspection is None or not inspection.passed:
                raise Conflict(
                    _("A centre is labelled only after a passed inspection."),
                    code="label_needs_passed_inspection",
                    fields={"status": [_("Record a passed inspection first.")]},
                )
            if inspection.tier != locked.label_tier:
                raise Conflict(
                    _("The last inspection was against another tier's checklist; inspect "
                      "the centre against its own tier first."),
                    code="label_needs_tier_inspection",
                    fields={"status": [_("Record a passed inspection of this tier.")]},
                )
            minimum = MIN_DESKS_BY_TIER[LabelTier(locked.label_tier)]
            desks = locked.resources.filter(kind=ResourceKind.DESK, is_active=True).count()
            if desks < minimum:
                raise Conflict(
                    _("A labelled centre has at least %(min)s active desks; this one has "
                      "%(n)s.") % {"min": minimum, "n": desks},
                    code="label_needs_desks",
                    fields={"status": [_("Not enough active desks.")]},
                )
        if to_status in (LabelStatus.SUSPENDED, LabelStatus.WITHDRAWN) and not reason.strip():
            raise InvalidInput(_("Give the reason for a suspension or withdrawal."),
                               fields={"reason": [_("Required.")]})
        event = LabelEvent.objects.create(
            centre=locked, from_status=current, to_status=to_status, reason=reason.strip(),
            inspection=inspection, actor=actor,
        )
        locked.label_status = to_status
        locked.label_changed_at = timezone.now()
        locked.save(update_fields=["label_status", "label_changed_at", "updated_at"])
        audit_log(actor=actor, action="centre.label_changed", obj=locked, data={
            "from": current.value, "to": to_status, "reason": reason,
            "tier": locked.label_tier,
            "inspection_id": inspection.pk if inspection else None})
    centre.label_status = to_status
    centre.label_changed_at = locked.label_changed_at
    return event


# --- Resources and prices -------------------------------------------------------


def _clean_equipment(equipment: Iterable[str] | None) -> list[str]:
    equipment = list(equipment or [])
    bad = [e for e in equipment if e not in Equipment.values]
    if bad:
        raise InvalidInput(_("Unknown equipment: %(e)s.") % {"e": ", ".join(map(str, bad))},
                           fields={"equipment": [_("Unknown equipment.")]})
    return sorted(set(equipment))


def resource_create(
    *, actor: User, centre: Centre, kind: str, name: str, capacity: int = 1,
    equipment: Iterable[str] | None = None, is_active: bool = True,
) -> Resource:
    require(actor, "centre.resources", centre=centre)
    if kind not in ResourceKind.values:
        raise InvalidInput(_("Unknown resource kind."), fields={"kind": [_("Unknown kind.")]})
    resource = Resource(centre=centre, kind=kind, name=name.strip(), capacity=capacity,
                        equipment=_clean_equipment(equipment), is_active=is_active)
    _check_resource(resource)
    try:
        with transaction.atomic():
            resource.save()
            audit_log(actor=actor, action="resource.created", obj=resource,
                      data={"kind": kind, "name": resource.name})
    except IntegrityError as exc:
        raise _duplicate_name() from exc
    return resource


def _duplicate_name() -> Conflict:
    return Conflict(_("A resource with this name exists in this centre."),
                    code="duplicate_name", fields={"name": [_("Already used in this centre.")]})


def _check_resource(resource: Resource) -> None:
    errors: dict[str, list[str]] = {}
    if not resource.name:
        errors["name"] = [_("Required.")]
    if resource.capacity is None or resource.capacity < 1:
        errors["capacity"] = [_("At least 1.")]
    if errors:
        raise _invalid(errors)
    if Resource.objects.filter(centre_id=resource.centre_id, name=resource.name).exclude(
        pk=resource.pk
    ).exists():
        raise _duplicate_name()


def resource_update(*, actor: User, resource: Resource, **data: Any) -> Resource:
    require(actor, "centre.resources", centre=resource.centre)
    _unknown(data, {"name", "capacity", "equipment", "is_active"})
    if "equipment" in data:
        data["equipment"] = _clean_equipment(data["equipment"])
    if "name" in data:
        data["name"] = str(data["name"]).strip()
    for name, value in data.items():
        setattr(resource, name, value)
    _check_resource(resource)
    try:
        with transaction.atomic():
            resource.save()
            audit_log(actor=actor, action="resource.updated", obj=resource,
                      data={k: str(v) for k, v in data.items()})
    except IntegrityError as exc:
        raise _duplicate_name() from exc
    return resource


def price_set(
    *, actor: User, centre: Centre, resource_kind: str, valid_from: dt.date,
    per_half_day: Decimal | None = None, per_day: Decimal | None = None,
    per_hour: Decimal | None = None, vat_rate: Decimal | None = None,
) -> Price:
    require(actor, "centre.prices", centre=centre)
    errors: dict[str, list[str]] = {}
    if resource_kind not in ResourceKind.values:
        errors["resource_kind"] = [_("Unknown resource kind.")]
    for name, value in (("per_half_day", per_half_day), ("per_day", per_day),
                        ("per_hour", per_hour)):
        if value is not None and value < 0:
            errors[name] = [_("A price cannot be negative.")]
    if per_half_day is None and per_day is None and per_hour is None:
        errors["per_day"] = [_("Give at least one price.")]
    rate = centre.network.default_vat_rate if vat_rate is None else vat_rate
    if not Decimal(0) <= rate <= Decimal(100):
        errors["vat_rate"] = [_("A VAT rate is between 0 and 100 %.")]
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        price, _created = Price.objects.update_or_create(
            centre=centre, resource_kind=resource_kind, valid_from=valid_from,
            defaults={"per_half_day": per_half_day, "per_day": per_day, "per_hour": per_hour,
                      "vat_rate": rate},
        )
        audit_log(actor=actor, action="price.set", obj=centre, data={
            "kind": resource_kind, "valid_from": str(valid_from), "per_half_day": str(per_half_day),
            "per_day": str(per_day), "per_hour": str(per_hour), "vat_rate": str(rate)})
    return price
