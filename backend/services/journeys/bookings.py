"""Booking a journey with changes: one seat booking per leg, made together and cancelled
together.

`book_journey` checks the whole journey first (the first bus not gone, the party fits every
bus, no leg already booked) and only then writes one `seat` booking per leg, all
`confirmed` at once and sharing `journey_id` (the first leg's booking id); a refusal
writes nothing. `cancel_booking` of any leg cancels the others (backend.services.rides.bookings
calls `cancel_siblings`), and a leg cannot be moved on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import CapacityExceeded, InvalidInput
from backend.ids import next_id
from backend.localtime import local_now
from backend.models import Booking
from backend.services.journeys.plans import JourneyLeg
from backend.services.rides import checks

logger = logging.getLogger(__name__)


def book_journey(
    session: Session,
    *,
    citizen_id: int,
    legs: Sequence[JourneyLeg],
    passengers: int,
    channel: str | None = None,
    contact_phone: str | None = None,
    request_key: str | None = None,
    now: datetime | None = None,
) -> list[Booking]:
    """Book every leg of a journey (as planned by `journeys.plan_journeys`); returns the legs' bookings."""
    from backend.services.rides.bookings import contact_for, start_booking  # rides imports this module

    now = now or local_now()
    if not legs:
        raise InvalidInput("没有要预约的行程", field="legs")
    citizen, earlier = start_booking(session, citizen_id=citizen_id, request_key=request_key)
    if earlier is not None:
        return journey_legs(session, earlier)
    checks.check_time(legs[0].departure, now)
    checks.check_passengers(passengers, checks.max_vehicle_seats(session), hint="，人多可以预约包车")
    phone = contact_for(citizen, contact_phone)
    for number, leg in enumerate(legs, start=1):
        checks.check_duplicate(
            session, citizen_id=citizen_id, origin=leg.board_stop, destination=leg.alight_stop,
            pickup_time=leg.departure,
        )  # fmt: skip
        _check_room(session, leg, passengers, number if len(legs) > 1 else None)
    bookings: list[Booking] = []
    for number, leg in enumerate(legs, start=1):
        booking = Booking(
            id=next_id(session, prefix="B", moment=now),
            citizen_id=citizen_id,
            kind="seat",
            status="confirmed",
            origin=leg.board_stop,
            destination=leg.alight_stop,
            pickup_time=leg.departure,
            passengers=passengers,
            trip_id=leg.trip_id,
            route_id=leg.route_id,
            board_stop_id=leg.board_stop_id,
            alight_stop_id=leg.alight_stop_id,
            service_date=leg.service_date,
            fare_total=Decimal(leg.fare) * passengers if leg.fare is not None else None,
            channel=channel,
            contact_phone=phone,
            details={
                "journey_leg": number,
                "journey_legs": len(legs),
                "arrival": leg.arrival.isoformat(),
                **({"request_key": request_key} if request_key and number == 1 else {}),
            },
        )
        booking.journey_id = bookings[0].id if bookings else booking.id
        session.add(booking)
        bookings.append(booking)
    session.flush()
    logger.info("journey %s: %d legs for citizen %s", bookings[0].id, len(bookings), citizen_id)
    return bookings


def _check_room(session: Session, leg: JourneyLeg, passengers: int, number: int | None) -> None:
    seats = checks.trip_seats(session, leg.trip_id)
    checks.lock_trip(session, leg.trip_id)
    remaining = seats - checks.seats_taken(session, trip_id=leg.trip_id, service_date=leg.service_date)
    if passengers <= remaining:
        return
    which = f"第{number}程" if number else ""
    left = f"只剩{remaining}个座位" if remaining > 0 else "已经满座"
    raise CapacityExceeded(
        f"{which}{checks.hhmm(leg.departure)}的{leg.route}{left}，坐不下{passengers}人，请换一班",
        trip_id=leg.trip_id,
        remaining=max(remaining, 0),
    )


def journey_legs(session: Session, booking: Booking) -> list[Booking]:
    """All bookings of the journey `booking` belongs to, in order (just itself if none)."""
    if booking.journey_id is None:
        return [booking]
    stmt = (
        select(Booking)
        .where(Booking.journey_id == booking.journey_id)
        .order_by(Booking.pickup_time, Booking.id)
    )
    return list(session.scalars(stmt).unique())


def cancel_siblings(
    session: Session, booking: Booking, *, now: datetime, reason: str | None
) -> list[Booking]:
    """Cancel the journey's other legs that are still open (after `booking` was cancelled)."""
    cancelled = []
    for other in journey_legs(session, booking):
        if other.id == booking.id or other.status in ("cancelled", "completed") or other.pickup_time <= now:
            continue
        other.status, other.cancelled_at = "cancelled", now
        if reason:
            other.details = {**other.details, "cancel_reason": reason[:200]}
        cancelled.append(other)
    session.flush()
    return cancelled
