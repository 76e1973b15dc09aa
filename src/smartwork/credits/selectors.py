"""Reads for time credit, scoped to the acting user: the operator sees the companies of
their network, a company admin their company, a member their own use; a centre's
staff see none of a company's credit."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, Team, User
from smartwork.core.errors import Forbidden, InvalidInput, NotFound
from smartwork.core.permissions import allowed, require, roles_of
from smartwork.credits.choices import AccountKind, MembershipState
from smartwork.credits.models import (
    Allotment,
    CreditAccount,
    CreditPackage,
    CreditPurchase,
    LedgerEntry,
    Membership,
    MembershipPlan,
    RoamingUsage,
)

# --- Proof of the ledger --------------------------------------------------------------


@dataclass
class LedgerProblem:
    account_id: int
    kind: str
    message: str


@dataclass
class LedgerReport:
    accounts: int = 0
    entries: int = 0
    problems: list[LedgerProblem] = field(default_factory=list)


def ledger_check() -> LedgerReport:
    """Every account's stored balance equals the sum of its entries, and every entry's
    `balance_after` is the one before plus its amount. Streams the entries in order."""
    report = LedgerReport()
    accounts = {a.pk: a for a in CreditAccount.objects.only("pk", "kind", "balance_minutes")}
    report.accounts = len(accounts)
    running: dict[int, int] = {}
    rows = (LedgerEntry.objects.order_by("account_id", "id")
            .values_list("id", "account_id", "amount_minutes", "balance_after")
            .iterator(chunk_size=5000))
    for entry_id, account_id, amount, balance_after in rows:
        report.entries += 1
        total = running.get(account_id, 0) + amount
        running[account_id] = total
        if balance_after != total:
            account = accounts[account_id]
            report.problems.append(LedgerProblem(
                account_id, account.kind,
                f"entry {entry_id}: running balance {balance_after} but the entries sum to {total}"))
            running[account_id] = balance_after  # report each break once
    sums = dict(LedgerEntry.objects.values("account_id").annotate(s=Sum("amount_minutes"))
                .values_list("account_id", "s"))
    for account_id, account in sorted(accounts.items()):
        total = sums.get(account_id, 0) or 0
        if account.balance_minutes != total:
            report.problems.append(LedgerProblem(
                account_id, account.kind,
                f"stored balance {account.balance_minutes} but the entries sum to {total}"))
    return report


# --- Scope --------------------------------------------------------------------------------


def company_for_credit(*, actor: User, company_id: int) -> Organisation:
    """The company whose credit the actor may see and manage (operator of its network, its
    admin); others get 403, an unknown id 404."""
    company = Organisation.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("No such company."))
    require(actor, "company.credit", company=company)
    return company


def credit_package_list(*, network_id: int) -> QuerySet[CreditPackage]:
    return CreditPackage.objects.filter(network_id=network_id, is_active=True).order_by("hours")


def credit_purchase_list(*, actor: User, company: Organisation) -> QuerySet[CreditPurchase]:
    require(actor, "company.credit", company=company)
    return CreditPurchase.objects.filter(company=company).select_related("package").annotate(
        balance_minutes=Sum("accounts__balance_minutes",
                            filter=Q(accounts__kind=AccountKind.POOL)),
    ).order_by("-purchased_on", "-id")


def allotment_list(*, actor: User, company: Organisation,
                   active: bool | None = None) -> QuerySet[Allotment]:
    require(actor, "company.credit", company=company)
    qs = (Allotment.objects.filter(company=company)
          .select_related("account", "member", "team").prefetch_related("centres"))
    if active is True:
        qs = qs.filter(ended_at__isnull=True)
    elif active is False:
        qs = qs.filter(ended_at__isnull=False)
    return qs.order_by("id")


def company_credit_summary(*, actor: User, company: Organisation,
                           on: dt.date | None = None) -> dict[str, Any]:
    require(actor, "company.credit", company=company)
    on = on or timezone.localdate()
    accounts = CreditAccount.objects.filter(company=company)
    live = accounts.filter(valid_until__gte=on)
    pool = live.filter(kind=AccountKind.POOL).aggregate(m=Sum("balance_minutes"))["m"] or 0
    allotted = live.filter(kind=AccountKind.ALLOTMENT).aggregate(
        m=Sum("balance_minutes"))["m"] or 0
    bought = CreditPurchase.objects.filter(company=company, valid_until__gte=on).aggregate(
        m=Sum("minutes"))["m"] or 0
    return {
        "company_id": company.pk,
        "pool_minutes": pool,
        "allotted_minutes": allotted,
        "total_minutes": pool + allotted,
        "bought_minutes_valid": bought,
        "pools": [
            {"account_id": a.pk, "purchase_id": a.purchase_id, "network_id": a.network_id,
             "valid_from": a.valid_from, "valid_until": a.valid_until,
             "balance_minutes": a.balance_minutes}
            for a in live.filter(kind=AccountKind.POOL).order_by("valid_until", "pk")
        ],
    }


# --- The ledger, filtered -------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilters:
    member: int | None = None
    team: int | None = None
    centre: int | None = None
    reason: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    account: int | None = None


def _filtered(qs: QuerySet[LedgerEntry], filters: LedgerFilters) -> QuerySet[LedgerEntry]:
    if filters.member is not None:
        qs = qs.filter(member_id=filters.member)
    if filters.team is not None:
        team_members = Team.objects.filter(pk=filters.team).values_list(
            "memberships__user_id", flat=True)
        qs = qs.filter(Q(member_id__in=team_members) | Q(allotment__team_id=filters.team))
    if filters.centre is not None:
        qs = qs.filter(centre_id=filters.centre)
    if filters.reason:
        qs = qs.filter(reason=filters.reason)
    if filters.date_from is not None:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    if filters.account is not None:
        qs = qs.filter(account_id=filters.account)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidInput(_("The period ends before it starts."),
                           fields={"date_to": [_("Before date_from.")]})
    return qs


def _entries() -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.select_related("account", "member", "centre", "actor")


def company_ledger(*, actor: User, company: Organisation,
                   filters: LedgerFilters) -> QuerySet[LedgerEntry]:
    require(actor, "company.credit", company=company)
    if filters.team is not None and not Team.objects.filter(pk=filters.team,
                                                           company=company).exists():
        raise InvalidInput(_("No such team in this company."), fields={"team": [_("Unknown.")]})
    qs = _entries().filter(account__company=company)
    return _filtered(qs, filters).order_by("-created_at", "-id")


def member_ledger(*, actor: User, filters: LedgerFilters) -> QuerySet[LedgerEntry]:
    """A member's own history: their uses of any credit, and their membership's entries."""
    from smartwork.credits.choices import LedgerReason

    # Their own uses of any account, and every movement of accounts that are theirs
    # (personal allotments, membership): not the company pool's side of a transfer.
    qs = _entries().filter(
        Q(member=actor, reason__in=[LedgerReason.BOOKING, LedgerReason.CANCELLATION_REFUND,
                                    LedgerReason.NO_SHOW])
        | Q(account__allotment__member=actor) | Q(account__member=actor))
    return _filtered(qs, LedgerFilters(centre=filters.centre, reason=filters.reason,
                                       date_from=filters.date_from, date_to=filters.date_to)
                     ).order_by("-created_at", "-id")


LEDGER_CSV_COLUMNS = ["id", "created_at", "account_id", "account_kind", "reason",
                      "amount_minutes", "balance_after", "member_email", "centre",
                      "booking_id", "purchase_id", "allotment_id", "service_date", "actor_email",
                      "note"]


def ledger_csv(entries: Iterable[LedgerEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LEDGER_CSV_COLUMNS)
    for e in entries:
        writer.writerow([
            e.pk, e.created_at.isoformat(), e.account_id, e.account.kind, e.reason,
            e.amount_minutes, e.balance_after, e.member.email if e.member else "",
            e.centre.name if e.centre else "", e.booking_id or "", e.purchase_id or "",
            e.allotment_id or "", e.service_date.isoformat() if e.service_date else "",
            e.actor.email if e.actor else "", e.note,
        ])
    return out.getvalue()


# --- A member's own credit ---------------------------------------------------------------


def member_credit(*, actor: User, on: dt.date | None = None) -> dict[str, Any]:
    """What a member may spend now: their allotments, their teams', the company's shared
    ones, the pool (within the monthly cap) and their membership hours."""
    from smartwork.credits.payment import _pool_used_in_month
    from smartwork.credits.services import credit_policy_get_or_default

    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Log in first."))
    on = on or timezone.localdate()
    result: dict[str, Any] = {"allotments": [], "pool_minutes": 0, "pool_cap_minutes": None,
                              "pool_used_this_month": 0, "membership": None}
    company = actor.company
    if company is not None:
        team_ids = list(actor.team_memberships.values_list("team_id", flat=True))
        allotments = (Allotment.objects.filter(company=company, ended_at__isnull=True,
                                               account__valid_until__gte=on)
                      .filter(Q(member=actor) | Q(team_id__in=team_ids)
                              | Q(member__isnull=True, team__isnull=True))
                      .select_related("account", "team").prefetch_related("centres"))
        result["allotments"] = [
            {"id": a.pk, "holder": "me" if a.member_id else ("team" if a.team_id else "company"),
             "team": a.team.name if a.team else None,
             "centre_ids": [c.pk for c in a.centres.all()],
             "balance_minutes": a.account.balance_minutes, "valid_until": a.account.valid_until}
            for a in allotments
        ]
        policy = credit_policy_get_or_default(company=company)
        if policy.pool_open_to_staff:
            result["pool_minutes"] = CreditAccount.objects.filter(
                kind=AccountKind.POOL, company=company, valid_from__lte=on, valid_until__gte=on,
            ).aggregate(m=Sum("balance_minutes"))["m"] or 0
        result["pool_cap_minutes"] = policy.pool_cap_minutes_per_month
        result["pool_used_this_month"] = _pool_used_in_month(member=actor, company=company, on=on)
    membership = (Membership.objects.exclude(state=MembershipState.ENDED)
                  .filter(member=actor).select_related("plan", "account").first())
    if membership is not None:
        result["membership"] = {
            "id": membership.pk, "plan": membership.plan.name, "state": membership.state,
            "balance_minutes": membership.account.balance_minutes,
            "period_ends_on": membership.account.valid_until, "ends_on": membership.ends_on,
        }
    return result


# --- Memberships and roaming ----------------------------------------------------------------


def membership_plan_list(*, network_id: int) -> QuerySet[MembershipPlan]:
    return MembershipPlan.objects.filter(network_id=network_id, is_active=True)


def membership_of(*, actor: User) -> Membership:
    membership = (Membership.objects.exclude(state=MembershipState.ENDED)
                  .filter(member=actor).select_related("plan", "account").first())
    if membership is None:
        raise NotFound(_("You have no membership."))
    return membership


def roaming_usage_list(*, actor: User, network_id: int) -> QuerySet[RoamingUsage]:
    """Roaming in or out of a network, for its operator's clearing."""
    roles = roles_of(actor)
    if not (roles.superuser or allowed(actor, "network.billing", network=network_id)):
        raise Forbidden(_("Your role does not allow this here."))
    return (RoamingUsage.objects.filter(Q(home_network_id=network_id)
                                        | Q(host_network_id=network_id))
            .select_related("member", "centre").order_by("created_at", "id"))


# --- The catalogue, for those who manage it ---------------------------------------------------


def credit_package_catalogue(*, actor: User, network_id: int) -> QuerySet[CreditPackage]:
    """Every package of a network, retired ones too, for its operator."""
    require(actor, "credit.catalogue", network=network_id)
    return CreditPackage.objects.filter(network_id=network_id).order_by("-is_active", "hours",
                                                                        "pk")


def credit_package_get(*, actor: User, package_id: int) -> CreditPackage:
    package = CreditPackage.objects.filter(pk=package_id).first()
    if package is None:
        raise NotFound(_("No such package."))
    require(actor, "credit.catalogue", network=package.network_id)
    return package


def membership_plans_managed(*, actor: User) -> QuerySet[MembershipPlan]:
    """The plans the actor may change: every plan of the networks they operate, and the
    plans of the centres they manage. Anyone else is refused, never shown all."""
    roles = roles_of(actor)
    if not (roles.superuser or roles.operator_networks or roles.manager_centres):
        raise Forbidden(_("Your role does not allow this here."))
    qs = MembershipPlan.objects.select_related("centre", "network")
    if not roles.superuser:
        qs = qs.filter(Q(network_id__in=roles.operator_networks)
                       | Q(centre_id__in=roles.manager_centres))
    return qs.order_by("-is_active", "centre__name", "monthly_fee_net", "pk")


def membership_plan_get(*, actor: User, plan_id: int) -> MembershipPlan:
    plan = membership_plans_managed(actor=actor).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such plan."))
    return plan


def membership_plans_offered(*, actor: User) -> QuerySet[MembershipPlan]:
    """The plans a member may subscribe to: the active plans of their network."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Log in first."))
    if actor.network_id is None:
        return MembershipPlan.objects.none()
    return (membership_plan_list(network_id=actor.network_id).select_related("centre")
            .order_by("monthly_fee_net", "pk"))


def membership_refusal(*, actor: User) -> Forbidden | None:
    """Why this person may not subscribe to a plan, or None. A plan is how an independent
    member pays (a member is a company's employee or independent; operators, centre
    staff and company admins run the service, they are not its members): a company's
    employee pays with the company's time credit, and whoever holds a role is refused.
    `membership_start` raises it; the pages refuse with it and the navigation hides the
    page. A membership the person already holds stays theirs to see (and cancel)."""
    if actor.company_id is not None:
        return Forbidden(_("Membership plans are for independent members: your company's "
                           "time credit pays for your bookings."), code="company_employee")
    if roles_of(actor).is_staff_of_anything:
        return Forbidden(_("Membership plans are for independent members, not for the staff "
                           "who run a network, a centre or a company."), code="staff_role")
    return None


def membership_summary(*, actor: User) -> dict[str, Any] | None:
    """The member's live membership and its running month: hours included, used, left."""
    membership = (Membership.objects.exclude(state=MembershipState.ENDED)
                  .filter(member=actor).select_related("plan__centre", "account").first())
    if membership is None:
        return None
    period = membership.periods.order_by("-starts_on").first()
    included = period.included_minutes if period else 0
    left = membership.account.balance_minutes
    return {
        "membership": membership, "plan": membership.plan, "period": period,
        "included_minutes": included, "left_minutes": left,
        # Refunds come back into the same month, so use is what is missing from it.
        "used_minutes": max(included - left, 0),
        "cancelling": membership.state == MembershipState.CANCELLING,
    }
