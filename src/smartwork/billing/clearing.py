"""Clearing between allied networks: what each operator owes the other, netted.

From the credits app's roaming usage records (signed: a refund adds a negative
row), per alliance and period: minutes used by members of A in B's centres and
back, each valued at the alliance's clearing hour rate, then netted into one
amount owed by one network to the other.

An alliance's statements follow one another day after day: each starts the day after
the previous one ends and ends where the alliance's current period (month or quarter)
ends, so a change of the settlement period neither loses days nor clears them twice.

Each roaming row is cleared once, by the first statement drawn up after it was recorded
whose period ends on or after its service date: a statement takes the rows dated up to
its end that no statement took before (it records them, ClearedRoaming). So a row
recorded after its own period's statement (a refund after a cancellation, a booking
entered late) goes with the next statement, shown there as late; a row dated after the
statement's end waits for its own period.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.billing.calc import Period
from smartwork.billing.models import ClearedRoaming, ClearingStatement
from smartwork.billing.settlement import hour_value
from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput
from smartwork.core.permissions import require
from smartwork.credits.models import RoamingUsage
from smartwork.network.choices import SettlementPeriod
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
    """The roaming of the period's days (by service date), valued and netted."""
    a_in_b, b_in_a = roaming_minutes(alliance=alliance, period=period)
    return clearing_amounts(alliance=alliance, a_in_b=a_in_b, b_in_a=b_in_a,
                            rate=alliance.clearing_hour_rate)


def clearing_amounts(*, alliance: Alliance, a_in_b: int, b_in_a: int,
                     rate: Decimal) -> dict[str, Any]:
    """Minutes each way valued at the rate and netted into one amount owed by the debtor.
    Minutes may be negative (refunds of earlier periods): then so is what that side owes."""
    a_owes_b, b_owes_a = hour_value(a_in_b, rate), hour_value(b_in_a, rate)
    net = a_owes_b - b_owes_a
    debtor, creditor = (
        (alliance.network_a_id, alliance.network_b_id) if net > 0
        else (alliance.network_b_id, alliance.network_a_id) if net < 0 else (None, None))
    return {"a_in_b_minutes": a_in_b, "b_in_a_minutes": b_in_a, "rate": rate,
            "a_owes_b": a_owes_b, "b_owes_a": b_owes_a, "net_amount": abs(net),
            "debtor_id": debtor, "creditor_id": creditor}


@dataclass(frozen=True)
class TakenRow:
    id: int
    home_network_id: int
    minutes: int
    service_date: dt.date


def roaming_to_clear(*, alliance: Alliance, upto: dt.date) -> list[TakenRow]:
    """The alliance's roaming rows dated up to `upto` that no statement has taken yet:
    what the statement ending then takes (read once, so that what it records and what it
    sums are the same rows)."""
    return [TakenRow(*row) for row in RoamingUsage.objects.filter(
        alliance=alliance, service_date__lte=upto, cleared__isnull=True,
    ).order_by("pk").values_list("pk", "home_network_id", "minutes", "service_date")]


def clearing_of_rows(*, alliance: Alliance, period: Period, rows: list[TakenRow],
                     rate: Decimal) -> dict[str, Any]:
    """A statement's figures from the rows it takes: minutes each way, of which late
    (dated before its period), valued at the rate and netted."""
    minutes = {alliance.network_a_id: 0, alliance.network_b_id: 0}
    late = {alliance.network_a_id: 0, alliance.network_b_id: 0}
    for row in rows:
        minutes[row.home_network_id] += row.minutes
        if row.service_date < period.start:
            late[row.home_network_id] += row.minutes
    data = clearing_amounts(alliance=alliance, a_in_b=minutes[alliance.network_a_id],
                            b_in_a=minutes[alliance.network_b_id], rate=rate)
    data["a_in_b_late_minutes"] = late[alliance.network_a_id]
    data["b_in_a_late_minutes"] = late[alliance.network_b_id]
    return data


def settlement_period_of(settlement_period: str, month: Period) -> Period:
    """The clearing period an alliance's terms give for a month: the month itself, or
    the calendar quarter it belongs to."""
    if settlement_period != SettlementPeriod.QUARTERLY:
        return month
    first = (month.start.month - 1) // 3 * 3 + 1
    start = month.start.replace(month=first, day=1)
    last = first + 2
    end = month.start.replace(month=last, day=calendar.monthrange(month.start.year, last)[1])
    return Period(start, end)


def clearing_next_period(*, alliance: Alliance, month: Period) -> Period | None:
    """The period of the alliance's next statement when `month` is cleared, or None when
    nothing is due: it starts the day after the last statement's end (whatever that
    statement's kind), or for the first one where the roaming starts; it ends where the
    alliance's current kind of period ends, so a change of the terms takes effect from
    the next statement, and no day is cleared twice or never."""
    regular = settlement_period_of(alliance.settlement_period, month)
    if regular.end != month.end:
        return None  # a quarterly alliance: not the quarter's last month
    last_end = ClearingStatement.objects.filter(alliance=alliance).aggregate(
        end=Max("period_end"))["end"]
    if last_end is not None:
        start = last_end + dt.timedelta(days=1)
    else:
        first = RoamingUsage.objects.filter(alliance=alliance).aggregate(
            day=Min("service_date"))["day"]
        start = regular.start
        if first is not None and first < start:
            # Earlier roaming never cleared: from the start of its own period.
            start = settlement_period_of(alliance.settlement_period, month_of(first)).start
    return Period(start, regular.end) if start <= regular.end else None


def month_of(day: dt.date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(day.replace(day=1), day.replace(day=last))


def clearing_period_note(statement: ClearingStatement) -> str:
    """Empty when the statement covers a whole month or quarter (its kind); else why not."""
    regular = settlement_period_of(statement.settlement_period, month_of(statement.period_end))
    if statement.period_start == regular.start:
        return ""
    if statement.period_start > regular.start:
        return _("A shorter first period after the change of the settlement period: it "
                 "starts the day after the previous statement.")
    return _("A longer period: it also takes in the days not cleared before (the "
             "settlement period changed, or earlier months were not cleared).")


def clearings_create(*, actor: Any, network: Network, period: Period,
                     today: dt.date | None = None,
                     check_permission: bool = True) -> list[ClearingStatement]:
    """For each alliance of the network, the statement due when the month `period` is
    cleared (see clearing_next_period), if it has roaming."""
    if check_permission:
        require(actor, "network.billing", network=network)
    today = today or timezone.localdate()
    if not period.has_ended(today):
        raise InvalidInput(_("The period %(period)s has not ended yet.") % {"period": period.label},
                           code="period_open", fields={"period": _("Not ended yet.")})
    alliances = Alliance.objects.filter(Q(network_a=network) | Q(network_b=network)).filter(
        pk__in=RoamingUsage.objects.filter(service_date__lte=period.end).values("alliance_id")
    ).order_by("pk")
    made = []
    for candidate in alliances:
        try:
            with transaction.atomic():
                # The alliance row is the lock (SQLite: the IMMEDIATE transaction): two
                # runs at once, from either network, read the same last statement one
                # after the other. The unique (alliance, period_start) is the last guard.
                alliance = Alliance.objects.select_for_update().get(pk=candidate.pk)
                cleared = clearing_next_period(alliance=alliance, month=period)
                if cleared is None:
                    continue
                # The ledger's mark first, then the rows: a row recorded in between is
                # above the mark, as those recorded after the statement.
                upto_id = RoamingUsage.objects.filter(alliance=alliance).aggregate(
                    m=Max("pk"))["m"]
                rows = roaming_to_clear(alliance=alliance, upto=cleared.end)
                if not rows:
                    continue
                data = clearing_of_rows(alliance=alliance, period=cleared, rows=rows,
                                        rate=alliance.clearing_hour_rate)
                statement = ClearingStatement.objects.create(
                    alliance=alliance, period_start=cleared.start, period_end=cleared.end,
                    settlement_period=alliance.settlement_period, usage_upto_id=upto_id,
                    **data)
                # The unique usage is the last guard: a row is never cleared twice.
                ClearedRoaming.objects.bulk_create(
                    [ClearedRoaming(statement=statement, usage_id=row.id) for row in rows],
                    batch_size=1000)
                audit_log(actor=actor, action="clearing.created", obj=statement,
                          network_id=network.pk,
                          data={"net": str(statement.net_amount),
                                "debtor": statement.debtor_id,
                                "period": [str(cleared.start), str(cleared.end)],
                                "rows": len(rows),
                                "late_minutes": [statement.a_in_b_late_minutes,
                                                 statement.b_in_a_late_minutes]})
                made.append(statement)
        except IntegrityError:
            continue
    return made
