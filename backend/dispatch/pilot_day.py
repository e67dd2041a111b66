"""A seeded, realistic service day in the pilot county (清流县) for tests and the benchmark:
the fleet and drivers of `backend/pilot/seed.json`, the gazetteer coordinates of
`backend/pilot/places.csv`, and `n` ride requests shaped like a rural day: the morning
peak into the county town, hospital trips, a market day (圩日) in two townships with
returns at noon, afternoon returns to the villages and some trips in between; plus parcel
consignments from the county co-delivery centre and township stations to village service
points. The same seed always gives the same day.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path

from backend.dispatch.config import DispatchConfig
from backend.dispatch.model import Consignment, Problem, Request, VehicleSpec
from backend.dispatch.travel import PlacePoint, great_circle_km

PILOT_DIR = Path(__file__).resolve().parent.parent / "pilot"
CO_DELIVERY_CENTRE = "清流县城"
TOWN_WEIGHTS = {"清流县城": 3.0, "清流县汽车站": 2.0, "清流县第一中学": 1.0, "清流县体育馆": 0.5}
HOSPITAL = "清流县医院"
MARKET_TOWNS = ("嵩口镇", "灵地镇")
MARKET_RADIUS_KM = 14.0
PASSENGERS = ((1, 0.55), (2, 0.30), (3, 0.10), (4, 0.05))
# share of requests, and the wished pick-up spread (earliest, most likely, latest) in minutes
MIX = (
    ("morning_peak", 0.30, (400, 450, 540)),
    ("hospital", 0.10, (450, 510, 630)),
    ("market", 0.15, (420, 470, 570)),
    ("market_return", 0.08, (660, 710, 780)),
    ("afternoon_return", 0.27, (810, 960, 1050)),
    ("other", 0.10, (540, 720, 960)),
)


def _place_rows() -> list[dict[str, str]]:
    with (PILOT_DIR / "places.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def pilot_places() -> dict[str, PlacePoint]:
    return {
        row["name"]: PlacePoint(float(row["lat"]), float(row["lon"]), row["kind"]) for row in _place_rows()
    }


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def pilot_fleet() -> dict[str, VehicleSpec]:
    """Every vehicle of the seed with its driver's shift, keyed by plate."""
    seed = json.loads((PILOT_DIR / "seed.json").read_text(encoding="utf-8"))
    drivers = {d["vehicle"]: d for d in seed["drivers"]}
    fleet = {}
    for v in seed["vehicles"]:
        driver = drivers.get(v["plate"])
        if v["status"] != "in_service" or driver is None:
            continue
        fleet[v["plate"]] = VehicleSpec(
            v["plate"],
            v["seats"],
            float(v["cargo_kg"]),
            float(v["cargo_m3"]),
            v["depot"],
            _minutes(driver["shift_start"]),
            _minutes(driver["shift_end"]),
            driver["code"],
        )
    return fleet


def service_point_places() -> list[str]:
    seed = json.loads((PILOT_DIR / "seed.json").read_text(encoding="utf-8"))
    return [sp["place"] for sp in seed["service_points"]]


class _Generator:
    def __init__(self, seed: int, places: dict[str, PlacePoint]) -> None:
        self.rng = random.Random(seed)
        self.places = places
        self.rural = [n for n, p in places.items() if p.kind in ("village", "township") and n != "龙津镇"]

    def pick(self, names: list[str], weight: Callable[[str], float] = lambda _: 1.0) -> str:
        return self.rng.choices(names, weights=[weight(n) for n in names])[0]

    def rural_place(self) -> str:
        return self.pick(self.rural, lambda n: 1.5 if self.places[n].kind == "township" else 1.0)

    def town_place(self) -> str:
        names = list(TOWN_WEIGHTS)
        return self.pick(names, TOWN_WEIGHTS.__getitem__)

    def near(self, centre: str) -> str:
        here = self.places[centre]
        close = [
            n for n in self.rural if n != centre and great_circle_km(here, self.places[n]) <= MARKET_RADIUS_KM
        ]
        return self.rng.choice(close or self.rural)

    def when(self, spread: tuple[int, int, int]) -> int:
        low, mode, high = spread
        return int(self.rng.triangular(low, high, mode)) // 5 * 5

    def trip(self, kind: str) -> tuple[str, str]:
        if kind == "morning_peak":
            return self.rural_place(), self.town_place()
        if kind == "hospital":
            return self.rural_place(), HOSPITAL
        if kind in ("market", "market_return"):
            town = self.rng.choice(MARKET_TOWNS)
            village = self.near(town)
            return (village, town) if kind == "market" else (town, village)
        if kind == "afternoon_return":
            town = HOSPITAL if self.rng.random() < 0.25 else self.town_place()
            return town, self.rural_place()
        start = self.rural_place()
        end = self.rng.choice([n for n in self.rural if n != start])
        return start, end


def pilot_day(n: int, *, seed: int = 7, config: DispatchConfig | None = None) -> Problem:
    """`n` ride requests and about n/10 parcel consignments (8 to 40) on the pilot fleet."""
    cfg = config or DispatchConfig()
    places = pilot_places()
    gen = _Generator(seed, places)
    kinds = [kind for kind, _, _ in MIX]
    spreads = {kind: spread for kind, _, spread in MIX}
    requests: dict[str, Request] = {}
    for number in range(1, n + 1):
        kind = gen.rng.choices(kinds, weights=[share for _, share, _ in MIX])[0]
        start, end = gen.trip(kind)
        wished = gen.when(spreads[kind])
        passengers = gen.rng.choices([p for p, _ in PASSENGERS], weights=[w for _, w in PASSENGERS])[0]
        rid = f"R{number:04d}"
        requests[rid] = Request(
            rid, start, end, wished - cfg.window_before_min, wished + cfg.window_after_min, passengers
        )
    return Problem(requests, _consignments(gen, n), pilot_fleet())


def _consignments(gen: _Generator, n: int) -> dict[str, Consignment]:
    points = [p for p in service_point_places() if p != "龙津镇"]
    township_of = {row["name"]: row["township"] for row in _place_rows()}
    villages = [p for p in points if gen.places[p].kind == "village"]
    result: dict[str, Consignment] = {}
    for number in range(1, max(8, min(40, n // 10)) + 1):
        if gen.rng.random() < 0.2:
            destination = gen.rng.choice(villages)
            origin, ready = township_of[destination], 540
        else:
            origin, destination, ready = CO_DELIVERY_CENTRE, gen.rng.choice(points), 450
        weight = round(gen.rng.uniform(5, 60), 1)
        cid = f"P{number:03d}"
        result[cid] = Consignment(cid, origin, destination, weight, round(weight / 150, 3), ready, 1050)
    return result
