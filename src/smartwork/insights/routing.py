"""Travel distances: great-circle x a detour factor per mode, or road
distances from an OSRM-compatible server when one is configured.

OSRM runs outside this machine: every call has a timeout, and a failure falls
back to the estimate (the result says which was used), so a report never
breaks because the routing server is down.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx

from smartwork.core.geo import haversine_km
from smartwork.insights import conf

log = logging.getLogger("smartwork.insights")

Point = tuple[float, float]  # (lat, lon)

GREAT_CIRCLE = "great_circle"
OSRM = "osrm"


def estimate_km(origin: Point, dest: Point, mode: str) -> float:
    """One-way travel distance: great-circle distance x the mode's detour factor."""
    return haversine_km(origin[0], origin[1], dest[0], dest[1]) * conf.detour_factors()[mode]


def hours_for(km: float, mode: str) -> float:
    return km / conf.speeds_kmh()[mode]


class OsrmError(Exception):
    pass


class OsrmClient:
    """The /table service of OSRM: distances (m) from sources to destinations."""

    def __init__(self, base_url: str, *, timeout: float = 5.0,
                 client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client or httpx.Client(timeout=timeout)

    def table_km(self, profile: str, sources: Sequence[Point],
                 destinations: Sequence[Point]) -> list[list[float]]:
        points = [*sources, *destinations]
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        src = ";".join(str(i) for i in range(len(sources)))
        dst = ";".join(str(len(sources) + i) for i in range(len(destinations)))
        url = f"{self.base_url}/table/v1/{profile}/{coords}"
        try:
            response = self.client.get(
                url, params={"sources": src, "destinations": dst, "annotations": "distance"}
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OsrmError(str(exc)) from exc
        if body.get("code") != "Ok" or "distances" not in body:
            raise OsrmError(f"OSRM answered {body.get('code')}: {body.get('message', '')}")
        rows = body["distances"]
        if any(d is None for row in rows for d in row):
            raise OsrmError("OSRM found no route between some points")
        return [[float(d) / 1000.0 for d in row] for row in rows]


class DistanceService:
    """One-way distances from one origin to several destinations for a mode,
    from OSRM when configured for that mode, else estimated."""

    def __init__(self, client: OsrmClient | None = None) -> None:
        url = conf.osrm_url()
        self.client = client or (OsrmClient(url, timeout=conf.osrm_timeout_s()) if url else None)
        self.profiles = conf.osrm_profiles()
        self.failures = 0

    def from_origin(self, origin: Point, destinations: Sequence[Point],
                    mode: str) -> tuple[list[float], str]:
        profile = self.profiles.get(mode)
        if self.client is not None and profile and destinations:
            try:
                return self.client.table_km(profile, [origin], destinations)[0], OSRM
            except OsrmError as exc:
                self.failures += 1
                log.warning("OSRM failed, using the great-circle estimate: %s", exc)
        return [estimate_km(origin, d, mode) for d in destinations], GREAT_CIRCLE
