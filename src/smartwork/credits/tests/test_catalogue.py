"""Editing the catalogue: packages (operator) and membership plans (operator for the
network, a centre manager for their centre); what was bought or is running keeps its
terms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartwork.accounts.choices import Role
from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput
from smartwork.core.models import AuditEntry
from smartwork.credits import selectors
from smartwork.credits.services import (
    credit_package_create,
    credit_package_retire,
    credit_package_update,
    credit_purchase_create,
    membership_plan_create,
    membership_plan_update,
    membership_start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(network, operator):
    return credit_package_create(actor=operator, network=network, name="Pack", hours=10,
                                 price_net=Decimal("100"))


def test_package_update_changes_later_purchases_only(package, operator, company,
                                                     company_admin):
    bought = credit_purchase_create(actor=company_admin, company=company, package=package)
    updated = credit_package_update(actor=operator, package=package, hours=20,
                                    price_net=Decimal("180.005"), name=" Pack 20 ")
    assert (updated.hours, updated.price_net, updated.name) == (20, Decimal("180.01"), "Pack 20")
    bought.refresh_from_db()
    assert (bought.minutes, bought.price_net) == (600, Decimal("100.00"))
    assert AuditEntry.objects.filter(action="credit_package.updated").count() == 1
    # Nothing changed: no audit entry.
    credit_package_update(actor=operator, package=updated, hours=20)
    assert AuditEntry.objects.filter(action="credit_package.updated").count() == 1


def test_package_retired_is_not_sold_and_refusals(package, operator, manager, company_admin,
                                                  company, outsider):
    with pytest.raises(InvalidInput) as exc:
        credit_package_update(actor=operator, package=package, hours=0)
    assert "hours" in exc.value.fields
    with pytest.raises(InvalidInput):
        credit_package_update(actor=operator, package=package, price_net=Decimal("-1"))
    for user in (manager, company_admin, outsider):
        with pytest.raises(Forbidden):
            credit_package_retire(actor=user, package=package)
    credit_package_retire(actor=operator, package=package)
    package.refresh_from_db()
    assert not selectors.credit_package_list(network_id=package.network_id).exists()
    assert list(selectors.credit_package_catalogue(actor=operator,
                                                   network_id=package.network_id)) == [package]
    with pytest.raises(InvalidInput):
        credit_purchase_create(actor=company_admin, company=company, package=package)
    with pytest.raises(Forbidden):
        selectors.credit_package_catalogue(actor=company_admin, network_id=package.network_id)


def test_manager_makes_plans_of_their_centre_only(network, centre, manager, operator):
    own = membership_plan_create(actor=manager, network=network, centre=centre, name="Local",
                                 monthly_fee_net=Decimal("50"), included_hours=8)
    assert own.centre == centre
    with pytest.raises(Forbidden):
        membership_plan_create(actor=manager, network=network, name="Everywhere",
                               monthly_fee_net=Decimal("50"), included_hours=8)
    other = testing.make_centre(network=network)
    with pytest.raises(Forbidden):
        membership_plan_create(actor=manager, network=network, centre=other, name="Other",
                               monthly_fee_net=Decimal("50"), included_hours=8)
    with pytest.raises(Forbidden):
        membership_plan_update(actor=manager, plan=own, name="Local", centre=other,
                               monthly_fee_net=Decimal("50"), included_hours=8)
    with pytest.raises(Forbidden):
        membership_plan_update(actor=manager, plan=own, name="Local", centre=None,
                               monthly_fee_net=Decimal("50"), included_hours=8)
    receptionist = testing.make_centre_staff(centre, role=Role.RECEPTIONIST)
    with pytest.raises(Forbidden):
        membership_plan_update(actor=receptionist, plan=own, name="Local",
                               monthly_fee_net=Decimal("1"), included_hours=1)
    # The operator may move it anywhere in the network, or make it network-wide.
    moved = membership_plan_update(actor=operator, plan=own, name="Local", centre=None,
                                   monthly_fee_net=Decimal("50"), included_hours=8)
    assert moved.centre is None
    assert list(selectors.membership_plans_managed(actor=manager)) == []
    with pytest.raises(Forbidden):
        selectors.membership_plans_managed(actor=receptionist)


def test_plan_update_applies_from_the_next_month(network, operator):
    member = testing.make_user(network=network)
    plan = membership_plan_create(actor=operator, network=network, name="Flex",
                                  monthly_fee_net=Decimal("100"), included_hours=10)
    membership_start(actor=member, member=member, plan=plan)
    membership_plan_update(actor=operator, plan=plan, name="Flex", included_hours=20,
                           monthly_fee_net=Decimal("150"))
    summary = selectors.membership_summary(actor=member)
    assert summary is not None
    assert summary["period"].fee_net == Decimal("100.00")
    assert summary["included_minutes"] == 600 and summary["used_minutes"] == 0
    with pytest.raises(InvalidInput) as exc:
        membership_plan_update(actor=operator, plan=plan, name=" ", included_hours=1,
                               monthly_fee_net=Decimal("1"))
    assert "name" in exc.value.fields
    withdrawn = membership_plan_update(actor=operator, plan=plan, name="Flex",
                                       included_hours=20, monthly_fee_net=Decimal("150"),
                                       is_active=False)
    assert not withdrawn.is_active
    assert not selectors.membership_plans_offered(actor=member).exists()
