"""Operator API for dispatch: plan the demand-responsive rides and charters of a time
window (`POST /api/dispatch`) and list the runs of a day (`GET /api/dispatch/runs`).
Runs name drivers and passengers' bookings, so both endpoints are behind OperatorDep.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from backend.localtime import local_now, to_local
from backend.models import DispatchRun
from backend.services.dispatch import windows as dispatch
from bot.deps import OperatorDep, SessionDep
from bot.routes.bookings import DriverRef, VehicleRef
from bot.routes.moments import Day

router = APIRouter(prefix="/api/dispatch", tags=["dispatch"])


class DispatchIn(BaseModel):
    start: AwareDatetime
    end: AwareDatetime
    by: str | None = Field(default=None, description="调度人；默认为当前操作员")


class StopOut(BaseModel):
    seq: int
    action: str
    place: str
    time: str
    booking_id: str | None
    load: int


class RunOut(BaseModel):
    id: int
    service_date: str
    status: str
    vehicle: VehicleRef
    driver: DriverRef | None
    created_by: str
    created_at: str
    stops: list[StopOut]


class UnassignedOut(BaseModel):
    id: str
    reason: str


class DispatchOut(BaseModel):
    runs: list[RunOut]
    unassigned: list[UnassignedOut]


def _iso(moment: datetime) -> str:
    return to_local(moment).isoformat()


def run_out(run: DispatchRun) -> RunOut:
    return RunOut(
        id=run.id,
        service_date=run.service_date.isoformat(),
        status=run.status,
        vehicle=VehicleRef(plate=run.vehicle.plate, kind=run.vehicle.kind, seats=run.vehicle.seats),
        driver=DriverRef(name=run.driver.name, phone=run.driver.phone) if run.driver else None,
        created_by=run.created_by,
        created_at=_iso(run.created_at),
        stops=[
            StopOut(
                seq=s.seq,
                action=s.action,
                place=s.place,
                time=_iso(s.planned_time),
                booking_id=s.booking_id,
                load=s.load,
            )
            for s in run.stops
        ],
    )


@router.post("")
def dispatch_window(body: DispatchIn, session: SessionDep, operator: OperatorDep) -> DispatchOut:
    result = dispatch.dispatch_window(session, start=body.start, end=body.end, created_by=body.by or operator)
    return DispatchOut(
        runs=[run_out(r) for r in result.runs],
        unassigned=[UnassignedOut(id=b.id, reason=result.reasons.get(b.id, "")) for b in result.unassigned],
    )


@router.get("/runs")
def list_runs(
    session: SessionDep,
    _operator: OperatorDep,
    day: Annotated[Day | None, Query(alias="date", description="服务日期，默认今天")] = None,
) -> list[RunOut]:
    found = dispatch.runs_for_day(session, day=day or local_now().date())
    return [run_out(r) for r in found]
