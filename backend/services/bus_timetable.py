"""A line's timetable for one service day: every trip that runs, with its calls.

Answers "1路几点有车" and feeds GET /api/bus/lines/{route_id}; times are aware local
datetimes on the service day (GTFS times past midnight land on the next calendar day).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Route, Stop, StopTime, Trip
from backend.services.bus_network import at_seconds, find_route, line_order, running_services


@dataclass(frozen=True)
class Call:
    stop_id: str
    stop: str
    arrival: datetime
    departure: datetime


@dataclass(frozen=True)
class TimetableTrip:
    trip_id: str
    headsign: str | None
    direction_id: int | None
    calls: tuple[Call, ...]


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
    service_day = day if day is not None else local_now().date()
    running = running_services(session, service_day)
    trips = [
        t
        for t in session.scalars(select(Trip).where(Trip.route_id == line.route_id))
        if t.service_id in running
    ]
    calls: dict[str, list[Call]] = defaultdict(list)
    stmt = (
        select(StopTime, Stop.name)
        .join(Stop, Stop.stop_id == StopTime.stop_id)
        .where(StopTime.trip_id.in_([t.trip_id for t in trips]))
        .order_by(StopTime.trip_id, StopTime.stop_sequence)
    )
    for st, name in session.execute(stmt):
        calls[st.trip_id].append(
            Call(
                st.stop_id,
                name,
                at_seconds(service_day, st.arrival_s),
                at_seconds(service_day, st.departure_s),
            )
        )
    timetable = [
        TimetableTrip(t.trip_id, t.headsign, t.direction_id, tuple(calls[t.trip_id]))
        for t in trips
        if calls[t.trip_id]
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
