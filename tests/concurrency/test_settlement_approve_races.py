"""Settlements approved together by two operators at the same moment, with real threads
(each its own connection), on SQLite and on PostgreSQL (billing/settlement.py): each
settlement is approved once, with one audit entry; each request either approved all it
named or none, with a report naming the one another approved first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smartwork.billing.models import Settlement
from smartwork.billing.settlement import settlement_approve, settlements_approve
from smartwork.core import testing
from smartwork.core.errors import Conflict
from smartwork.core.models import AuditEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def _settlement(network, n: int) -> Settlement:
    centre = testing.make_centre(network=network, desks=1, rooms=0)
    return Settlement.objects.create(
        network=network, centre=centre, period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31), reference=f"SB-{n}", gross_value=Decimal("100"),
        commission_rate=Decimal("15"), commission=Decimal("15"), payout_amount=Decimal("85"),
        payee_data={"name": "Centre op"})


def test_overlapping_approvals_at_once_approve_each_settlement_once():
    network = testing.make_network()
    operators = [testing.make_operator(network) for _ in range(3)]
    for rnd in range(3):
        a, b, c = (_settlement(network, 10 * rnd + i) for i in range(3))
        results = testing.run_together([
            lambda: settlements_approve(actor=operators[0], settlement_ids=[a.pk, b.pk]),
            lambda: settlements_approve(actor=operators[1], settlement_ids=[c.pk, b.pk]),
            lambda: settlement_approve(actor=operators[2], settlement=b),
        ], timeout=120)
        assert all(isinstance(r, (list, Settlement, Conflict)) for r in results), results
        # b went once, to whichever came first; the others changed nothing.
        assert sum(not isinstance(r, Conflict) for r in results) == 1, results
        entries = AuditEntry.objects.filter(action="settlement.approved",
                                            object_id__in=[str(s.pk) for s in (a, b, c)])
        approved = set(Settlement.objects.filter(pk__in=[a.pk, b.pk, c.pk], state="approved")
                       .values_list("pk", flat=True))
        assert sorted(int(e.object_id) for e in entries) == sorted(approved)
        assert b.pk in approved
        winner = next(r for r in results if not isinstance(r, Conflict))
        if isinstance(winner, list):
            assert approved == {s.pk for s in winner}
        else:
            assert approved == {b.pk}
        for lost in (r for r in results if isinstance(r, Conflict)):
            assert lost.code in ("settlements_not_approved", "settlement_not_draft"), lost
