"""Floor plans in the browser (issue #20): a member books a place on the plan, in French
and Dutch, with the mouse on a desktop and with the keyboard on a 390 px phone; the centre
manager moves a place with the arrow keys and saves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartwork.bookings import floorplans
from smartwork.bookings.demo_floorplan import _desk_xy, namur_svg
from smartwork.bookings.models import Booking, PlacePosition
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.network.models import Resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {"link": "Choisir votre place sur le plan d'étage", "taken": "occupé",
           "free": "libre : réserver", "confirm": "Confirmer la réservation",
           "booked": "Réservé :"},
    "nl": {"link": "Kies uw plaats op het verdiepingsplan", "taken": "bezet",
           "free": "vrij: boeken", "confirm": "Boeking bevestigen",
           "booked": "Geboekt:"},
}


def _plan(centre):
    manager = testing.make_centre_staff(centre)
    resources = list(Resource.objects.filter(centre=centre).order_by("kind", "name"))
    desks = [r for r in resources if r.kind == "desk"]
    plan = floorplans.floorplan_upload(actor=manager, centre=centre, name="Rez-de-chaussée",
                                       level=0, data=namur_svg(desks=len(desks)))
    positions = {r.pk: _desk_xy(i, len(desks)) for i, r in enumerate(desks)}
    positions.update({r.pk: (85, 19 + 32 * i) for i, r in
                      enumerate(r for r in resources if r.kind != "desk")})
    floorplans.floorplan_place(actor=manager, plan=plan, positions=positions)
    return plan, desks, manager


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_member_books_a_desk_on_the_floor_plan(site, network, centre, lang):
    t = TEXT[lang]
    _, desks, _ = _plan(centre)
    on = workday(1)
    booking_row(member=testing.make_user(network=network), resource=desks[0], on=on,
                slot="full_day")
    member = testing.make_user(network=network, language=lang)
    page = site.page
    site.login(member)
    site.switch_language(lang)
    site.go(f"/centres/{centre.slug}/?date={on.isoformat()}")
    page.get_by_role("link", name=t["link"]).click()
    canvas = page.locator("#plan-canvas")
    expect(canvas.locator("img")).to_be_visible()
    taken = canvas.get_by_role("img", name=re.compile(f"{desks[0].name}, {t['taken']}"))
    expect(taken).to_be_visible()
    target = canvas.get_by_role("link", name=f"{desks[3].name}, {t['free']}")
    target.hover()
    expect(page.locator(f"#tip-{desks[3].pk}")).to_be_visible()
    site.shot(f"floor-plan-{lang}", full_page=False)
    target.click()
    expect(page.locator("#booking-quote")).to_contain_text(desks[3].name)
    page.get_by_role("button", name=t["confirm"]).click()
    expect(page.locator(".msg.success")).to_contain_text(t["booked"])
    assert Booking.objects.get(member=member).resource == desks[3]


def test_on_a_phone_the_plan_fits_and_works_with_the_keyboard(phone_site, network, centre):
    _plan(centre)
    member = testing.make_user(network=network, language="nl")
    page = phone_site.page
    phone_site.login(member)
    phone_site.switch_language("nl")
    phone_site.go(f"/centres/{centre.slug}/plan/?date={workday(1).isoformat()}&slot=morning")
    expect(page.locator("#plan-canvas img")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    first = page.locator("#plan-canvas a.place").first
    first.focus()
    expect(page.locator("#plan-canvas .place:focus + .tip")).to_be_visible()
    phone_site.shot("floor-plan-phone-nl", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator("#booking-quote")).to_be_visible()
    assert "resource=" in page.url


def test_manager_moves_a_place_with_the_arrow_keys(site, network, centre):
    plan, desks, manager = _plan(centre)
    before = PlacePosition.objects.get(resource=desks[0])
    page = site.page
    site.login(manager)
    site.go(f"/staff/centres/{centre.pk}/plans/{plan.pk}/")
    marker = page.locator(f'#plan-canvas button.place[data-rid="{desks[0].pk}"]')
    marker.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(page.locator(f"#x_{desks[0].pk}")).to_have_value(f"{float(before.x) + 1:g}")
    site.shot("floor-plan-placing", full_page=False)
    page.get_by_role("button", name="Save the places").click()
    expect(page.locator(".msg.success")).to_be_visible()
    after = PlacePosition.objects.get(resource=desks[0])
    assert float(after.x) == float(before.x) + 1 and float(after.y) == float(before.y) + 5
