"""Colleagues booked in a centre on a day: who is shown (same company, active, who
allowed it, a standing desk booking that day) and to whom (employees of that company
only), and the free desk offered next to them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from smartwork.accounts.choices import OrganisationKind
from smartwork.bookings import colleagues
from smartwork.bookings.choices import BookingState, Slot
from smartwork.bookings.colleagues import Spot, nearest_spot
from smartwork.bookings.models import ColleagueSharing, FloorPlan, PlacePosition
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput, NotAuthenticated
from smartwork.core.models import AuditEntry
from smartwork.network.models import Resource

pytestmark = pytest.mark.django_db


def mate(company, *, shows=True, **extra):
    user = testing.make_user(company=company, network=company.network, **extra)
    if shows:
        ColleagueSharing.objects.create(member=user, show_bookings=True)
    return user


def desk(centre, name):
    return Resource.objects.get(centre=centre, name=name)


def names(viewer, centre, on, slot=None):
    return [(c.name, c.resource_name, c.slot)
            for c in colleagues.colleagues_booked_at(viewer=viewer, centre=centre, on=on,
                                                     slot=slot)]


def plan(centre, level=0, width=1000, height=500):
    return FloorPlan.objects.create(centre=centre, name=f"Floor {level}", level=level,
                                    image=b"<svg/>", content_type="image/svg+xml",
                                    width=width, height=height)


def place(plan_, resource, x, y):
    PlacePosition.objects.create(plan=plan_, resource=resource, x=Decimal(x), y=Decimal(y))


# --- The choice -----------------------------------------------------------------------


def test_the_choice_is_off_until_the_member_says_so_and_is_audited_without_a_network(member):
    assert colleagues.colleague_sharing_get(member=member) is False
    assert colleagues.colleague_sharing_set(member=member, show=True) is True
    assert colleagues.colleague_sharing_get(member=member) is True
    assert colleagues.colleague_sharing_set(member=member, show=False) is False
    entries = AuditEntry.objects.filter(action="colleague_sharing.changed", actor=member)
    assert entries.count() == 2
    assert all(e.network_id is None for e in entries)  # no operator reads it


def test_only_an_employee_makes_the_choice(outsider):
    with pytest.raises(Forbidden) as refused:
        colleagues.colleague_sharing_set(member=outsider, show=True)
    assert refused.value.code == "not_employee"
    assert not ColleagueSharing.objects.exists()


# --- Who is shown ------------------------------------------------------------------------


def test_a_colleague_who_allows_it_is_shown_with_their_desk_and_slot(centre, company, member):
    on = workday(2)
    anna = mate(company, first_name="Anna", last_name="Peeters")
    booking_row(member=anna, resource=desk(centre, "Desk 03"), on=on, slot=Slot.FULL_DAY)
    booking_row(member=member, resource=desk(centre, "Desk 05"), on=on)  # the viewer's own
    assert names(member, centre, on) == [("Anna Peeters", "Desk 03", "full_day")]


def test_nobody_else_is_shown(centre, company, member, network):
    on = workday(2)
    other_company = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                              legal_name="Other SA")
    stranger = mate(other_company)  # allows it, but another company
    shy = mate(company, shows=False)  # never said yes
    said_no = mate(company)
    ColleagueSharing.objects.filter(member=said_no).update(show_bookings=False)
    leaver = mate(company, is_active=False)  # left the company
    moved = mate(company)
    moved.company = other_company
    moved.save(update_fields=["company"])
    cancelled = mate(company)
    pending = mate(company)
    in_a_room = mate(company)
    other_day = mate(company)
    now = timezone.now()
    states = {cancelled: {"state": BookingState.CANCELLED, "cancelled_at": now},
              pending: {"state": BookingState.PENDING_APPROVAL, "hold_until": now}}
    for i, person in enumerate([stranger, shy, said_no, leaver, moved, cancelled, pending]):
        booking_row(member=person, resource=desk(centre, f"Desk {i + 1:02d}"), on=on,
                    **states.get(person, {}))
    booking_row(member=in_a_room, resource=desk(centre, "Room 1"), on=on, slot=Slot.RANGE,
                start_time=dt.time(10, 0), end_time=dt.time(11, 0))
    booking_row(member=other_day, resource=desk(centre, "Desk 08"), on=workday(3))
    assert names(member, centre, on) == []
    # Nor does the other company see ours, even one who allows it.
    ColleagueSharing.objects.create(member=member, show_bookings=True)
    booking_row(member=member, resource=desk(centre, "Desk 08"), on=on)
    assert names(stranger, centre, on) == [(str(moved), "Desk 05", "morning")]


def test_checked_in_and_completed_bookings_count_no_shows_do_not(centre, company, member):
    on = workday(2)
    here, done, absent = mate(company), mate(company), mate(company)
    booking_row(member=here, resource=desk(centre, "Desk 01"), on=on,
                state=BookingState.CHECKED_IN)
    booking_row(member=done, resource=desk(centre, "Desk 02"), on=on, slot=Slot.AFTERNOON,
                state=BookingState.COMPLETED)
    booking_row(member=absent, resource=desk(centre, "Desk 03"), on=on,
                state=BookingState.NO_SHOW)
    assert sorted(n for n, _d, _s in names(member, centre, on)) == sorted([str(here), str(done)])


def test_a_slot_shows_those_overlapping_it(centre, company, member):
    on = workday(2)
    morning, afternoon, day = mate(company), mate(company), mate(company)
    booking_row(member=morning, resource=desk(centre, "Desk 01"), on=on, slot=Slot.MORNING)
    booking_row(member=afternoon, resource=desk(centre, "Desk 02"), on=on, slot=Slot.AFTERNOON)
    booking_row(member=day, resource=desk(centre, "Desk 03"), on=on, slot=Slot.FULL_DAY)
    seen = {slot: {n for n, _d, _s in names(member, centre, on, slot)}
            for slot in ("morning", "afternoon", "full_day")}
    assert seen["morning"] == {str(morning), str(day)}
    assert seen["afternoon"] == {str(afternoon), str(day)}
    assert seen["full_day"] == {str(morning), str(afternoon), str(day)}
    with pytest.raises(InvalidInput):
        names(member, centre, on, "range")


def test_the_company_admin_sees_what_a_member_sees_and_others_nothing(
        centre, company, member, company_admin, operator, manager, outsider):
    on = workday(2)
    shown, hidden = mate(company), mate(company, shows=False)
    booking_row(member=shown, resource=desk(centre, "Desk 01"), on=on)
    booking_row(member=hidden, resource=desk(centre, "Desk 02"), on=on)
    assert names(company_admin, centre, on) == names(member, centre, on) == [
        (str(shown), "Desk 01", "morning")]
    for nobody in (operator, manager, outsider):
        with pytest.raises(Forbidden):
            names(nobody, centre, on)
    with pytest.raises(NotAuthenticated):
        names(None, centre, on)


def test_the_desk_s_place_on_the_plan_comes_with_it(centre, company, member):
    on = workday(2)
    anna = mate(company)
    floor = plan(centre)
    place(floor, desk(centre, "Desk 03"), "20", "30")
    booking_row(member=anna, resource=desk(centre, "Desk 03"), on=on)
    [found] = colleagues.colleagues_booked_at(viewer=member, centre=centre, on=on)
    assert (found.plan_id, found.x, found.y) == (floor.pk, Decimal("20"), Decimal("30"))


def test_many_centres_in_one_statement(centre, company, member, network,
                                       django_assert_num_queries):
    other = testing.make_centre(network=network)
    on = workday(2)
    a, b = mate(company), mate(company)
    booking_row(member=a, resource=desk(centre, "Desk 01"), on=on)
    booking_row(member=b, resource=Resource.objects.get(centre=other, name="Desk 01"), on=on)
    with django_assert_num_queries(1):
        found = colleagues.colleagues_booked(viewer=member, centres=[centre, other], on=on)
    assert {k: [c.member_id for c in v] for k, v in found.items()} == {
        centre.pk: [a.pk], other.pk: [b.pk]}


# --- Next to them ------------------------------------------------------------------------


def test_nearest_spot_uses_the_plan_s_proportions_and_breaks_ties_by_name():
    spots = [Spot(1, "Desk B", 1, x=10, y=0), Spot(2, "Desk A", 1, x=0, y=15)]
    # In percent Desk B is nearer (10 < 15); on a plan twice as wide as high, Desk A is.
    assert nearest_spot(x=0, y=0, spots=spots).name == "Desk B"
    assert nearest_spot(x=0, y=0, spots=spots, width=2000, height=1000).name == "Desk A"
    tied = [Spot(3, "Desk Z", 1, x=5, y=0), Spot(4, "Desk M", 1, x=0, y=5)]
    assert nearest_spot(x=0, y=0, spots=tied).name == "Desk M"
    assert nearest_spot(x=0, y=0, spots=[]) is None


def test_the_nearest_free_desk_on_the_same_floor_a_taken_one_skipped(centre, company, member):
    on = workday(2)
    anna = mate(company, first_name="Anna", last_name="Peeters")
    ground, first = plan(centre, 0), plan(centre, 1)
    place(ground, desk(centre, "Desk 01"), "50", "50")  # Anna's
    place(ground, desk(centre, "Desk 02"), "55", "50")  # nearest, but taken
    place(ground, desk(centre, "Desk 03"), "60", "50")  # the nearest free one
    place(ground, desk(centre, "Desk 04"), "90", "90")
    place(first, desk(centre, "Desk 05"), "50", "50")  # same spot, another floor
    booking_row(member=anna, resource=desk(centre, "Desk 01"), on=on, slot=Slot.FULL_DAY)
    booking_row(member=testing.make_user(network=centre.network),
                resource=desk(centre, "Desk 02"), on=on, slot=Slot.MORNING)
    here = colleagues.colleagues_booked_at(viewer=member, centre=centre, on=on)
    [offer] = colleagues.desks_next_to(centre=centre, on=on, colleagues=here)
    assert (offer.resource_name, offer.slot) == ("Desk 03", "full_day")
    assert "nearest to Anna Peeters's (Desk 01)" in offer.reason
    # For the afternoon Desk 02 is free, and nearest.
    [later] = colleagues.desks_next_to(centre=centre, on=on, colleagues=here, slot="afternoon")
    assert later.resource_name == "Desk 02"


def test_a_full_floor_offers_a_free_desk_elsewhere_and_no_plan_any_free_desk(
        centre, company, member):
    on = workday(2)
    anna, ben = mate(company, first_name="Anna", last_name="A"), mate(company, first_name="Ben",
                                                                       last_name="B")
    small = plan(centre, 2)
    place(small, desk(centre, "Desk 07"), "10", "10")  # Anna's, alone on her floor
    booking_row(member=anna, resource=desk(centre, "Desk 07"), on=on)
    booking_row(member=ben, resource=desk(centre, "Desk 08"), on=on)  # on no plan
    here = colleagues.colleagues_booked_at(viewer=member, centre=centre, on=on)
    offers = {o.colleague.name: o for o in colleagues.desks_next_to(centre=centre, on=on,
                                                                    colleagues=here)}
    assert offers["Anna A"].resource_name == "Desk 01"
    assert "No desk is free on Anna A's floor" in offers["Anna A"].reason
    assert offers["Ben B"].resource_name == "Desk 01"
    assert "on no floor plan" in offers["Ben B"].reason


def test_no_free_desk_no_offer(network, company, member):
    small = testing.make_centre(network=network, desks=2, rooms=0)
    on = workday(2)
    anna, ben = mate(company), mate(company)
    booking_row(member=anna, resource=Resource.objects.get(centre=small, name="Desk 01"), on=on)
    booking_row(member=ben, resource=Resource.objects.get(centre=small, name="Desk 02"), on=on)
    here = colleagues.colleagues_booked_at(viewer=member, centre=small, on=on)
    offers = colleagues.desks_next_to(centre=small, on=on, colleagues=here)
    assert [(o.resource_id, o.reason) for o in offers] == [
        (None, "No desk is free for that slot.")] * 2
