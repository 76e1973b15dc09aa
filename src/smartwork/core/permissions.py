"""The one place that decides what a role may do.

A user's role assignments are read once per request and cached on the user
object. `require(user, action, ...)` raises `Forbidden`; `allowed(...)` answers
yes or no. Each action names the roles that may do it; the scope (networks,
centres, companies) decides where.

Deny by default: a check with no target refuses everyone but the superuser. The
target is a `Scope` (which networks, centres and companies an object belongs to)
or a domain object; `core` knows no domain, so each app registers how to read the
scope of its objects (`register_scope`, from its `AppConfig.ready`), and the
accounts app registers how to read a user's roles (`register_role_loader`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from smartwork.core.errors import Forbidden, NotAuthenticated

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
    # Who sees a company-hosted space: the network's operator, or the host's admin.
    "company.hosted_space": frozenset({OPERATOR, COMPANY_ADMIN}),
    "centre.inspect": frozenset({OPERATOR}),
    "centre.label": frozenset({OPERATOR}),
    # Reading a centre's label inspections: the network's operator and the centre's manager.
    "centre.inspections_view": frozenset({OPERATOR, CENTRE_MANAGER}),
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
    # Issue #16 §4: the company's identity provider (single sign-on): its admin only.
    "company.sso": frozenset({COMPANY_ADMIN}),
    # Issue #21: a centre's economics and costs (its manager or the operator), the
    # network's economics and what-ifs (the operator).
    "centre.economics": frozenset({OPERATOR, CENTRE_MANAGER}),
    "network.economics": frozenset({OPERATOR}),
    # Payout data (IBAN/BIC) of a centre operator: its own centre manager proposes,
    # the operator of the centre's network approves (accounts/payout.py).
    "payout.propose": frozenset({CENTRE_MANAGER}),
    "payout.approve": frozenset({OPERATOR}),
    # Issue #21 §5 (community): events at a centre, by its manager or the operator.
    "centre.events": frozenset({OPERATOR, CENTRE_MANAGER}),
}


@dataclass(frozen=True)
class Scope:
    """Where an object belongs: the networks, centres and companies it is part of."""

    networks: frozenset[int] = frozenset()
    centres: frozenset[int] = frozenset()
    companies: frozenset[int] = frozenset()

    def __or__(self, other: Scope) -> Scope:
        return Scope(self.networks | other.networks, self.centres | other.centres,
                     self.companies | other.companies)

    @property
    def empty(self) -> bool:
        return not (self.networks or self.centres or self.companies)


def scope(*, networks: Iterable[int] = (), centres: Iterable[int] = (),
          companies: Iterable[int] = ()) -> Scope:
    return Scope(frozenset(int(n) for n in networks if n is not None),
                 frozenset(int(c) for c in centres if c is not None),
                 frozenset(int(c) for c in companies if c is not None))


# model label ("network.centre") -> function(obj) -> Scope; filled by the apps.
_SCOPES: dict[str, Callable[[Any], Scope]] = {}
_role_loader: Callable[[Any], RoleSet] | None = None


def register_scope(model_label: str, resolver: Callable[[Any], Scope]) -> None:
    """How to read the scope of an app's objects (call from `AppConfig.ready`)."""
    _SCOPES[model_label.lower()] = resolver


def register_role_loader(loader: Callable[[Any], RoleSet]) -> None:
    """How to read a user's role assignments (the accounts app registers it)."""
    global _role_loader
    _role_loader = loader


def scope_of(obj: Any) -> Scope:
    """The scope of a domain object, through the resolver its app registered."""
    if obj is None:
        return Scope()
    if isinstance(obj, Scope):
        return obj
    label = getattr(getattr(obj, "_meta", None), "label_lower", None)
    resolver = _SCOPES.get(label or "")
    if resolver is None:
        raise KeyError(f"No scope resolver for {label or type(obj).__name__}: "
                       "register one with core.permissions.register_scope")
    return resolver(obj)


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
    if _role_loader is None:  # pragma: no cover - the accounts app registers it
        raise RuntimeError("No role loader registered (core.permissions.register_role_loader)")
    roles = _role_loader(user)
    user._smartwork_roles = roles
    return roles


def forget_roles(user: Any) -> None:
    if hasattr(user, "_smartwork_roles"):
        del user._smartwork_roles


def target_scope(*, network: Any = None, centre: Any = None, company: Any = None,
                 target: Any = None) -> Scope:
    """The scope of the target of a check, from the keyword arguments of `allowed`."""
    result = Scope()
    if network is not None:
        result = result | scope(networks=[network if isinstance(network, int) else network.pk])
    if centre is not None:
        result = result | scope_of(centre)
    if company is not None:
        result = result | (scope(companies=[company]) if isinstance(company, int)
                           else scope_of(company))
    if target is not None:
        result = result | scope_of(target)
    return result


def allowed(
    user: Any,
    action: str,
    *,
    network: Any = None,
    centre: Any = None,
    company: Any = None,
    target: Any = None,
) -> bool:
    """May `user` do `action` on the target? `network` (a network or its id),
    `centre`, `company` (an organisation or its id) or `target` (a `Scope` or any
    object with a registered scope). No target: refused (the superuser excepted)."""
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}: add it to core.permissions.ACTIONS")
    roles = roles_of(user)
    if roles.superuser:
        return True
    where = target_scope(network=network, centre=centre, company=company, target=target)
    if where.empty:
        return False
    may = ACTIONS[action]
    if OPERATOR in may and where.networks & roles.operator_networks:
        return True
    if CENTRE_MANAGER in may and where.centres & roles.manager_centres:
        return True
    if RECEPTIONIST in may and where.centres & roles.receptionist_centres:
        return True
    return bool(COMPANY_ADMIN in may and where.companies & roles.admin_companies)


def require(
    user: Any,
    action: str,
    *,
    network: Any = None,
    centre: Any = None,
    company: Any = None,
    target: Any = None,
) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    if not allowed(user, action, network=network, centre=centre, company=company,
                   target=target):
        raise Forbidden(_("Your role does not allow this here."), code="forbidden")
