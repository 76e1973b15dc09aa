"""The demo shows colleagues: the member of the large account sees, at Namur on the next
working day, the colleagues who allowed it (with their desks on the floor plan), and
not the one who did not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from smartwork.accounts.models import User
from smartwork.bookings import colleagues
from smartwork.bookings.models import Booking, ColleagueSharing
from smartwork.demo import demo_load
from smartwork.network.models import Centre

pytestmark = pytest.mark.django_db


def test_the_demo_member_sees_colleagues_at_namur():
    logins = demo_load()
    member = User.objects.get(email=next(x.email for x in logins if x.role == "member (employee)"))
    shown = ColleagueSharing.objects.filter(show_bookings=True)
    assert shown.count() == 3
    assert {s.member.company_id for s in shown} == {member.company_id}
    namur = Centre.objects.get(floor_plans__isnull=False)  # the demo's one plan
    first = timezone.localdate() + dt.timedelta(days=1)
    while first.weekday() > 4:
        first += dt.timedelta(days=1)
    here = colleagues.colleagues_booked_at(viewer=member, centre=namur, on=first)
    assert len(here) == 2
    assert {c.slot for c in here} == {"full_day", "afternoon"}
    assert all(c.plan_id is not None for c in here)  # placed on the floor plan
    hidden = set(Booking.objects.filter(centre=namur, start__date__gte=first).exclude(
        member__colleague_sharing__show_bookings=True).filter(
        member__company_id=member.company_id).values_list("member_id", flat=True))
    assert hidden.isdisjoint({c.member_id for c in here})
    offers = colleagues.desks_next_to(centre=namur, on=first, colleagues=here)
    assert all(o.resource_id is not None for o in offers)
