"""Writes of the economics app: a centre's costs, as an append-only history.

`cost_item_create` opens a cost with its first version; `cost_version_add` gives
it a new amount, basis or end date from a month on. Nothing is ever edited or
deleted: the history of a centre's costs is the list of its versions.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput
from smartwork.core.money import money_round
from smartwork.core.permissions import require
from smartwork.economics.choices import COST_MAX, CostBasis, CostKind
from smartwork.economics.models import CostItem, CostVersion
from smartwork.network.models import Centre


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        why = _("Give an amount such as 1250.00.")
        raise InvalidInput(why, code="invalid_amount", fields={"amount": [why]}) from exc
    if not amount.is_finite():
        why = _("Give an amount such as 1250.00.")
        raise InvalidInput(why, code="invalid_amount", fields={"amount": [why]})
    if amount < 0:
        why = _("A cost cannot be negative (a subsidy is entered as a positive amount of kind "
                "subsidy).")
        raise InvalidInput(why, code="negative_cost", fields={"amount": [why]})
    if amount > COST_MAX:
        why = _("At most %(max)s a month.") % {"max": COST_MAX}
        raise InvalidInput(why, code="cost_too_large", fields={"amount": [why]})
    return money_round(amount)


def _version_fields(*, basis: str, amount: Any, starts_on: dt.date,
                    ends_on: dt.date | None) -> dict[str, Any]:
    if basis not in CostBasis.values:
        why = _("Choose per month or per desk and month.")
        raise InvalidInput(why, fields={"basis": [why]})
    first = month_start(starts_on)
    last = month_end(ends_on) if ends_on is not None else None
    if last is not None and last < first:
        why = _("The end is before the start.")
        raise InvalidInput(why, code="ends_before_start", fields={"ends_on": [why]})
    return {"basis": basis, "amount": _amount(amount), "starts_on": first, "ends_on": last}


def cost_item_create(*, actor: Any, centre: Centre, kind: str, label: str, basis: str,
                     amount: Any, starts_on: dt.date, ends_on: dt.date | None = None,
                     note: str = "") -> CostItem:
    """A new cost of a centre with its first version (amounts are monthly)."""
    require(actor, "centre.economics", centre=centre)
    if kind not in CostKind.values:
        why = _("Choose a kind of cost.")
        raise InvalidInput(why, fields={"kind": [why]})
    label = (label or "").strip()
    if not label:
        why = _("Give the cost a name.")
        raise InvalidInput(why, fields={"label": [why]})
    fields = _version_fields(basis=basis, amount=amount, starts_on=starts_on, ends_on=ends_on)
    with transaction.atomic():
        item = CostItem.objects.create(centre=centre, kind=kind, label=label[:150],
                                       created_by=actor)
        version = CostVersion.objects.create(item=item, note=note[:300], actor=actor, **fields)
        audit_log(actor=actor, action="cost.created", obj=item, network_id=centre.network_id,
                  data={"centre": centre.pk, "kind": kind, "version": version.pk,
                        "amount": str(version.amount), "basis": version.basis,
                        "from": version.starts_on.isoformat(),
                        "until": version.ends_on.isoformat() if version.ends_on else None})
    return item


def cost_version_add(*, actor: Any, item: CostItem, basis: str, amount: Any,
                     starts_on: dt.date, ends_on: dt.date | None = None,
                     note: str = "") -> CostVersion:
    """A new version of a cost from a month on (the earlier ones stay, as history)."""
    require(actor, "centre.economics", centre=item.centre)
    fields = _version_fields(basis=basis, amount=amount, starts_on=starts_on, ends_on=ends_on)
    with transaction.atomic():
        version = CostVersion.objects.create(item=item, note=note[:300], actor=actor, **fields)
        audit_log(actor=actor, action="cost.versioned", obj=item,
                  network_id=item.centre.network_id,
                  data={"version": version.pk, "amount": str(version.amount),
                        "basis": version.basis, "from": version.starts_on.isoformat(),
                        "until": version.ends_on.isoformat() if version.ends_on else None})
    return version
