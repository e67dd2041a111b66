"""Road distance and travel time between two points of the county, estimated from the
great-circle distance: mountain roads are taken as 1.4 times the straight line, driven at
35 km/h. Dispatch and charter quotes ask only these functions, so a road-network model
can replace them later without touching their callers.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Protocol

EARTH_RADIUS_KM = 6371.0
DETOUR_FACTOR = 1.4
SPEED_KMH = 35.0


class Located(Protocol):
    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


def great_circle_km(a: Located, b: Located) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def road_km(a: Located, b: Located) -> float:
    return great_circle_km(a, b) * DETOUR_FACTOR


def travel_time(a: Located, b: Located) -> timedelta:
    """Driving time from a to b, rounded up to whole minutes (at least one between two
    different points, none for the same point)."""
    km = road_km(a, b)
    if km == 0:
        return timedelta(0)
    return timedelta(minutes=max(1, math.ceil(km / SPEED_KMH * 60)))
