"""Bus API: departures between two places, lines and their timetables, arrival estimates and
disruption notices are public (timetable facts, no sign-in); vehicles report their
positions through `POST /api/bus/positions`, which needs the operator token (a position
near a rider's pick-up or a subscriber's stop tells them, through `arrival_watch`).

Unknown places answer 404 with the name and the closest gazetteer guesses
(docs/CONTRACTS.md §6); times are given as "HH:MM" and as ISO 8601 with offset.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from backend.localtime import local_tz, to_local
from backend.models import Disruption, Route
from backend.services.bus import arrival_watch
from backend.services.bus import departures as service
from bot.deps import OperatorDep, SessionDep
from bot.routes.moments import AwareMoment, Day, Moment

router = APIRouter(prefix="/api/bus", tags=["bus"])


class DepartureOut(BaseModel):
    line: str
    route_id: str
    trip_id: str
    headsign: str | None
    service_date: str
    departure: str = Field(description="HH:MM, local time")
    departure_iso: str
    arrival: str
    arrival_iso: str
    duration_minutes: int
    board_stop: str
    alight_stop: str
    stops: list[str] = Field(description="boarding stop, stops on the way, alighting stop")
    fare: float | None = Field(description="in `currency`; null when the operator publishes no fare")
    currency: str = Field("CNY", description="ISO 4217, as the timetable gives it")


class LineOut(BaseModel):
    route_id: str
    line: str
    long_name: str | None
    agency_id: str | None
    stops: list[str]


class CallOut(BaseModel):
    stop: str
    arrival: str
    departure: str


class TripOut(BaseModel):
    trip_id: str
    headsign: str | None
    direction_id: int | None
    calls: list[CallOut]


class TimetableOut(BaseModel):
    route_id: str
    line: str
    long_name: str | None
    date: str
    trips: list[TripOut]


class ArrivalOut(BaseModel):
    line: str
    route_id: str
    trip_id: str
    headsign: str | None
    stop: str
    scheduled: str
    scheduled_iso: str
    expected: str
    expected_iso: str
    minutes_away: int
    source: str = Field(description="realtime (vehicle position) or timetable")
    plate: str | None
    position_at: str | None


class DisruptionOut(BaseModel):
    id: int
    route_id: str | None
    line: str | None = Field(description="null: the whole network")
    title: str
    description: str
    starts_at: str
    ends_at: str


class PositionIn(BaseModel):
    plate: str
    lat: float
    lon: float
    trip_id: str | None = None
    at: AwareMoment | None = None
    speed_kmh: float | None = None


class PositionOut(BaseModel):
    id: int
    plate: str
    trip_id: str | None
    lat: float
    lon: float
    recorded_at: str


def hhmm(moment: datetime) -> str:
    """A bus time as the timetable gives it (the network's own zone, as the services return it)."""
    return moment.strftime("%H:%M")


def _bus_iso(moment: datetime) -> str:
    return moment.isoformat()


def _iso(moment: datetime) -> str:
    return to_local(moment).isoformat()


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def departure_out(d: service.Departure) -> DepartureOut:
    return DepartureOut(
        line=d.route,
        route_id=d.route_id,
        trip_id=d.trip_id,
        headsign=d.headsign,
        service_date=d.service_date.isoformat(),
        departure=hhmm(d.departure),
        departure_iso=_bus_iso(d.departure),
        arrival=hhmm(d.arrival),
        arrival_iso=_bus_iso(d.arrival),
        duration_minutes=d.duration_minutes,
        board_stop=d.board_stop,
        alight_stop=d.alight_stop,
        stops=[d.board_stop, *d.intermediate_stops, d.alight_stop],
        fare=_money(d.fare),
        currency=d.currency,
    )


@router.get("/departures")
def departures(
    session: SessionDep,
    origin: Annotated[str, Query(alias="from", description="出发地，如 嵩口镇、嵩口、松口")],
    destination: Annotated[str, Query(alias="to", description="目的地，如 清流县城、县城")],
    after: Annotated[Moment | None, Query(description="ISO 8601；不带时区按当地时间")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[DepartureOut]:
    if after is not None and after.tzinfo is None:
        after = after.replace(tzinfo=local_tz())
    found = service.next_departures(session, origin=origin, destination=destination, after=after, limit=limit)
    return [departure_out(d) for d in found]


@router.get("/lines")
def lines(session: SessionDep) -> list[LineOut]:
    return [
        LineOut(
            route_id=s.route_id,
            line=s.route,
            long_name=s.long_name,
            agency_id=s.agency_id,
            stops=list(s.stops),
        )
        for s in service.line_summaries(session)
    ]


@router.get("/lines/{route_id}")
def line_timetable(
    route_id: str,
    session: SessionDep,
    day: Annotated[Day | None, Query(alias="date", description="YYYY-MM-DD，默认今天")] = None,
) -> TimetableOut:
    table = service.line_timetable(session, route=route_id, day=day)
    return TimetableOut(
        route_id=table.route_id,
        line=table.route,
        long_name=table.long_name,
        date=table.day.isoformat(),
        trips=[
            TripOut(
                trip_id=t.trip_id,
                headsign=t.headsign,
                direction_id=t.direction_id,
                calls=[
                    CallOut(stop=c.stop, arrival=hhmm(c.arrival), departure=hhmm(c.departure))
                    for c in t.calls
                ],
            )
            for t in table.trips
        ],
    )


@router.get("/arrivals")
def arrivals(
    session: SessionDep,
    place: Annotated[str, Query(description="站点所在地，如 嵩口")],
    route: Annotated[str | None, Query(description="线路，如 1路")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[ArrivalOut]:
    return [
        ArrivalOut(
            line=e.route,
            route_id=e.route_id,
            trip_id=e.trip_id,
            headsign=e.headsign,
            stop=e.stop,
            scheduled=hhmm(e.scheduled),
            scheduled_iso=_bus_iso(e.scheduled),
            expected=hhmm(e.expected),
            expected_iso=_bus_iso(e.expected),
            minutes_away=e.minutes_away,
            source=e.source,
            plate=e.plate,
            position_at=_iso(e.position_at) if e.position_at else None,
        )
        for e in service.estimate_arrival(session, place=place, route=route, limit=limit)
    ]


def _line_label(session: Session, route_id: str | None) -> str | None:
    route = session.get(Route, route_id) if route_id else None
    return route.label if route is not None else route_id


@router.get("/disruptions")
def disruptions(
    session: SessionDep,
    route: Annotated[str | None, Query(description="线路，如 4路")] = None,
    place: Annotated[str | None, Query(description="地点，如 灵地")] = None,
) -> list[DisruptionOut]:
    return [disruption_out(session, d) for d in service.active_disruptions(session, route=route, place=place)]


def disruption_out(session: Session, d: Disruption) -> DisruptionOut:
    return DisruptionOut(
        id=d.id,
        route_id=d.route_id,
        line=_line_label(session, d.route_id),
        title=d.title,
        description=d.description,
        starts_at=_iso(d.starts_at),
        ends_at=_iso(d.ends_at),
    )


@router.post("/positions", status_code=201)
def report_position(body: PositionIn, session: SessionDep, _operator: OperatorDep) -> PositionOut:
    position = service.record_position(session, **body.model_dump())
    arrival_watch.watch_position(session, position=position)  # 车辆即将到达 to riders and subscribers
    return PositionOut(
        id=position.id,
        plate=service.normalize_plate(body.plate),
        trip_id=position.trip_id,
        lat=position.lat,
        lon=position.lon,
        recorded_at=_iso(position.recorded_at),
    )
