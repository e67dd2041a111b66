"""Dispatch of demand-responsive rides and charters: `dispatch_window` takes the requests
(status `requested`) whose pick-up falls in a window, plans runs with dispatch_plan, and
records each run (DispatchRun + its DispatchStops, who planned it and when) while marking
the bookings `assigned` with vehicle, driver and planned pick-up (each rider gets a 派车
notice). Requests that cannot be served stay `requested` and come back in
`DispatchResult.unassigned` with a reason.

Vehicles considered: every in-service vehicle with a driver bound to it (Driver.vehicle_id);
runs planned earlier (not cancelled) block their vehicle and driver. `release_booking`
takes a booking back out of its run when it is changed or cancelled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.errors import InvalidInput
from backend.localtime import local_now, local_tz, to_local
from backend.models import Booking, DispatchRun, DispatchStop, Driver, Place, Vehicle
from backend.services.dispatch.plan import Candidate, Planner, Request, RunPlan, span_between
from backend.services.rides import assignment_notices

logger = logging.getLogger(__name__)

MAX_WINDOW = timedelta(hours=48)
DISPATCHED_KINDS = ("demand", "charter")


@dataclass
class DispatchResult:
    runs: list[DispatchRun] = field(default_factory=list)
    unassigned: list[Booking] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # booking id -> why not served


def dispatch_window(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    created_by: str = "system",
    now: datetime | None = None,
) -> DispatchResult:
    """Assign the open demand and charter requests with pick-up in [start, end)."""
    now = now or local_now()
    for moment in (start, end):
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise InvalidInput("调度时段需要带时区的开始和结束时间", field="start")
    if end <= start or end - start > MAX_WINDOW:
        raise InvalidInput("调度时段不对：结束要晚于开始，且不超过48小时", field="end")
    bookings = list(
        session.scalars(
            select(Booking)
            .where(
                Booking.kind.in_(DISPATCHED_KINDS),
                Booking.status == "requested",
                Booking.pickup_time >= start,
                Booking.pickup_time < end,
            )
            .order_by(Booking.pickup_time, Booking.id)
            .with_for_update(of=Booking)
        ).unique()
    )
    result = DispatchResult()
    places = {p.name: p for p in session.scalars(select(Place))}
    days = {to_local(start).date() + timedelta(days=n) for n in range((end - start).days + 2)}
    planner = Planner(_candidates(session, places, sorted(days)))
    assigned: dict[str, RunPlan] = {}
    for booking in bookings:
        if booking.pickup_time < now:
            result.unassigned.append(booking)
            result.reasons[booking.id] = "出发时间已经过了"
            continue
        request = _request(booking, places)
        run = planner.plan(request) if request is not None else None
        if run is None:
            result.unassigned.append(booking)
            result.reasons[booking.id] = _reason(planner, booking, request)
        else:
            assigned[booking.id] = run
    by_id = {b.id: b for b in bookings}
    before = assignment_notices.snapshot(bookings)
    for plan in planner.runs:
        result.runs.append(_record(session, plan, by_id, created_by, now))
    session.flush()
    assignment_notices.tell_assignments(session, before=before, bookings=bookings, now=now)
    logger.info(
        "dispatch %s..%s by %s: %d runs, %d unassigned",
        start.isoformat(),
        end.isoformat(),
        created_by,
        len(result.runs),
        len(result.unassigned),
    )
    return result


def _reason(planner: Planner, booking: Booking, request: Request | None) -> str:
    if request is None:
        return "上车点或目的地不在地名库中"
    if not any(c.seats >= booking.passengers for c in planner.candidates):
        return f"没有能坐下{booking.passengers}人的车辆"
    return "这个时段没有空闲的车辆和司机"


def _request(booking: Booking, places: dict[str, Place]) -> Request | None:
    origin, destination = places.get(booking.origin), places.get(booking.destination)
    if origin is None or destination is None:
        return None
    details = booking.details or {}
    back = details.get("return_time")
    return Request(
        booking_id=booking.id,
        origin=origin,
        origin_name=booking.origin_label,
        destination=destination,
        destination_name=booking.destination_label,
        wished=to_local(booking.pickup_time),
        passengers=booking.passengers,
        charter=booking.kind == "charter",
        return_time=to_local(datetime.fromisoformat(back)) if back else None,
        vehicle_kind=details.get("vehicle_kind") if booking.kind == "charter" else None,
    )


def _candidates(session: Session, places: dict[str, Place], days: list[date]) -> list[Candidate]:
    """One candidate per (vehicle, driver, day): the driver's shift that day."""
    pairs = session.execute(
        select(Vehicle, Driver)
        .join(Driver, Driver.vehicle_id == Vehicle.id)
        .where(Vehicle.status == "in_service")
        .order_by(Vehicle.id, Driver.id)
    ).all()
    busy_vehicle, busy_driver = _busy(session, places, days)
    candidates = []
    for vehicle, driver in pairs:
        depot = places.get(vehicle.depot) if vehicle.depot else None
        busy = tuple(busy_vehicle.get(vehicle.id, []) + busy_driver.get(driver.id, []))
        for day in days:
            shift = (_at(day, driver.shift_start), _at(day, driver.shift_end))
            candidates.append(
                Candidate(vehicle.id, driver.id, vehicle.kind, vehicle.seats, depot, shift, busy)
            )
    return candidates


def _at(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=local_tz())


def _busy(
    session: Session, places: dict[str, Place], days: list[date]
) -> tuple[dict[int, list[tuple[datetime, datetime]]], dict[int, list[tuple[datetime, datetime]]]]:
    """Spans of the runs already planned around these days, per vehicle and per driver."""
    runs = session.scalars(
        select(DispatchRun)
        .where(
            DispatchRun.status != "cancelled",
            DispatchRun.service_date >= min(days) - timedelta(days=1),
            DispatchRun.service_date <= max(days),
        )
        .options(selectinload(DispatchRun.stops))
    ).unique()
    by_vehicle: dict[int, list[tuple[datetime, datetime]]] = {}
    by_driver: dict[int, list[tuple[datetime, datetime]]] = {}
    for run in runs:
        if not run.stops:
            continue
        depot = places.get(run.vehicle.depot) if run.vehicle.depot else None
        first, last = run.stops[0], run.stops[-1]
        span = span_between(
            depot, (places.get(first.place), first.planned_time), (places.get(last.place), last.planned_time)
        )
        by_vehicle.setdefault(run.vehicle_id, []).append(span)
        if run.driver_id is not None:
            by_driver.setdefault(run.driver_id, []).append(span)
    return by_vehicle, by_driver


def _record(
    session: Session, plan: RunPlan, bookings: dict[str, Booking], created_by: str, now: datetime
) -> DispatchRun:
    first = plan.timed[0].time
    run = DispatchRun(
        service_date=to_local(first).date(),
        vehicle_id=plan.candidate.vehicle_id,
        driver_id=plan.candidate.driver_id,
        status="planned",
        created_by=created_by,
        created_at=now,
    )
    for seq, timed in enumerate(plan.timed, start=1):
        run.stops.append(
            DispatchStop(
                seq=seq,
                action=timed.stop.action,
                place=timed.stop.place_name,
                planned_time=timed.time,
                booking_id=timed.stop.request.booking_id,
                load=timed.load,
            )
        )
    session.add(run)
    for timed in plan.timed:
        booking = bookings[timed.stop.request.booking_id]
        if booking.status != "assigned":  # the first pick-up of the booking is the one to tell
            booking.status = "assigned"
            booking.vehicle_id = plan.candidate.vehicle_id
            booking.driver_id = plan.candidate.driver_id
            booking.planned_pickup = timed.time
    return run


def release_booking(session: Session, booking: Booking) -> None:
    """Take a booking out of its planned run (renumbering the rest; a run left empty is
    cancelled) and put it back to `requested` without vehicle or driver."""
    stops = session.scalars(select(DispatchStop).where(DispatchStop.booking_id == booking.id)).all()
    runs = {stop.run for stop in stops}
    for stop in stops:
        stop.run.stops.remove(stop)
    for run in runs:
        load = 0
        for seq, stop in enumerate(run.stops, start=1):
            passengers = _passengers(session, stop.booking_id)
            load += passengers if stop.action == "pickup" else -passengers
            stop.seq, stop.load = seq, load
        if not run.stops:
            run.status = "cancelled"
    booking.status = "requested"
    booking.vehicle_id = booking.driver_id = None
    booking.planned_pickup = None
    session.flush()


def _passengers(session: Session, booking_id: str | None) -> int:
    booking = session.get(Booking, booking_id) if booking_id else None
    return booking.passengers if booking is not None else 0


def runs_for_day(session: Session, *, day: date, include_cancelled: bool = False) -> list[DispatchRun]:
    stmt = select(DispatchRun).where(DispatchRun.service_date == day).options(selectinload(DispatchRun.stops))
    if not include_cancelled:
        stmt = stmt.where(DispatchRun.status != "cancelled")
    return list(session.scalars(stmt.order_by(DispatchRun.id)).unique())
