"""Operator API for the day's dispatch plan (客货邮 runs) and drivers' run sheets:
`GET /api/dispatch/plan?date=` (every run with its stops, riders and parcels, and the
requests still waiting), `POST /api/dispatch/plan?date=` (re-plan the day with the
OR-Tools planner, warm-started from the current runs), and
`GET /api/drivers/{code}/runsheet?date=[&format=html]` (JSON, or a printable page).
Run sheets name riders and their phones, so everything is behind OperatorDep.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from backend.localtime import local_now, to_local
from backend.services.dispatch import plans as dispatch_plans
from backend.services.dispatch import sheets as dispatch_sheets
from backend.services.dispatch.sheets import RunSheet
from bot.console.rendering import render
from bot.deps import OperatorDep, SessionDep
from bot.routes.moments import Day

router = APIRouter(prefix="/api", tags=["dispatch"])

DayQuery = Annotated[Day | None, Query(alias="date", description="服务日期，默认今天")]


class SheetStopOut(BaseModel):
    seq: int
    time: str  # HH:MM
    at: str  # ISO
    action: str
    place: str
    booking_id: str | None
    passengers: int
    rider: str | None
    rider_phone: str | None
    parcel_ref: str | None
    parcels: int
    parcel_kg: float
    aboard: int
    arrive_by: str | None = None  # HH:MM on the drop-off of an arrive-by rider


class RunSheetOut(BaseModel):
    run_id: int
    date: str
    vehicle: str
    vehicle_kind: str
    seats: int
    driver_code: str | None
    driver_name: str | None
    driver_phone: str | None
    depot: str | None
    riders: int
    parcels: int
    stops: list[SheetStopOut]


class WaitingOut(BaseModel):
    id: str
    origin: str
    destination: str
    time: str
    passengers: int


class PlanOut(BaseModel):
    date: str
    runs: list[RunSheetOut]
    waiting: list[WaitingOut]
    seconds: float | None = None


def sheet_out(sheet: RunSheet) -> RunSheetOut:
    return RunSheetOut(
        run_id=sheet.run_id,
        date=sheet.day.isoformat(),
        vehicle=sheet.vehicle,
        vehicle_kind=sheet.vehicle_kind,
        seats=sheet.seats,
        driver_code=sheet.driver_code,
        driver_name=sheet.driver_name,
        driver_phone=sheet.driver_phone,
        depot=sheet.depot,
        riders=sheet.riders,
        parcels=sheet.parcel_count,
        stops=[
            SheetStopOut(
                seq=s.seq, time=f"{s.time:%H:%M}", at=s.time.isoformat(), action=s.action, place=s.place,
                booking_id=s.booking_id, passengers=s.passengers, rider=s.rider, rider_phone=s.rider_phone,
                parcel_ref=s.parcel_ref, parcels=s.parcels, parcel_kg=s.parcel_kg, aboard=s.aboard,
                arrive_by=f"{s.arrive_by:%H:%M}" if s.arrive_by else None,
            )
            for s in sheet.stops
        ],
    )  # fmt: skip


def _plan_out(session: SessionDep, day: date, seconds: float | None = None) -> PlanOut:
    board = dispatch_sheets.day_board(session, day=day)
    return PlanOut(
        date=day.isoformat(),
        runs=[sheet_out(s) for s in board.runs],
        waiting=[
            WaitingOut(
                id=b.id, origin=b.origin_label, destination=b.destination_label, time=to_local(b.pickup_time).isoformat(),
                passengers=b.passengers,
            )
            for b in board.waiting
        ],
        seconds=seconds,
    )  # fmt: skip


@router.get("/dispatch/plan")
def day_plan(session: SessionDep, _operator: OperatorDep, day: DayQuery = None) -> PlanOut:
    return _plan_out(session, day or local_now().date())


@router.post("/dispatch/plan")
def replan_day(session: SessionDep, operator: OperatorDep, day: DayQuery = None) -> PlanOut:
    result = dispatch_plans.plan_day(session, day=day or local_now().date(), created_by=operator)
    return _plan_out(session, result.day, round(result.seconds, 2))


@router.get("/drivers/{code}/runsheet", response_model=None)
def driver_runsheet(
    code: str,
    session: SessionDep,
    _operator: OperatorDep,
    day: DayQuery = None,
    format: Annotated[Literal["json", "html"], Query(description="json 或可打印的 html")] = "json",
) -> list[RunSheetOut] | HTMLResponse:
    the_day = day or local_now().date()
    sheets = dispatch_sheets.runsheet(session, driver_code=code, day=the_day)
    if format == "html":
        return render("dispatch/runsheet.html", {"code": code.upper(), "day": the_day, "sheets": sheets})
    return [sheet_out(s) for s in sheets]
