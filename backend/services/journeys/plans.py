"""Journeys between two places over the scheduled buses, with up to two changes.

`plan_journeys` resolves both places to their stops (as the timetable answers do), finds
the earliest arrival (journey_search), then the latest departure that still arrives as
early (no needless wait at the station), and then later departures as alternatives.
Each journey lists its legs (line, boarding and alighting stop, times, the stops on the
way, the fare of the leg), where to change (and how long to walk or wait there) and the
total fare (None when a leg's fare is not published). Looks up to a week ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.localtime import local_now
from backend.services.bus.network import FareTable, at_seconds, check_aware, place_stops
from backend.services.journeys.index import NetworkIndex, network_index
from backend.services.journeys.search import Found, Search

MAX_LIMIT = 10
LOOKAHEAD_DAYS = 7
MAX_SHIFTS = 40  # searches spent pushing one journey's departure later


@dataclass(frozen=True)
class JourneyLeg:
    route_id: str
    route: str
    trip_id: str
    headsign: str | None
    service_date: date
    board_stop_id: str
    board_stop: str
    alight_stop_id: str
    alight_stop: str
    departure: datetime
    arrival: datetime
    stops: tuple[str, ...]  # boarding stop, stops on the way, alighting stop
    fare: Decimal | None


@dataclass(frozen=True)
class Change:
    """Between two legs: get off at `at`, board the next bus at `board` (the same stop or a walk)."""

    at: str
    board: str
    walk_minutes: int
    wait_minutes: int


@dataclass(frozen=True)
class Journey:
    origin: str
    destination: str
    legs: tuple[JourneyLeg, ...]
    changes: tuple[Change, ...]
    departure: datetime
    arrival: datetime
    duration_minutes: int
    fare: Decimal | None


@dataclass(frozen=True)
class JourneyPlan:
    origin: str
    destination: str
    journeys: tuple[Journey, ...]


def plan_journeys(
    session: Session, *, origin: str, destination: str, after: datetime | None = None, limit: int = 3
) -> JourneyPlan:
    """The first `limit` journeys leaving at or after `after` (default now)."""
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit 应在 1 到 {MAX_LIMIT} 之间。")
    index = network_index(session)
    moment = check_aware(after, zone=index.zone) if after is not None else local_now().astimezone(index.zone)
    o_place, o_stops = place_stops(session, origin)
    d_place, d_stops = place_stops(session, destination)
    if o_place.id == d_place.id:
        raise InvalidInput(f"出发地和目的地都是{o_place.name}，请换一个目的地。")
    origins, destinations = {s.stop_id for s in o_stops}, {s.stop_id for s in d_stops}
    if origins == destinations:
        raise InvalidInput(f"{o_place.name}和{d_place.name}是同一个车站，不用坐车。")
    planner = _Planner(session, index, origins - destinations or origins, destinations)
    journeys: list[Journey] = []
    cursor, horizon = moment, moment + timedelta(days=LOOKAHEAD_DAYS)
    while len(journeys) < limit and cursor < horizon:
        picked = planner.next(cursor, horizon)
        if picked is None:
            break
        search, found = picked
        journeys.append(_journey(session, index, search, found, o_place.name, d_place.name))
        cursor = search.moment(found.departure) + timedelta(minutes=1)
    if not journeys:
        raise NotFound(
            f"最近{LOOKAHEAD_DAYS}天没有从{o_place.name}到{d_place.name}的班车（换乘两次以内）。",
            origin=o_place.name,
            destination=d_place.name,
        )
    return JourneyPlan(o_place.name, d_place.name, tuple(journeys))


class _Planner:
    def __init__(
        self, session: Session, index: NetworkIndex, origins: set[str], destinations: set[str]
    ) -> None:
        self.session, self.index = session, index
        self.origins, self.destinations = origins, destinations

    def _first(self, after: datetime, horizon: datetime) -> tuple[Search, Found] | None:
        """The earliest-arriving journey leaving at or after `after` (a day at a time)."""
        moment = after
        while moment < horizon:
            search = Search(self.index, self.session, moment)
            found = search.earliest(self.origins, self.destinations)
            if found:
                best = min(found, key=lambda f: (f.arrival, len(f.rides)))
                return search, best
            next_day = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            moment = next_day
        return None

    def next(self, after: datetime, horizon: datetime) -> tuple[Search, Found] | None:
        """Like `_first`, then leaving as late as possible for the same arrival."""
        picked = self._first(after, horizon)
        if picked is None:
            return None
        for _ in range(MAX_SHIFTS):
            search, found = picked
            later = self._first(search.moment(found.departure) + timedelta(minutes=1), horizon)
            if later is None:
                break
            if later[0].moment(later[1].arrival) > search.moment(found.arrival):
                break
            picked = later
        return picked


def _journey(
    session: Session, index: NetworkIndex, search: Search, found: Found, origin: str, destination: str
) -> Journey:
    fares = FareTable(session, {index.trips[r.run].route_id for r in found.rides})
    legs = []
    for ride in found.rides:
        trip = index.trips[ride.run]
        stop_ids = index.patterns[trip.pattern].stops[ride.board : ride.alight + 1]
        board, alight = index.stops[stop_ids[0]], index.stops[stop_ids[-1]]
        legs.append(
            JourneyLeg(
                route_id=trip.route_id,
                route=trip.route,
                trip_id=trip.trip_id,
                headsign=trip.headsign,
                service_date=ride.service_date,
                board_stop_id=board.stop_id,
                board_stop=board.name,
                alight_stop_id=alight.stop_id,
                alight_stop=alight.name,
                departure=at_seconds(ride.service_date, trip.departures[ride.board], index.zone),
                arrival=at_seconds(ride.service_date, trip.arrivals[ride.alight], index.zone),
                stops=tuple(index.stops[s].name for s in stop_ids),
                fare=fares.price(trip.route_id, board.zone_id, alight.zone_id),
            )
        )
    changes = []
    for before, after in zip(legs, legs[1:], strict=False):
        walk = next((s for n, s in index.walks.get(before.alight_stop_id, ()) if n == after.board_stop_id), 0)
        changes.append(
            Change(
                at=before.alight_stop,
                board=after.board_stop,
                walk_minutes=walk // 60 if before.alight_stop_id != after.board_stop_id else 0,
                wait_minutes=max(
                    int((after.departure - before.arrival).total_seconds() // 60) - walk // 60, 0
                ),
            )
        )
    prices = [leg.fare for leg in legs]
    total = sum(prices, Decimal(0)) if all(p is not None for p in prices) else None  # type: ignore[arg-type]
    departure, arrival = legs[0].departure, legs[-1].arrival
    return Journey(
        origin=origin,
        destination=destination,
        legs=tuple(legs),
        changes=tuple(changes),
        departure=departure,
        arrival=arrival,
        duration_minutes=round((arrival - departure).total_seconds() / 60),
        fare=total,
    )
