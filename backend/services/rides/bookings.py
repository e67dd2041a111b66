"""Ride bookings: a seat on a scheduled bus, or a demand-responsive ride where no bus runs.

`book_ride` resolves the places, checks everything (rides_checks), then either books a
seat on the scheduled departure near the wished time (status `confirmed`) or records a
demand-responsive request (status `requested`) that `dispatch_window` later assigns to a
vehicle. Bookings are changed and cancelled only by their owner when `citizen_id` is
given, never once cancelled, and never after the vehicle has left. A retried message
(same `request_key`) gets the booking the first delivery made. Nothing is written when a
request is refused.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import CapacityExceeded, IllegalTransition, InvalidInput, NotFound
from backend.ids import next_id
from backend.localtime import local_now, to_local
from backend.models import Booking, Citizen, Place
from backend.services.bus.departures import Departure
from backend.services.citizens.identities import contact_number, validate_mobile
from backend.services.dispatch.windows import release_booking
from backend.services.journeys.bookings import cancel_siblings
from backend.services.places.gazetteer import resolve_address, resolve_place
from backend.services.rides import checks
from backend.services.rides.offers import find_departure
from backend.services.rides.seats import apply_departure, check_seats, scheduled_departure

logger = logging.getLogger(__name__)

KINDS = ("seat", "demand")
ACTIVE_LOOKBACK = timedelta(hours=1)


def lock_citizen(session: Session, citizen_id: int) -> Citizen:
    citizen = session.get(Citizen, citizen_id, with_for_update=True)
    if citizen is None:
        raise NotFound(f"找不到用户 {citizen_id}", citizen_id=citizen_id)
    return citizen


def contact_for(citizen: Citizen, contact_phone: str | None) -> str | None:
    return validate_mobile(contact_phone) if contact_phone else contact_number(citizen)


def start_booking(
    session: Session, *, citizen_id: int, request_key: str | None
) -> tuple[Citizen, Booking | None]:
    """The citizen, row-locked, and the booking an earlier delivery of the same request made."""
    citizen = lock_citizen(session, citizen_id)
    if request_key:
        return citizen, checks.find_by_request_key(session, citizen_id=citizen_id, request_key=request_key)
    return citizen, None


def trip_places(
    session: Session, *, origin: str, destination: str, pickup_time: datetime, now: datetime
) -> tuple[Place, Place]:
    """Both places resolved, checked to differ, and the pick-up time checked."""
    start, end = resolve_place(session, origin), resolve_place(session, destination)
    checks.check_places(start.name, end.name)
    checks.check_time(pickup_time, now)
    return start, end


def place_details(session: Session, *, origin: str, destination: str) -> dict[str, str]:
    """The villages said beyond the gazetteer's places (嵩口镇上坪村 -> origin_detail 上坪村), kept
    on a door-to-door booking so that the driver is told where to go, not just the town."""
    out = {}
    for role, name in (("origin", origin), ("destination", destination)):
        detail = resolve_address(session, name)[1]
        if detail:
            out[f"{role}_detail"] = detail
    return out


def book_ride(
    session: Session,
    *,
    citizen_id: int,
    origin: str,
    destination: str,
    pickup_time: datetime,
    passengers: int,
    kind: str | None = None,
    channel: str | None = None,
    contact_phone: str | None = None,
    request_key: str | None = None,
    trip_id: str | None = None,
    arrive_by: datetime | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book a ride. `kind` None picks by itself: a seat when a scheduled bus leaves within
    30 min of `pickup_time` (the nearest), else a demand-responsive request; "seat" insists
    on a bus (InvalidInput if none), "demand" never looks for one. `trip_id` books exactly
    that bus leaving at `pickup_time` (what the citizen confirmed; refused if it no longer
    runs). `arrive_by`: the citizen must arrive by then (10点前到); kept on the booking for
    dispatch (see `Booking.arrive_by`)."""
    now = now or local_now()
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"不支持的预约类型“{kind}”", field="kind", value=kind)
    citizen, earlier = start_booking(session, citizen_id=citizen_id, request_key=request_key)
    if earlier is not None:
        return earlier
    start, end = trip_places(
        session, origin=origin, destination=destination, pickup_time=pickup_time, now=now
    )
    checks.check_passengers(passengers, checks.max_vehicle_seats(session))
    phone = contact_for(citizen, contact_phone)
    checks.check_duplicate(
        session, citizen_id=citizen_id, origin=start.name, destination=end.name, pickup_time=pickup_time
    )
    if arrive_by is not None:
        checks.check_arrive_by(arrive_by, pickup_time)
    if trip_id is not None:
        departure = exact_departure(session, start, end, trip_id, pickup_time)
    else:
        departure = None if kind == "demand" else scheduled_departure(session, start, end, pickup_time)
    if departure is None and kind == "seat":
        raise InvalidInput(
            f"{checks.day_and_time(pickup_time)}前后没有从{start.name}到{end.name}的班车，可以改约需求响应车",
            field="pickup_time",
        )
    booking = Booking(
        citizen_id=citizen_id,
        origin=start.name,
        destination=end.name,
        passengers=passengers,
        channel=channel,
        contact_phone=phone,
        arrive_by=arrive_by,
        details={
            "requested_time": pickup_time.isoformat(),
            **({"request_key": request_key} if request_key else {}),
        },
    )
    if departure is not None:
        check_seats(session, start, end, departure, passengers)
        booking.kind, booking.status = "seat", "confirmed"
        apply_departure(booking, departure, passengers)
    else:
        limit = checks.demand_max_seats(session)
        checks.check_passengers(passengers, limit, hint="，人多请预约包车")
        booking.kind, booking.status, booking.pickup_time = "demand", "requested", pickup_time
        booking.details = {**booking.details, **place_details(session, origin=origin, destination=destination)}
    booking.id = next_id(session, prefix="B", moment=now)
    session.add(booking)
    session.flush()
    logger.info("booking %s (%s) for citizen %s", booking.id, booking.kind, citizen_id)
    return booking


def get_booking(session: Session, booking_id: str, *, lock: bool = False) -> Booking:
    """The booking (ids are matched upper-case); `lock` takes its row lock for a change."""
    key = (booking_id or "").strip().upper()
    stmt = select(Booking).where(Booking.id == key)
    if lock:
        stmt = stmt.with_for_update(of=Booking).execution_options(populate_existing=True)
    booking = session.scalars(stmt).unique().first() if key else None
    if booking is None:
        raise NotFound(f"没有找到订单“{booking_id}”，请核对订单号", booking_id=booking_id)
    return booking


def owned_booking(session: Session, booking_id: str, citizen_id: int | None) -> Booking:
    """The booking, locked; someone else's booking is reported as not found."""
    booking = get_booking(session, booking_id, lock=True)
    if citizen_id is not None and booking.citizen_id != citizen_id:
        raise NotFound(f"您名下没有订单“{booking_id}”，请核对订单号", booking_id=booking_id)
    return booking


def _check_changeable(booking: Booking, now: datetime, verb: str) -> None:
    if booking.status == "cancelled":
        raise IllegalTransition(f"订单{booking.id}已经取消了，不能再{verb}", booking_id=booking.id)
    if booking.status == "completed":
        raise IllegalTransition(f"订单{booking.id}的行程已经结束，不能再{verb}", booking_id=booking.id)
    leaves = booking.planned_pickup or booking.pickup_time
    if booking.status != "requested" and leaves <= now:
        raise IllegalTransition(f"订单{booking.id}的车已经出发了，不能再{verb}", booking_id=booking.id)


def change_booking(
    session: Session,
    *,
    booking_id: str,
    citizen_id: int | None = None,
    pickup_time: datetime | None = None,
    passengers: int | None = None,
    trip_id: str | None = None,
    arrive_by: datetime | None = None,
    now: datetime | None = None,
) -> Booking:
    """Change the time and/or the number of passengers. A seat booking moves to the bus
    near the new time, or with `trip_id` to exactly that bus leaving at `pickup_time` (what
    the citizen confirmed; refused if it no longer runs); capacity is re-checked. A
    dispatched ride goes back to `requested`. A new time replaces the arrive-by wish too:
    `arrive_by` for "10点前到" (a seat's bus must arrive by then), None for a plain time
    (an old deadline would no longer be true)."""
    now = now or local_now()
    if pickup_time is None and passengers is None:
        raise InvalidInput("请告诉我要改成什么时间，或者改成几个人", booking_id=booking_id)
    booking = owned_booking(session, booking_id, citizen_id)
    _check_changeable(booking, now, "修改")
    if booking.journey_id is not None:
        raise IllegalTransition(
            f"订单{booking.id}是换乘行程的一段，各段要一起改：请取消后重新预约", booking_id=booking.id
        )
    if booking.status == "requested" and booking.pickup_time <= now:
        raise IllegalTransition(f"订单{booking.id}的出发时间已经过了，请重新预约", booking_id=booking.id)
    new_time = pickup_time or booking.pickup_time
    new_count = booking.passengers if passengers is None else passengers
    if pickup_time is not None:
        checks.check_time(pickup_time, now)
    if arrive_by is not None:
        if pickup_time is None:
            raise InvalidInput("改到达时间时请同时说上车时间", field="arrive_by")
        checks.check_arrive_by(arrive_by, pickup_time)
    start, end = resolve_place(session, booking.origin), resolve_place(session, booking.destination)
    departure = None
    if booking.kind == "seat":
        checks.check_passengers(new_count, checks.max_vehicle_seats(session))
        departure = _new_departure(session, start, end, pickup_time, trip_id)
        if pickup_time is not None and departure is None:
            raise InvalidInput(
                f"{checks.day_and_time(new_time)}前后没有从{start.name}到{end.name}的班车，请换一个时间",
                field="pickup_time",
            )
        if departure is not None and arrive_by is not None:
            checks.check_arrival_in_time(departure.arrival, arrive_by)
    else:
        limit = (
            checks.max_vehicle_seats(session)
            if booking.kind == "charter"
            else checks.demand_max_seats(session)
        )
        checks.check_passengers(new_count, limit, hint="，人多请预约包车")
    if pickup_time is not None:
        checks.check_duplicate(
            session,
            citizen_id=booking.citizen_id,
            origin=booking.origin,
            destination=booking.destination,
            pickup_time=new_time,
            exclude_id=booking.id,
        )
    if booking.kind == "seat":
        if departure is not None:
            check_seats(session, start, end, departure, new_count, exclude_id=booking.id)
        else:
            _check_same_trip(session, booking, start, end, new_count)
    if booking.status == "assigned":
        release_booking(session, booking)
    old = {"pickup_time": to_local(booking.pickup_time).isoformat(), "passengers": booking.passengers}
    if booking.arrive_by is not None:
        old["arrive_by"] = to_local(booking.arrive_by).isoformat()
    if pickup_time is not None:
        booking.arrive_by = arrive_by
    if departure is not None:
        apply_departure(booking, departure, new_count)
    elif booking.kind == "seat":
        booking.fare_total = (
            booking.fare_total / booking.passengers * new_count if booking.fare_total else None
        )
    else:
        booking.pickup_time = new_time
    booking.passengers = new_count
    changes = [*booking.details.get("changes", []), {"at": now.isoformat(), "before": old}]
    booking.details = {**booking.details, "changes": changes}
    session.flush()
    logger.info("booking %s changed", booking.id)
    return booking


def _new_departure(
    session: Session, start: Place, end: Place, pickup_time: datetime | None, trip_id: str | None
) -> Departure | None:
    """The bus a seat moves to: `trip_id` at `pickup_time` exactly, else the one nearest it."""
    if pickup_time is None:
        return None
    if trip_id is None:
        return scheduled_departure(session, start, end, pickup_time)
    return exact_departure(session, start, end, trip_id, pickup_time)


def exact_departure(session: Session, start: Place, end: Place, trip_id: str, leaves: datetime) -> Departure:
    """The bus the citizen confirmed (`trip_id` leaving at `leaves`); refused if it no longer runs."""
    departure = find_departure(session, origin=start.name, destination=end.name, trip_id=trip_id, departure=leaves)
    if departure is None:
        raise InvalidInput(
            f"{checks.day_and_time(leaves)}从{start.name}到{end.name}的这班车已经没有了，请重新选一班",
            field="pickup_time",
        )
    return departure


def _check_same_trip(session: Session, booking: Booking, start: Place, end: Place, count: int) -> None:
    if booking.trip_id is None:
        return
    departure = scheduled_departure(session, start, end, booking.pickup_time)
    if (
        departure is not None
        and departure.trip_id == booking.trip_id
        and departure.trip_start_s == booking.trip_start_s
    ):
        check_seats(session, start, end, departure, count, exclude_id=booking.id)
        return
    seats = checks.trip_seats(session, booking.trip_id)
    assert booking.service_date is not None
    taken = checks.seats_taken(
        session,
        trip_id=booking.trip_id,
        service_date=booking.service_date,
        trip_start_s=booking.trip_start_s,
        exclude_id=booking.id,
    )
    if taken + count > seats:
        raise CapacityExceeded(
            f"这班车只剩{max(seats - taken, 0)}个座位，坐不下{count}人",
            trip_id=booking.trip_id,
            remaining=max(seats - taken, 0),
            next_departure=None,
        )


def cancel_booking(
    session: Session,
    *,
    booking_id: str,
    citizen_id: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Cancel; refused for someone else's booking (NotFound), a cancelled or finished one,
    and once the vehicle has left (IllegalTransition)."""
    now = now or local_now()
    booking = owned_booking(session, booking_id, citizen_id)
    _check_changeable(booking, now, "取消")
    if booking.status == "assigned":
        release_booking(session, booking)
    booking.status = "cancelled"
    booking.cancelled_at = now
    if reason:
        booking.details = {**booking.details, "cancel_reason": reason[:200]}
    session.flush()
    if booking.journey_id is not None:  # the other legs of a journey go with it
        cancel_siblings(session, booking, now=now, reason=reason)
    logger.info("booking %s cancelled", booking.id)
    return booking


def list_bookings(
    session: Session, *, citizen_id: int, active_only: bool = True, now: datetime | None = None
) -> list[Booking]:
    """The citizen's bookings by time; active ones only: not cancelled or finished, and
    not more than an hour in the past."""
    now = now or local_now()
    stmt = select(Booking).where(Booking.citizen_id == citizen_id)
    if active_only:
        stmt = stmt.where(
            Booking.status.in_(checks.ACTIVE_STATUSES), Booking.pickup_time >= now - ACTIVE_LOOKBACK
        )
    return list(session.scalars(stmt.order_by(Booking.pickup_time, Booking.id)).unique())
