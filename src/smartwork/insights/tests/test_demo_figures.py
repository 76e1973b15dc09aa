"""The demo companies have attendance figures as soon as the demo is loaded:
the loader builds the presence summary, and it agrees with a rebuild."""

from __future__ import annotations

import pytest

from smartwork.accounts.choices import Role
from smartwork.accounts.models import RoleAssignment
from smartwork.demo import demo_load
from smartwork.insights import selectors, summary
from smartwork.insights.models import PresenceDay
from smartwork.insights.periods import parse_period

pytestmark = pytest.mark.django_db


def test_demo_companies_have_attendance_figures_right_away():
    demo_load()
    assert PresenceDay.objects.exists()
    assert not summary.presence_summary_is_stale()
    before = sorted(PresenceDay.objects.values_list("member_id", "centre_id", "day", "seconds",
                                                    "visits"))
    admins = RoleAssignment.objects.filter(role=Role.COMPANY_ADMIN).select_related(
        "user", "organisation")
    assert admins.count() >= 3
    period = parse_period(date_from=PresenceDay.objects.order_by("day").first().day,
                          date_to=PresenceDay.objects.order_by("-day").first().day)
    with_figures = set()
    for ra in admins:
        report = selectors.attendance_report(actor=ra.user, period=period,
                                             company_id=ra.organisation_id)
        if report["total"] and report["total"]["hours"]:
            with_figures.add(ra.organisation_id)
            assert report["by_centre"] and report["by_week"]
    # Every demo customer company; Aurelium only hosts desks (docs/formats.md): its staff
    # book none in the demo.
    customers = {ra.organisation_id for ra in admins
                 if not ra.organisation.legal_name.startswith("Aurelium")}
    assert len(customers) >= 3 and with_figures == customers
    summary.presence_summary_refresh(rebuild=True)
    assert sorted(PresenceDay.objects.values_list("member_id", "centre_id", "day", "seconds",
                                                  "visits")) == before
