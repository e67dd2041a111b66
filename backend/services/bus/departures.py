"""Timetable answers for the scheduled buses: next departures between two places, the first
and last bus of a day, the fare, the lines at a place and a line's timetable.

Places are resolved through the gazetteer and covered by their stops (see bus_network).
A departure is a trip that calls at an origin stop and later at a destination stop on a
day its service runs: the traveller boards at the trip's first origin stop where the feed
allows boarding (pickup_type not 1) and alights at the first destination stop after it
where alighting is allowed. A frequency-based trip gives one departure per run (see
bus_runs). Times are in the network's time zone. When today has fewer departures left
than asked for, the next service days' first ones fill the list (searching up to a week
ahead); a search wholly outside the feed's calendar says so.
Real-time estimates and vehicle positions (bus_live), disruptions (bus_disruptions) and
timetables (bus_timetable) are re-exported here, so callers need only this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.localtime import local_now
from backend.models import Stop
from backend.services.bus.disruptions import active_disruptions
from backend.services.bus.live import (
    ArrivalEstimate,
    estimate_arrival,
    normalize_plate,
    record_position,
)
from backend.services.bus.network import (
    FareTable,
    at_seconds,
    check_aware,
    find_route,
    labels,
    lines_serving,
    network_zone,
    outside_calendar,
    place_stops,
    route_named_in,
    routes_at,
    running_services,
)
from backend.services.bus.network_data import StopCall, TripLine, network_data
from backend.services.bus.runs import NO_BOARDING, Shift
from backend.services.bus.timetable import (
    Call,
    LineSummary,
    LineTimetable,
    TimetableTrip,
    line_summaries,
    line_timetable,
)

__all__ = [
    "ArrivalEstimate",
    "Call",
    "Departure",
    "LineSummary",
    "LineTimetable",
    "TimetableTrip",
    "active_disruptions",
    "estimate_arrival",
    "fare",
    "fare_quote",
    "find_route",
    "first_last_bus",
    "labels",
    "line_summaries",
    "line_timetable",
    "lines_serving",
    "next_departures",
    "normalize_plate",
    "outside_calendar",
    "record_position",
    "route_named_in",
]

MAX_LIMIT = 50
LOOKAHEAD_DAYS = 7


@dataclass(frozen=True)
class Departure:
    """One ride on one trip: board, ride, alight. Times are aware local datetimes."""

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
    duration_minutes: int
    fare: Decimal | None
    intermediate_stops: tuple[str, ...]
    currency: str = "CNY"
    trip_start_s: int | None = None  # a frequency-based trip's run: its first departure
    exact: bool = True  # False: a headway-based run (about every `headway_minutes`)
    headway_minutes: int | None = None
    pickup_type: int = 0  # at the boarding stop: 2 phone the agency, 3 tell the driver
    drop_off_type: int = 0  # at the alighting stop, likewise
    agency_phone: str | None = None


@dataclass(frozen=True)
class _Leg:
    trip: TripLine
    board: StopCall
    alight: StopCall
    shifts: tuple[Shift, ...]


@dataclass(frozen=True)
class _Hit:
    leg: _Leg
    leaves: datetime
    shift: Shift
    day: date


class _Journey:
    """The trips between two places, and how to turn them into departures (from the
    process's copy of the network: no SQL once the places are resolved)."""

    def __init__(self, session: Session, origin: str, destination: str, route: str | None = None) -> None:
        self.session = session
        o_place, o_stops = place_stops(session, origin)
        d_place, d_stops = place_stops(session, destination)
        if o_place.id == d_place.id:
            raise InvalidInput(f"出发地和目的地都是{o_place.name}，请换一个目的地。")
        if {s.stop_id for s in o_stops} == {s.stop_id for s in d_stops}:
            raise InvalidInput(f"{o_place.name}和{d_place.name}是同一个车站，不用坐车。")
        self.origin, self.destination = o_place, d_place
        self.zone = network_zone(session)
        self.data = network_data(session)
        self.stops: dict[str, Stop] = {s.stop_id: s for s in (*o_stops, *d_stops)}
        origin_ids = frozenset(s.stop_id for s in o_stops)
        destination_ids = frozenset(s.stop_id for s in d_stops)
        self.legs = self.data.remember(
            ("legs", origin_ids, destination_ids), lambda: self._legs(origin_ids, destination_ids)
        )
        if not self.legs:
            o_lines, d_lines = (
                routes_at(session, [s.stop_id for s in o_stops]),
                routes_at(session, [s.stop_id for s in d_stops]),
            )
            raise NotFound(
                f"{o_place.name}和{d_place.name}之间没有直达班车。经过{o_place.name}的线路：{labels(o_lines)}；"
                f"经过{d_place.name}的线路：{labels(d_lines)}。",
                origin=o_place.name,
                destination=d_place.name,
            )
        if route is not None:  # only the buses of the line asked about
            line = find_route(session, route)
            self.legs = tuple(leg for leg in self.legs if leg.trip.route_id == line.route_id)
            if not self.legs:
                raise NotFound(
                    f"{line.label}没有从{o_place.name}到{d_place.name}的班车。", route=line.label
                )
        self.fares = FareTable.of(self.data, {leg.trip.route_id for leg in self.legs})
        self.phones = self.data.phones

    def _legs(self, origin_ids: frozenset[str], destination_ids: frozenset[str]) -> tuple[_Leg, ...]:
        calls: dict[str, list[StopCall]] = defaultdict(list)
        for stop_id in origin_ids | destination_ids:
            for call in self.data.calls_at.get(stop_id, ()):
                calls[call.trip_id].append(call)
        pairs: dict[str, tuple[StopCall, StopCall]] = {}
        for trip_id in sorted(calls):
            trip_calls = sorted(calls[trip_id], key=lambda c: c.stop_sequence)
            for i, board in enumerate(trip_calls):
                if board.stop_id not in origin_ids or board.pickup_type == NO_BOARDING:
                    continue
                alight = next(
                    (
                        c
                        for c in trip_calls[i + 1 :]
                        if c.stop_id in destination_ids
                        and c.stop_id != board.stop_id
                        and c.drop_off_type != NO_BOARDING
                    ),
                    None,
                )
                if alight is not None:
                    pairs[trip_id] = (board, alight)
                    break
        trips = self.data.trips
        return tuple(
            _Leg(trips[trip_id], *pair, self.data.shifts[trip_id]) for trip_id, pair in pairs.items()
        )

    def on(self, day: date, after: datetime | None = None) -> list[_Hit]:
        running = running_services(self.session, day)
        found = []
        for leg in self.legs:
            if leg.trip.service_id not in running:
                continue
            for shift in leg.shifts:
                leaves = at_seconds(day, leg.board.departure_s + shift.offset, self.zone)
                if after is None or leaves >= after:
                    found.append(_Hit(leg, leaves, shift, day))
        return found

    def departures(self, chosen: list[_Hit]) -> list[Departure]:
        chosen = sorted(chosen, key=lambda hit: (hit.leaves, hit.leg.trip.route_id, hit.leg.trip.trip_id))
        between = self._between([hit.leg for hit in chosen])
        result = []
        for hit in chosen:
            leg, leaves, shift = hit.leg, hit.leaves, hit.shift
            arrives = at_seconds(hit.day, leg.alight.arrival_s + shift.offset, self.zone)
            board, alight = self.stops[leg.board.stop_id], self.stops[leg.alight.stop_id]
            fare_key = (leg.trip.route_id, board.zone_id, alight.zone_id)
            quote = self.data.remember(("fare", *fare_key), partial(self.fares.quote, *fare_key))
            result.append(
                Departure(
                    route_id=leg.trip.route_id,
                    route=leg.trip.route,
                    trip_id=leg.trip.trip_id,
                    headsign=leg.trip.headsign,
                    service_date=hit.day,
                    board_stop_id=board.stop_id,
                    board_stop=board.name,
                    alight_stop_id=alight.stop_id,
                    alight_stop=alight.name,
                    departure=leaves,
                    arrival=arrives,
                    duration_minutes=round((arrives - leaves).total_seconds() / 60),
                    fare=quote[0] if quote else None,
                    intermediate_stops=between[leg.trip.trip_id],
                    currency=quote[1] if quote else "CNY",
                    trip_start_s=shift.start_s,
                    exact=shift.exact,
                    headway_minutes=round(shift.headway_s / 60) if shift.headway_s else None,
                    pickup_type=leg.board.pickup_type,
                    drop_off_type=leg.alight.drop_off_type,
                    agency_phone=self.phones.get(leg.trip.agency_id or ""),
                )
            )
        return result

    def _between(self, legs: list[_Leg]) -> dict[str, tuple[str, ...]]:
        names = self.data.stop_names
        found: dict[str, tuple[str, ...]] = {}
        for leg in legs:
            low, high = leg.board.stop_sequence, leg.alight.stop_sequence
            found[leg.trip.trip_id] = tuple(
                names[c.stop_id] for c in self.data.calls_of[leg.trip.trip_id] if low < c.stop_sequence < high
            )
        return found


def next_departures(
    session: Session,
    *,
    origin: str,
    destination: str,
    after: datetime | None = None,
    limit: int = 5,
    route: str | None = None,
) -> list[Departure]:
    """The next `limit` departures from `origin` to `destination` at or after `after`
    (default now), of one line when `route` is given: today's remaining ones, topped up with
    the first departures of the following service days (up to a week ahead) when today has
    fewer than `limit` left.
    """
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit 应在 1 到 {MAX_LIMIT} 之间。")
    journey = _Journey(session, origin, destination, route)
    moment = check_aware(after if after is not None else local_now(), zone=journey.zone)
    today = moment.date()
    found = journey.on(today - timedelta(days=1), moment) + journey.on(today, moment)
    for offset in range(1, LOOKAHEAD_DAYS + 1):
        if len(found) >= limit:
            break
        found += journey.on(today + timedelta(days=offset), moment)
    if not found:
        why = outside_calendar(session, today, today + timedelta(days=LOOKAHEAD_DAYS))
        raise NotFound(
            why or f"从{journey.origin.name}到{journey.destination.name}最近{LOOKAHEAD_DAYS}天都没有班车。",
            origin=journey.origin.name,
            destination=journey.destination.name,
        )
    found.sort(key=lambda hit: (hit.leaves, hit.leg.trip.trip_id))
    return journey.departures(found[:limit])


def first_last_bus(
    session: Session, *, origin: str, destination: str, day: date | None = None, route: str | None = None
) -> tuple[Departure, Departure]:
    """The first and the last departure of a service day (default today), of one line when
    `route` is given."""
    if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
        raise InvalidInput("日期格式不对，请给出一天，例如 2026-11-21。")
    journey = _Journey(session, origin, destination, route)
    service_day = day if day is not None else local_now().astimezone(journey.zone).date()
    found = journey.departures(journey.on(service_day))
    if not found:
        why = outside_calendar(session, service_day, service_day)
        raise NotFound(
            why
            or f"{service_day.month}月{service_day.day}日没有从{journey.origin.name}到{journey.destination.name}的班车。",
            origin=journey.origin.name,
            destination=journey.destination.name,
        )
    return found[0], found[-1]


def fare(session: Session, *, origin: str, destination: str) -> Decimal:
    """The fare of a direct ride (the cheapest line if several serve the pair)."""
    return fare_quote(session, origin=origin, destination=destination)[0]


def fare_quote(
    session: Session, *, origin: str, destination: str, route: str | None = None
) -> tuple[Decimal, str]:
    """(fare, currency as the feed gives it) of a direct ride, the cheapest line first (or
    of the line `route`)."""
    journey = _Journey(session, origin, destination, route)
    quotes = {
        journey.fares.quote(
            leg.trip.route_id,
            journey.stops[leg.board.stop_id].zone_id,
            journey.stops[leg.alight.stop_id].zone_id,
        )
        for leg in journey.legs
    }
    known = sorted(q for q in quotes if q is not None)
    if not known:
        raise NotFound(
            f"从{journey.origin.name}到{journey.destination.name}的票价暂未公布，请上车时询问司机。",
            origin=journey.origin.name,
            destination=journey.destination.name,
        )
    return known[0]
