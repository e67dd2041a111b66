"""Read-only views of the stored dispatch: the day's board (every run of every vehicle with
its stops, riders and parcels, and the requests still waiting) and a driver's run sheet
(the same for one driver, to print or show on a phone). Times are local.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.dispatch.store import midnight
from backend.errors import NotFound
from backend.localtime import to_local
from backend.models import Booking, DispatchRun, Driver, Parcel, ServicePoint


@dataclass(frozen=True)
class SheetStop:
    seq: int
    time: datetime
    action: str  # pickup dropoff
    place: str
    booking_id: str | None
    passengers: int
    rider: str | None
    rider_phone: str | None
    parcel_ref: str | None
    parcels: int
    parcel_kg: float
    aboard: int  # riders on board after the stop
    arrive_by: datetime | None = None  # a drop-off the rider must reach by then (10点前到)


@dataclass(frozen=True)
class RunSheet:
    run_id: int
    day: date
    vehicle: str
    vehicle_kind: str
    seats: int
    driver_code: str | None
    driver_name: str | None
    driver_phone: str | None
    depot: str | None
    stops: list[SheetStop] = field(default_factory=list)

    @property
    def riders(self) -> int:
        return sum(s.passengers for s in self.stops if s.action == "pickup")

    @property
    def parcel_count(self) -> int:
        return sum(s.parcels for s in self.stops if s.action == "pickup")


@dataclass(frozen=True)
class DayBoard:
    day: date
    runs: list[RunSheet]
    waiting: list[Booking]  # demand bookings of the day not on any run yet


def _parcels_by_ref(session: Session, refs: set[str]) -> dict[str, tuple[int, float]]:
    codes = {ref.split("-")[0] for ref in refs}
    if not codes:
        return {}
    rows = session.execute(
        select(ServicePoint.code, Parcel.weight_kg)
        .join(Parcel, Parcel.service_point_id == ServicePoint.id)
        .where(ServicePoint.code.in_(codes), Parcel.status == "in_transit")
    ).all()
    totals: dict[str, tuple[int, float]] = {}
    for code, weight in rows:
        count, kg = totals.get(code, (0, 0.0))
        totals[code] = (count + 1, kg + (weight or 0.0))
    return {ref: totals.get(ref.split("-")[0], (0, 0.0)) for ref in refs}


def _sheets(session: Session, runs: list[DispatchRun]) -> list[RunSheet]:
    ids = {s.booking_id for run in runs for s in run.stops if s.booking_id}
    bookings = (
        {b.id: b for b in session.scalars(select(Booking).where(Booking.id.in_(ids))).unique()} if ids else {}
    )
    parcels = _parcels_by_ref(session, {s.parcel_ref for run in runs for s in run.stops if s.parcel_ref})
    sheets = []
    for run in runs:
        stops = []
        for s in run.stops:
            booking = bookings.get(s.booking_id) if s.booking_id else None
            count, kg = parcels.get(s.parcel_ref, (0, 0.0)) if s.parcel_ref else (0, 0.0)
            stops.append(
                SheetStop(
                    s.seq, to_local(s.planned_time), s.action, _place_said(s.place, booking), s.booking_id,
                    booking.passengers if booking else 0,
                    booking.citizen.name if booking else None,
                    (booking.contact_phone or booking.citizen.mobile) if booking else None,
                    s.parcel_ref, count, round(kg, 1), s.load,
                    to_local(booking.arrive_by) if booking and booking.arrive_by and s.action == "dropoff" else None,
                )
            )  # fmt: skip
        driver = run.driver
        sheets.append(
            RunSheet(
                run.id, run.service_date, run.vehicle.plate, run.vehicle.kind, run.vehicle.seats,
                driver.code if driver else None, driver.name if driver else None, driver.phone if driver else None,
                run.vehicle.depot, stops,
            )
        )  # fmt: skip
    return sheets


def _place_said(place: str, booking: Booking | None) -> str:
    """The stop as the rider named it: 嵩口镇上坪村 where the plan says 嵩口镇."""
    if booking is not None and place == booking.origin:
        return booking.origin_label
    if booking is not None and place == booking.destination:
        return booking.destination_label
    return place


def _runs(session: Session, day: date, driver_id: int | None = None) -> list[DispatchRun]:
    stmt = (
        select(DispatchRun)
        .where(DispatchRun.service_date == day, DispatchRun.status != "cancelled")
        .options(selectinload(DispatchRun.stops))
        .order_by(DispatchRun.vehicle_id, DispatchRun.id)
    )
    if driver_id is not None:
        stmt = stmt.where(DispatchRun.driver_id == driver_id)
    return [run for run in session.scalars(stmt).unique() if run.stops]


def day_board(session: Session, *, day: date) -> DayBoard:
    waiting = session.scalars(
        select(Booking)
        .where(
            Booking.kind == "demand",
            Booking.status == "requested",
            Booking.pickup_time >= midnight(day),
            Booking.pickup_time < midnight(day + timedelta(days=1)),
        )
        .order_by(Booking.pickup_time)
    ).unique()
    return DayBoard(day, _sheets(session, _runs(session, day)), list(waiting))


def runsheet(session: Session, *, driver_code: str, day: date) -> list[RunSheet]:
    """The driver's runs of the day (usually one); NotFound for an unknown driver."""
    driver = session.scalar(select(Driver).where(Driver.code == driver_code.strip().upper()))
    if driver is None:
        raise NotFound(f"没有编号为“{driver_code}”的司机", driver_code=driver_code)
    return _sheets(session, _runs(session, day, driver.id))
