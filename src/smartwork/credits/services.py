"""Writes for time credit: purchases, allotments, the ledger, company rules,
memberships and the periodic jobs (paying for bookings: `credits/payment.py`).

Every movement of minutes goes through `_post`, on an account row locked in the
current transaction (select_for_update, in primary-key order when several), so
that the stored balance and the entries' running balance stay exact, and the
CHECK constraint on the balance is only a last guard.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.choices import OrganisationKind
from smartwork.accounts.models import Organisation, Team, User
from smartwork.core import fastsql
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from smartwork.core.money import money_round
from smartwork.core.permissions import allowed, require
from smartwork.credits.choices import (
    AccountKind,
    AllotmentPeriodKind,
    LedgerReason,
    MembershipState,
    PeriodEnd,
)
from smartwork.credits.locks import credit_accounts_lock
from smartwork.credits.models import (
    Allotment,
    AllotmentPeriod,
    CompanyCreditPolicy,
    CreditAccount,
    CreditPackage,
    CreditPurchase,
    LedgerEntry,
    Membership,
    MembershipPeriod,
    MembershipPlan,
)
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Alliance, Centre, Network

MAX_MINUTES = 10_000_000  # about 19 years of hours: a typo guard, not a business rule
# How long a booking waiting for approval may hold its slot (the policy's choice).
MIN_HOLD_HOURS, MAX_HOLD_HOURS = 1, 24 * 14


# --- Dates ------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _today() -> dt.date:
    return timezone.localdate()


# --- The ledger ---------------------------------------------------------------------


# The largest balance an account may hold (PostgreSQL's integer column), and the largest
# single adjustment (the largest purchase: 100,000 hours).
BALANCE_MAX_MINUTES = 2**31 - 1
ADJUSTMENT_MAX_MINUTES = 100_000 * 60


def _insufficient(available: int, wanted: int, field: str = "minutes") -> Conflict:
    return Conflict(
        _("Not enough credit: %(available)s min available, %(wanted)s min needed.")
        % {"available": available, "wanted": wanted},
        code="insufficient_credit", fields={field: [_("More than the available balance.")]},
        data={"available_minutes": available, "wanted_minutes": wanted},
    )


def _post(account: CreditAccount, amount: int, reason: str, **links: Any) -> LedgerEntry:
    """Append one entry to a locked account and move its stored balance with it."""
    if amount == 0:
        raise ValueError("A ledger entry moves at least one minute.")
    new_balance = account.balance_minutes + amount
    if new_balance < 0:
        raise _insufficient(account.balance_minutes, -amount)
    if new_balance > BALANCE_MAX_MINUTES:
        # The balance is a 32-bit integer column on PostgreSQL; SQLite would store more.
        raise InvalidInput(_("An account holds at most %(n)s minutes.")
                           % {"n": BALANCE_MAX_MINUTES}, code="out_of_range",
                           fields={"minutes": [_("Too large.")]})
    account.balance_minutes = new_balance
    fastsql.update(account, ("balance_minutes",))
    entry = LedgerEntry(account=account, amount_minutes=amount, balance_after=new_balance,
                        reason=reason, **links)
    fastsql.insert(entry)  # append-only: an INSERT, never an UPDATE (see LedgerEntry.save)
    return entry


def _transfer(source: CreditAccount, target: CreditAccount, minutes: int, reason: str,
              **links: Any) -> tuple[LedgerEntry, LedgerEntry]:
    transfer = uuid.uuid4()
    out = _post(source, -minutes, reason, transfer=transfer, **links)
    into = _post(target, minutes, reason, transfer=transfer, **links)
    return out, into


# --- Packages and purchases --------------------------------------------------------------


def _positive_minutes(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidInput(_("Give a positive whole number."), code="invalid",
                           fields={field: [_("Must be more than zero.")]})
    if value > MAX_MINUTES:
        raise InvalidInput(_("This is far too much."), fields={field: [_("Too large.")]})
    return value


def _money(value: Any, field: str) -> Decimal:
    if value is None or Decimal(value) < 0:
        raise InvalidInput(_("An amount is zero or more."), fields={field: [_("Not negative.")]})
    return money_round(Decimal(value))


def _rate(value: Any, field: str = "vat_rate") -> Decimal:
    if value is None or not Decimal(0) <= Decimal(value) <= Decimal(100):
        raise InvalidInput(_("A rate lies between 0 and 100."), fields={field: [_("0 to 100.")]})
    return Decimal(value).quantize(Decimal("0.01"))


def credit_package_create(*, actor: User, network: Network, name: str, hours: int,
                          price_net: Decimal, vat_rate: Decimal | None = None,
                          validity_months: int = 12) -> CreditPackage:
    require(actor, "credit.catalogue", network=network)
    _positive_minutes(hours, "hours")
    _positive_minutes(validity_months, "validity_months")
    if not name.strip():
        raise InvalidInput(_("Give the package a name."), fields={"name": [_("Required.")]})
    package = CreditPackage.objects.create(
        network=network, name=name.strip()[:100], hours=hours,
        price_net=_money(price_net, "price_net"),
        vat_rate=_rate(network.default_vat_rate if vat_rate is None else vat_rate),
        validity_months=validity_months,
    )
    audit_log(actor=actor, action="credit_package.created", obj=package,
              data={"hours": hours, "price_net": str(package.price_net)})
    return package


def credit_package_update(*, actor: User, package: CreditPackage, name: str | None = None,
                          hours: int | None = None, price_net: Decimal | None = None,
                          vat_rate: Decimal | None = None, validity_months: int | None = None,
                          is_active: bool | None = None) -> CreditPackage:
    """Change a package of the catalogue. Purchases copied its hours and price when they
    were made, so only later purchases see the change."""
    require(actor, "credit.catalogue", network=package.network_id)
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise InvalidInput(_("Give the package a name."), fields={"name": [_("Required.")]})
        changes["name"] = name.strip()[:100]
    if hours is not None:
        changes["hours"] = _positive_minutes(hours, "hours")
    if price_net is not None:
        changes["price_net"] = _money(price_net, "price_net")
    if vat_rate is not None:
        changes["vat_rate"] = _rate(vat_rate)
    if validity_months is not None:
        changes["validity_months"] = _positive_minutes(validity_months, "validity_months")
    if is_active is not None:
        changes["is_active"] = bool(is_active)
    with transaction.atomic():
        locked = CreditPackage.objects.select_for_update().get(pk=package.pk)
        changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
        for key, value in changed.items():
            setattr(locked, key, value)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            action = ("credit_package.retired" if changed.get("is_active") is False
                      else "credit_package.updated")
            audit_log(actor=actor, action=action, obj=locked, network_id=locked.network_id,
                      data={k: str(v) for k, v in changed.items()})
    return locked


def credit_package_retire(*, actor: User, package: CreditPackage) -> CreditPackage:
    """Take a package off sale; what was bought from it stays valid."""
    return credit_package_update(actor=actor, package=package, is_active=False)


def _company(company: Organisation) -> Organisation:
    if company.kind != OrganisationKind.COMPANY or company.network_id is None:
        raise InvalidInput(_("Only a customer company buys credit."),
                           fields={"company": [_("Not a customer company.")]})
    return company


def credit_purchase_create(
    *, actor: User, company: Organisation, package: CreditPackage | None = None,
    hours: int | None = None, price_net: Decimal | None = None, vat_rate: Decimal | None = None,
    validity_months: int | None = None, valid_from: dt.date | None = None, reference: str = "",
) -> CreditPurchase:
    """A company buys credit for its network: a package from the catalogue, or (operator
    only) a negotiated number of hours at a negotiated price."""
    _company(company)
    require(actor, "company.credit", company=company)
    network = company.network
    assert network is not None
    if package is not None:
        if package.network_id != network.pk or not package.is_active:
            raise InvalidInput(_("This package is not sold to this company."),
                               code="foreign_package",
                               fields={"package_id": [_("Not on sale in the company's network.")]})
        hours, price_net, vat_rate = package.hours, package.price_net, package.vat_rate
        validity_months = validity_months or package.validity_months
    else:
        # A negotiated deal is the operator's to record, not the customer's.
        require(actor, "credit.catalogue", network=network)
        if hours is None:
            raise InvalidInput(_("Choose a package or give the hours."),
                               fields={"hours": [_("Required without a package.")]})
        _positive_minutes(hours, "hours")
        price_net = _money(price_net, "price_net")
        vat_rate = _rate(network.default_vat_rate if vat_rate is None else vat_rate)
        validity_months = validity_months or 12
    _positive_minutes(validity_months, "validity_months")
    assert hours is not None and price_net is not None and vat_rate is not None
    _positive_minutes(hours * 60, "hours")
    today = _today()
    valid_from = valid_from or today
    if valid_from < today - dt.timedelta(days=31):
        raise InvalidInput(_("Credit cannot start that far in the past."),
                           fields={"valid_from": [_("Too far in the past.")]})
    valid_until = add_months(valid_from, validity_months) - dt.timedelta(days=1)
    with transaction.atomic():
        purchase = CreditPurchase.objects.create(
            company=company, network=network, package=package, minutes=hours * 60,
            price_net=price_net, vat_rate=vat_rate, currency=network.currency,
            purchased_on=today, valid_from=valid_from, valid_until=valid_until,
            reference=reference[:100], bought_by=actor,
        )
        pool = CreditAccount.objects.create(
            kind=AccountKind.POOL, company=company, network=network, purchase=purchase,
            valid_from=valid_from, valid_until=valid_until,
        )
        pool = credit_accounts_lock([pool])[pool.pk]
        _post(pool, purchase.minutes, LedgerReason.PURCHASE, purchase=purchase, actor=actor)
        audit_log(actor=actor, action="credit.purchased", obj=purchase, network_id=network.pk,
                  data={"company": company.pk, "minutes": purchase.minutes,
                        "price_net": str(price_net), "valid_until": valid_until.isoformat()})
    return purchase


def credit_purchase_revoke(*, actor: User | None, purchase: CreditPurchase, minutes: int,
                           note: str) -> list[LedgerEntry]:
    """Take back `minutes` of a purchase that a credit note cancels: what is unused of it
    (its pool first, then its allotments, oldest first), one append-only entry per
    account, each explained by `note`. Refused when fewer minutes remain unused (they
    were used or have expired): the credit note may take back only what is unused.
    The caller (billing's credit note) holds the transaction and has checked rights."""
    if minutes <= 0:
        return []
    accounts = list(CreditAccount.objects.filter(purchase=purchase).values_list("pk", flat=True))
    locked = credit_accounts_lock(accounts)
    ordered = sorted(locked.values(), key=lambda a: (a.kind != AccountKind.POOL, a.pk))
    unused = sum(a.balance_minutes for a in ordered)
    if unused < minutes:
        raise Conflict(
            _("Only %(unused)s h of this %(total)s h credit are unused (the rest was used or "
              "has expired): a credit note can take back at most %(unused)s h, here "
              "%(wanted)s h.") % {"unused": _hours(unused), "total": _hours(purchase.minutes),
                                  "wanted": _hours(minutes)},
            code="credit_already_used", fields={"lines": [_("More than the unused hours.")]},
            data={"unused_minutes": unused, "wanted_minutes": minutes},
        )
    entries = []
    left = minutes
    for account in ordered:
        take = min(left, account.balance_minutes)
        if take <= 0:
            continue
        entries.append(_post(account, -take, LedgerReason.ADJUSTMENT, purchase=purchase,
                             actor=actor, note=note[:300]))
        left -= take
        if left == 0:
            break
    audit_log(actor=actor, action="credit.revoked", obj=purchase, network_id=purchase.network_id,
              data={"minutes": minutes, "note": note[:300]})
    return entries


def _hours(minutes: int) -> str:
    return f"{(Decimal(minutes) / 60).normalize():f}"


def credit_adjust(*, actor: User, account: CreditAccount, minutes: int, note: str) -> LedgerEntry:
    """An operator's correction, explained by its note; never below zero."""
    require(actor, "credit.adjust", network=account.network_id)
    if not isinstance(minutes, int) or minutes == 0:
        raise InvalidInput(_("An adjustment moves at least one minute."),
                           fields={"minutes": [_("Not zero.")]})
    if abs(minutes) > ADJUSTMENT_MAX_MINUTES:
        raise InvalidInput(_("An adjustment moves at most %(n)s minutes.")
                           % {"n": ADJUSTMENT_MAX_MINUTES}, code="out_of_range",
                           fields={"minutes": [_("Too large.")]})
    if not note.strip():
        raise InvalidInput(_("Say why."), fields={"note": [_("Required.")]})
    with transaction.atomic():
        locked = credit_accounts_lock([account])[account.pk]
        entry = _post(locked, minutes, LedgerReason.ADJUSTMENT, actor=actor, note=note[:300])
        audit_log(actor=actor, action="credit.adjusted", obj=locked,
                  data={"minutes": minutes, "note": note[:300]})
    return entry


# --- Company rules --------------------------------------------------------------------


def credit_policy_get_or_default(*, company: Organisation) -> CompanyCreditPolicy:
    policy = CompanyCreditPolicy.objects.filter(company=company).first()
    return policy or CompanyCreditPolicy(company=company)


# The column is PostgreSQL's integer; the page multiplies hours by 60 (a cap of 2**63
# hours once overflowed SQLite with a 500).
MAX_CAP_MINUTES = 2**31 - 1


def credit_policy_set(
    *, actor: User, company: Organisation, allowed_centres: Sequence[Centre] | None = None,
    allowed_resource_kinds: Sequence[str] | None = None, pool_open_to_staff: bool | None = None,
    pool_cap_minutes_per_month: Any = ..., allow_overage: bool | None = None,
    approval_beyond_cap: bool | None = None, approval_hold_hours: int | None = None,
    guests_allowed: bool | None = None,
) -> CompanyCreditPolicy:
    _company(company)
    require(actor, "company.credit", company=company)
    errors: dict[str, list[str]] = {}
    if allowed_resource_kinds is not None:
        bad = [k for k in allowed_resource_kinds if k not in ResourceKind.values]
        if bad:
            errors["allowed_resource_kinds"] = [_("Unknown kind: %s") % ", ".join(bad)]
    if pool_cap_minutes_per_month not in (..., None) and (
        not isinstance(pool_cap_minutes_per_month, int)
        or not 0 < pool_cap_minutes_per_month <= MAX_CAP_MINUTES
    ):
        errors["pool_cap_minutes_per_month"] = [_("Must be more than zero, or empty.")]
    if approval_hold_hours is not None and (
        not isinstance(approval_hold_hours, int) or isinstance(approval_hold_hours, bool)
        or not MIN_HOLD_HOURS <= approval_hold_hours <= MAX_HOLD_HOURS
    ):
        errors["approval_hold_hours"] = [_("Between %(low)d and %(high)d hours.")
                                         % {"low": MIN_HOLD_HOURS, "high": MAX_HOLD_HOURS}]
    if allowed_centres is not None:
        reachable = _networks_reachable_from(company.network_id)
        if any(c.network_id not in reachable for c in allowed_centres):
            errors["allowed_centre_ids"] = [_("A centre outside the company's networks.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic():
        policy, _created = CompanyCreditPolicy.objects.select_for_update().get_or_create(
            company=company)
        if allowed_resource_kinds is not None:
            policy.allowed_resource_kinds = sorted(set(allowed_resource_kinds))
        if pool_open_to_staff is not None:
            policy.pool_open_to_staff = pool_open_to_staff
        if pool_cap_minutes_per_month is not ...:
            policy.pool_cap_minutes_per_month = pool_cap_minutes_per_month
        if allow_overage is not None:
            policy.allow_overage = allow_overage
        if approval_beyond_cap is not None:
            policy.approval_beyond_cap = approval_beyond_cap
        if approval_hold_hours is not None:
            policy.approval_hold_hours = approval_hold_hours
        if guests_allowed is not None:
            policy.guests_allowed = guests_allowed
        policy.save()
        if allowed_centres is not None:
            policy.allowed_centres.set(allowed_centres)
        audit_log(actor=actor, action="credit_policy.updated", obj=policy,
                  network_id=company.network_id, data={
                      "allowed_resource_kinds": policy.allowed_resource_kinds,
                      "allowed_centres": sorted(c.pk for c in allowed_centres or []),
                      "pool_open_to_staff": policy.pool_open_to_staff,
                      "pool_cap_minutes_per_month": policy.pool_cap_minutes_per_month,
                      "allow_overage": policy.allow_overage,
                      "approval_beyond_cap": policy.approval_beyond_cap,
                      "approval_hold_hours": policy.approval_hold_hours,
                      "guests_allowed": policy.guests_allowed})
    return policy


def _networks_reachable_from(network_id: int | None, on: dt.date | None = None) -> set[int]:
    """The network itself and every network allied with it (on a date, or ever)."""
    if network_id is None:
        return set()
    from smartwork.network.choices import AllianceStatus

    if on is not None:
        day = connection.ops.adapt_datefield_value(on)
        with fastsql.cursor() as cursor:
            cursor.execute(
                "SELECT network_a_id, network_b_id FROM network_alliance "
                "WHERE (network_a_id = %s OR network_b_id = %s) AND status = %s "
                "AND starts_on <= %s AND (ends_on IS NULL OR ends_on >= %s)",
                [network_id, network_id, str(AllianceStatus.ACTIVE.value), day, day])
            pairs = cursor.fetchall()
        return {network_id} | {b if a == network_id else a for a, b in pairs}
    rows = Alliance.objects.filter(Q(network_a_id=network_id) | Q(network_b_id=network_id))
    if on is not None:
        rows = rows.filter(status=AllianceStatus.ACTIVE, starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    else:
        rows = rows.exclude(status=AllianceStatus.ENDED)
    return {network_id} | {b if a == network_id else a
                           for a, b in rows.values_list("network_a_id", "network_b_id")}


# --- Allotments -------------------------------------------------------------------------


def _period_bounds(allotment: Allotment, start: dt.date, validity_end: dt.date) -> dt.date:
    end = validity_end
    if allotment.period == AllotmentPeriodKind.MONTHLY:
        end = min(end, month_end(start))
    if allotment.ends_on is not None:
        end = min(end, allotment.ends_on)
    return end


def allotment_create(
    *, actor: User, company: Organisation, minutes_per_period: int,
    pool: CreditAccount | None = None, member: User | None = None, team: Team | None = None,
    centres: Sequence[Centre] = (), period: str = AllotmentPeriodKind.WHOLE,
    at_period_end: str = PeriodEnd.RETURN, starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Allotment:
    """Share part of a pool out: to a person, a team, centres, or a mix of these."""
    _company(company)
    require(actor, "company.credit", company=company)
    _positive_minutes(minutes_per_period, "minutes_per_period")
    today = _today()
    starts_on = starts_on or today
    errors: dict[str, list[str]] = {}
    if period not in AllotmentPeriodKind.values:
        errors["period"] = [_("monthly or whole.")]
    if at_period_end not in PeriodEnd.values:
        errors["at_period_end"] = [_("return or keep.")]
    if member is not None and team is not None:
        errors["team_id"] = [_("An allotment goes to a person or a team, not both.")]
    if member is not None and (member.company_id != company.pk or not member.is_active):
        errors["member_id"] = [_("Not an active employee of this company.")]
    if team is not None and team.company_id != company.pk:
        errors["team_id"] = [_("A team of another company.")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("Before the start.")]
    if starts_on < today:
        errors["starts_on"] = [_("An allotment starts today or later.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    if pool is None:
        pool = (CreditAccount.objects.filter(kind=AccountKind.POOL, company=company,
                                             valid_until__gte=starts_on,
                                             balance_minutes__gte=minutes_per_period)
                .order_by("valid_until", "pk").first())
        if pool is None:
            available = CreditAccount.objects.filter(
                kind=AccountKind.POOL, company=company, valid_until__gte=starts_on,
            ).aggregate(m=Sum("balance_minutes"))["m"] or 0
            raise _insufficient(available, minutes_per_period, "minutes_per_period")
    if pool.kind != AccountKind.POOL or pool.company_id != company.pk:
        raise InvalidInput(_("This credit belongs to another company."), code="foreign_credit",
                           fields={"pool_id": [_("Not this company's credit.")]})
    if pool.valid_until < starts_on or pool.valid_until < today:
        raise InvalidInput(_("This credit has expired."), code="expired_credit",
                           fields={"pool_id": [_("Expired.")]})
    if ends_on is not None and ends_on > pool.valid_until:
        raise InvalidInput(_("The allotment would outlive its credit."),
                           fields={"ends_on": [_("After the credit's validity (%s).")
                                               % pool.valid_until.isoformat()]})
    reachable = _networks_reachable_from(pool.network_id)
    if any(c.network_id not in reachable for c in centres):
        raise InvalidInput(_("This credit cannot be used in one of these centres."),
                           fields={"centre_ids": [_("A centre outside the credit's networks.")]})
    with transaction.atomic():
        locked_pool = credit_accounts_lock([pool])[pool.pk]
        if locked_pool.balance_minutes < minutes_per_period:
            raise _insufficient(locked_pool.balance_minutes, minutes_per_period,
                                "minutes_per_period")
        account = CreditAccount.objects.create(
            kind=AccountKind.ALLOTMENT, company=company, network_id=pool.network_id,
            purchase_id=pool.purchase_id, valid_from=starts_on, valid_until=pool.valid_until,
        )
        allotment = Allotment.objects.create(
            company=company, pool=pool, account=account, member=member, team=team,
            minutes_per_period=minutes_per_period, period=period, at_period_end=at_period_end,
            starts_on=starts_on, ends_on=ends_on, created_by=actor,
        )
        if centres:
            allotment.centres.set(centres)
        first_end = _period_bounds(allotment, starts_on, pool.valid_until)
        AllotmentPeriod.objects.create(allotment=allotment, starts_on=starts_on, ends_on=first_end,
                                       granted_minutes=minutes_per_period)
        account = credit_accounts_lock([account])[account.pk]
        _transfer(locked_pool, account, minutes_per_period, LedgerReason.ALLOTMENT,
                  allotment=allotment, member=member, actor=actor)
        allotment.account, allotment.pool = account, locked_pool
        audit_log(actor=actor, action="allotment.created", obj=allotment,
                  network_id=company.network_id, data={
                      "minutes_per_period": minutes_per_period, "period": period,
                      "member": member.pk if member else None, "team": team.pk if team else None,
                      "centres": [c.pk for c in centres], "at_period_end": at_period_end})
    return allotment


def _return_to_pool(allotment: Allotment, accounts: dict[int, CreditAccount], *,
                    actor: User | None, note: str, today: dt.date) -> int:
    """Move what is left on an allotment back to its pool (if the pool is still valid)."""
    account, pool = accounts[allotment.account_id], accounts[allotment.pool_id]
    left = account.balance_minutes
    if left <= 0 or pool.valid_until < today:
        return 0
    _transfer(account, pool, left, LedgerReason.ALLOTMENT, allotment=allotment,
              member=allotment.member, actor=actor, note=note)
    return left


def allotment_end(*, actor: User | None, allotment: Allotment, check: bool = True) -> Allotment:
    """Stop an allotment now; what is left returns to the company pool."""
    return _allotment_end(actor=actor, allotment=allotment, check=check)[0]


def _allotment_end(*, actor: User | None, allotment: Allotment,
                   check: bool = True) -> tuple[Allotment, int]:
    if check:
        require(actor, "company.credit", company=allotment.company)
    today = _today()
    with transaction.atomic():
        locked = Allotment.objects.select_for_update(no_key=True).get(pk=allotment.pk)
        if locked.ended_at is not None:
            return locked, 0
        accounts = credit_accounts_lock([locked.account_id, locked.pool_id])
        returned = _return_to_pool(locked, accounts, actor=actor, note="allotment ended",
                                   today=today)
        now = timezone.now()
        locked.ended_at = now
        locked.save(update_fields=["ended_at", "updated_at"])
        current = locked.periods.filter(closed_at__isnull=True).order_by("-starts_on").first()
        if current is not None:
            current.returned_minutes += returned
            current.closed_at = now
            current.save(update_fields=["returned_minutes", "closed_at"])
        audit_log(actor=actor, action="allotment.ended", obj=locked,
                  network_id=locked.company.network_id, data={"returned_minutes": returned})
    return locked, returned


def credit_member_left(*, actor: User | None, member: User) -> int:
    """A leaver's personal allotments end; their unused minutes return to the company.
    Returns the minutes returned."""
    returned = 0
    with transaction.atomic():
        # Every allotment row, then every account, each set at once in primary-key order
        # (credits/locks.py): ending one allotment after another would lock the second's
        # account after the first's pool.
        allotments = list(Allotment.objects.select_for_update(no_key=True)
                          .filter(member=member, ended_at__isnull=True).order_by("pk"))
        credit_accounts_lock([a.account_id for a in allotments] + [a.pool_id for a in allotments])
        for allotment in allotments:
            returned += _allotment_end(actor=actor, allotment=allotment, check=False)[1]
    return returned


# --- Periodic jobs ----------------------------------------------------------------------


@dataclass
class PeriodicResult:
    periods_closed: int = 0
    periods_opened: int = 0
    minutes_returned: int = 0
    minutes_granted: int = 0
    accounts_expired: int = 0
    minutes_expired: int = 0
    memberships_renewed: int = 0
    memberships_ended: int = 0


def allotment_periods_roll(*, today: dt.date | None = None,
                           result: PeriodicResult | None = None) -> PeriodicResult:
    """Close the allotment periods that ended before `today` (returning or keeping what
    is left) and open the monthly periods due. Idempotent: each allotment is locked,
    its periods re-read, and a period row is unique per allotment and start."""
    today = today or _today()
    result = result or PeriodicResult()
    due = (AllotmentPeriod.objects.filter(closed_at__isnull=True, ends_on__lt=today)
           .values_list("allotment_id", flat=True).distinct())
    for allotment_id in sorted(set(due)):
        with transaction.atomic():
            allotment = Allotment.objects.select_for_update(no_key=True).get(pk=allotment_id)
            accounts = credit_accounts_lock([allotment.account_id, allotment.pool_id])
            pool = accounts[allotment.pool_id]
            while True:
                current = (allotment.periods.filter(closed_at__isnull=True)
                           .order_by("-starts_on").first())
                if current is None or current.ends_on >= today:
                    break
                returned = 0
                if allotment.at_period_end == PeriodEnd.RETURN:
                    returned = _return_to_pool(allotment, accounts, actor=None,
                                               note="period end", today=today)
                current.returned_minutes += returned
                current.closed_at = timezone.now()
                current.save(update_fields=["returned_minutes", "closed_at"])
                result.periods_closed += 1
                result.minutes_returned += returned
                next_start = current.ends_on + dt.timedelta(days=1)
                if (allotment.period != AllotmentPeriodKind.MONTHLY
                        or allotment.ended_at is not None
                        or next_start > pool.valid_until
                        or (allotment.ends_on is not None and next_start > allotment.ends_on)):
                    break
                # The pool may have less than a full month's share left: give what is there.
                grant = min(allotment.minutes_per_period, pool.balance_minutes)
                AllotmentPeriod.objects.create(
                    allotment=allotment, starts_on=next_start,
                    ends_on=_period_bounds(allotment, next_start, pool.valid_until),
                    granted_minutes=grant,
                )
                if grant > 0:
                    _transfer(pool, accounts[allotment.account_id], grant, LedgerReason.ALLOTMENT,
                              allotment=allotment, member=allotment.member, note="new period")
                audit_log(actor=None, action="allotment.period_opened", obj=allotment,
                          network_id=pool.network_id,
                          data={"starts_on": next_start.isoformat(), "granted_minutes": grant,
                                "returned_before": returned})
                result.periods_opened += 1
                result.minutes_granted += grant
    return result


def credit_expire(*, today: dt.date | None = None,
                  result: PeriodicResult | None = None) -> PeriodicResult:
    """Write an `expiry` entry for what is left on every account whose validity ended
    before `today`. Idempotent: each account is locked and re-read; an emptied
    account is left alone."""
    today = today or _today()
    result = result or PeriodicResult()
    due = CreditAccount.objects.filter(valid_until__lt=today, balance_minutes__gt=0)
    for account_id in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            account = credit_accounts_lock([account_id])[account_id]
            if account.valid_until >= today or account.balance_minutes <= 0:
                continue
            left = account.balance_minutes
            allotment = Allotment.objects.filter(account=account).first()
            _post(account, -left, LedgerReason.EXPIRY, purchase_id=account.purchase_id,
                  allotment=allotment, note=f"valid until {account.valid_until.isoformat()}")
            audit_log(actor=None, action="credit.expired", obj=account,
                      network_id=account.network_id, data={"minutes": left})
            result.accounts_expired += 1
            result.minutes_expired += left
    return result


def credit_periodic_run(*, today: dt.date | None = None) -> PeriodicResult:
    """The nightly job: allotment periods, then expiry, then membership renewals."""
    today = today or _today()
    result = PeriodicResult()
    allotment_periods_roll(today=today, result=result)
    credit_expire(today=today, result=result)
    membership_renew_due(today=today, result=result)
    return result


# --- Memberships -------------------------------------------------------------------------


def _require_plan_scope(actor: User, network: Network | int, centre: Centre | None) -> None:
    """A network-wide plan is the operator's; a plan of one centre is also its manager's
    (it is one of the centre's prices)."""
    if centre is None or allowed(actor, "credit.catalogue", network=network):
        require(actor, "credit.catalogue", network=network)
    else:
        require(actor, "centre.prices", centre=centre)


def _plan_values(*, name: str, monthly_fee_net: Decimal, included_hours: int) -> dict[str, Any]:
    if not name.strip():
        raise InvalidInput(_("Give the plan a name."), fields={"name": [_("Required.")]})
    if not isinstance(included_hours, int) or included_hours < 0:
        raise InvalidInput(_("Included hours are zero or more."),
                           fields={"included_hours": [_("Not negative.")]})
    if included_hours * 60 > MAX_MINUTES:
        raise InvalidInput(_("This is far too much."),
                           fields={"included_hours": [_("Too large.")]})
    return {"name": name.strip()[:100],
            "monthly_fee_net": _money(monthly_fee_net, "monthly_fee_net"),
            "included_minutes": included_hours * 60}


def membership_plan_create(*, actor: User, network: Network, name: str,
                           monthly_fee_net: Decimal, included_hours: int,
                           vat_rate: Decimal | None = None,
                           centre: Centre | None = None) -> MembershipPlan:
    _require_plan_scope(actor, network, centre)
    values = _plan_values(name=name, monthly_fee_net=monthly_fee_net,
                          included_hours=included_hours)
    if centre is not None and centre.network_id != network.pk:
        raise InvalidInput(_("A centre of another network."), fields={"centre_id": [_("Other network.")]})
    plan = MembershipPlan.objects.create(
        network=network, centre=centre,
        vat_rate=_rate(network.default_vat_rate if vat_rate is None else vat_rate), **values,
    )
    audit_log(actor=actor, action="membership_plan.created", obj=plan, network_id=network.pk,
              data={"fee": str(plan.monthly_fee_net), "included_minutes": plan.included_minutes,
                    "centre": centre.pk if centre else None})
    return plan


_UNCHANGED: Any = object()


def membership_plan_update(*, actor: User, plan: MembershipPlan, name: str,
                           monthly_fee_net: Decimal, included_hours: int,
                           vat_rate: Decimal | None = None, centre: Centre | None = _UNCHANGED,
                           is_active: bool = True) -> MembershipPlan:
    """Change a plan. Each month of a membership copied the fee and hours when it began,
    so the change applies from the members' next month on."""
    _require_plan_scope(actor, plan.network_id, plan.centre)
    new_centre = plan.centre if centre is _UNCHANGED else centre
    if new_centre != plan.centre:
        if new_centre is not None and new_centre.network_id != plan.network_id:
            raise InvalidInput(_("A centre of another network."),
                               fields={"centre_id": [_("Other network.")]})
        _require_plan_scope(actor, plan.network_id, new_centre)
    values = _plan_values(name=name, monthly_fee_net=monthly_fee_net,
                          included_hours=included_hours)
    values["centre_id"] = new_centre.pk if new_centre else None
    values["is_active"] = bool(is_active)
    if vat_rate is not None:
        values["vat_rate"] = _rate(vat_rate)
    with transaction.atomic():
        locked = MembershipPlan.objects.select_for_update().get(pk=plan.pk)
        changed = {k: v for k, v in values.items() if getattr(locked, k) != v}
        for key, value in changed.items():
            setattr(locked, key, value)
        if changed:
            locked.save(update_fields=[k.removesuffix("_id") if k == "centre_id" else k
                                       for k in changed] + ["updated_at"])
            audit_log(actor=actor, action="membership_plan.updated", obj=locked,
                      network_id=locked.network_id,
                      data={k: str(v) for k, v in changed.items()})
    return locked


def _open_membership_period(membership: Membership, account: CreditAccount,
                            starts_on: dt.date) -> MembershipPeriod:
    plan = membership.plan
    ends_on = add_months(starts_on, 1) - dt.timedelta(days=1)
    period = MembershipPeriod.objects.create(
        membership=membership, starts_on=starts_on, ends_on=ends_on,
        fee_net=plan.monthly_fee_net, vat_rate=plan.vat_rate,
        included_minutes=plan.included_minutes,
    )
    account.valid_from, account.valid_until = starts_on, ends_on
    account.save(update_fields=["valid_from", "valid_until"])
    if plan.included_minutes:
        _post(account, plan.included_minutes, LedgerReason.PURCHASE, membership_period=period,
              member=membership.member, note=f"{plan.name} {starts_on:%Y-%m}")
    return period


def membership_start(*, actor: User, member: User, plan: MembershipPlan,
                     starts_on: dt.date | None = None) -> Membership:
    """An independent member subscribes to a plan of their network; the first month
    starts now. A company's employees pay with its time credit, and staff roles run the
    service: no plan for them (`selectors.membership_refusal`)."""
    from smartwork.credits.selectors import membership_refusal

    if actor.pk != member.pk:
        raise Forbidden(_("Members subscribe for themselves."))
    refusal = membership_refusal(actor=member)
    if refusal is not None:
        raise refusal
    if not plan.is_active or plan.network_id != member.network_id:
        raise InvalidInput(_("This plan is not offered in your network."), code="foreign_plan",
                           fields={"plan_id": [_("Not offered to you.")]})
    today = _today()
    starts_on = starts_on or today
    if starts_on < today:
        raise InvalidInput(_("A membership starts today or later."),
                           fields={"starts_on": [_("In the past.")]})
    with transaction.atomic():
        # Lock the member so two subscriptions at once cannot both pass the check, nor
        # one pass while an invitation makes them an employee (invitation_accept locks
        # the member too): re-read the employer under the lock.
        refusal = membership_refusal(actor=User.objects.select_for_update().get(pk=member.pk))
        if refusal is not None:
            raise refusal
        if Membership.objects.filter(member=member).exclude(state=MembershipState.ENDED).exists():
            raise Conflict(_("You have a membership already."), code="membership_exists")
        account = CreditAccount.objects.create(
            kind=AccountKind.MEMBERSHIP, member=member, network=plan.network,
            valid_from=starts_on, valid_until=starts_on,
        )
        membership = Membership.objects.create(member=member, plan=plan, account=account,
                                               starts_on=starts_on)
        account = credit_accounts_lock([account])[account.pk]
        _open_membership_period(membership, account, starts_on)
        membership.account = account
        audit_log(actor=actor, action="membership.started", obj=membership,
                  network_id=plan.network_id, data={"plan": plan.pk})
    return membership


def membership_cancel(*, actor: User, membership: Membership) -> Membership:
    """Cancellation takes effect at the end of the running month."""
    if actor.pk != membership.member_id:
        require(actor, "credit.catalogue", network=membership.plan.network_id)
    locked, cancelled = _membership_cancel(actor=actor, membership_id=membership.pk)
    if not cancelled:
        raise Conflict(_("This membership is not active."), code="not_active")
    return locked


def _membership_cancel(*, actor: User | None, membership_id: int,
                       data: dict[str, Any] | None = None) -> tuple[Membership, bool]:
    """Lock the membership and, if it is active, set it to end with its running month
    (not renewed), audited `membership.cancelled`. (membership, False): it was not active."""
    with transaction.atomic():
        locked = (Membership.objects.select_for_update(no_key=True, of=("self",))
                  .select_related("plan").get(pk=membership_id))
        if locked.state != MembershipState.ACTIVE:
            return locked, False
        current = locked.periods.order_by("-starts_on").first()
        assert current is not None
        locked.state = MembershipState.CANCELLING
        locked.ends_on = current.ends_on
        locked.save(update_fields=["state", "ends_on", "updated_at"])
        audit_log(actor=actor, action="membership.cancelled", obj=locked,
                  network_id=locked.plan.network_id,
                  data={"ends_on": current.ends_on.isoformat(), **(data or {})})
    return locked, True


def membership_member_joined_company(*, actor: User | None, member: User,
                                     company: Organisation) -> Membership | None:
    """Someone who becomes a company's employee keeps the month of membership they paid
    for, and no more: their company's time credit pays from now on. A running
    membership is cancelled as `membership_cancel` does (it ends with its running
    month, not renewed; audited with the reason), in the caller's transaction, after
    it wrote (so locked) the member's row: `membership_start` locks it and re-reads the
    employer, so a subscription at the same moment cannot slip past this. Until its end
    the membership stays theirs: shown on their pages, its hours pay for what they pay
    themselves. Returns it, or None when there was no active membership (none, or
    cancelled already)."""
    found = (Membership.objects.filter(member=member, state=MembershipState.ACTIVE)
             .order_by("pk").values_list("pk", flat=True).first())
    if found is None:
        return None
    locked, cancelled = _membership_cancel(
        actor=actor, membership_id=found,
        data={"reason": "company_employee", "company": company.pk})
    return locked if cancelled else None


def membership_renew_due(*, today: dt.date | None = None,
                         result: PeriodicResult | None = None) -> PeriodicResult:
    """Start the next month of every live membership whose month is over (expiring the
    hours left), or end it when it was cancelled, or when its member is now a company's
    employee (whatever made them one: `membership_member_joined_company` has set it to
    end already when a service did). Idempotent (lock + unique period)."""
    today = today or _today()
    result = result or PeriodicResult()
    due = Membership.objects.exclude(state=MembershipState.ENDED).filter(
        account__valid_until__lt=today)
    for membership_id in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            membership = Membership.objects.select_for_update(
                no_key=True, of=("self",)).select_related("plan", "member").get(
                pk=membership_id)
            account = credit_accounts_lock([membership.account_id])[membership.account_id]
            while membership.state != MembershipState.ENDED and account.valid_until < today:
                if account.balance_minutes > 0:
                    _post(account, -account.balance_minutes, LedgerReason.EXPIRY,
                          member=membership.member, note="end of month")
                next_start = account.valid_until + dt.timedelta(days=1)
                employed = membership.member.company_id is not None
                if employed or (membership.state == MembershipState.CANCELLING and (
                        membership.ends_on is None or membership.ends_on < next_start)):
                    membership.state = MembershipState.ENDED
                    membership.ends_on = membership.ends_on or account.valid_until
                    membership.save(update_fields=["state", "ends_on", "updated_at"])
                    audit_log(actor=None, action="membership.ended", obj=membership,
                              network_id=membership.plan.network_id,
                              data={"reason": "company_employee"} if employed else None)
                    result.memberships_ended += 1
                    break
                period = _open_membership_period(membership, account, next_start)
                audit_log(actor=None, action="membership.renewed", obj=membership,
                          network_id=membership.plan.network_id,
                          data={"period": period.pk, "starts_on": next_start.isoformat()})
                result.memberships_renewed += 1
    return result


# --- Lookups used by the API ------------------------------------------------------------


def company_for(*, company_id: int) -> Organisation:
    company = Organisation.objects.filter(pk=company_id, kind=OrganisationKind.COMPANY).first()
    if company is None:
        raise NotFound(_("No such company."))
    return company
