"""Every action in ACTIONS: who may, who may not, and only within their scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from smartwork.accounts.choices import OrganisationKind, Role
from smartwork.core import testing
from smartwork.core.errors import Forbidden, NotAuthenticated
from smartwork.core.permissions import (
    ACTIONS,
    CENTRE_MANAGER,
    COMPANY_ADMIN,
    OPERATOR,
    RECEPTIONIST,
    allowed,
    forget_roles,
    require,
    roles_of,
    scope,
)

# The rules as agreed for the foundation: a change to one of these is a change
# of who may do what, and must be deliberate. Actions added later by the apps
# are checked against ACTIONS itself (scope rules) by the generic tests below.
AGREED: dict[str, set[str]] = {
    "network.edit": {OPERATOR},
    "alliance.manage": {OPERATOR},
    "centre.create": {OPERATOR},
    "centre.edit": {OPERATOR},
    "centre.inspect": {OPERATOR},
    "centre.label": {OPERATOR},
    "centre.resources": {OPERATOR, CENTRE_MANAGER},
    "centre.prices": {OPERATOR, CENTRE_MANAGER},
    "centre.hours": {OPERATOR, CENTRE_MANAGER},
    "centre.front_desk": {OPERATOR, CENTRE_MANAGER, RECEPTIONIST},
    "centre.reports": {OPERATOR, CENTRE_MANAGER},
    "centre.settlements": {OPERATOR, CENTRE_MANAGER},
    "organisation.manage": {OPERATOR},
    "role.assign": {OPERATOR},
    "audit.view": {OPERATOR},
    "company.view": {OPERATOR, COMPANY_ADMIN},
    "company.staff": {OPERATOR, COMPANY_ADMIN},
    "company.credit": {OPERATOR, COMPANY_ADMIN},
    "company.book_for_staff": {COMPANY_ADMIN},
    "company.reports": {OPERATOR, COMPANY_ADMIN},
    "company.invoices": {OPERATOR, COMPANY_ADMIN},
    "network.billing": {OPERATOR},
    "network.reports": {OPERATOR},
    "network.wifi": {OPERATOR},
}


@dataclass
class World:
    """Two networks, each with a centre and a company, and someone in every role."""

    network: Any
    centre: Any
    company: Any
    other_network: Any
    other_centre: Any
    other_company: Any
    foreign_centre: Any
    foreign_company: Any
    users: dict[str, Any]


@pytest.fixture
def world(db) -> World:
    network = testing.make_network()
    other_network = testing.make_network()
    centre = testing.make_centre(network=network, desks=0, rooms=0, hours=None)
    other_centre = testing.make_centre(network=network, desks=0, rooms=0, hours=None)
    foreign_centre = testing.make_centre(network=other_network, desks=0, rooms=0, hours=None)
    company = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)
    other_company = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)
    foreign_company = testing.make_organisation(kind=OrganisationKind.COMPANY,
                                                network=other_network)
    users = {
        "operator": testing.make_operator(network),
        "foreign_operator": testing.make_operator(other_network),
        "manager": testing.make_centre_staff(centre),
        "other_manager": testing.make_centre_staff(other_centre),
        "receptionist": testing.make_centre_staff(centre, role=Role.RECEPTIONIST),
        "other_receptionist": testing.make_centre_staff(other_centre, role=Role.RECEPTIONIST),
        "company_admin": testing.make_company_admin(company),
        "other_company_admin": testing.make_company_admin(other_company),
        "member": testing.make_user(company=company, network=network),
        "superuser": testing.make_user(is_superuser=True),
    }
    return World(network, centre, company, other_network, other_centre, other_company,
                 foreign_centre, foreign_company, users)


def scope_kind(action: str) -> str:
    if action.startswith("centre."):
        return "centre"
    if action.startswith("company."):
        return "company"
    return "network"


def target(world: World, action: str) -> dict[str, Any]:
    kind = scope_kind(action)
    if kind == "centre":
        return {"centre": world.centre}
    if kind == "company":
        return {"company": world.company}
    return {"network": world.network}


# Who holds each role *in the target's scope*, and who holds it elsewhere.
IN_SCOPE = {OPERATOR: "operator", CENTRE_MANAGER: "manager", RECEPTIONIST: "receptionist",
            COMPANY_ADMIN: "company_admin"}
OUT_OF_SCOPE = {OPERATOR: "foreign_operator", CENTRE_MANAGER: "other_manager",
                RECEPTIONIST: "other_receptionist", COMPANY_ADMIN: "other_company_admin"}


def test_the_agreed_actions_are_unchanged():
    for action, roles in AGREED.items():
        assert action in ACTIONS, f"{action} disappeared from ACTIONS"
        assert set(ACTIONS[action]) == roles, action


def test_every_action_names_known_roles_and_a_dotted_name():
    known = {OPERATOR, CENTRE_MANAGER, RECEPTIONIST, COMPANY_ADMIN}
    for action, roles in ACTIONS.items():
        assert roles and set(roles) <= known, action
        assert action.count(".") == 1, action


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_roles_named_may_act_in_their_scope(world, action):
    # Only roles whose scope matches the action's target: a company admin has no
    # say over a centre, a manager none over a company.
    may = ACTIONS[action]
    kind = scope_kind(action)
    for role in may:
        user = world.users[IN_SCOPE[role]]
        relevant = (
            role == OPERATOR
            or (kind == "centre" and role in (CENTRE_MANAGER, RECEPTIONIST))
            or (kind == "company" and role == COMPANY_ADMIN)
        )
        if relevant:
            assert allowed(user, action, **target(world, action)), (action, role)
            require(user, action, **target(world, action))


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_roles_not_named_are_refused_even_in_their_scope(world, action):
    may = ACTIONS[action]
    for role, who in IN_SCOPE.items():
        if role in may:
            continue
        user = world.users[who]
        assert not allowed(user, action, **target(world, action)), (action, role)
        with pytest.raises(Forbidden):
            require(user, action, **target(world, action))


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_role_is_refused_outside_its_scope(world, action):
    for who in OUT_OF_SCOPE.values():
        assert not allowed(world.users[who], action, **target(world, action)), (action, who)
    # The other network's operator, for the other network's objects, and the reverse.
    operator = world.users["operator"]
    kind = scope_kind(action)
    foreign = {"centre": {"centre": world.foreign_centre},
               "company": {"company": world.foreign_company},
               "network": {"network": world.other_network}}[kind]
    assert not allowed(operator, action, **foreign), action


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_plain_member_may_do_none_and_the_superuser_all(world, action):
    assert not allowed(world.users["member"], action, **target(world, action))
    assert allowed(world.users["superuser"], action, **target(world, action))


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_anonymous_is_asked_to_log_in(world, action):
    assert not allowed(AnonymousUser(), action, **target(world, action))
    with pytest.raises(NotAuthenticated):
        require(AnonymousUser(), action, **target(world, action))
    with pytest.raises(NotAuthenticated):
        require(None, action, **target(world, action))


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(KeyError, match="ACTIONS"):
        allowed(world.users["operator"], "centre.teleport", centre=world.centre)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_no_target_refuses_everyone_but_the_superuser(world, action):
    """Deny by default: a check that names no network, centre or company refuses,
    even an operator of every network (it used to allow any operator)."""
    for who, user in world.users.items():
        assert allowed(user, action) is (who == "superuser"), (action, who)
    with pytest.raises(Forbidden):
        require(world.users["operator"], action)


def test_a_scope_names_several_networks(world):
    """An organisation working with two networks: the operator of either may act."""
    both = scope(networks=[world.network.pk, world.other_network.pk])
    assert allowed(world.users["operator"], "organisation.manage", target=both)
    assert allowed(world.users["foreign_operator"], "organisation.manage", target=both)
    only_other = scope(networks=[world.other_network.pk])
    assert not allowed(world.users["operator"], "organisation.manage", target=only_other)


def test_an_object_without_a_registered_scope_is_a_programming_error(world):
    with pytest.raises(KeyError, match="register_scope"):
        allowed(world.users["operator"], "network.edit", target=world.users["member"])


def test_core_permissions_imports_no_domain_app():
    import ast
    import inspect

    from smartwork.core import permissions

    tree = ast.parse(inspect.getsource(permissions))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for a in node.names}
    assert not {m for m in imported if m and m.startswith("smartwork.")
                and not m.startswith("smartwork.core")}, imported


def test_network_may_be_given_by_id(world):
    assert allowed(world.users["operator"], "network.edit", network=world.network.pk)
    assert not allowed(world.users["operator"], "network.edit", network=world.other_network.pk)


def test_roles_are_read_once_and_forgotten_on_demand(world, django_assert_num_queries):
    manager = world.users["manager"]
    forget_roles(manager)
    with django_assert_num_queries(1):
        roles_of(manager)
        roles_of(manager)
        assert allowed(manager, "centre.prices", centre=world.centre)
    assert roles_of(manager).manager_centres == {world.centre.pk}
    assert roles_of(manager).centre_networks == {world.centre.pk: world.network.pk}
    forget_roles(manager)
    with django_assert_num_queries(1):
        roles_of(manager)
