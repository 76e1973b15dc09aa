"""The maps without tiles: the tile server is unreachable (every request not to the live
server is aborted, tests/browser/conftest.py), and the vector base layer of Belgium
shipped with the package (static/web/geo/belgium.geojson) is drawn under them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smartwork.core import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_finder_map_draws_belgium_when_tiles_cannot_load(site, network, centre):
    member = testing.make_user(network=network)
    tiles: list[str] = []
    site.page.on("requestfailed", lambda r: tiles.append(r.url) if "tile" in r.url else None)
    site.login(member)
    site.go("/centres/")
    base = site.page.locator("#finder-map .leaflet-base-pane path")
    # The country border, the province and the municipal borders: three line layers.
    expect(base).to_have_count(3)
    assert tiles, "the tile server was asked and could not answer"
    # Drawn under the tiles, and with real lines (not an empty path).
    assert site.page.evaluate(
        "getComputedStyle(document.querySelector('#finder-map .leaflet-base-pane')).zIndex"
    ) == "150"
    # Lines outside the view are clipped away (`M0 0`); around the centre the municipal
    # borders are drawn.
    longest = site.page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('#finder-map .leaflet-base-pane "
        "path')).map(p => (p.getAttribute('d') || '').length))")
    assert longest > 200
    # The note that tiles could not load is still shown.
    expect(site.page.locator("[data-map-failed]").first).to_be_visible()
