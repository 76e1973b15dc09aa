"""The one place that decides what a role may do.

A user's role assignments are read once per request and cached on the user
object. `require(user, action, ...)` raises `Forbidden`; `allowed(...)` answers
yes or no. Each action names the roles that may do it; the scope (network,
centre, company) decides where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from smartwork.core.errors import Forbidden, NotAuthenticated

if TYPE_CHECKING:
    from smartwork.network.models import Centre, Network


OPERATOR = "operator"
CENTRE_MANAGER = "centre_manager"
RECEPTIONIST = "receptionist"
COMPANY_ADMIN = "company_admin"

# action -> roles that may do it (within their scope).
ACTIONS: dict[str, frozenset[str]] = {
    "network.edit": frozenset({OPERATOR}),
    "alliance.manage": frozenset({OPERATOR}),
    "centre.create": frozenset({OPERATOR}),
    "centre.edit": frozenset({OPERATOR}),
    "centre.inspect": frozenset({OPERATOR}),
    "centre.label": frozenset({OPERATOR}),
    "centre.resources": frozenset({OPERATOR, CENTRE_MANAGER}),
    "centre.prices": frozenset({OPERATOR, CENTRE_MANAGER}),
    "centre.hours": frozenset({OPERATOR, CENTRE_MANAGER}),
    "centre.front_desk": frozenset({OPERATOR, CENTRE_MANAGER, RECEPTIONIST}),
    "centre.reports": frozenset({OPERATOR, CENTRE_MANAGER}),
    "centre.settlements": frozenset({OPERATOR, CENTRE_MANAGER}),
    # A centre's access points (NAS): its manager or the network's operator.
    "centre.wifi": frozenset({OPERATOR, CENTRE_MANAGER}),
    "organisation.manage": frozenset({OPERATOR}),
    "role.assign": frozenset({OPERATOR}),
    "audit.view": frozenset({OPERATOR}),
    "company.view": frozenset({OPERATOR, COMPANY_ADMIN}),
    "company.staff": frozenset({OPERATOR, COMPANY_ADMIN}),
    "company.credit": frozenset({OPERATOR, COMPANY_ADMIN}),
    "company.book_for_staff": frozenset({COMPANY_ADMIN}),
    "company.reports": frozenset({OPERATOR, COMPANY_ADMIN}),
    "company.invoices": frozenset({OPERATOR, COMPANY_ADMIN}),
    "network.billing": frozenset({OPERATOR}),
    "network.reports": frozenset({OPERATOR}),
    "network.wifi": frozenset({OPERATOR}),
    "credit.catalogue": frozenset({OPERATOR}),
    "credit.adjust": frozenset({OPERATOR}),
    # Issue 19 (wellbeing): aggregates only; nobody but the person reads an answer.
    "wellbeing.view": frozenset({OPERATOR, COMPANY_ADMIN}),
    "wellbeing.manage": frozenset({COMPANY_ADMIN}),
    "wellbeing.library": frozenset({OPERATOR}),
    # Smart working (workplans): the company's policy, analysis, plans, equipment.
    # Not the operator: plans and answers are personal (issue 18).
    "company.smartwork": frozenset({COMPANY_ADMIN}),
    # Issue #21: a centre's economics and costs (its manager or the operator), the
    # network's economics and what-ifs (the operator).
    "centre.economics": frozenset({OPERATOR, CENTRE_MANAGER}),
    "network.economics": frozenset({OPERATOR}),
}


@dataclass
class RoleSet:
    """A user's scopes, read once."""

    superuser: bool = False
    operator_networks: set[int] = field(default_factory=set)
    manager_centres: set[int] = field(default_factory=set)
    receptionist_centres: set[int] = field(default_factory=set)
    admin_companies: set[int] = field(default_factory=set)
    # centre id -> network id for the centres above
    centre_networks: dict[int, int] = field(default_factory=dict)

    @property
    def is_staff_of_anything(self) -> bool:
        return bool(
            self.superuser or self.operator_networks or self.manager_centres
            or self.receptionist_centres or self.admin_companies
        )


def roles_of(user: Any) -> RoleSet:
    if user is None or not getattr(user, "is_authenticated", False):
        return RoleSet()
    cached = getattr(user, "_smartwork_roles", None)
    if cached is not None:
        return cached
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
    user._smartwork_roles = roles
    return roles


def forget_roles(user: Any) -> None:
    if hasattr(user, "_smartwork_roles"):
        del user._smartwork_roles


def allowed(
    user: Any,
    action: str,
    *,
    network: Network | int | None = None,
    centre: Centre | None = None,
    company: Any = None,
) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}: add it to core.permissions.ACTIONS")
    roles = roles_of(user)
    if roles.superuser:
        return True
    may = ACTIONS[action]
    network_id = _network_id(network, centre, company)
    if OPERATOR in may and network_id is not None and network_id in roles.operator_networks:
        return True
    # An action with no target (e.g. list all organisations): any operator.
    if (OPERATOR in may and network is None and centre is None and company is None
            and roles.operator_networks):
        return True
    if centre is not None:
        if CENTRE_MANAGER in may and centre.pk in roles.manager_centres:
            return True
        if RECEPTIONIST in may and centre.pk in roles.receptionist_centres:
            return True
    if company is not None and COMPANY_ADMIN in may:
        company_id = company if isinstance(company, int) else company.pk
        if company_id in roles.admin_companies:
            return True
    return False


def require(
    user: Any,
    action: str,
    *,
    network: Network | int | None = None,
    centre: Centre | None = None,
    company: Any = None,
) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    if not allowed(user, action, network=network, centre=centre, company=company):
        raise Forbidden(_("Your role does not allow this here."), code="forbidden")


def _network_id(network: Any, centre: Any, company: Any) -> int | None:
    if network is not None:
        return network if isinstance(network, int) else network.pk
    if centre is not None:
        return centre.network_id
    if company is not None and not isinstance(company, int):
        return getattr(company, "network_id", None)
    return None
