"""Colleagues in the browser (issue #20 §4), in Dutch: a member sees the colleague booked
at the centre that day, books next to her through the confirmation page, and finds her
place marked on the floor plan; on a 390 px phone the block and the plan fit."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smartwork.bookings import floorplans
from smartwork.bookings.demo_floorplan import _desk_xy, namur_svg
from smartwork.bookings.models import Booking, ColleagueSharing
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.credits.tests.factories import buy, employee
from smartwork.network.models import Resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scene(centre, company):
    """The centre's floor with every desk placed (benches of six), Anna on the third desk
    of the first bench and the desk on her left taken by a stranger: the free desk
    nearest to hers is the one on her right."""
    manager = testing.make_centre_staff(centre)
    desks = list(Resource.objects.filter(centre=centre, kind="desk").order_by("name"))
    plan = floorplans.floorplan_upload(actor=manager, centre=centre, name="Gelijkvloers",
                                       level=0, data=namur_svg(desks=len(desks)))
    floorplans.floorplan_place(actor=manager, plan=plan, positions={
        r.pk: _desk_xy(i, len(desks)) for i, r in enumerate(desks)})
    buy(company, hours=20)
    anna = employee(company, first_name="Anna", last_name="Peeters")
    ColleagueSharing.objects.create(member=anna, show_bookings=True)
    on = workday(2)
    booking_row(member=anna, resource=desks[2], on=on, slot="full_day")
    booking_row(member=testing.make_user(network=centre.network), resource=desks[1], on=on,
                slot="full_day")
    return desks, on


def _member_in_dutch(site, centre, company):
    """The scene, and a member of Anna's company logged in on `site`, in Dutch."""
    desks, on = _scene(centre, company)
    member = employee(company, language="nl")
    site.login(member)
    site.switch_language("nl")
    return desks, on, member


def test_a_member_sees_a_colleague_and_books_next_to_her_in_dutch(site, centre, company):
    desks, on, member = _member_in_dutch(site, centre, company)
    page = site.page
    # Her own choice first: off until she ticks it in her profile.
    site.go("/profile/")
    page.get_by_role("link", name="Collega's").click()
    box = page.get_by_label("Mijn boekingen tonen aan collega's van mijn bedrijf")
    expect(box).not_to_be_checked()
    box.check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#sharing-now")).to_contain_text("Uw boekingen worden getoond")
    assert ColleagueSharing.objects.get(member=member).show_bookings is True

    site.go(f"/centres/{centre.slug}/?date={on.isoformat()}")
    block = page.locator("#colleagues-here")
    expect(block).to_contain_text(f"Collega's hier die dag: Anna Peeters ({desks[2].name})")
    expect(block).to_contain_text(f"{desks[3].name} is de vrije werkplek het dichtst bij die van "
                                  f"Anna Peeters ({desks[2].name}) op het verdiepingsplan.")
    site.shot("colleagues-nl", full_page=False)
    block.get_by_role("button", name="Boek naast Anna Peeters").click()
    expect(page.locator("#booking-quote")).to_contain_text(desks[3].name)
    page.get_by_role("button", name="Boeking bevestigen").click()
    expect(page.locator(".msg.success")).to_contain_text("Geboekt:")
    booking = Booking.objects.get(member=member)
    assert (booking.resource, booking.slot) == (desks[3], "full_day")

    # On the floor plan her place says whose it is, in words, with her initial.
    site.go(f"/centres/{centre.slug}/plan/?date={on.isoformat()}&slot=full_day")
    marker = page.locator("#plan-canvas").get_by_role(
        "img", name=f"{desks[2].name}, bezet door uw collega Anna Peeters")
    expect(marker).to_have_text("A")
    marker.focus()
    expect(page.locator(f"#tip-{desks[2].pk}")).to_contain_text("Uw collega Anna Peeters")


def test_on_a_phone_the_colleagues_block_and_the_plan_fit(phone_site, centre, company):
    desks, on, _member = _member_in_dutch(phone_site, centre, company)
    page = phone_site.page
    for path in (f"/centres/{centre.slug}/?date={on.isoformat()}",
                 f"/centres/{centre.slug}/plan/?date={on.isoformat()}&slot=morning",
                 f"/centres/?date={on.isoformat()}&slot=morning", "/profile/colleagues/"):
        phone_site.go(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    phone_site.go(f"/centres/{centre.slug}/plan/?date={on.isoformat()}&slot=morning")
    button = page.get_by_role("button", name="Boek naast Anna Peeters")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone_site.shot("colleagues-plan-phone-nl", full_page=False)
    button.click()
    expect(page.locator("#booking-quote")).to_contain_text(desks[3].name)
