"""Settlements approved together: all or nothing, each audited, with a report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smartwork.billing.models import Settlement
from smartwork.billing.settlement import settlements_approve
from smartwork.core import testing
from smartwork.core.errors import Conflict, NotFound
from smartwork.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def settlement(network, centre, state="draft"):
    return Settlement.objects.create(
        network=network, centre=centre, period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31), reference=f"SB-{centre.pk}-{state}", state=state,
        gross_value=Decimal("100"), commission_rate=Decimal("15"), commission=Decimal("15"),
        payout_amount=Decimal("85"), payee_data={"name": "Centre op"})


@pytest.fixture
def three(network):
    return [settlement(network, testing.make_centre(network=network)) for _ in range(3)]


def test_several_are_approved_together_each_audited(network, three):
    operator = testing.make_operator(network)
    done = settlements_approve(actor=operator, settlement_ids=[s.pk for s in three])
    assert [s.pk for s in done] == sorted(s.pk for s in three)
    assert set(Settlement.objects.values_list("state", flat=True)) == {"approved"}
    entries = AuditEntry.objects.filter(action="settlement.approved")
    assert sorted(int(e.object_id) for e in entries) == sorted(s.pk for s in three)


def test_one_that_cannot_be_approved_stops_all_with_a_report(network, three):
    operator = testing.make_operator(network)
    approved = settlement(network, testing.make_centre(network=network), state="approved")
    with pytest.raises(Conflict) as exc:
        settlements_approve(actor=operator,
                            settlement_ids=[*(s.pk for s in three), approved.pk])
    assert exc.value.code == "settlements_not_approved"
    problems = exc.value.data["problems"]
    assert [(p["id"], p["code"]) for p in problems] == [(approved.pk, "settlement_not_draft")]
    assert set(Settlement.objects.filter(pk__in=[s.pk for s in three])
               .values_list("state", flat=True)) == {"draft"}
    assert not AuditEntry.objects.filter(action="settlement.approved").exists()


def test_another_networks_settlements_are_not_found(network, three):
    other = testing.make_network()
    stranger = testing.make_operator(other)
    with pytest.raises(NotFound):
        settlements_approve(actor=stranger, settlement_ids=[s.pk for s in three])
    mine = settlement(other, testing.make_centre(network=other))
    with pytest.raises(Conflict) as exc:
        settlements_approve(actor=stranger, settlement_ids=[mine.pk, three[0].pk])
    assert [p["code"] for p in exc.value.data["problems"]] == ["not_found"]
    mine.refresh_from_db()
    assert mine.state == "draft"


def test_page_and_api(client, api, network, three):
    operator = testing.make_operator(network)
    client.force_login(operator)
    page = client.get("/settlements/").content.decode()
    assert page.count('form="approve-many"') == 3
    r = client.post("/settlements/approve/", {"ids": [three[0].pk, three[1].pk]}, follow=True)
    assert "2 settlements approved" in r.content.decode()
    r = client.post("/settlements/approve/", {"ids": [three[1].pk, three[2].pk]}, follow=True)
    assert "No settlement was approved" in r.content.decode()
    assert Settlement.objects.get(pk=three[2].pk).state == "draft"
    r = api(operator).post("/settlements/approve", {"ids": [three[2].pk]})
    assert r.status_code == 200 and r.json()[0]["state"] == "approved"
    r = api(operator).post("/settlements/approve", {"ids": [three[2].pk]})
    assert r.status_code == 409
    assert r.json()["error"]["data"]["problems"][0]["code"] == "settlement_not_draft"
