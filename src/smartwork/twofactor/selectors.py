"""Reads: which second factors a user has, and whether a policy requires one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartwork.accounts.choices import Role
from smartwork.accounts.models import User
from smartwork.core.permissions import require
from smartwork.twofactor.models import CompanyPolicy, NetworkPolicy, Passkey, RecoveryCode

STAFF_ROLES = (Role.OPERATOR, Role.CENTRE_MANAGER, Role.COMPANY_ADMIN)


def totp_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def passkey_list(*, user: User) -> QuerySet[Passkey]:
    return Passkey.objects.filter(user=user)


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def has_second_factor(*, user: Any) -> bool:
    """Has the user an authenticator app or a passkey (the second step applies)?"""
    if user is None or not getattr(user, "pk", None):
        return False
    return (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or Passkey.objects.filter(user=user).exists())


@dataclasses.dataclass(frozen=True)
class Requirement:
    required: bool
    # Until this day (included) the user may still put enrolment off; None: no delay.
    grace_until: dt.date | None = None
    reasons: tuple[str, ...] = ()

    def may_postpone(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.grace_until is not None and today <= self.grace_until


def two_factor_requirement(*, user: User) -> Requirement:
    """Must `user` log in with a second factor? Yes when a network whose policy requires
    it for staff gives them a staff role there (operator, centre manager of one of its
    centres, admin of one of its companies), or when their company requires it. The
    grace is the earliest of the policies that apply (none if one has none)."""
    policies: list[tuple[str, dt.date | None]] = []
    network_ids: set[int] = set()
    company_ids: set[int] = set()
    for role, network_id, centre_network_id, org_id, org_network_id in user.roles.filter(
            role__in=STAFF_ROLES).values_list(
            "role", "network_id", "centre__network_id", "organisation_id",
            "organisation__network_id"):
        if role == Role.OPERATOR and network_id:
            network_ids.add(network_id)
        elif role == Role.CENTRE_MANAGER and centre_network_id:
            network_ids.add(centre_network_id)
        elif role == Role.COMPANY_ADMIN:
            if org_network_id:
                network_ids.add(org_network_id)
            if org_id:
                company_ids.add(org_id)
    for policy in NetworkPolicy.objects.filter(network_id__in=network_ids, staff_required=True):
        policies.append((f"network:{policy.network_id}", policy.grace_until))
    if user.company_id:
        company_ids.add(user.company_id)
    for cpolicy in CompanyPolicy.objects.filter(company_id__in=company_ids, staff_required=True):
        if cpolicy.company_id == user.company_id:
            policies.append((f"company:{cpolicy.company_id}", cpolicy.grace_until))
    if not policies:
        return Requirement(required=False)
    graces = [g for _, g in policies]
    grace = None if any(g is None for g in graces) else min(g for g in graces if g)
    return Requirement(required=True, grace_until=grace, reasons=tuple(r for r, _ in policies))


def network_policy_get(*, actor: User, network: Any) -> NetworkPolicy:
    require(actor, "network.edit", network=network)
    return NetworkPolicy.objects.filter(network=network).first() or NetworkPolicy(network=network)


def company_policy_get(*, actor: User, company: Any) -> CompanyPolicy:
    require(actor, "company.staff", company=company)
    return CompanyPolicy.objects.filter(company=company).first() or CompanyPolicy(company=company)
