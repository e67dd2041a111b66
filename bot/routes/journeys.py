"""Journey API (public, timetable facts only): `GET /api/journeys?from&to[&after][&limit]`
-> journeys of one or more legs, each leg with its line, stops, departure and arrival
(`HH:MM` and ISO), the change points and the total fare (CONTRACTS.md §6). Unknown places
answer 404 with the closest gazetteer guesses, as the departures endpoint does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from backend.localtime import local_tz
from backend.services.journeys import plans as service
from bot.deps import SessionDep
from bot.routes.bus import _iso, _money, hhmm

router = APIRouter(prefix="/api", tags=["journeys"])


class LegOut(BaseModel):
    line: str
    route_id: str
    trip_id: str
    headsign: str | None
    service_date: str
    board_stop: str
    alight_stop: str
    stops: list[str] = Field(description="boarding stop, stops on the way, alighting stop")
    departure: str = Field(description="HH:MM, local time")
    departure_iso: str
    arrival: str
    arrival_iso: str
    fare: float | None


class ChangeOut(BaseModel):
    at: str = Field(description="where the previous leg ends")
    board: str = Field(description="where the next leg starts (the same stop, or a short walk)")
    walk_minutes: int
    wait_minutes: int


class JourneyOut(BaseModel):
    departure: str
    departure_iso: str
    arrival: str
    arrival_iso: str
    duration_minutes: int
    changes: list[ChangeOut]
    legs: list[LegOut]
    fare: float | None = Field(description="CNY, all legs; null when a leg's fare is not published")
    currency: str = "CNY"


class PlanOut(BaseModel):
    origin: str
    destination: str
    journeys: list[JourneyOut]


def journey_out(j: service.Journey) -> JourneyOut:
    return JourneyOut(
        departure=hhmm(j.departure),
        departure_iso=_iso(j.departure),
        arrival=hhmm(j.arrival),
        arrival_iso=_iso(j.arrival),
        duration_minutes=j.duration_minutes,
        changes=[ChangeOut(at=c.at, board=c.board, walk_minutes=c.walk_minutes, wait_minutes=c.wait_minutes)
                 for c in j.changes],
        legs=[
            LegOut(
                line=leg.route, route_id=leg.route_id, trip_id=leg.trip_id, headsign=leg.headsign,
                service_date=leg.service_date.isoformat(), board_stop=leg.board_stop,
                alight_stop=leg.alight_stop, stops=list(leg.stops), departure=hhmm(leg.departure),
                departure_iso=_iso(leg.departure), arrival=hhmm(leg.arrival), arrival_iso=_iso(leg.arrival),
                fare=_money(leg.fare),
            )
            for leg in j.legs
        ],
        fare=_money(j.fare),
    )  # fmt: skip


@router.get("/journeys")
def journeys(
    session: SessionDep,
    origin: Annotated[str, Query(alias="from", description="出发地，如 嵩溪镇、嵩溪")],
    destination: Annotated[str, Query(alias="to", description="目的地，如 灵地镇")],
    after: Annotated[datetime | None, Query(description="ISO 8601；不带时区按当地时间")] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 3,
) -> PlanOut:
    if after is not None and after.tzinfo is None:
        after = after.replace(tzinfo=local_tz())
    plan = service.plan_journeys(session, origin=origin, destination=destination, after=after, limit=limit)
    return PlanOut(
        origin=plan.origin, destination=plan.destination, journeys=[journey_out(j) for j in plan.journeys]
    )
