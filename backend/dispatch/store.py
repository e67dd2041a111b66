"""The database side of dispatch: read one service day into the engine's plain data, and
write a plan back as DispatchRun / DispatchStop rows (the record format the rest of the
service reads) with each served booking `assigned` to its vehicle, driver and planned
pick-up time.

A day holds: every in-service vehicle with a driver bound to it (vehicles on a charter
run that day are left alone), the demand-responsive bookings (`requested` or `assigned`)
whose wished pick-up falls on that local day, one parcel consignment per village service
point with parcels in transit (from the county co-delivery centre), and the current
plan made of that day's runs. Times become minutes after local midnight and back.
A booking already `assigned` counts as told its planned pick-up time.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.dispatch.config import DispatchConfig
from backend.dispatch.model import PICKUP, Consignment, Plan, Problem, Request, Run, Stop, VehicleSpec
from backend.dispatch.travel import PlacePoint, TravelTimes, make_travel
from backend.localtime import local_tz, to_local
from backend.models import Booking, DispatchRun, DispatchStop, Driver, Parcel, Place, Vehicle
from backend.services.rides import assignment_notices

logger = logging.getLogger(__name__)

CO_DELIVERY_CENTRE = "清流县城"
PARCEL_READY = 450  # 07:30, after the morning sort at the co-delivery centre
PARCEL_DUE = 1050  # 17:30, before the service points close
PARCEL_DEFAULT_KG = 2.0
PARCEL_KG_PER_M3 = 150.0
LIVE_STATUSES = ("requested", "assigned")


@dataclass
class Day:
    """One service day as the engine sees it, with the rows each id stands for."""

    day: date
    problem: Problem
    plan: Plan
    vehicles: dict[str, Vehicle] = field(default_factory=dict)  # plate -> row
    drivers: dict[str, Driver] = field(default_factory=dict)  # plate -> the vehicle's driver
    bookings: dict[str, Booking] = field(default_factory=dict)
    parcels: dict[str, list[Parcel]] = field(default_factory=dict)  # consignment id -> parcels


def travel_for(session: Session, *, source: str = "great_circle", table: str | None = None) -> TravelTimes:
    """The travel model over the gazetteer's coordinates (or an operator's table)."""
    places = {p.name: PlacePoint(p.lat, p.lon, p.kind) for p in session.scalars(select(Place))}
    return make_travel(places, source=source, table=Path(table) if table else None)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=local_tz())


def minute_of(day: date, moment: datetime) -> int:
    return int((to_local(moment) - midnight(day)).total_seconds() // 60)


def moment_at(day: date, minute: int) -> datetime:
    return midnight(day) + timedelta(minutes=minute)


def _hhmm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def request_for(booking: Booking, day: date, config: DispatchConfig) -> Request:
    wished = minute_of(day, booking.pickup_time)
    told = None
    if booking.status == "assigned" and booking.planned_pickup is not None:
        told = minute_of(day, booking.planned_pickup)
    arrive_by = minute_of(day, booking.arrive_by) if booking.arrive_by is not None else None
    return Request(
        booking.id, booking.origin, booking.destination,
        max(0, wished - config.window_before_min), wished + config.window_after_min,
        booking.passengers, told, arrive_by=arrive_by,
    )  # fmt: skip


def load_day(
    session: Session, *, day: date, config: DispatchConfig, travel: TravelTimes, lock: bool = False
) -> Day:
    """The day's vehicles, requests, consignments and current plan. `lock` takes the
    vehicles' rows FOR UPDATE so that two live insertions into one day queue up."""
    runs = list(
        session.scalars(
            select(DispatchRun)
            .where(DispatchRun.service_date == day, DispatchRun.status != "cancelled")
            .options(selectinload(DispatchRun.stops))
            .order_by(DispatchRun.id)
        ).unique()
    )
    chartered = {run.vehicle_id for run in runs if _is_charter(session, run)}
    stmt = (
        select(Vehicle, Driver)
        .join(Driver, Driver.vehicle_id == Vehicle.id)
        .where(Vehicle.status == "in_service")
        .order_by(Vehicle.id, Driver.id)
    )
    if lock:
        stmt = stmt.with_for_update(of=Vehicle)
    result = Day(day, Problem(), Plan())
    for vehicle, driver in session.execute(stmt).unique():
        if vehicle.id in chartered or vehicle.plate in result.vehicles:
            continue
        result.vehicles[vehicle.plate] = vehicle
        result.drivers[vehicle.plate] = driver
        result.problem.vehicles[vehicle.plate] = VehicleSpec(
            vehicle.plate, vehicle.seats, vehicle.cargo_kg, vehicle.cargo_m3,
            vehicle.depot or CO_DELIVERY_CENTRE, _hhmm(driver.shift_start), _hhmm(driver.shift_end), driver.code,
        )  # fmt: skip
    bookings = session.scalars(
        select(Booking)
        .where(
            Booking.kind == "demand",
            Booking.status.in_(LIVE_STATUSES),
            Booking.pickup_time >= midnight(day),
            Booking.pickup_time < midnight(day + timedelta(days=1)),
        )
        .order_by(Booking.pickup_time, Booking.id)
    ).unique()
    for booking in bookings:
        result.bookings[booking.id] = booking
        result.problem.requests[booking.id] = request_for(booking, day, config)
    _load_consignments(session, result)
    result.plan = _current_plan(result, [r for r in runs if r.vehicle_id not in chartered], travel, config)
    return result


def _is_charter(session: Session, run: DispatchRun) -> bool:
    ids = [stop.booking_id for stop in run.stops if stop.booking_id]
    if not ids:
        return False
    kinds = session.scalars(select(Booking.kind).where(Booking.id.in_(ids))).all()
    return "charter" in kinds


def _load_consignments(session: Session, day: Day) -> None:
    parcels = session.scalars(
        select(Parcel)
        .where(Parcel.status == "in_transit", Parcel.service_point_id.is_not(None))
        .order_by(Parcel.id)
    ).unique()
    by_point: dict[str, list[Parcel]] = defaultdict(list)
    for parcel in parcels:
        point = parcel.service_point
        if point is not None and point.place != CO_DELIVERY_CENTRE:
            by_point[f"{point.code}-{day.day:%Y%m%d}"].append(parcel)
    for ref, batch in by_point.items():
        weight = round(sum(p.weight_kg or PARCEL_DEFAULT_KG for p in batch), 1)
        place = batch[0].service_point.place  # type: ignore[union-attr]
        day.problem.consignments[ref] = Consignment(
            ref,
            CO_DELIVERY_CENTRE,
            place,
            weight,
            round(weight / PARCEL_KG_PER_M3, 3),
            PARCEL_READY,
            PARCEL_DUE,
        )
        day.parcels[ref] = batch


def _current_plan(day: Day, runs: list[DispatchRun], travel: TravelTimes, config: DispatchConfig) -> Plan:
    """The stored runs as a plan (several runs of one vehicle become one), keeping only
    stops of jobs that are still open; jobs with no stop are unserved."""
    by_plate: dict[str, list[Stop]] = defaultdict(list)
    plates = {v.id: plate for plate, v in day.vehicles.items()}
    for run in runs:
        plate = plates.get(run.vehicle_id)
        if plate is None:
            continue
        for stop in run.stops:
            job = stop.booking_id or stop.parcel_ref
            if job in day.problem.requests or job in day.problem.consignments:
                by_plate[plate].append(
                    Stop(stop.action, job, stop.place, minute_of(day.day, stop.planned_time))
                )
    plan = Plan()
    for plate, stops in by_plate.items():
        stops.sort(key=lambda s: s.time)
        complete = [s for s in stops if sum(1 for o in stops if o.job == s.job) == 2]
        if complete:
            plan.runs[plate] = _framed(day.problem, plate, complete, travel, config)
    served = {job for run in plan.runs.values() for job in run.jobs()}
    plan.unserved = [job for job in day.problem.job_ids() if job not in served]
    return plan


def _framed(
    problem: Problem, plate: str, stops: list[Stop], travel: TravelTimes, config: DispatchConfig
) -> Run:
    """A run with its depot departure and return worked out from its first and last stop."""
    depot, first, last = problem.vehicles[plate].depot, stops[0], stops[-1]
    dwell = config.parcel_dwell_min if last.job in problem.consignments else config.dwell_min
    start = first.time - travel.minutes(depot, first.place)
    return Run(plate, stops, start, last.time + dwell + travel.minutes(last.place, depot))


def save_day(
    session: Session,
    day: Day,
    problem: Problem,
    plan: Plan,
    *,
    vehicles: set[str] | None = None,
    created_by: str = "system",
    now: datetime | None = None,
    told: Collection[str] = (),
) -> list[DispatchRun]:
    """Write `plan` for `vehicles` (default: all of the day's vehicles, and then the runs of
    vehicles no longer in service are cancelled, charters excepted): their runs' stops
    replaced, bookings served set `assigned` with the planned pick-up, bookings no longer
    served put back to `requested`. Every rider whose vehicle, driver or pick-up time is
    new or changed gets a 派车 notice, except those in `told` (the caller tells them).
    Returns the runs written."""
    plates = set(problem.vehicles) if vehicles is None else vehicles
    before = assignment_notices.snapshot(day.bookings.values())
    existing: dict[int, list[DispatchRun]] = defaultdict(list)
    for run in session.scalars(
        select(DispatchRun)
        .where(DispatchRun.service_date == day.day, DispatchRun.status != "cancelled")
        .order_by(DispatchRun.id)
    ):
        existing[run.vehicle_id].append(run)
    written = []
    for plate in sorted(plates):
        vehicle, driver = day.vehicles[plate], day.drivers[plate]
        rows = existing.get(vehicle.id, [])
        run = plan.runs.get(plate)
        run = run if run is not None and run.stops else None
        for extra in rows[1:] if run is not None else rows:
            extra.stops.clear()
            extra.status = "cancelled"
        if run is None:
            continue
        row = rows[0] if rows else DispatchRun(service_date=day.day, vehicle_id=vehicle.id, status="planned")
        row.driver_id, row.created_by = driver.id, created_by
        if now is not None:
            row.created_at = now
        row.stops.clear()
        session.add(row)
        row.stops.extend(_stop_rows(day, problem, run))
        written.append(row)
        for stop in run.stops:
            booking = day.bookings.get(stop.job)
            if booking is not None and stop.action == PICKUP:
                booking.status, booking.vehicle_id, booking.driver_id = "assigned", vehicle.id, driver.id
                booking.planned_pickup = moment_at(day.day, stop.time)
    if vehicles is None:  # a whole-day plan: runs of vehicles out of service since are void
        planned = {day.vehicles[plate].id for plate in plates}
        for vehicle_id, rows in existing.items():
            for row in rows:
                if vehicle_id not in planned and not _is_charter(session, row):
                    logger.warning("run %s of a vehicle no longer in service is cancelled", row.id)
                    row.stops.clear()
                    row.status = "cancelled"
    served = {job for run in plan.runs.values() for job in run.jobs()}
    for job, booking in day.bookings.items():
        if job not in served and booking.status == "assigned" and (vehicles is None or job in plan.unserved):
            logger.warning("booking %s lost its place in the plan of %s", job, day.day)
            booking.status, booking.vehicle_id, booking.driver_id, booking.planned_pickup = (
                "requested",
                None,
                None,
                None,
            )
    session.flush()
    assignment_notices.tell_assignments(
        session, before=before, bookings=day.bookings.values(), told=told, now=now
    )
    return written


def _stop_rows(day: Day, problem: Problem, run: Run) -> list[DispatchStop]:
    rows, aboard = [], 0
    for seq, stop in enumerate(run.stops, start=1):
        request = problem.requests.get(stop.job)
        if request is not None:
            aboard += request.passengers if stop.action == PICKUP else -request.passengers
        rows.append(
            DispatchStop(
                seq=seq, action=stop.action, place=stop.place, planned_time=moment_at(day.day, stop.time),
                booking_id=stop.job if request is not None else None,
                parcel_ref=stop.job if request is None else None, load=aboard,
            )
        )  # fmt: skip
    return rows
