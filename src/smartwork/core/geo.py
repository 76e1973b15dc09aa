"""Great-circle distances and bounding boxes."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing a circle of `km` around a point."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = math.degrees(km / (EARTH_RADIUS_KM * coslat))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def parse_point(value: str) -> tuple[float, float]:
    """'50.41,4.44' -> (50.41, 4.44); ValueError with a reason otherwise."""
    parts = value.split(",")
    if len(parts) != 2:
        raise ValueError("Give a point as 'lat,lon', for example 50.41,4.44.")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError as exc:
        raise ValueError("Latitude and longitude must be numbers.") from exc
    validate_lat_lon(lat, lon)
    return lat, lon


def validate_lat_lon(lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0) or math.isnan(lat):
        raise ValueError("Latitude must be between -90 and 90.")
    if not (-180.0 <= lon <= 180.0) or math.isnan(lon):
        raise ValueError("Longitude must be between -180 and 180.")
