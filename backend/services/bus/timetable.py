"""A line's timetable for one service day: every trip that runs, with its calls.

Answers "1路几点有车" and feeds GET /api/bus/lines/{route_id}; times are aware datetimes
in the network's zone on the service day (GTFS times past midnight land on the next
calendar day). A frequency-based trip appears once per run (see bus_runs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Route, Stop, StopTime, Trip
from backend.services.bus.network import at_seconds, find_route, line_order, network_zone
from backend.services.bus.runs import trip_runs


@dataclass(frozen=True)
class Call:
    stop_id: str
    stop: str
    arrival: datetime
    departure: datetime
    pickup_type: int = 0  # 1 no boarding, 2 phone the agency, 3 tell the driver
    drop_off_type: int = 0


@dataclass(frozen=True)
class TimetableTrip:
    trip_id: str
    headsign: str | None
    direction_id: int | None
    calls: tuple[Call, ...]
    exact: bool = True  # False: a headway-based run, times approximate


@dataclass(frozen=True)
class LineTimetable:
    route_id: str
    route: str
    long_name: str | None
    day: date
    trips: tuple[TimetableTrip, ...]


def line_timetable(session: Session, *, route: str, day: date | None = None) -> LineTimetable:
    """Every trip of a line on a service day (default today), with its calls."""
    line: Route = find_route(session, route)
    zone = network_zone(session)
    service_day = day if day is not None else local_now().astimezone(zone).date()
    runs = list(trip_runs(session, service_day, route_id=line.route_id))
    called = {c.stop_id for r in runs for c in r.calls}
    names = {
        stop_id: name
        for stop_id, name in session.execute(select(Stop.stop_id, Stop.name).where(Stop.stop_id.in_(called)))
    }
    timetable = [
        TimetableTrip(
            run.trip_id,
            run.trip.headsign,
            run.trip.direction_id,
            tuple(
                Call(
                    c.stop_id,
                    names[c.stop_id],
                    at_seconds(service_day, c.arrival_s, zone),
                    at_seconds(service_day, c.departure_s, zone),
                    c.pickup_type,
                    c.drop_off_type,
                )
                for c in run.calls
            ),
            run.shift.exact,
        )
        for run in runs
    ]
    timetable.sort(key=lambda t: (t.calls[0].departure, t.trip_id))
    return LineTimetable(line.route_id, line.label, line.long_name, service_day, tuple(timetable))


@dataclass(frozen=True)
class LineSummary:
    route_id: str
    route: str
    long_name: str | None
    agency_id: str | None
    stops: tuple[str, ...]


def line_summaries(session: Session) -> list[LineSummary]:
    """Every line with the stops of its longest trip (outbound first), in line order."""
    routes = sorted(session.scalars(select(Route)), key=line_order)
    longest: dict[str, tuple[tuple[int, int], str]] = {}
    counted = (
        select(Trip.route_id, Trip.trip_id, Trip.direction_id, func.count(StopTime.stop_sequence))
        .join(StopTime, StopTime.trip_id == Trip.trip_id)
        .group_by(Trip.route_id, Trip.trip_id, Trip.direction_id)
    )
    for route_id, trip_id, direction, calls in session.execute(counted):
        rank = (calls, -(direction or 0))
        if route_id not in longest or rank > longest[route_id][0]:
            longest[route_id] = (rank, trip_id)
    names: dict[str, list[str]] = defaultdict(list)
    stmt = (
        select(StopTime.trip_id, Stop.name)
        .join(Stop, Stop.stop_id == StopTime.stop_id)
        .where(StopTime.trip_id.in_([trip_id for _rank, trip_id in longest.values()]))
        .order_by(StopTime.trip_id, StopTime.stop_sequence)
    )
    for trip_id, name in session.execute(stmt):
        names[trip_id].append(name)
    return [
        LineSummary(
            r.route_id,
            r.label,
            r.long_name,
            r.agency_id,
            tuple(names[longest[r.route_id][1]]) if r.route_id in longest else (),
        )
        for r in routes
    ]
