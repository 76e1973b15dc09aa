"""The label and the centre's other settings changed at the same moment (two operators'
pages), with real threads (each its own connection), on SQLite and on PostgreSQL: a
centre is never labelled at a tier it was not inspected against, and neither change
undoes the other (network/services.py locks the centre's row for both)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from smartwork.core import testing
from smartwork.core.errors import Conflict
from smartwork.network import services
from smartwork.network.choices import DEFAULT_LABEL_CHECKLIST, LabelStatus
from smartwork.network.models import Centre, LabelEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

ROUNDS = 4


def _candidate(network, operator) -> Centre:
    centre = testing.make_centre(network=network, desks=8, rooms=0,
                                 label_status=LabelStatus.CANDIDATE)
    services.inspection_record(
        actor=operator, centre=centre, visited_on=dt.date(2026, 3, 2), inspector_name="Label",
        items={i["code"]: {"passed": True, "note": ""} for i in DEFAULT_LABEL_CHECKLIST})
    return Centre.objects.get(pk=centre.pk)


def _label_while_updating(network, operators, **changes: Any) -> tuple[Centre, list[Any]]:
    """A fresh candidate centre labelled by the first operator while the second changes
    its settings, at the same moment: the centre afterwards, and the two answers, the
    label's first (each a return value or the exception raised)."""
    centre = _candidate(network, operators[0])
    # Each page holds the centre as it was read before either change.
    results = testing.run_together([
        lambda c=centre: services.centre_label_change(actor=operators[0], centre=c,
                                                      to_status=LabelStatus.LABELLED),
        lambda c=Centre.objects.get(pk=centre.pk): services.centre_update(
            actor=operators[1], centre=c, **changes),
    ], timeout=120)
    centre.refresh_from_db()
    return centre, results


def test_labelling_while_the_tier_changes_never_labels_the_wrong_tier():
    network = testing.make_network()
    operators = [testing.make_operator(network) for _ in range(2)]
    for _round in range(ROUNDS):
        centre, results = _label_while_updating(network, operators, label_tier="mini")
        events = list(LabelEvent.objects.filter(centre=centre).values_list("to_status", flat=True))
        assert not [r for r in results if isinstance(r, Exception)
                    and not isinstance(r, Conflict)], results
        if centre.label_status == LabelStatus.LABELLED:
            # The label came first: the tier change was refused.
            assert centre.label_tier == "full", results
            assert events == [LabelStatus.LABELLED]
            assert isinstance(results[1], Conflict), results
            assert results[1].code == "tier_change_needs_relabel"
        else:
            # The tier came first: the full inspection does not label a mini centre.
            assert centre.label_tier == "mini" and events == [], (centre.label_status, events)
            assert isinstance(results[0], Conflict), results
            assert results[0].code == "label_needs_tier_inspection"


def test_a_rename_while_the_label_changes_keeps_both():
    network = testing.make_network()
    operators = [testing.make_operator(network) for _ in range(2)]
    for n in range(ROUNDS):
        centre, results = _label_while_updating(network, operators, name=f"Renamed {n}")
        assert not [r for r in results if isinstance(r, Exception)], results
        assert centre.name == f"Renamed {n}"
        assert centre.label_status == LabelStatus.LABELLED
