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
        # Only the organisations that work with one of the operator's networks
        # (accounts.scopes.organisation_network_ids): a centre operator of another
        # network, and its bank account, stay out of sight.
        nets = roles.operator_networks
        return qs.filter(
            Q(network_id__in=nets)
            | Q(networks__id__in=nets)
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


# --- Staff (issue 5) -------------------------------------------------------------------


def companies_for_admin_pages(*, actor: User) -> list[Organisation]:
    """The companies whose pages the actor opens from the company chooser: every active
    customer company for the superuser, else those the actor administers."""
    from smartwork.accounts.choices import OrganisationKind
    from smartwork.core.permissions import roles_of

    roles = roles_of(actor)
    qs = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    qs = (qs.filter(is_active=True) if roles.superuser
          else qs.filter(pk__in=roles.admin_companies))
    return list(qs.order_by("legal_name", "pk"))


def staff_company(*, actor: User, company_id: int) -> Organisation:
    """The company whose staff the actor manages (its admin, its network's operator)."""
    from smartwork.core.permissions import require

    company = Organisation.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("No such organisation."))
    require(actor, "company.staff", company=company)
    return company


def staff_list(*, actor: User, company: Organisation, active: bool | None = None,
               team_id: int | None = None) -> QuerySet[User]:
    from smartwork.core.permissions import require

    require(actor, "company.staff", company=company)
    qs = User.objects.filter(company=company).prefetch_related("team_memberships")
    if active is not None:
        qs = qs.filter(is_active=active)
    if team_id is not None:
        qs = qs.filter(team_memberships__team_id=team_id)
    return qs.order_by("last_name", "first_name", "email")


def team_list(*, actor: User, company: Organisation) -> QuerySet:  # type: ignore[type-arg]
    from django.db.models import Count

    from smartwork.accounts.models import Team
    from smartwork.core.permissions import require

    require(actor, "company.staff", company=company)
    return Team.objects.filter(company=company).annotate(
        member_count=Count("memberships")).order_by("name")


def invitation_list(*, actor: User, company: Organisation,
                    open_only: bool = False) -> QuerySet:  # type: ignore[type-arg]
    from smartwork.accounts.models import Invitation
    from smartwork.core.permissions import require

    require(actor, "company.staff", company=company)
    qs = Invitation.objects.filter(company=company)
    if open_only:
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    return qs.order_by("-created_at", "-id")
