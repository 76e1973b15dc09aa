"""Clearing between allied networks: what each operator owes the other, netted.

From the credits app's roaming usage records (signed: a refund adds a negative
row), per alliance and period: minutes used by members of A in B's centres and
back, each valued at the alliance's clearing hour rate, then netted into one
amount owed by one network to the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.billing.calc import Period
from smartwork.billing.models import ClearingStatement
from smartwork.billing.settlement import hour_value
from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput
from smartwork.core.permissions import require
from smartwork.credits.models import RoamingUsage
from smartwork.network.models import Alliance, Network


def roaming_minutes(*, alliance: Alliance, period: Period) -> tuple[int, int]:
    """(minutes of A's members in B, minutes of B's members in A) for the period."""
    rows = dict(
        RoamingUsage.objects.filter(alliance=alliance, service_date__gte=period.start,
                                    service_date__lte=period.end)
        .values_list("home_network_id").annotate(m=Sum("minutes")).values_list(
            "home_network_id", "m")
    )
    return int(rows.get(alliance.network_a_id) or 0), int(rows.get(alliance.network_b_id) or 0)


def clearing_compute(*, alliance: Alliance, period: Period) -> dict[str, Any]:
    a_in_b, b_in_a = roaming_minutes(alliance=alliance, period=period)
    rate = alliance.clearing_hour_rate
    a_owes_b, b_owes_a = hour_value(a_in_b, rate), hour_value(b_in_a, rate)
    net = a_owes_b - b_owes_a
    debtor, creditor = (
        (alliance.network_a_id, alliance.network_b_id) if net > 0
        else (alliance.network_b_id, alliance.network_a_id) if net < 0 else (None, None))
    return {"a_in_b_minutes": a_in_b, "b_in_a_minutes": b_in_a, "rate": rate,
            "a_owes_b": a_owes_b, "b_owes_a": b_owes_a, "net_amount": abs(net),
            "debtor_id": debtor, "creditor_id": creditor}


def clearings_create(*, actor: Any, network: Network, period: Period,
                     today: dt.date | None = None,
                     check_permission: bool = True) -> list[ClearingStatement]:
    """One clearing statement per alliance of the network with roaming in the period."""
    if check_permission:
        require(actor, "network.billing", network=network)
    today = today or timezone.localdate()
    if not period.has_ended(today):
        raise InvalidInput(_("The period %(period)s has not ended yet.") % {"period": period.label},
                           code="period_open", fields={"period": _("Not ended yet.")})
    alliances = Alliance.objects.filter(Q(network_a=network) | Q(network_b=network)).filter(
        pk__in=RoamingUsage.objects.filter(
            service_date__gte=period.start, service_date__lte=period.end,
        ).values("alliance_id")).order_by("pk")
    made = []
    for alliance in alliances:
        try:
            with transaction.atomic():
                if ClearingStatement.objects.filter(alliance=alliance,
                                                    period_start=period.start).exists():
                    continue
                data = clearing_compute(alliance=alliance, period=period)
                statement = ClearingStatement.objects.create(
                    alliance=alliance, period_start=period.start, period_end=period.end, **data)
                audit_log(actor=actor, action="clearing.created", obj=statement,
                          network_id=network.pk,
                          data={"net": str(statement.net_amount),
                                "debtor": statement.debtor_id})
                made.append(statement)
        except IntegrityError:
            continue
    return made
