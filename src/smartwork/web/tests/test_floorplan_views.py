"""The floor plan page's positions as typed: a value that is not a finite number
("NaN", "Infinity", a word) is shown as an error under its place and saves nothing;
"NaN" once reached the service's comparison and answered 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from smartwork.bookings import floorplans
from smartwork.bookings.models import PlacePosition
from smartwork.network.models import Resource

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"/>'


@pytest.mark.parametrize("x", ["NaN", "nan", "sNaN", "Infinity", "-inf", "1e999999999", "abc"])
def test_a_position_that_is_not_a_finite_number_is_an_error(centre, manager, x):
    plan = floorplans.floorplan_upload(actor=manager, centre=centre, name="G", level=0,
                                       data=SVG)
    desk = Resource.objects.filter(centre=centre).order_by("pk").first()
    client = Client()
    client.force_login(manager)
    url = reverse("web:floor_plan_edit", args=[centre.pk, plan.pk])
    response = client.post(url, {"form": "places", f"x_{desk.pk}": x, f"y_{desk.pk}": "40"})
    assert response.status_code == 200
    assert "from 0 to 100" in response.content.decode()
    assert not PlacePosition.objects.exists()
