"""The live side of the bus network: vehicle positions and arrival estimates.

`record_position` stores what a vehicle reports; `estimate_arrival` answers "when does the bus reach 嵩口": for each trip due at the place's
stop it takes the vehicle's latest position (reported for that trip less than 10 minutes
ago), finds where along the trip's stops the vehicle is, and divides the distance left
by the trip's typical speed (its scheduled distance over its scheduled time). A trip
without a recent position is estimated from the timetable; a vehicle already past the
stop drops out. Each `ArrivalEstimate` says which source it used. Calls where the feed
allows no boarding (pickup_type 1) are left out; a frequency-based trip gives one estimate
per run, from the timetable (positions name a trip, not which of its runs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.localtime import local_now
from backend.models import Route, Stop, StopTime, Trip, Vehicle, VehiclePosition
from backend.services.bus.network import (
    at_seconds,
    check_aware,
    find_route,
    network_zone,
    place_stops,
    running_services,
)
from backend.services.bus.runs import NO_BOARDING, Shift, run_shifts
from backend.services.places.gazetteer import check_coordinates, distance_km

FRESH_POSITION = timedelta(minutes=10)
MISSED_WINDOW = timedelta(minutes=60)  # a late bus may still come this long after its time
FUTURE_TOLERANCE = timedelta(minutes=5)
DEFAULT_SPEED_KMH = 30.0
AT_STOP_KM = 0.2


@dataclass(frozen=True)
class _Point:
    """One call of a trip, placed on the map."""

    stop_sequence: int
    departure_s: int
    lat: float
    lon: float


@dataclass(frozen=True)
class ArrivalEstimate:
    """When a trip reaches the stop; `source` is "realtime" (vehicle position) or "timetable"."""

    route_id: str
    route: str
    trip_id: str
    headsign: str | None
    stop_id: str
    stop: str
    scheduled: datetime
    expected: datetime
    minutes_away: int
    source: str
    plate: str | None = None
    position_at: datetime | None = None
    distance_km: float | None = None
    exact: bool = True  # False: a headway-based run (about every few minutes)
    pickup_type: int = 0  # 2 phone the agency, 3 tell the driver


def normalize_plate(plate: str) -> str:
    """'闽g 12345' -> '闽G12345'."""
    return "".join(ch for ch in (plate or "").upper() if not ch.isspace() and ch not in ".·-")


def record_position(
    session: Session,
    *,
    plate: str,
    lat: float,
    lon: float,
    trip_id: str | None = None,
    at: datetime | None = None,
    speed_kmh: float | None = None,
) -> VehiclePosition:
    """Store a position a vehicle reports (GPS), optionally for the trip it is running."""
    check_coordinates(lat, lon)
    moment = check_aware(at, "定位时间") if at is not None else local_now()
    if moment > local_now() + FUTURE_TOLERANCE:
        raise InvalidInput("定位时间在将来，请检查车载设备的时钟。")
    if speed_kmh is not None and not (isinstance(speed_kmh, int | float) and 0 <= speed_kmh <= 200):
        raise InvalidInput("速度应在 0 到 200 公里/小时之间。")
    wanted = normalize_plate(plate)
    if not wanted:
        raise InvalidInput("请提供车牌号，例如 闽G12345。")
    vehicle = session.scalar(select(Vehicle).where(Vehicle.plate == wanted))
    if vehicle is None:
        raise NotFound(f"没有车牌为{wanted}的登记车辆。", plate=wanted)
    if trip_id is not None and session.get(Trip, trip_id) is None:
        raise NotFound(f"时刻表里没有班次 {trip_id}。", trip_id=trip_id)
    position = VehiclePosition(
        vehicle_id=vehicle.id, trip_id=trip_id, lat=lat, lon=lon, speed_kmh=speed_kmh, recorded_at=moment
    )
    session.add(position)
    session.flush()
    return position


def estimate_arrival(
    session: Session, *, place: str, route: str | None = None, now: datetime | None = None, limit: int = 5
) -> list[ArrivalEstimate]:
    """The next buses due at a place (optionally of one line), soonest first."""
    if not isinstance(limit, int) or not 1 <= limit <= 50:
        raise InvalidInput("limit 应在 1 到 50 之间。")
    zone = network_zone(session)
    moment = check_aware(now if now is not None else local_now(), zone=zone)
    _place, stops = place_stops(session, place)
    line = find_route(session, route) if route else None
    stop_ids = {s.stop_id for s in stops}
    due = _due_calls(session, stop_ids, line, moment)
    positions = _fresh_positions(session, [due_call[0].trip_id for due_call in due], moment)
    estimates = [
        _estimate(session, trip, call, scheduled, None if run else positions.get(trip.trip_id), moment, run)
        for trip, call, scheduled, run in due
    ]
    if not estimates:  # nothing more today: the first buses of the next day
        tomorrow = (moment + timedelta(days=1)).date()
        for trip, call, offset, run in _calls_on(session, tomorrow, stop_ids, line):
            scheduled = at_seconds(tomorrow, call.arrival_s + offset, zone)
            estimates.append(_estimate(session, trip, call, scheduled, None, moment, run))
    found = sorted((e for e in estimates if e is not None), key=lambda e: (e.expected, e.trip_id))
    return found[:limit]


def _calls_on(
    session: Session, day: date, stop_ids: set[str], line: Route | None
) -> list[tuple[Trip, StopTime, int, Shift | None]]:
    """(trip, its first boarding call at one of the stops, offset, the run of a frequency
    trip or None) for every run on a service day."""
    stmt = (
        select(Trip, StopTime)
        .join(StopTime, StopTime.trip_id == Trip.trip_id)
        .where(
            StopTime.stop_id.in_(stop_ids),
            StopTime.pickup_type != NO_BOARDING,
            Trip.service_id.in_(running_services(session, day)),
        )
        .order_by(Trip.trip_id, StopTime.stop_sequence)
    )
    if line is not None:
        stmt = stmt.where(Trip.route_id == line.route_id)
    first: dict[str, tuple[Trip, StopTime]] = {}
    for trip, call in session.execute(stmt):
        first.setdefault(trip.trip_id, (trip, call))
    shifts = run_shifts(session, first)
    return [
        (trip, call, shift.offset, shift if shift.start_s is not None else None)
        for trip_id, (trip, call) in first.items()
        for shift in shifts[trip_id]
    ]


def _due_calls(
    session: Session, stop_ids: set[str], line: Route | None, moment: datetime
) -> list[tuple[Trip, StopTime, datetime, Shift | None]]:
    """(trip, call, scheduled time, run) for today's calls from an hour ago to the end of the day."""
    due = []
    for day in (moment.date() - timedelta(days=1), moment.date()):
        for trip, call, offset, run in _calls_on(session, day, stop_ids, line):
            scheduled = at_seconds(day, call.arrival_s + offset, moment.tzinfo)
            if scheduled >= moment - MISSED_WINDOW and scheduled.date() <= moment.date():
                due.append((trip, call, scheduled, run))
    return due


def _fresh_positions(
    session: Session, trip_ids: list[str], moment: datetime
) -> dict[str, tuple[VehiclePosition, str]]:
    stmt = (
        select(VehiclePosition, Vehicle.plate)
        .join(Vehicle, Vehicle.id == VehiclePosition.vehicle_id)
        .where(
            VehiclePosition.trip_id.in_(trip_ids),
            VehiclePosition.recorded_at >= moment - FRESH_POSITION,
            VehiclePosition.recorded_at <= moment,
        )
        .order_by(VehiclePosition.recorded_at.desc(), VehiclePosition.id.desc())
    )
    latest: dict[str, tuple[VehiclePosition, str]] = {}
    for position, plate in session.execute(stmt):
        latest.setdefault(position.trip_id or "", (position, plate))
    return latest


def _estimate(
    session: Session,
    trip: Trip,
    call: StopTime,
    scheduled: datetime,
    fix: tuple[VehiclePosition, str] | None,
    moment: datetime,
    run: Shift | None = None,
) -> ArrivalEstimate | None:
    base = {
        "exact": run.exact if run is not None else True,
        "pickup_type": call.pickup_type,
        "route_id": trip.route_id,
        "route": trip.route.label,
        "trip_id": trip.trip_id,
        "headsign": trip.headsign,
        "stop_id": call.stop_id,
        "stop": call.stop.name,
        "scheduled": scheduled,
    }
    if fix is None:
        if scheduled < moment:
            return None
        return ArrivalEstimate(
            **base, expected=scheduled, minutes_away=_minutes(scheduled - moment), source="timetable"
        )
    position, plate = fix
    path = [
        _Point(*row)
        for row in session.execute(
            select(StopTime.stop_sequence, StopTime.departure_s, Stop.lat, Stop.lon)
            .join(Stop, Stop.stop_id == StopTime.stop_id)
            .where(StopTime.trip_id == trip.trip_id)
            .order_by(StopTime.stop_sequence)
        )
    ]
    target = next(i for i, row in enumerate(path) if row.stop_sequence == call.stop_sequence)
    remaining = _remaining_km(path, target, position.lat, position.lon)
    if remaining is None:
        return None  # the vehicle has passed the stop
    travel = timedelta(seconds=round(remaining / _speed(path) * 3600))
    expected = max(position.recorded_at.astimezone(moment.tzinfo) + travel, moment)
    return ArrivalEstimate(
        **base,
        expected=expected,
        minutes_away=_minutes(expected - moment),
        source="realtime",
        plate=plate,
        position_at=position.recorded_at.astimezone(moment.tzinfo),
        distance_km=round(remaining, 2),
    )


def _minutes(delta: timedelta) -> int:
    return max(0, math.ceil(delta.total_seconds() / 60))


def _remaining_km(path: list[_Point], target: int, lat: float, lon: float) -> float | None:
    """Distance along the trip from the vehicle to stop `target`; None once it is past."""
    if len(path) < 2:
        return 0.0 if distance_km(lat, lon, path[0].lat, path[0].lon) <= AT_STOP_KM else None
    segment, share = min(
        ((i, _projection(path[i], path[i + 1], lat, lon)) for i in range(len(path) - 1)),
        key=lambda item: _off_route_km(path[item[0]], path[item[0] + 1], item[1], lat, lon),
    )
    if target <= segment:
        here = distance_km(lat, lon, path[target].lat, path[target].lon)
        return 0.0 if target == segment and here <= AT_STOP_KM else None
    km = distance_km(lat, lon, path[segment + 1].lat, path[segment + 1].lon)
    for i in range(segment + 1, target):
        km += distance_km(path[i].lat, path[i].lon, path[i + 1].lat, path[i + 1].lon)
    return km


def _xy(point: _Point, lat0: float) -> tuple[float, float]:
    return (point.lon * math.cos(math.radians(lat0)), point.lat)


def _projection(a: _Point, b: _Point, lat: float, lon: float) -> float:
    """Where the point falls along segment a-b, 0 (at a) .. 1 (at b)."""
    (ax, ay), (bx, by) = _xy(a, lat), _xy(b, lat)
    px, py = lon * math.cos(math.radians(lat)), lat
    length2 = (bx - ax) ** 2 + (by - ay) ** 2
    if length2 == 0:
        return 0.0
    return min(1.0, max(0.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length2))


def _off_route_km(a: _Point, b: _Point, share: float, lat: float, lon: float) -> float:
    plat = a.lat + share * (b.lat - a.lat)
    plon = a.lon + share * (b.lon - a.lon)
    return distance_km(lat, lon, plat, plon)


def _speed(path: list[_Point]) -> float:
    """The trip's scheduled average speed in km/h (its typical speed), within sane bounds."""
    km = sum(distance_km(a.lat, a.lon, b.lat, b.lon) for a, b in zip(path, path[1:], strict=False))
    hours = (path[-1].departure_s - path[0].departure_s) / 3600
    if km <= 0 or hours <= 0:
        return DEFAULT_SPEED_KMH
    return min(80.0, max(10.0, km / hours))
