"""Two managers uploading a plan for the same floor at the same moment, with real
threads (each its own connection), on SQLite and on PostgreSQL (bookings/floorplans.py):
one plan, and the other is told the floor has one (422 `floor_has_plan`), never a 500
from the database's one-plan-per-floor constraint."""

from __future__ import annotations

import pytest

from smartwork.bookings import floorplans
from smartwork.bookings.models import FloorPlan
from smartwork.bookings.tests.test_floorplans import SVG
from smartwork.core import testing
from smartwork.core.errors import InvalidInput

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_two_uploads_for_one_floor_at_once_make_one_plan():
    centre = testing.make_centre(desks=2, rooms=0)
    managers = [testing.make_centre_staff(centre) for _ in range(2)]
    for level in range(4):
        results = testing.run_together([
            (lambda m=m, level=level: floorplans.floorplan_upload(
                actor=m, centre=centre, name=f"Floor {level}", level=level, data=SVG))
            for m in managers], timeout=120)
        assert sum(isinstance(r, FloorPlan) for r in results) == 1, results
        refused = [r for r in results if not isinstance(r, FloorPlan)]
        assert isinstance(refused[0], InvalidInput), results
        assert refused[0].code == "floor_has_plan"
        assert FloorPlan.objects.filter(centre=centre, level=level).count() == 1
