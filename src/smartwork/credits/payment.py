"""Paying for bookings with time credit: how much a booking costs, how it is paid
(company credit, a membership's hours, pay-as-you-go), the payment plan made before
the booking is written (`booking_payment_plan`, booking_pay's fast path), refunds and
no-shows, and the approval beyond an employee's monthly cap.

The booking engine calls these through `smartwork.bookings.payment`. Minutes move
through `services._post` on locked accounts, as everywhere in the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, User
from smartwork.core import fastsql
from smartwork.core.errors import Conflict
from smartwork.core.money import money_round
from smartwork.credits import sql as credits_sql
from smartwork.credits.choices import (
    AccountKind,
    LedgerReason,
    MembershipState,
    PaygBillTo,
    PaymentMethod,
)
from smartwork.credits.locks import credit_accounts_lock, lock_order_note
from smartwork.credits.models import (
    Allotment,
    CompanyCreditPolicy,
    CreditAccount,
    LedgerEntry,
    Membership,
    MembershipPlan,
    PaygCharge,
    RoamingUsage,
)
from smartwork.credits.services import (
    _post,
    _return_to_pool,
    _today,
    month_end,
)
from smartwork.network.models import Alliance, Centre, Price

# --- Paying for a booking -----------------------------------------------------------------


def booking_cost_minutes(*, booking: Any) -> int:
    """Desks and offices by the slot, at the hours the centre's network sets; rooms at the
    network's room factor times their length."""
    from smartwork.bookings.choices import Slot

    network = booking.centre.network
    if booking.slot == Slot.FULL_DAY:
        minutes = int(network.desk_full_day_hours) * 60
    elif booking.slot in (Slot.MORNING, Slot.AFTERNOON):
        minutes = int(network.desk_half_day_hours) * 60
    else:
        minutes = int(network.room_hour_factor) * int(
            (booking.end - booking.start).total_seconds() // 60)
    return tier_minutes(minutes, centre=booking.centre, network=network)


def tier_minutes(minutes: int, *, centre: Any, network: Any) -> int:
    """The mini tier's price rule (issue #21): a mini centre costs the network's
    `mini_credit_percent` of a full centre's credit minutes, rounded half up to the
    minute (8 h at 75 % = 360 min)."""
    from smartwork.network.choices import LabelTier

    if getattr(centre, "label_tier", LabelTier.FULL) != LabelTier.MINI:
        return minutes
    return (minutes * int(network.mini_credit_percent) + 50) // 100


def _booking_date(booking: Any) -> dt.date:
    from smartwork.bookings.slots import to_local

    return to_local(booking.start, booking.centre.timezone).date()


@dataclass
class _Candidate:
    rank: int
    valid_until: dt.date
    account: CreditAccount
    allotment: Allotment | None


def _row_locks() -> bool:
    return bool(connection.features.has_select_for_update)


_OPEN_ALLOTMENT = (
    "l.company_id = %s AND l.ended_at IS NULL AND l.starts_on <= %s AND ("
    "l.member_id = %s OR l.team_id IN (SELECT team_id FROM accounts_teammembership "
    "WHERE user_id = %s) OR (l.member_id IS NULL AND l.team_id IS NULL))")


def _open_allotments(*, company_id: int, member_id: int, on: dt.date,
                     found: list[Allotment] | None = None,
                     ) -> dict[int, tuple[Allotment, set[int]]]:
    """The company's open allotments that may pay for this member (theirs, their teams',
    company-wide), by account id, with their centre ids: two plain statements at most
    (`found`: the allotments, already read by `_policy_and_allotments`)."""
    day = connection.ops.adapt_datefield_value(on)
    with fastsql.cursor() as cursor:
        if found is None:
            cursor.execute(
                f"SELECT {fastsql.columns(Allotment, 'l')[0]} FROM credits_allotment l "  # noqa: S608
                f"WHERE {_OPEN_ALLOTMENT}", [company_id, day, member_id, member_id])
            found = [fastsql.from_row(Allotment, row) for row in cursor.fetchall()]
        centres: dict[int, set[int]] = {a.pk: set() for a in found}
        if found:
            through = Allotment.centres.through._meta
            cursor.execute(
                f"SELECT allotment_id, centre_id FROM {through.db_table} "  # noqa: S608
                f"WHERE allotment_id IN ({', '.join(['%s'] * len(found))})",
                [a.pk for a in found])
            for allotment_id, centre_id in cursor.fetchall():
                centres[allotment_id].add(centre_id)
    return {a.account_id: (a, centres[a.pk]) for a in found}


def _policy_and_allotments(*, company_id: int, member_id: int,
                           on: dt.date) -> tuple[CompanyCreditPolicy, list[Allotment]]:
    """The company's credit policy (its defaults when it has none) and the open
    allotments that may pay for this member, in one statement: one row per allotment,
    each with the policy."""
    p_cols, p_names = fastsql.columns(CompanyCreditPolicy, "cp")
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT {p_cols}, {fastsql.columns(Allotment, 'l')[0]} "  # noqa: S608
            "FROM (SELECT 1 AS one) x "
            "LEFT JOIN credits_companycreditpolicy cp ON cp.company_id = %s "
            f"LEFT JOIN credits_allotment l ON {_OPEN_ALLOTMENT}",
            [company_id, company_id, connection.ops.adapt_datefield_value(on), member_id,
             member_id])
        rows = cursor.fetchall()
    first = rows[0]
    policy = (CompanyCreditPolicy(company_id=company_id) if first[0] is None
              else fastsql.from_row(CompanyCreditPolicy, first))
    allotments = [fastsql.from_row(Allotment, row, len(p_names)) for row in rows
                  if row[len(p_names)] is not None]
    return policy, allotments


def _usable_allotments(*, company_id: int, member_id: int, centre: Centre, on: dt.date,
                       allotments: list[Allotment] | None,
                       ) -> dict[int, tuple[int, Allotment]]:
    """By account id, the open allotments that may pay at this centre, each with its rank:
    the member's own 0, their teams' 1, centre budgets 2, company-wide 3."""
    usable: dict[int, tuple[int, Allotment]] = {}
    for account_id, (allotment, centre_ids) in _open_allotments(
            company_id=company_id, member_id=member_id, on=on, found=allotments).items():
        if centre_ids and centre.pk not in centre_ids:
            continue
        if allotment.member_id:
            rank = 0
        elif allotment.team_id:
            rank = 1
        else:
            rank = 2 if centre_ids else 3
        usable[account_id] = (rank, allotment)
    return usable


def _ranked(accounts: list[CreditAccount],
            usable: dict[int, tuple[int, Allotment]]) -> list[_Candidate]:
    """Best first: by rank (the pool last, 4), then the credit that expires first."""
    found = []
    for account in accounts:
        rank, account_allotment = usable.get(account.pk, (4, None))
        found.append(_Candidate(rank, account.valid_until, account, account_allotment))
    found.sort(key=lambda c: (c.rank, c.valid_until, c.account.pk))
    return found


def _usable_here(alias: str, network_id: int, on: dt.date) -> tuple[str, list[Any]]:
    """SQL: account `alias` is valid on the day and of the centre's network or of a
    network allied with it on the day (`_networks_reachable_from`, as a subquery)."""
    from smartwork.network.choices import AllianceStatus

    day = connection.ops.adapt_datefield_value(on)
    return (f"{alias}.valid_from <= %s AND {alias}.valid_until >= %s "  # noqa: S608
            f"AND ({alias}.network_id = %s OR {alias}.network_id IN (SELECT CASE "
            "WHEN al.network_a_id = %s THEN al.network_b_id ELSE al.network_a_id END "
            "FROM network_alliance al WHERE (al.network_a_id = %s OR al.network_b_id = %s) "
            "AND al.status = %s AND al.starts_on <= %s "
            "AND (al.ends_on IS NULL OR al.ends_on >= %s)))",
            [day, day, network_id, network_id, network_id, network_id,
             str(AllianceStatus.ACTIVE.value), day, day])


def _lock_candidates(*, member: User, company_id: int, centre: Centre, on: dt.date,
                     policy: CompanyCreditPolicy, lock: bool = True,
                     allotments: list[Allotment] | None = None) -> list[_Candidate]:
    """Lock, in one statement and in primary-key order, every account that may pay for
    this booking, and return them best first: the member's own allotments, then their
    teams', then centre budgets, then company-wide allotments, then the pool. Among
    equals, the credit that expires first is used first. `lock=False`: read them only.
    `allotments`: already read (`_policy_and_allotments`)."""
    usable = _usable_allotments(company_id=company_id, member_id=member.pk, centre=centre,
                                on=on, allotments=allotments)
    # One locking statement, in primary-key order (plain SQL: it runs on every credit
    # booking). NO KEY UPDATE: see _lock.
    ids = sorted(usable)
    wanted: list[str] = []
    params: list[Any] = []
    if ids:
        wanted.append(f"a.id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if policy.pool_open_to_staff:
        wanted.append("(a.kind = %s AND a.company_id = %s)")
        params += [str(AccountKind.POOL.value), company_id]
    if not wanted or centre.network_id is None:
        return []
    here, more = _usable_here("a", centre.network_id, on)
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT {fastsql.columns(CreditAccount, 'a')[0]} FROM credits_creditaccount a "  # noqa: S608
            f"WHERE ({' OR '.join(wanted)}) AND {here} "
            f"ORDER BY a.id {'FOR NO KEY UPDATE OF a' if lock and _row_locks() else ''}",
            [*params, *more])
        rows = [fastsql.from_row(CreditAccount, row) for row in cursor.fetchall()]
    if lock:
        lock_order_note(row.pk for row in rows)
    return _ranked(rows, usable)


def _plan_reads(*, company_id: int, member: User, centre: Centre, on: dt.date,
                ) -> tuple[CompanyCreditPolicy, list[_Candidate]]:
    """The payment plan's reads in one statement: the company's credit policy (its
    defaults when it has none), and every account that may pay for this booking, each
    with its open allotment, best first (what `_policy_and_allotments` then
    `_lock_candidates(lock=False)` read in two). No lock: the plan is checked again by
    the statement that takes the minutes."""
    p_cols, p_names = fastsql.columns(CompanyCreditPolicy, "cp")
    l_cols, l_names = fastsql.columns(Allotment, "al_")
    a_cols, _ = fastsql.columns(CreditAccount, "a")
    if centre.network_id is None:
        here, more = "1 = 0", []
    else:
        here, more = _usable_here("a", centre.network_id, on)
    # The company's pool (when open to staff) and the open allotments' accounts, as a
    # UNION of (allotment id, account id): each side served by its own index.
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT {p_cols}, {l_cols}, {a_cols} "  # noqa: S608
            "FROM (SELECT 1 AS one) x "
            "LEFT JOIN credits_companycreditpolicy cp ON cp.company_id = %s "
            "LEFT JOIN (SELECT NULL AS allotment_id, p.id AS account_id "
            "FROM credits_creditaccount p WHERE p.kind = %s AND p.company_id = %s "
            "UNION ALL SELECT l.id, l.account_id FROM credits_allotment l "
            f"WHERE {_OPEN_ALLOTMENT}) c "
            "ON c.allotment_id IS NOT NULL OR COALESCE(cp.pool_open_to_staff, %s) "
            "LEFT JOIN credits_allotment al_ ON al_.id = c.allotment_id "
            f"LEFT JOIN credits_creditaccount a ON a.id = c.account_id AND {here} "
            "ORDER BY a.id",
            [company_id, str(AccountKind.POOL.value), company_id, company_id,
             connection.ops.adapt_datefield_value(on), member.pk, member.pk,
             CompanyCreditPolicy._meta.get_field("pool_open_to_staff").get_default(),
             *more])
        rows = cursor.fetchall()
    first = rows[0]
    policy = (fastsql.new(CompanyCreditPolicy, company_id=company_id) if first[0] is None
              else fastsql.from_row(CompanyCreditPolicy, first))
    account_at = len(p_names) + len(l_names)
    allotments = [fastsql.from_row(Allotment, row, len(p_names)) for row in rows
                  if row[len(p_names)] is not None and row[account_at] is not None]
    usable = _usable_allotments(company_id=company_id, member_id=member.pk, centre=centre,
                                on=on, allotments=allotments)
    accounts = [fastsql.from_row(CreditAccount, row, account_at) for row in rows
                if row[account_at] is not None]
    return policy, _ranked([a for a in accounts
                            if a.pk in usable or a.kind == AccountKind.POOL], usable)


def _pool_used_in_month(*, member: User, company: Organisation | int, on: dt.date) -> int:
    first = on.replace(day=1)
    company_id = company if isinstance(company, int) else company.pk
    used = LedgerEntry.objects.filter(
        account__kind=AccountKind.POOL, account__company_id=company_id, member=member,
        reason__in=[LedgerReason.BOOKING, LedgerReason.CANCELLATION_REFUND],
        service_date__gte=first, service_date__lte=month_end(on),
    ).aggregate(m=Sum("amount_minutes"))["m"] or 0
    return -used


def _alliance_between(a: int, b: int, on: dt.date) -> Alliance | None:
    from smartwork.network.choices import AllianceStatus

    return (Alliance.objects.filter(Q(network_a_id=a, network_b_id=b)
                                    | Q(network_a_id=b, network_b_id=a),
                                    status=AllianceStatus.ACTIVE, starts_on__lte=on)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)).order_by("pk").first())


def _record_roaming(*, entry: LedgerEntry, booking: Any, company_id: int,
                    on: dt.date, account: CreditAccount) -> RoamingUsage | None:
    if account.network_id == booking.centre.network_id:
        return None
    alliance = _alliance_between(account.network_id, booking.centre.network_id, on)
    if alliance is None:  # pragma: no cover - candidates only include allied networks
        raise Conflict(_("No alliance lets this credit be used here."), code="no_alliance")
    minutes = -entry.amount_minutes
    return RoamingUsage.objects.create(
        booking=booking, ledger_entry=entry, member=booking.member, company_id=company_id,
        centre=booking.centre, home_network_id=account.network_id,
        host_network_id=booking.centre.network_id, alliance=alliance, minutes=minutes,
        hour_rate=alliance.clearing_hour_rate,
        value=money_round(alliance.clearing_hour_rate * Decimal(minutes) / Decimal(60)),
        service_date=on,
    )


def _take_company_credit(*, booking: Any, actor: Any, company_id: int, minutes: int,
                         on: dt.date, policy: CompanyCreditPolicy,
                         allotments: list[Allotment] | None = None) -> str:
    """'taken'; 'short' when the company has credit but none that can pay; 'none' when
    the company has never bought any."""
    member = booking.member
    # Read before the lock: the accounts locked below may be shared by the whole staff,
    # so nothing that does not need the lock is done while holding it.
    allowed = _allowed_centre_ids(policy)
    candidates = _lock_candidates(member=member, company_id=company_id, centre=booking.centre,
                                  on=on, policy=policy, allotments=allotments)
    if not candidates:
        if not CreditAccount.objects.filter(kind=AccountKind.POOL,
                                            company_id=company_id).exists():
            return "none"
        _check_policy(policy=policy, booking=booking, allowed=allowed)
        return "short"
    _check_policy(policy=policy, booking=booking, allowed=allowed)
    pool_room: int | None = None
    capped = False
    for candidate in candidates:
        account = candidate.account
        if account.balance_minutes < minutes:
            continue
        if candidate.allotment is None and policy.pool_cap_minutes_per_month is not None:
            if pool_room is None:
                used = _pool_used_in_month(member=member, company=company_id, on=on)
                pool_room = policy.pool_cap_minutes_per_month - used
            if pool_room < minutes:
                capped = True
                continue
        entry = _post(account, -minutes, LedgerReason.BOOKING, booking=booking, member=member,
                      centre=booking.centre, allotment=candidate.allotment, service_date=on,
                      actor=actor if getattr(actor, "pk", None) else None,
                      purchase_id=account.purchase_id)
        _record_roaming(entry=entry, booking=booking, company_id=company_id, on=on,
                        account=account)
        return "taken"
    # 'capped': a pool could pay but the employee's monthly cap stops it.
    return "capped" if capped else "short"


def _membership_covers(membership: Membership, booking: Any, on: dt.date) -> bool:
    plan = membership.plan
    if plan.centre_id is not None and plan.centre_id != booking.centre_id:
        return False
    if plan.centre_id is None and plan.network_id != booking.centre.network_id:
        return False
    return membership.ends_on is None or on <= membership.ends_on


def _take_membership(*, booking: Any, actor: Any, minutes: int, on: dt.date,
                     membership: Membership | None) -> bool:
    if membership is None:
        return False
    if not _membership_covers(membership, booking, on):
        return False
    account = credit_accounts_lock([membership.account_id])[membership.account_id]
    if account.balance_minutes < minutes:
        return False
    _post(account, -minutes, LedgerReason.BOOKING, booking=booking, member=booking.member,
          centre=booking.centre, service_date=on,
          actor=actor if getattr(actor, "pk", None) else None)
    return True


def booking_pay(*, booking: Any, actor: Any) -> str:
    """Decide how a just-written booking is paid and take the payment, inside the
    booking's transaction. Company employees pay with their company's credit (then
    pay-as-you-go billed to the company if it allows overage, else refused); other
    members with their membership's hours, then pay-as-you-go. A membership subscribed
    before joining a company ends with its month (`membership_member_joined_company`);
    until then its hours pay what the employee pays themselves (their company never
    bought credit), for dates up to its end (`_membership_covers`)."""
    from smartwork.bookings.payment import price_amount

    member: User = booking.member
    on = _booking_date(booking)
    minutes = booking_cost_minutes(booking=booking)
    bill_to = PaygBillTo.MEMBER
    company_id = member.company_id
    if company_id is not None:
        policy, allotments = _policy_and_allotments(company_id=company_id,
                                                    member_id=member.pk, on=on)
        taken = _take_company_credit(booking=booking, actor=actor, company_id=company_id,
                                     minutes=minutes, on=on, policy=policy,
                                     allotments=allotments)
        if taken == "taken":
            _mark(booking, PaymentMethod.CREDIT, minutes)
            return PaymentMethod.CREDIT
        if taken == "capped" and (policy.approval_beyond_cap or not policy.allow_overage):
            raise _beyond_cap(policy=policy, minutes=minutes)
        if taken == "short" and not policy.allow_overage:
            raise Conflict(
                _("Not enough company credit for this booking (%(minutes)s min needed).")
                % {"minutes": minutes}, code="insufficient_credit",
                data={"wanted_minutes": minutes},
            )
        if policy.allow_overage:
            bill_to = PaygBillTo.COMPANY
    membership, _balance, price = _membership_and_price(
        member_id=member.pk, centre_id=booking.centre_id, kind=booking.resource.kind, on=on)
    if bill_to == PaygBillTo.MEMBER and _take_membership(booking=booking, actor=actor,
                                                         minutes=minutes, on=on,
                                                         membership=membership):
        _mark(booking, PaymentMethod.MEMBERSHIP, minutes)
        return PaymentMethod.MEMBERSHIP
    price_net, vat_rate = price_amount(price, slot=booking.slot, start=booking.start,
                                       end=booking.end)
    booking.payment_method = PaymentMethod.PAYG
    booking.credit_minutes = 0
    booking.price_net, booking.vat_rate = price_net, vat_rate
    fastsql.update(booking, ("payment_method", "credit_minutes", "price_net", "vat_rate",
                             "updated_at"))
    if price_net is not None:
        fastsql.insert(PaygCharge(
            booking=booking, member=member, bill_to=bill_to,
            company_id=company_id if bill_to == PaygBillTo.COMPANY else None,
            centre=booking.centre, slot=booking.slot, resource_kind=booking.resource.kind,
            price_net=price_net, vat_rate=vat_rate or Decimal("0.00"), service_date=on,
        ))
    return PaymentMethod.PAYG


def _allowed_centre_ids(policy: CompanyCreditPolicy) -> set[int]:
    if policy.pk is None:
        return set()
    return set(policy.allowed_centres.values_list("pk", flat=True))


def _check_policy(*, policy: CompanyCreditPolicy, booking: Any,
                  allowed: set[int] | None = None, kind: str | None = None) -> None:
    kinds = policy.allowed_resource_kinds or []
    if kinds and (kind or booking.resource.kind) not in kinds:
        raise Conflict(_("Your company's credit does not cover this kind of resource."),
                       code="not_allowed_by_company",
                       fields={"resource_id": [_("Kind not allowed by your company.")]})
    if policy.pk is not None:
        if allowed is None:
            allowed = _allowed_centre_ids(policy)
        if allowed and booking.centre_id not in allowed:
            raise Conflict(_("Your company's credit does not cover this centre."),
                           code="not_allowed_by_company",
                           fields={"centre_id": [_("Centre not allowed by your company.")]})


def _mark(booking: Any, method: str, minutes: int) -> None:
    booking.payment_method = method
    booking.credit_minutes = minutes
    # Credit and membership bookings carry no price of their own: the purchase or the
    # membership fee is what is invoiced.
    booking.price_net = None
    booking.vat_rate = None
    fastsql.update(booking, ("payment_method", "credit_minutes", "price_net", "vat_rate",
                             "updated_at"))


def booking_refund(*, booking: Any, actor: Any, refund: bool) -> int:
    """A cancellation (or a move, which releases then takes again). In time, the minutes
    go back to the accounts they came from, and a pay-as-you-go charge is dropped.
    Late, nothing is given back. Returns the minutes refunded."""
    now = timezone.now()
    if not refund:
        return 0
    for charge in PaygCharge.objects.select_for_update().filter(booking=booking,
                                                                cancelled_at__isnull=True):
        charge.cancelled_at = now
        charge.save(update_fields=["cancelled_at"])
    if booking.price_net is not None and booking.payment_method == PaymentMethod.PAYG:
        booking.price_net = Decimal("0.00")
        booking.save(update_fields=["price_net", "updated_at"])
    net = dict(
        LedgerEntry.objects.filter(
            booking=booking,
            reason__in=[LedgerReason.BOOKING, LedgerReason.CANCELLATION_REFUND])
        .values("account_id").annotate(m=Sum("amount_minutes")).values_list("account_id", "m")
    )
    owed = {account_id: -m for account_id, m in net.items() if m < 0}
    if not owed:
        return 0
    allotments = {a.account_id: a for a in Allotment.objects.filter(account_id__in=owed)}
    # One lock, in one order, for the accounts refunded and the pools of their allotments.
    accounts = credit_accounts_lock([*owed, *(a.pool_id for a in allotments.values())])
    today = _today()
    refunded = 0
    on = _booking_date(booking)
    for account_id in sorted(owed):
        account = accounts[account_id]
        allotment = allotments.get(account_id)
        entry = _post(account, owed[account_id], LedgerReason.CANCELLATION_REFUND,
                      booking=booking, member=booking.member, centre=booking.centre,
                      service_date=on, purchase_id=account.purchase_id, allotment=allotment,
                      actor=actor if getattr(actor, "pk", None) else None)
        refunded += owed[account_id]
        first = (RoamingUsage.objects.filter(booking=booking, minutes__gt=0,
                                             ledger_entry__account_id=account_id)
                 .order_by("pk").first())
        if first is not None:
            RoamingUsage.objects.create(
                booking=booking, ledger_entry=entry, member=first.member, company=first.company,
                centre=first.centre, home_network_id=first.home_network_id,
                host_network_id=first.host_network_id, alliance=first.alliance,
                minutes=-owed[account_id], hour_rate=first.hour_rate,
                value=-money_round(first.hour_rate * Decimal(owed[account_id]) / Decimal(60)),
                service_date=first.service_date,
            )
        # Minutes given back to a leaver's ended allotment, or to a credit already over,
        # do not stay there: they go back to the pool, or expire, in this transaction.
        if allotment is not None and allotment.ended_at is not None:
            _return_to_pool(allotment, accounts, actor=None,
                            note="refund after the allotment ended", today=today)
        if account.valid_until < today and account.balance_minutes > 0:
            _post(account, -account.balance_minutes, LedgerReason.EXPIRY,
                  purchase_id=account.purchase_id, allotment=allotment,
                  note="refund after expiry")
    booking.credit_minutes = 0
    booking.save(update_fields=["credit_minutes", "updated_at"])
    return refunded


def booking_no_show(*, booking: Any) -> None:
    """A no-show is consumed: the `booking` entry stays as it is, the pay-as-you-go charge
    stays billable. Nothing is written, so the ledger does not show the same minutes
    twice; the booking's state says it was a no-show."""
    return None


# --- The payment plan: booking_pay's fast path -----------------------------------------


@dataclass
class PaymentPlan:
    """How a booking about to be written is paid, decided from reads alone (no lock), so
    that the booking row is written with its payment fields and the payment goes with
    the booking's other rows in one last statement (credits/sql.py: a shared pool is
    then locked for that statement and the commit only). The take re-checks what reads
    cannot hold: the balance (in its UPDATE) and the employee's monthly cap on the pool
    (under the member's lock, which the booking engine holds). Whatever a plan does not
    cover (credit short, overage, roaming, an approval) is left to `booking_pay`, after
    the write, as before."""

    method: str
    on: dt.date
    minutes: int = 0
    account_id: int | None = None
    allotment: Allotment | None = None
    purchase_id: int | None = None
    cap_minutes: int | None = None
    company_id: int | None = None
    price_net: Decimal | None = None
    vat_rate: Decimal | None = None

    def apply(self, booking: Any) -> None:
        """The booking's payment fields, as `_mark` or the pay-as-you-go step set them."""
        booking.payment_method = self.method
        booking.credit_minutes = self.minutes
        booking.price_net, booking.vat_rate = self.price_net, self.vat_rate


def booking_payment_plan(*, booking: Any, kind: str) -> PaymentPlan | None:
    """The plan for an unsaved booking (its resource may be unknown yet: any desk), or
    None when `booking_pay` must decide after the write. Raises what `booking_pay` would
    for a company rule (kind or centre not covered)."""
    on = _booking_date(booking)
    minutes = booking_cost_minutes(booking=booking)
    company_id = booking.member.company_id
    if company_id is not None:
        return _plan_company_credit(booking=booking, kind=kind, company_id=company_id,
                                    minutes=minutes, on=on)
    from smartwork.bookings.payment import price_amount

    membership, balance, price = _membership_and_price(
        member_id=booking.member.pk, centre_id=booking.centre.pk, kind=kind, on=on)
    if (membership is not None and _membership_covers(membership, booking, on)
            and balance >= minutes):
        return PaymentPlan(PaymentMethod.MEMBERSHIP, on, minutes,
                           account_id=membership.account_id)
    price_net, vat_rate = price_amount(price, slot=booking.slot, start=booking.start,
                                       end=booking.end)
    return PaymentPlan(PaymentMethod.PAYG, on, price_net=price_net, vat_rate=vat_rate)


def _plan_company_credit(*, booking: Any, kind: str, company_id: int, minutes: int,
                         on: dt.date) -> PaymentPlan | None:
    policy, candidates = _plan_reads(company_id=company_id, member=booking.member,
                                     centre=booking.centre, on=on)
    if not candidates:
        return None
    _check_policy(policy=policy, booking=booking, kind=kind)
    best = next((c for c in candidates if c.account.balance_minutes >= minutes), None)
    if best is None or best.account.network_id != booking.centre.network_id:
        return None
    return PaymentPlan(
        PaymentMethod.CREDIT, on, minutes, account_id=best.account.pk,
        allotment=best.allotment, purchase_id=best.account.purchase_id,
        cap_minutes=policy.pool_cap_minutes_per_month if best.allotment is None else None,
        company_id=company_id,
    )


def _membership_and_price(*, member_id: int, centre_id: int, kind: str,
                          on: dt.date) -> tuple[Membership | None, int, Price | None]:
    """The member's membership not ended (with its plan and its account's balance) and
    the centre's price on the day, in one statement (bookings.payment.price_on's query)."""

    m_cols, m_names = fastsql.columns(Membership, "m")
    p_cols, p_names = fastsql.columns(MembershipPlan, "p")
    pr_cols, _ = fastsql.columns(Price, "pr")
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT {m_cols}, {p_cols}, a.balance_minutes, {pr_cols} "  # noqa: S608
            "FROM (SELECT 1 AS one) x "
            "LEFT JOIN credits_membership m ON m.id = (SELECT id FROM credits_membership "
            "WHERE member_id = %s AND state <> %s ORDER BY id LIMIT 1) "
            "LEFT JOIN credits_membershipplan p ON p.id = m.plan_id "
            "LEFT JOIN credits_creditaccount a ON a.id = m.account_id "
            "LEFT JOIN network_price pr ON pr.id = (SELECT id FROM network_price "
            "WHERE centre_id = %s AND resource_kind = %s AND valid_from <= %s "
            "ORDER BY valid_from DESC LIMIT 1)",
            [member_id, str(MembershipState.ENDED.value), centre_id, str(kind),
             connection.ops.adapt_datefield_value(on)])
        row = cursor.fetchone()
    membership = None
    balance_at = len(m_names) + len(p_names)
    if row[0] is not None:
        membership = fastsql.from_row(Membership, row)
        membership.plan = fastsql.from_row(MembershipPlan, row, len(m_names))
    price = None if row[balance_at + 1] is None else fastsql.from_row(Price, row, balance_at + 1)
    return membership, int(row[balance_at] or 0), price


def booking_payment_plan_take(*, booking: Any, plan: PaymentPlan, actor: Any,
                              rows: list[Any]) -> bool:
    """Write the plan's payment for the just-written booking, with `rows`, in one
    statement on PostgreSQL. False, and nothing written, when the plan no longer holds
    (the balance went short meanwhile, or the employee's monthly cap on the pool is
    reached): then `booking_pay` decides."""
    if plan.method == PaymentMethod.PAYG:
        charges: list[Any] = [] if plan.price_net is None else [fastsql.new(
            PaygCharge,
            booking=booking, member=booking.member, bill_to=PaygBillTo.MEMBER,
            centre=booking.centre, slot=booking.slot, resource_kind=booking.resource.kind,
            price_net=plan.price_net, vat_rate=plan.vat_rate or Decimal("0.00"),
            service_date=plan.on,
        )]
        fastsql.insert_all([*charges, *rows])
        return True
    assert plan.account_id is not None
    if plan.cap_minutes is not None:
        assert plan.company_id is not None
        used = _pool_used_in_month(member=booking.member, company=plan.company_id, on=plan.on)
        if plan.cap_minutes - used < plan.minutes:
            return False
    entry = fastsql.new(
        LedgerEntry, account_id=plan.account_id, amount_minutes=-plan.minutes, balance_after=0,
        reason=LedgerReason.BOOKING, booking=booking, member=booking.member,
        centre=booking.centre, allotment=plan.allotment, service_date=plan.on,
        actor=actor if getattr(actor, "pk", None) else None, purchase_id=plan.purchase_id,
    )
    return credits_sql.minutes_take(account_id=plan.account_id, entry=entry, rows=rows)


# --- Approval beyond the cap ----------------------------------------------------------


def _beyond_cap(*, policy: CompanyCreditPolicy, minutes: int) -> Conflict:
    """The booking is beyond the employee's monthly cap on the pool: with an approval
    step it waits for the company admin (the booking engine catches ApprovalRequired
    and stores it pending); without, it is refused (409 `pool_cap_reached`)."""
    from smartwork.bookings.payment import ApprovalRequired

    if policy.approval_beyond_cap:
        return ApprovalRequired(minutes=minutes, hold_hours=policy.approval_hold_hours)
    return Conflict(
        _("This booking is beyond your monthly limit on the company's credit "
          "(%(cap)s min a month)." ) % {"cap": policy.pool_cap_minutes_per_month},
        code="pool_cap_reached", data={"wanted_minutes": minutes,
                                       "cap_minutes": policy.pool_cap_minutes_per_month},
    )


def booking_pay_approved(*, booking: Any, actor: Any) -> str:
    """Pay a booking the company admin approved beyond the employee's cap, inside the
    approval's transaction: the company's credit is taken as `booking_pay` would, the
    monthly cap waived for this booking only. The accounts are locked and the balance
    never goes below zero: when no account can pay any more, 409 `insufficient_credit`
    and the booking stays pending."""
    member: User = booking.member
    company_id = member.company_id
    minutes = booking_cost_minutes(booking=booking)
    if company_id is None:
        raise Conflict(_("Only a company employee's booking is approved."),
                       code="not_approvable")
    on = _booking_date(booking)
    policy = (CompanyCreditPolicy.objects.filter(company_id=company_id).first()
              or CompanyCreditPolicy(company_id=company_id))
    candidates = _lock_candidates(member=member, company_id=company_id, centre=booking.centre,
                                  on=on, policy=policy)
    _check_policy(policy=policy, booking=booking)
    for candidate in candidates:
        account = candidate.account
        if account.balance_minutes < minutes:
            continue
        entry = _post(account, -minutes, LedgerReason.BOOKING, booking=booking, member=member,
                      centre=booking.centre, allotment=candidate.allotment, service_date=on,
                      actor=actor if getattr(actor, "pk", None) else None,
                      purchase_id=account.purchase_id, note="approved beyond the monthly cap")
        _record_roaming(entry=entry, booking=booking, company_id=company_id, on=on,
                        account=account)
        _mark(booking, PaymentMethod.CREDIT, minutes)
        return PaymentMethod.CREDIT
    best = max((c.account.balance_minutes for c in candidates), default=0)
    raise Conflict(
        _("The company's credit cannot pay for this booking: %(wanted)s min needed, at most "
          "%(available)s min on one account. Buy credit, or reject the request.")
        % {"wanted": minutes, "available": best},
        code="insufficient_credit",
        data={"wanted_minutes": minutes, "available_minutes": best},
    )


# --- The booking engine's payer (bookings/company_rules.py) ----------------------------


def booking_accounts_lock(*, member: User, centre: Centre, days: list[dt.date],
                          bookings: list[Any] | None = None) -> None:
    """Lock at once, in primary-key order, every account a transaction that pays for
    several bookings may touch (credits/locks.py): the accounts that paid `bookings` and
    their allotments' pools (a move refunds them), and every account that may pay a
    booking of `member` at `centre` on each of `days` (a move pays again, a series pays
    each occurrence). The payments then lock only rows already held."""
    ids: set[int] = set()
    if bookings:
        ids |= set(LedgerEntry.objects.filter(
            booking__in=bookings,
            reason__in=[LedgerReason.BOOKING, LedgerReason.CANCELLATION_REFUND],
        ).values_list("account_id", flat=True))
        ids |= set(Allotment.objects.filter(account_id__in=ids).values_list("pool_id",
                                                                            flat=True))
    if member.company_id is not None:
        for on in sorted(set(days)):
            policy, allotments = _policy_and_allotments(company_id=member.company_id,
                                                        member_id=member.pk, on=on)
            ids |= {c.account.pk for c in _lock_candidates(
                member=member, company_id=member.company_id, centre=centre, on=on,
                policy=policy, lock=False, allotments=allotments)}
    membership = (Membership.objects.filter(member=member, state=MembershipState.ACTIVE)
                  .values_list("account_id", flat=True).first())
    if membership is not None:
        ids.add(membership)
    if ids:
        credit_accounts_lock(ids)


class CreditPayer:
    """`bookings.company_rules.Payer`: the booking engine pays through this object,
    registered in `CreditsConfig.ready`, so bookings imports nothing of credits."""

    def plan(self, *, booking: Any, kind: str) -> PaymentPlan | None:
        return booking_payment_plan(booking=booking, kind=kind)

    def take_planned(self, *, booking: Any, plan: Any, actor: Any, rows: list[Any]) -> bool:
        return booking_payment_plan_take(booking=booking, plan=plan, actor=actor, rows=rows)

    def take(self, *, booking: Any, actor: Any) -> None:
        booking_pay(booking=booking, actor=actor)

    def take_approved(self, *, booking: Any, actor: Any) -> None:
        booking_pay_approved(booking=booking, actor=actor)

    def release(self, *, booking: Any, actor: Any, refund: bool) -> None:
        booking_refund(booking=booking, actor=actor, refund=refund)

    def no_show(self, *, booking: Any) -> None:
        booking_no_show(booking=booking)

    def lock(self, *, member: Any, centre: Any, days: list[dt.date],
             bookings: list[Any] | None = None) -> None:
        booking_accounts_lock(member=member, centre=centre, days=days, bookings=bookings)
