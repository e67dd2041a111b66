"""The scheduled network as plain data, read once per network version and kept by each
process (backend/services/bus/network_cache.py), so a timetable answer (next departures,
first and last bus, fare) makes no SQL of its own: the served stops, every call of every
trip, the trips with their line, the runs of frequency-based trips, the fare rules, the
agencies' phones and which places make up each township.

Rebuilt by every process at its first transaction after a committed change of any of
those tables (a GTFS import, a disruption, a new place), like the other shared copies; a
transaction that changed them itself reads a private copy. The stops are detached,
read-only `Stop` copies shared by all sessions of the process: read them, never add them
to a session.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

from backend.models import Agency, FareAttribute, FareRule, Place, Route, Stop, StopTime, Trip
from backend.services.bus import network_cache

if TYPE_CHECKING:
    from backend.services.bus.runs import Shift

MEMO_ENTRIES = 4096
_MISSING = object()
T = TypeVar("T")


@dataclass(frozen=True)
class StopCall:
    """One call of a trip at a stop (stop_times.txt), times in seconds of the service day."""

    trip_id: str
    stop_sequence: int
    stop_id: str
    arrival_s: int
    departure_s: int
    pickup_type: int
    drop_off_type: int


@dataclass(frozen=True)
class TripLine:
    """A trip with what answers say of its line."""

    trip_id: str
    route_id: str
    service_id: str
    headsign: str | None
    route: str  # the line as said (1路)
    agency_id: str | None


FareRow = tuple[str | None, str | None, str | None, Decimal, str]
"""(route_id, origin zone, destination zone, price, currency) of one fare rule."""


@dataclass
class NetworkData:
    served: tuple[Stop, ...]  # stops that a trip calls at, by stop_id (detached copies)
    stop_names: dict[str, str]
    towns: dict[str, frozenset[int]]  # township -> ids of its places
    calls_at: dict[str, tuple[StopCall, ...]]  # stop -> its calls, by trip and sequence
    calls_of: dict[str, tuple[StopCall, ...]]  # trip -> its calls in sequence
    trips: dict[str, TripLine]
    shifts: dict[str, tuple[Shift, ...]]
    fare_rows: tuple[FareRow, ...]
    phones: dict[str, str | None]
    _memo: dict[tuple[object, ...], object] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def covered(self, key: tuple[object, ...], compute: Callable[[], Iterable[Stop]]) -> list[Stop]:
        """`compute()` remembered under `key` (a place as covered_stops sees it)."""
        return list(self.remember(("covered", *key), lambda: tuple(compute())))

    def remember(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """`compute()` remembered under `key` for this network version: for answers that
        depend on nothing but this data and the key (kept immutable by the caller)."""
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = compute()
            with self._lock:
                if len(self._memo) >= MEMO_ENTRIES:
                    self._memo.clear()
                self._memo[key] = found
        return found  # type: ignore[return-value]


def network_data(session: Session) -> NetworkData:
    """The network of `session`'s database as this transaction sees it."""
    return network_cache.shared(session, f"network_data:{_database_key(session)}", read_network)


def _database_key(session: Session) -> str:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    return f"{id(engine)}:{engine.url}"


# a stop time as the timetable and the run sheets read it (the fields of StopCall / RunCall, in order)
STOP_CALL_COLUMNS = (
    StopTime.trip_id,
    StopTime.stop_sequence,
    StopTime.stop_id,
    StopTime.arrival_s,
    StopTime.departure_s,
    StopTime.pickup_type,
    StopTime.drop_off_type,
)


def read_network(session: Session) -> NetworkData:
    from backend.services.bus.runs import TIMED, run_shifts  # runs imports network, which imports this module

    calls_of: dict[str, list[StopCall]] = defaultdict(list)
    calls_at: dict[str, list[StopCall]] = defaultdict(list)
    rows = session.execute(
        select(*STOP_CALL_COLUMNS).order_by(StopTime.trip_id, StopTime.stop_sequence)
    )
    for row in rows:
        call = StopCall(*row)
        calls_of[call.trip_id].append(call)
        calls_at[call.stop_id].append(call)
    labels = {route.route_id: (route.label, route.agency_id) for route in session.scalars(select(Route))}
    trips = {
        trip_id: TripLine(trip_id, route_id, service_id, headsign, *labels[route_id])
        for trip_id, route_id, service_id, headsign in session.execute(
            select(Trip.trip_id, Trip.route_id, Trip.service_id, Trip.headsign)
        )
    }
    served: list[Stop] = []
    names: dict[str, str] = {}
    for stop_id, name, lat, lon, zone_id, place_id in session.execute(
        select(Stop.stop_id, Stop.name, Stop.lat, Stop.lon, Stop.zone_id, Stop.place_id).order_by(Stop.stop_id)
    ):
        names[stop_id] = name
        if stop_id in calls_at:
            copy = Stop(stop_id=stop_id, name=name, lat=lat, lon=lon, zone_id=zone_id, place_id=place_id)
            make_transient_to_detached(copy)
            served.append(copy)
    towns: dict[str, set[int]] = defaultdict(set)
    for place_id, township in session.execute(select(Place.id, Place.township).where(Place.township.is_not(None))):
        towns[township].add(place_id)
    fares = session.execute(
        select(FareRule.route_id, FareRule.origin_id, FareRule.destination_id, FareAttribute.price, FareAttribute.currency)
        .join(FareAttribute, FareRule.fare_id == FareAttribute.fare_id)
    )  # fmt: skip
    shifts = run_shifts(session, trips)
    return NetworkData(
        served=tuple(served),
        stop_names=names,
        towns={township: frozenset(ids) for township, ids in towns.items()},
        calls_at={stop_id: tuple(calls) for stop_id, calls in calls_at.items()},
        calls_of={trip_id: tuple(calls) for trip_id, calls in calls_of.items()},
        trips=trips,
        shifts={trip_id: shifts.get(trip_id, TIMED) for trip_id in trips},
        fare_rows=tuple((r, o, d, p, c) for r, o, d, p, c in fares),
        phones={a.agency_id: a.phone for a in session.scalars(select(Agency))},
    )
