"""Reads for organisations and roles, scoped to the acting user."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, RoleAssignment, User
from smartwork.core.errors import Forbidden, NotFound
from smartwork.core.permissions import roles_of


def organisation_list(*, actor: User) -> QuerySet[Organisation]:
    roles = roles_of(actor)
    qs = Organisation.objects.all()
    if roles.superuser:
        return qs
    if roles.operator_networks:
        nets = roles.operator_networks
        return qs.filter(
            Q(network_id__in=nets)
            | Q(operated_networks__id__in=nets)
            | Q(operated_centres__network_id__in=nets)
        ).distinct()
    if roles.admin_companies:
        return qs.filter(pk__in=roles.admin_companies)
    raise Forbidden(_("Your role does not allow this here."))


def organisation_get(*, actor: User, organisation_id: int) -> Organisation:
    org = organisation_list(actor=actor).filter(pk=organisation_id).first()
    if org is None:
        raise NotFound(_("No such organisation."))
    return org


def role_list(*, actor: User) -> QuerySet[RoleAssignment]:
    roles = roles_of(actor)
    qs = RoleAssignment.objects.select_related("user", "network", "centre", "organisation")
    if roles.superuser:
        return qs
    if not roles.operator_networks:
        raise Forbidden(_("Your role does not allow this here."))
    nets = roles.operator_networks
    return qs.filter(
        Q(network_id__in=nets) | Q(centre__network_id__in=nets) | Q(organisation__network_id__in=nets)
    )


def user_roles_summary(*, user: User) -> list[dict[str, object]]:
    return [
        {
            "role": r.role,
            "network_id": r.network_id,
            "centre_id": r.centre_id,
            "organisation_id": r.organisation_id,
            "scope_name": str(r.network or r.centre or r.organisation),
        }
        for r in RoleAssignment.objects.filter(user=user).select_related(
            "network", "centre", "organisation"
        )
    ]
