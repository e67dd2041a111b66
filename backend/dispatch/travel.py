"""Travel times and road distances between gazetteer places, behind the `TravelTimes`
protocol that the planner, insertion, offers and the validator all ask.

`GreatCircleTravel` estimates from coordinates: great-circle distance x a mountain-road
detour factor, driven at the average speed of each road class (town streets, county
roads, the expressway to outside cities; the last few km into a village on village
roads), rounded up to whole minutes and cached per pair. `TableTravel` reads an operator's own table (or one
exported from OSRM / GraphHopper) from CSV `from,to,minutes,km`. `make_travel` picks one
by configuration, so a real road-network matrix replaces the estimate without code changes.
`PointTravel` is straight-line travel on a plane (research benchmarks, tests).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from backend.errors import InvalidInput, UnknownPlace

EARTH_RADIUS_KM = 6371.0
TOWN_KINDS = frozenset({"county_seat", "landmark"})


class TravelTimes(Protocol):
    def minutes(self, a: str, b: str) -> float:
        """Driving time from a to b in minutes (0 for the same place): whole minutes for
        the county's roads, fractions where legs are short (the planner keeps 1/100 min)."""
        ...

    def km(self, a: str, b: str) -> float:
        """Road distance from a to b."""
        ...

    def knows(self, name: str) -> bool: ...


@dataclass(frozen=True)
class PlacePoint:
    lat: float
    lon: float
    kind: str = "village"  # county_seat township village landmark external


@dataclass(frozen=True)
class TravelSettings:
    detour_factor: float = 1.4
    speed_kmh: Mapping[str, float] = field(
        default_factory=lambda: {"town": 25.0, "county": 40.0, "village": 25.0, "expressway": 60.0}
    )
    village_access_km: float = 3.0


def great_circle_km(a: PlacePoint, b: PlacePoint) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def road_class(a: PlacePoint, b: PlacePoint) -> str:
    """The road most of a leg is driven on: the expressway to an outside city, town
    streets inside the county town, county roads otherwise."""
    kinds = {a.kind, b.kind}
    if "external" in kinds:
        return "expressway"
    if kinds <= TOWN_KINDS:
        return "town"
    return "county"


def leg_minutes(a: PlacePoint, b: PlacePoint, km: float, settings: TravelSettings) -> float:
    """Driving minutes for `km` road km: the first / last `village_access_km` to or from a
    village on village roads, the rest at the speed of the leg's road class."""
    ends = (a.kind == "village") + (b.kind == "village")
    access = min(km, ends * settings.village_access_km)
    speed = settings.speed_kmh
    return (access / speed["village"] + (km - access) / speed[road_class(a, b)]) * 60


class GreatCircleTravel:
    """Estimated travel from coordinates; every pair is computed once and cached."""

    def __init__(self, places: Mapping[str, PlacePoint], settings: TravelSettings | None = None) -> None:
        self._places = dict(places)
        self._settings = settings or TravelSettings()
        self._cache: dict[tuple[str, str], tuple[int, float]] = {}

    def knows(self, name: str) -> bool:
        return name in self._places

    def _leg(self, a: str, b: str) -> tuple[int, float]:
        key = (a, b)
        leg = self._cache.get(key)
        if leg is None:
            pa, pb = self._point(a), self._point(b)
            km = great_circle_km(pa, pb) * self._settings.detour_factor
            drive = leg_minutes(pa, pb, km, self._settings)
            minutes = 0 if a == b or km == 0 else max(1, math.ceil(drive))
            leg = (minutes, km)
            self._cache[key] = leg
        return leg

    def _point(self, name: str) -> PlacePoint:
        point = self._places.get(name)
        if point is None:
            raise UnknownPlace(name, [])
        return point

    def minutes(self, a: str, b: str) -> int:
        return self._leg(a, b)[0]

    def km(self, a: str, b: str) -> float:
        return self._leg(a, b)[1]


class TableTravel:
    """A fixed table of legs; a pair missing from the table is an error, not a guess."""

    def __init__(self, legs: Mapping[tuple[str, str], tuple[int, float]]) -> None:
        self._legs = dict(legs)
        self._names = {name for pair in self._legs for name in pair}

    @classmethod
    def from_csv(cls, path: Path) -> TableTravel:
        legs: dict[tuple[str, str], tuple[int, float]] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    legs[(row["from"], row["to"])] = (int(row["minutes"]), float(row["km"]))
                except (KeyError, TypeError, ValueError) as exc:
                    raise InvalidInput(f"行车时间表 {path.name} 第{line}行格式不对", line=line) from exc
        return cls(legs)

    def knows(self, name: str) -> bool:
        return name in self._names

    def _leg(self, a: str, b: str) -> tuple[int, float]:
        if a == b:
            return (0, 0.0)
        leg = self._legs.get((a, b))
        if leg is None:
            raise InvalidInput(f"行车时间表里没有“{a}”到“{b}”这一段", origin=a, destination=b)
        return leg

    def minutes(self, a: str, b: str) -> int:
        return self._leg(a, b)[0]

    def km(self, a: str, b: str) -> float:
        return self._leg(a, b)[1]


class PointTravel:
    """Straight-line travel between named (x, y) points, one unit of distance = one minute
    = one km of cost: the plane of the dial-a-ride research benchmarks (Cordeau 2006)."""

    def __init__(self, points: Mapping[str, tuple[float, float]]) -> None:
        self.points = dict(points)

    def knows(self, name: str) -> bool:
        return name in self.points

    def minutes(self, a: str, b: str) -> float:
        (xa, ya), (xb, yb) = self.points[a], self.points[b]
        return math.hypot(xa - xb, ya - yb)

    def km(self, a: str, b: str) -> float:
        return self.minutes(a, b)


def make_travel(
    places: Mapping[str, PlacePoint],
    *,
    source: str = "great_circle",
    table: Path | None = None,
    settings: TravelSettings | None = None,
) -> TravelTimes:
    """The travel model named by configuration: "great_circle" (default) or "table"."""
    if source == "great_circle":
        return GreatCircleTravel(places, settings)
    if source == "table":
        if table is None:
            raise InvalidInput("行车时间来源是 table 时需要给出时间表文件")
        return TableTravel.from_csv(table)
    raise InvalidInput(f"不认识的行车时间来源“{source}”（可选 great_circle、table）", source=source)


def matrix(travel: TravelTimes, names: Iterable[str]) -> tuple[list[list[int]], list[list[float]]]:
    """Minutes and km between every pair of `names`, in that order."""
    order = list(names)
    minutes = [[travel.minutes(a, b) for b in order] for a in order]
    km = [[travel.km(a, b) for b in order] for a in order]
    return minutes, km
