"""The demo's floor plan: the Namur centre's ground floor, drawn here as a plain SVG
(walls, windows, the reception and kitchen), with every desk and room placed."""

from __future__ import annotations

from typing import Any

from smartwork.bookings import floorplans
from smartwork.bookings.models import FloorPlan
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Resource

WIDTH, HEIGHT = 1200, 800


def namur_svg(*, desks: int) -> bytes:
    """A floor: an open space with `desks` desks in rows of benches, rooms on the right."""
    rows = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 800" '
            'width="1200" height="800" role="img">',
            '<rect x="0" y="0" width="1200" height="800" fill="#ffffff"/>',
            '<rect x="20" y="20" width="1160" height="760" fill="#f6f8fa" stroke="#24292f" '
            'stroke-width="8"/>',
            # rooms along the right side, the reception and kitchen at the bottom
            '<line x1="860" y1="20" x2="860" y2="780" stroke="#24292f" stroke-width="6"/>',
            '<line x1="860" y1="280" x2="1180" y2="280" stroke="#24292f" stroke-width="6"/>',
            '<line x1="860" y1="540" x2="1180" y2="540" stroke="#24292f" stroke-width="6"/>',
            '<line x1="20" y1="640" x2="860" y2="640" stroke="#24292f" stroke-width="4" '
            'stroke-dasharray="12 8"/>',
            '<rect x="40" y="660" width="260" height="100" fill="#ddf4ff" stroke="#0969da"/>',
            '<rect x="560" y="660" width="280" height="100" fill="#fff8c5" stroke="#9a6700"/>',
            # windows on the top and left walls
            *[f'<line x1="{x}" y1="20" x2="{x + 80}" y2="20" stroke="#54aeff" stroke-width="8"/>'
              for x in range(80, 820, 140)],
            '<line x1="20" y1="120" x2="20" y2="520" stroke="#54aeff" stroke-width="8"/>',
            ]
    for i in range(desks):
        x, y = _desk_xy(i, desks)
        px, py = x * WIDTH / 100, y * HEIGHT / 100
        rows.append(f'<rect x="{px - 34:.0f}" y="{py - 22:.0f}" width="68" height="44" rx="4" '
                    f'fill="#eaeef2" stroke="#6e7781"/>')
    rows.append("</svg>")
    return "\n".join(rows).encode()


def _desk_xy(i: int, n: int) -> tuple[float, float]:
    """Desks in benches of two rows, across the open space (x 6–68 %, y 10–76 %)."""
    per_row = 6
    col, row = i % per_row, i // per_row
    rows = max(1, (n + per_row - 1) // per_row)
    x = 8 + col * (60 / max(1, per_row - 1))
    y = 12 + row * (62 / max(1, rows - 1)) if rows > 1 else 40
    return round(x, 1), round(y, 1)


ROOM_SPOTS = [(85.0, 19.0), (85.0, 51.0), (85.0, 83.0)]


def load(ctx: dict[str, Any]) -> FloorPlan | None:
    """The Namur centre's ground floor with its desks and rooms placed, by its manager."""
    staff = ctx.get("centre_staff") or {}
    centre, manager = staff.get("centre"), staff.get("manager")
    if centre is None or manager is None:
        return None
    resources = list(Resource.objects.filter(centre=centre).order_by("kind", "name"))
    desks = [r for r in resources if r.kind in (ResourceKind.DESK, ResourceKind.PRIVATE_OFFICE)]
    rooms = [r for r in resources if r not in desks]
    plan = floorplans.floorplan_upload(actor=manager, centre=centre,
                                       name="Rez-de-chaussée", level=0,
                                       data=namur_svg(desks=len(desks)))
    positions: dict[int, tuple[Any, Any] | None] = {
        r.pk: _desk_xy(i, len(desks)) for i, r in enumerate(desks)}
    for r, spot in zip(rooms, ROOM_SPOTS, strict=False):
        positions[r.pk] = spot
    floorplans.floorplan_place(actor=manager, plan=plan, positions=positions)
    return plan
