"""The in-process index the journey planner searches: the GTFS network read once into plain
arrays (stops, route patterns, trips with their calls, walking links between nearby stops)
instead of SQL per question.

A *pattern* is the ordered stop list trips share (RAPTOR's "route"); its trips keep their
times as seconds of the service day, one entry per run (`bus_runs.run_shifts`: a
frequency-based trip runs once per headway), with the boarding rules of each call. Which trips run on a day is asked of
`bus_network.running_services`, the same function the timetable answers use, and kept per
day. The index is one of the network's shared copies (`bus.network_cache`, per database):
every process rebuilds it at its first transaction after a committed change of the
network (a GTFS import in any process, a disruption), through the version counter in
the database; a cheap signature of the trips table also catches a rolled-back test feed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Route, Stop, StopTime, Trip
from backend.services.bus import network_cache
from backend.services.bus.network import line_order, network_zone, running_services
from backend.services.bus.runs import NO_BOARDING, TIMED, run_shifts
from backend.services.places.gazetteer import distance_km

WALK_RADIUS_KM = 1.0  # stops this close count as one station for a change (county-town stops)
WALK_KMH = 4.0
DETOUR = 1.3  # streets are not straight lines
DAYS_KEPT = 16


@dataclass(frozen=True)
class StopInfo:
    stop_id: str
    name: str
    zone_id: str | None
    lat: float
    lon: float


@dataclass(frozen=True)
class TripInfo:
    """One run of a trip (a frequency-based trip has several: `key` tells them apart)."""

    key: str
    trip_id: str
    route_id: str
    route: str  # the line as said (1路)
    service_id: str
    headsign: str | None
    pattern: int
    arrivals: tuple[int, ...]  # seconds of the service day, per pattern position
    departures: tuple[int, ...]
    boards: tuple[bool, ...]  # pickup allowed at each position
    alights: tuple[bool, ...]  # drop-off allowed at each position
    exact: bool = True  # False: a frequency run said as "about" (exact_times 0)


@dataclass
class Pattern:
    index: int
    stops: tuple[str, ...]
    trips: list[str] = field(default_factory=list)


@dataclass
class NetworkIndex:
    stops: dict[str, StopInfo]
    trips: dict[str, TripInfo]
    patterns: list[Pattern]
    patterns_at: dict[str, list[tuple[int, int]]]  # stop -> (pattern, position)
    walks: dict[str, list[tuple[str, int]]]  # stop -> (nearby stop, walking seconds)
    signature: tuple[Any, ...]
    zone: ZoneInfo
    _days: dict[date, frozenset[str]] = field(default_factory=dict)
    boards: dict[tuple[int, date], Any] = field(default_factory=dict)  # journey_search's per-window runs

    def running(self, session: Session, day: date) -> frozenset[str]:
        """service_ids running on `day` (cached for the life of the index)."""
        found = self._days.get(day)
        if found is None:
            if len(self._days) >= DAYS_KEPT:
                self._days.clear()
                self.boards.clear()
            found = frozenset(running_services(session, day))
            self._days[day] = found
        return found


def network_index(session: Session) -> NetworkIndex:
    """The index of the network in `session`'s database, built on first need and again
    after the network changed (in any process)."""
    signature = _signature(session)
    return network_cache.shared(
        session,
        f"journey_index:{_database_key(session)}",
        lambda s: build_index(s, signature),
        still_good=lambda index: index.signature == signature,
    )


def _database_key(session: Session) -> str:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    return f"{id(engine)}:{engine.url}"


def _signature(session: Session) -> tuple[Any, ...]:
    row = session.execute(
        select(func.count(Trip.trip_id), func.min(Trip.trip_id), func.max(Trip.trip_id))
    ).one()
    return tuple(row)


def build_index(session: Session, signature: tuple[Any, ...] = ()) -> NetworkIndex:
    stops = {
        s.stop_id: StopInfo(s.stop_id, s.name, s.zone_id, s.lat, s.lon) for s in session.scalars(select(Stop))
    }
    routes = {r.route_id: r for r in session.scalars(select(Route))}
    calls: dict[str, list[StopTime]] = defaultdict(list)
    for call in session.scalars(select(StopTime).order_by(StopTime.trip_id, StopTime.stop_sequence)):
        calls[call.trip_id].append(call)
    patterns: list[Pattern] = []
    by_stops: dict[tuple[str, ...], Pattern] = {}
    trips: dict[str, TripInfo] = {}
    ordered = sorted(session.scalars(select(Trip)), key=lambda t: (line_order(routes[t.route_id]), t.trip_id))
    shifts = run_shifts(session, [t.trip_id for t in ordered])
    for trip in ordered:
        trip_calls = calls.get(trip.trip_id)
        if not trip_calls or len(trip_calls) < 2:
            continue
        key = tuple(c.stop_id for c in trip_calls)
        pattern = by_stops.get(key)
        if pattern is None:
            pattern = by_stops[key] = Pattern(len(patterns), key)
            patterns.append(pattern)
        for shift in shifts.get(trip.trip_id, TIMED):
            key = trip.trip_id if shift.offset == 0 else f"{trip.trip_id}+{shift.offset}"
            pattern.trips.append(key)
            trips[key] = TripInfo(
                key=key,
                trip_id=trip.trip_id,
                route_id=trip.route_id,
                route=routes[trip.route_id].label,
                service_id=trip.service_id,
                headsign=trip.headsign,
                pattern=pattern.index,
                arrivals=tuple(c.arrival_s + shift.offset for c in trip_calls),
                departures=tuple(c.departure_s + shift.offset for c in trip_calls),
                boards=tuple(c.pickup_type != NO_BOARDING for c in trip_calls),
                alights=tuple(c.drop_off_type != NO_BOARDING for c in trip_calls),
                exact=shift.exact,
            )
    patterns_at: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pattern in patterns:
        for position, stop_id in enumerate(pattern.stops):
            patterns_at[stop_id].append((pattern.index, position))
    return NetworkIndex(
        stops=stops,
        trips=trips,
        patterns=patterns,
        patterns_at=dict(patterns_at),
        walks=_walks(stops, set(patterns_at)),
        signature=signature,
        zone=network_zone(session),
    )


def _walks(stops: dict[str, StopInfo], served: set[str]) -> dict[str, list[tuple[str, int]]]:
    """Walking links between served stops within WALK_RADIUS_KM of each other."""
    walks: dict[str, list[tuple[str, int]]] = defaultdict(list)
    chosen = sorted(served & set(stops))
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            km = distance_km(stops[a].lat, stops[a].lon, stops[b].lat, stops[b].lon)
            if km <= WALK_RADIUS_KM:
                seconds = int(math.ceil(km * DETOUR / WALK_KMH * 3600 / 60)) * 60
                walks[a].append((b, seconds))
                walks[b].append((a, seconds))
    return dict(walks)
