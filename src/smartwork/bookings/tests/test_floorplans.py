"""Floor plans: upload checks (format by content, size, SVG without active content),
positions (inside the plan, of the centre's resources, one plan per resource), the
availability on the plan, and the pages: the manager places, the member books a place
through the confirmation page."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartwork.bookings import floorplans
from smartwork.bookings.models import Booking, FloorPlan, PlacePosition
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput
from smartwork.network.models import Resource
from smartwork.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 500">'
       b'<rect x="10" y="10" width="980" height="480" fill="#eee"/></svg>')


def png(width=40, height=20):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


def test_an_svg_and_a_png_are_read_from_their_content(centre, manager):
    plan = floorplans.floorplan_upload(actor=manager, centre=centre, name="Ground", level=0,
                                       data=SVG)
    assert (plan.content_type, plan.width, plan.height) == ("image/svg+xml", 1000, 500)
    other = floorplans.floorplan_upload(actor=manager, centre=centre, name="First", level=1,
                                        data=png(40, 20))
    assert (other.content_type, other.width, other.height) == ("image/png", 40, 20)


@pytest.mark.parametrize(("data", "words"), [
    (b"", "Choose a file"),
    (b"GIF89a....", "SVG drawing or a PNG"),
    (b"%PDF-1.7", "SVG drawing or a PNG"),
    (b"<html><body>hi</body></html>", "not a valid SVG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'", "not a valid SVG"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script>'
     b"</svg>", "scripts"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"/>',
     "event handlers"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><foreignObject/></svg>',
     "embedded"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" '
     b'viewBox="0 0 10 10"><image x:href="https://evil.example/x.png"/></svg>', "other files"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><a href="javascript:x()">'
     b"<rect/></a></svg>", "other files"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect '
     b'style="fill:url(https://evil.example/a)"/></svg>', "other files"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg '
     b'xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "viewBox"),
    (b"\x89PNG\r\n\x1a\nnot really a png", "not a PNG"),
    (b"<svg" + b" " * (floorplans.MAX_PLAN_BYTES + 1), "too large"),
])
def test_an_upload_that_is_not_a_plain_plan_is_refused_on_the_image_field(centre, manager,
                                                                          data, words):
    with pytest.raises(InvalidInput) as refused:
        floorplans.floorplan_upload(actor=manager, centre=centre, name="Ground", level=0,
                                    data=data)
    assert refused.value.code == "invalid_floor_plan"
    assert words in refused.value.fields["image"][0]
    assert not FloorPlan.objects.exists()


def test_one_plan_per_floor_and_only_the_centres_staff(centre, manager, member):
    floorplans.floorplan_upload(actor=manager, centre=centre, name="Ground", level=0, data=SVG)
    with pytest.raises(InvalidInput) as refused:
        floorplans.floorplan_upload(actor=manager, centre=centre, name="Again", level=0, data=SVG)
    assert "level" in refused.value.fields
    with pytest.raises(Forbidden):
        floorplans.floorplan_upload(actor=member, centre=centre, name="Mine", level=3, data=SVG)


def test_positions_are_inside_the_plan_for_the_centres_resources_one_plan_each(centre,
                                                                               manager):
    ground = floorplans.floorplan_upload(actor=manager, centre=centre, name="G", level=0,
                                         data=SVG)
    first = floorplans.floorplan_upload(actor=manager, centre=centre, name="1", level=1,
                                        data=SVG)
    desk, desk2 = Resource.objects.filter(centre=centre, kind="desk").order_by("name")[:2]
    assert floorplans.floorplan_place(actor=manager, plan=ground,
                                      positions={desk.pk: ("10.5", "20"), desk2.pk: (90, 80)}) == 2
    # moving a desk to the other floor takes it off the first
    floorplans.floorplan_place(actor=manager, plan=first, positions={desk.pk: (50, 50)})
    assert PlacePosition.objects.get(resource=desk).plan == first
    assert PlacePosition.objects.filter(plan=ground).count() == 1
    floorplans.floorplan_place(actor=manager, plan=ground, positions={desk2.pk: None})
    assert not PlacePosition.objects.filter(plan=ground).exists()
    for bad in [(101, 5), (-1, 5), ("abc", 5), (5, "1e400"), ("NaN", 5), (5, "-Infinity"),
                (float("nan"), 5)]:
        with pytest.raises(InvalidInput) as refused:
            floorplans.floorplan_place(actor=manager, plan=ground, positions={desk.pk: bad})
        assert refused.value.code == "bad_position"
    elsewhere = testing.make_centre(network=centre.network)
    stranger = Resource.objects.filter(centre=elsewhere).first()
    with pytest.raises(InvalidInput) as refused:
        floorplans.floorplan_place(actor=manager, plan=ground, positions={stranger.pk: (5, 5)})
    assert refused.value.code == "unknown_resource"


@pytest.mark.parametrize("svg", [
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 inf nan"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e400 10"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg" width="9999999999" height="10"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 -5 10"/>',
])
def test_an_svg_of_no_finite_size_is_refused(centre, manager, svg):
    with pytest.raises(InvalidInput) as refused:
        floorplans.floorplan_upload(actor=manager, centre=centre, name="G", level=0, data=svg)
    assert refused.value.code == "invalid_floor_plan"
    assert not FloorPlan.objects.filter(centre=centre).exists()


def _placed_plan(centre, manager):
    plan = floorplans.floorplan_upload(actor=manager, centre=centre, name="Ground", level=0,
                                       data=SVG)
    resources = list(Resource.objects.filter(centre=centre).order_by("kind", "name"))
    floorplans.floorplan_place(actor=manager, plan=plan, positions={
        r.pk: (5 + 10 * i, 50) for i, r in enumerate(resources)})
    return plan, resources


def test_the_plan_shows_free_and_taken_places_for_a_date_and_slot(centre, manager, member):
    plan, resources = _placed_plan(centre, manager)
    desk = resources[0]
    on = workday()
    booking_row(member=member, resource=desk, on=on, slot="morning")
    view = floorplans.floorplan_availability(plan=plan, on=on, slot="morning")
    by_id = {p["id"]: p for p in view["places"]}
    assert by_id[desk.pk]["free"] is False
    assert all(p["free"] for p in view["places"] if p["id"] != desk.pk)
    assert view["free"] == len(resources) - 1
    afternoon = floorplans.floorplan_availability(plan=plan, on=on, slot="afternoon")
    assert all(p["free"] for p in afternoon["places"])
    full_day = floorplans.floorplan_availability(plan=plan, on=on, slot="full_day")
    assert not {p["id"]: p for p in full_day["places"]}[desk.pk]["free"]


def test_the_manager_uploads_then_places_on_the_page(centre, manager):
    client = client_for(manager)
    url = reverse("web:floor_plans", args=[centre.pk])
    bad = client.post(url, {"name": "G", "level": 0,
                            "image": SimpleUploadedFile("plan.svg", b"<svg onload='x'/>",
                                                        content_type="image/svg+xml")})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()
    assert not FloorPlan.objects.exists()
    done = client.post(url, {"name": "G", "level": 0,
                             "image": SimpleUploadedFile("plan.svg", SVG,
                                                         content_type="image/svg+xml")})
    plan = FloorPlan.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/plans/{plan.pk}/")
    page = client.get(done["Location"]).content.decode()
    assert "floorplan.js" in page and 'data-plan-edit' in page and "<script>" not in page
    desk = Resource.objects.filter(centre=centre).order_by("kind", "name").first()
    saved = client.post(done["Location"], {"form": "places", f"x_{desk.pk}": "12,5",
                                           f"y_{desk.pk}": "40"})
    assert saved.status_code == 302
    assert str(PlacePosition.objects.get(resource=desk).x) == "12.50"
    half = client.post(done["Location"], {"form": "places", f"x_{desk.pk}": "12"})
    assert half.status_code == 200 and "Give both positions" in half.content.decode()
    out = client.post(done["Location"], {"form": "places", f"x_{desk.pk}": "150",
                                         f"y_{desk.pk}": "40"})
    assert out.status_code == 200 and "from 0 to 100" in out.content.decode()
    assert str(PlacePosition.objects.get(resource=desk).x) == "12.50"


def test_the_image_is_served_as_an_image_only(centre, manager, member):
    plan = floorplans.floorplan_upload(actor=manager, centre=centre, name="G", level=0, data=SVG)
    response = client_for(member).get(reverse("web:floor_plan_image", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == SVG


@pytest.mark.parametrize(("language", "free_words", "taken_words"), [
    ("en", "free: book", "taken"), ("fr", "libre : réserver", "occupé"),
    ("nl", "vrij: boeken", "bezet"), ("de", "frei: buchen", "belegt")])
def test_a_member_books_a_free_place_from_the_plan(centre, manager, member, language,
                                                   free_words, taken_words):
    _plan, resources = _placed_plan(centre, manager)
    on = workday()
    booking_row(member=testing.make_user(network=centre.network), resource=resources[0], on=on,
                slot="full_day")
    client = client_for(member, language)
    page = html.unescape(client.get(reverse("web:centre_plan", args=[centre.slug]),
                                    {"date": on.isoformat(), "slot": "full_day"}).content.decode())
    assert f"{resources[0].name}, {taken_words}" in page
    links = re.findall(r'<a class="place free" href="([^"]+)"', page)
    assert len(links) == len([r for r in resources if r.kind == "desk"]) - 1
    target = resources[1]
    link = next(u for u in links if f"resource={target.pk}&" in u)
    confirm = client.get(link)
    assert confirm.status_code == 200 and target.name in confirm.content.decode()
    booked = client.post(reverse("web:book"), {"centre": centre.pk, "resource": target.pk,
                                                "date": on.isoformat(), "slot": "full_day"})
    assert booked.status_code == 302
    assert Booking.objects.get(member=member).resource == target
    # now the member holds a desk that day: no place is offered any more, the room is
    again = html.unescape(client.get(reverse("web:centre_plan", args=[centre.slug]),
                                     {"date": on.isoformat(), "slot": "full_day"}).content.decode())
    assert not re.findall(r'<a class="place free" href', again)
    assert re.findall(r'<a class="place free room" href', again)


def test_the_plan_of_a_centre_not_labelled_is_hidden_from_members(network, member):
    hidden = testing.make_centre(network=network, label_status="pending")
    staff = testing.make_centre_staff(hidden)
    plan = floorplans.floorplan_upload(actor=staff, centre=hidden, name="G", level=0, data=SVG)
    client = client_for(member)
    assert client.get(reverse("web:centre_plan", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("web:floor_plan_image", args=[plan.pk])).status_code == 404


def test_a_floor_outside_the_bounds_is_refused(centre, manager):
    for level in (floorplans.MIN_LEVEL - 1, floorplans.MAX_LEVEL + 1, 40000):
        with pytest.raises(InvalidInput) as refused:
            floorplans.floorplan_upload(actor=manager, centre=centre, name="G", level=level,
                                        data=SVG)
        assert refused.value.code == "bad_level" and "level" in refused.value.fields
    assert not FloorPlan.objects.exists()


def test_unplacing_takes_a_resource_off_this_plan_only(centre, manager):
    ground = floorplans.floorplan_upload(actor=manager, centre=centre, name="G", level=0,
                                         data=SVG)
    first = floorplans.floorplan_upload(actor=manager, centre=centre, name="1", level=1,
                                        data=SVG)
    desk = Resource.objects.filter(centre=centre, kind="desk").first()
    floorplans.floorplan_place(actor=manager, plan=first, positions={desk.pk: (5, 5)})
    floorplans.floorplan_place(actor=manager, plan=ground, positions={desk.pk: None})
    assert PlacePosition.objects.get(resource=desk).plan == first


def test_a_hosted_space_shows_its_plans_only_to_those_it_is_shown_to(network, company, member,
                                                                    outsider):
    from smartwork.accounts.choices import OrganisationKind

    hosted = testing.make_centre(network=network, operator=company, host_company=company,
                                 visibility="company", label_tier="mini", desks=3, rooms=0)
    other = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)
    stranger = testing.make_user(company=other, network=network)
    staff = testing.make_centre_staff(hosted)
    plan = floorplans.floorplan_upload(actor=staff, centre=hosted, name="G", level=0, data=SVG)
    assert floorplans.floorplan_centre_visible(viewer=member, centre=hosted)
    assert floorplans.floorplan_centre_visible(viewer=staff, centre=hosted)
    for viewer in (stranger, outsider):
        assert not floorplans.floorplan_centre_visible(viewer=viewer, centre=hosted)
    assert client_for(stranger).get(reverse("web:centre_plan", args=[hosted.slug])
                                    ).status_code == 404
    assert client_for(stranger).get(reverse("web:floor_plan_image", args=[plan.pk])
                                    ).status_code == 404
    assert client_for(member).get(reverse("web:floor_plan_image", args=[plan.pk])
                                  ).status_code == 200
