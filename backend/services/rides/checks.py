"""The checks a ride booking must pass before anything is written: a sensible time and
number of passengers, two different places, no second booking of the same trip by the
same person, and free seats on a scheduled trip. Each check raises a backend error whose
Chinese message tells the person what to change.

Seats on a scheduled trip: the schema does not yet bind vehicles to trips, so a trip
offers the smallest line vehicle its operator runs (in-service buses and minibuses with at
least `MIN_LINE_SEATS` seats; smaller ones are demand-responsive cars), `MIN_LINE_SEATS`
if the operator has none. All non-cancelled seat bookings of that trip and service date
count, whatever part of the line they ride (conservative).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import DuplicateRequest, InvalidInput
from backend.localtime import to_local
from backend.models import Booking, Operator, Route, Trip, Vehicle

PAST_SLACK = timedelta(minutes=5)
MAX_AHEAD = timedelta(days=30)
DUPLICATE_WINDOW = timedelta(minutes=30)
ACTIVE_STATUSES = ("requested", "confirmed", "assigned")
MIN_LINE_SEATS = 19
DEMAND_MAX_SEATS_DEFAULT = 19


def hhmm(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


def day_and_time(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def check_time(pickup_time: datetime, now: datetime) -> None:
    if not isinstance(pickup_time, datetime) or pickup_time.tzinfo is None:
        raise InvalidInput("出发时间需要带时区", field="pickup_time")
    if pickup_time < now - PAST_SLACK:
        raise InvalidInput(
            f"{day_and_time(pickup_time)}已经过去了，请换一个以后的时间",
            field="pickup_time",
            pickup_time=pickup_time.isoformat(),
        )
    if pickup_time > now + MAX_AHEAD:
        raise InvalidInput(
            f"只能预约{MAX_AHEAD.days}天以内的行程，请换一个近一些的日期",
            field="pickup_time",
            pickup_time=pickup_time.isoformat(),
        )


def check_arrival_in_time(arrival: datetime, arrive_by: datetime) -> None:
    """A bus chosen for "10点前到" must really arrive by then."""
    if arrival > arrive_by:
        raise InvalidInput(
            f"这班车{hhmm(arrival)}才到，赶不上{hhmm(arrive_by)}前到达，请换早一点的班次",
            field="arrive_by",
        )


def check_arrive_by(arrive_by: datetime, pickup_time: datetime) -> None:
    if not isinstance(arrive_by, datetime) or arrive_by.tzinfo is None:
        raise InvalidInput("到达时间请带上时区，例如 2026-11-21T10:00:00+08:00", field="arrive_by")
    if arrive_by <= pickup_time:
        raise InvalidInput("要求到达的时间应晚于上车时间，请重新说几点前要到", field="arrive_by")


def check_passengers(passengers: int, maximum: int, *, hint: str = "") -> None:
    if isinstance(passengers, bool) or not isinstance(passengers, int) or passengers < 1:
        raise InvalidInput("乘车人数至少是1人", field="passengers", value=passengers)
    if passengers > maximum:
        raise InvalidInput(
            f"一次最多预约{maximum}人{hint}", field="passengers", value=passengers, maximum=maximum
        )


def check_places(origin: str, destination: str) -> None:
    if origin == destination:
        raise InvalidInput(f"出发地和目的地都是{origin}，请说一下要去哪里", field="destination")


def find_by_request_key(session: Session, *, citizen_id: int, request_key: str) -> Booking | None:
    """The booking an earlier delivery of the same message created (idempotent retries)."""
    stmt = select(Booking).where(Booking.citizen_id == citizen_id).order_by(Booking.created_at.desc())
    for booking in session.scalars(stmt):
        if (booking.details or {}).get("request_key") == request_key:
            return booking
    return None


def check_duplicate(
    session: Session,
    *,
    citizen_id: int,
    origin: str,
    destination: str,
    pickup_time: datetime,
    exclude_id: str | None = None,
) -> None:
    stmt = select(Booking).where(
        Booking.citizen_id == citizen_id,
        Booking.origin == origin,
        Booking.destination == destination,
        Booking.status.in_(ACTIVE_STATUSES),
        Booking.pickup_time >= pickup_time - DUPLICATE_WINDOW,
        Booking.pickup_time <= pickup_time + DUPLICATE_WINDOW,
    )
    if exclude_id is not None:
        stmt = stmt.where(Booking.id != exclude_id)
    existing = session.scalars(stmt.order_by(Booking.pickup_time)).first()
    if existing is not None:
        raise DuplicateRequest(
            f"您已经预约了{day_and_time(existing.pickup_time)}从{origin}到{destination}的行程"
            f"（订单号{existing.id}），不用重复预约",
            booking_id=existing.id,
        )


def trip_seats(session: Session, trip_id: str) -> int:
    agency_id = session.scalar(
        select(Route.agency_id).join(Trip, Trip.route_id == Route.route_id).where(Trip.trip_id == trip_id)
    )
    seats = session.scalar(
        select(func.min(Vehicle.seats))
        .join(Operator, Operator.id == Vehicle.operator_id)
        .where(
            Operator.code == agency_id,
            Vehicle.status == "in_service",
            Vehicle.kind.in_(("bus", "minibus")),
            Vehicle.seats >= MIN_LINE_SEATS,
        )
    )
    return int(seats) if seats else MIN_LINE_SEATS


def seats_taken(
    session: Session,
    *,
    trip_id: str,
    service_date: date,
    trip_start_s: int | None = None,
    exclude_id: str | None = None,
) -> int:
    """Seats booked on one run: a trip on a day, and for a frequency-based trip the run
    leaving at `trip_start_s` (each run is its own bus)."""
    run = Booking.trip_start_s.is_(None) if trip_start_s is None else Booking.trip_start_s == trip_start_s
    stmt = select(func.coalesce(func.sum(Booking.passengers), 0)).where(
        Booking.trip_id == trip_id,
        Booking.service_date == service_date,
        run,
        Booking.kind == "seat",
        Booking.status != "cancelled",
    )
    if exclude_id is not None:
        stmt = stmt.where(Booking.id != exclude_id)
    return int(session.scalar(stmt) or 0)


def lock_trip(session: Session, trip_id: str) -> None:
    """Serialise seat counting per trip (row lock on PostgreSQL; SQLite writes one at a time)."""
    session.execute(select(Trip.trip_id).where(Trip.trip_id == trip_id).with_for_update())


def demand_max_seats(session: Session) -> int:
    """The most passengers one demand-responsive request may carry: the largest minibus."""
    seats = session.scalar(
        select(func.max(Vehicle.seats)).where(Vehicle.status == "in_service", Vehicle.kind == "minibus")
    )
    return int(seats) if seats else DEMAND_MAX_SEATS_DEFAULT


def max_vehicle_seats(session: Session) -> int:
    seats = session.scalar(select(func.max(Vehicle.seats)).where(Vehicle.status == "in_service"))
    return int(seats) if seats else DEMAND_MAX_SEATS_DEFAULT
