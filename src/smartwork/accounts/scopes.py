"""What `core.permissions` needs from accounts: a user's roles and an organisation's
scope. Registered in `AccountsConfig.ready`, so core imports no domain."""

from __future__ import annotations

from typing import Any

from smartwork.core.permissions import (
    CENTRE_MANAGER,
    COMPANY_ADMIN,
    OPERATOR,
    RECEPTIONIST,
    RoleSet,
    Scope,
    scope,
)


def load_roles(user: Any) -> RoleSet:
    from smartwork.accounts.models import RoleAssignment

    roles = RoleSet(superuser=bool(user.is_superuser))
    rows = RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "network_id", "centre_id", "organisation_id", "centre__network_id"
    )
    for role, network_id, centre_id, organisation_id, centre_network_id in rows:
        if role == OPERATOR:
            roles.operator_networks.add(network_id)
        elif role == CENTRE_MANAGER:
            roles.manager_centres.add(centre_id)
            roles.centre_networks[centre_id] = centre_network_id
        elif role == RECEPTIONIST:
            roles.receptionist_centres.add(centre_id)
            roles.centre_networks[centre_id] = centre_network_id
        elif role == COMPANY_ADMIN:
            roles.admin_companies.add(organisation_id)
    return roles


def organisation_network_ids(organisation: Any) -> set[int]:
    """The networks an organisation works with: those recorded on it (`networks`),
    the network a customer buys from, the networks of the centres it runs and the
    networks it operates. Rows made outside the services (builders, imports) are
    still scoped by the last three."""
    from smartwork.accounts.models import Organisation

    if organisation.pk is None:
        return {organisation.network_id} if organisation.network_id else set()
    ids: set[int] = set(
        Organisation.networks.through.objects.filter(
            organisation_id=organisation.pk).values_list("network_id", flat=True))
    if organisation.network_id:
        ids.add(organisation.network_id)
    ids.update(organisation.operated_centres.values_list("network_id", flat=True))
    ids.update(organisation.operated_networks.values_list("pk", flat=True))
    return ids


def organisation_scope(organisation: Any) -> Scope:
    from smartwork.accounts.choices import OrganisationKind

    if organisation.kind == OrganisationKind.COMPANY and organisation.network_id:
        # A customer company buys from one network: no query on the hot paths.
        return scope(networks=[organisation.network_id], companies=[organisation.pk])
    return scope(networks=organisation_network_ids(organisation), companies=[organisation.pk])
