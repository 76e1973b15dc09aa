"""Costs: append-only versions, the version in force each month, subsidies with an end,
per-desk costs, bad input refused with nothing stored, and who may see what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput
from smartwork.core.models import AuditEntry
from smartwork.economics import selectors, services
from smartwork.economics.models import CostItem, CostVersion

pytestmark = pytest.mark.django_db
JAN = dt.date(2026, 1, 1)


def months(first, last):
    return selectors.month_range(first=first, last=last)


def monthly_costs(operator, centre, first="2026-01", last="2026-12"):
    data = selectors.centre_economics(actor=operator, centre=centre, months=months(first, last))
    return {m["month"]: m["costs"] for m in data["months"]}


def test_costs_in_force_month_by_month(operator, centre):
    # make_centre gives 8 desks.
    rent = services.cost_item_create(actor=operator, centre=centre, kind="rent", label="Rent",
                                     basis="fixed", amount="1200.00", starts_on=JAN)
    services.cost_item_create(actor=operator, centre=centre, kind="services", label="Cleaning",
                              basis="per_desk", amount="25", starts_on=dt.date(2026, 3, 15))
    services.cost_item_create(actor=operator, centre=centre, kind="subsidy",
                              label="Regional grant", basis="fixed", amount="500",
                              starts_on=JAN, ends_on=dt.date(2026, 6, 10))
    # The rent rises from July: a new version, the old one stays.
    services.cost_version_add(actor=operator, item=rent, basis="fixed", amount="1300",
                              starts_on=dt.date(2026, 7, 1), note="indexation")
    costs = monthly_costs(operator, centre)
    assert costs["2026-01"] == Decimal("700.00")            # 1200 - 500
    assert costs["2026-03"] == Decimal("900.00")            # + 8 desks x 25
    assert costs["2026-06"] == Decimal("900.00")            # the grant's last month
    assert costs["2026-07"] == Decimal("1500.00")           # 1300 + 200, no grant
    history = selectors.costs_of(actor=operator, centre=centre)
    rent_row = next(r for r in history if r["label"] == "Rent")
    assert [v["amount"] for v in rent_row["versions"]] == [Decimal("1200.00"), Decimal("1300.00")]
    assert AuditEntry.objects.filter(action__in=["cost.created", "cost.versioned"]).count() == 4


def test_a_cost_can_stop(operator, centre):
    staff = services.cost_item_create(actor=operator, centre=centre, kind="staff",
                                      label="Receptionist", basis="fixed", amount="2000",
                                      starts_on=JAN)
    services.cost_version_add(actor=operator, item=staff, basis="fixed", amount="2000",
                              starts_on=JAN, ends_on=dt.date(2026, 4, 30))
    costs = monthly_costs(operator, centre, last="2026-06")
    assert (costs["2026-04"], costs["2026-05"]) == (Decimal("2000.00"), Decimal("0"))


def test_versions_are_append_only(operator, centre):
    item = services.cost_item_create(actor=operator, centre=centre, kind="rent", label="Rent",
                                     basis="fixed", amount="1000", starts_on=JAN)
    version = item.versions.get()
    version.amount = Decimal("1")
    with pytest.raises(Conflict):
        version.save()
    with pytest.raises(Conflict):
        version.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE economics_costversion SET amount = 1 WHERE id = %s", [version.pk])
    assert CostVersion.objects.get().amount == Decimal("1000.00")


@pytest.mark.parametrize(("amount", "code"), [("-10", "negative_cost"), ("abc", "invalid_amount"),
                                              ("2000000", "cost_too_large"), ("NaN", "invalid_amount")])
def test_bad_amounts_store_nothing(operator, centre, amount, code):
    with pytest.raises(InvalidInput) as exc:
        services.cost_item_create(actor=operator, centre=centre, kind="rent", label="Rent",
                                  basis="fixed", amount=amount, starts_on=JAN)
    assert exc.value.code == code and "amount" in exc.value.fields
    assert not CostItem.objects.exists() and not CostVersion.objects.exists()


def test_end_before_start_is_refused(operator, centre):
    with pytest.raises(InvalidInput) as exc:
        services.cost_item_create(actor=operator, centre=centre, kind="subsidy", label="Grant",
                                  basis="fixed", amount="10", starts_on=dt.date(2026, 5, 1),
                                  ends_on=dt.date(2026, 4, 30))
    assert exc.value.code == "ends_before_start"
    assert not CostItem.objects.exists()


def test_a_manager_sees_and_costs_only_their_centre(network, centre, manager, company_admin):
    services.cost_item_create(actor=manager, centre=centre, kind="rent", label="Rent",
                              basis="fixed", amount="900", starts_on=JAN)
    other = testing.make_centre(network=network, name="Other centre")
    with pytest.raises(Forbidden):
        services.cost_item_create(actor=manager, centre=other, kind="rent", label="Rent",
                                  basis="fixed", amount="900", starts_on=JAN)
    with pytest.raises(Forbidden):
        selectors.centre_economics(actor=manager, centre=other, months=months("2026-01", "2026-01"))
    with pytest.raises(Forbidden):
        selectors.network_economics(actor=manager, network=network,
                                    months=months("2026-01", "2026-01"))
    with pytest.raises(Forbidden):
        selectors.costs_of(actor=company_admin, centre=centre)
    assert [c.pk for c in selectors.centres_for(actor=manager)] == [centre.pk]


def test_break_even_occupancy_by_hand(operator, centre, monkeypatch):
    """Payout 1,000 over 2 months for 400 booked of 1,600 open hours (25 %); costs today
    1,000 a month. Payout per booked hour 2.50; 800 open hours a month: breaking even
    needs 1,000 / (2.50 x 800) = 50 % occupancy."""
    from smartwork.economics import sources

    services.cost_item_create(actor=operator, centre=centre, kind="rent", label="Rent",
                              basis="fixed", amount="1000", starts_on=JAN)

    def fake_months(*, actor, network, month, centre_ids=None):
        return {centre.pk: sources.CentreMonth(payg=Decimal("588.24"),
                                               commission=Decimal("88.24"),
                                               payout=Decimal("500.00"), settled=True)}

    def fake_occupancy(centres, ms):
        return {(centre.pk, m.start): (Decimal("800"), Decimal("200")) for m in ms}

    monkeypatch.setattr(sources, "centre_months", fake_months)
    monkeypatch.setattr(selectors, "_occupancy", fake_occupancy)
    data = selectors.centre_economics(actor=operator, centre=centre,
                                      months=months("2026-01", "2026-02"),
                                      today=dt.date(2026, 3, 5))
    s = data["summary"]
    assert s["occupancy"] == Decimal("25.0")
    assert s["payout"] == Decimal("1000.00") and s["costs"] == Decimal("2000.00")
    assert s["margin"] == Decimal("-1000.00")
    assert s["break_even_occupancy"] == Decimal("50.0")
    assert s["revenue_per_desk"] == Decimal("147.06")  # 1,176.48 / 8 desks
    assert s["months_of_data"] == 2
