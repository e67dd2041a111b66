"""Seats on scheduled buses: which departure a wished time means, whether it has room
for the party (else CapacityExceeded naming the next departure that has), and copying
the departure onto a booking. See rides_checks for how many seats a trip offers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from backend.errors import CapacityExceeded, InvalidInput, NotFound
from backend.localtime import to_local
from backend.models import Booking, Place
from backend.services.bus.departures import Departure, next_departures
from backend.services.rides import checks

SEAT_NEAR = timedelta(minutes=30)  # a bus leaving this close to the wished time is the one meant
FULL_SEARCH = 10
SEARCH_ROUNDS = 3


def scheduled_departure(session: Session, start: Place, end: Place, wished: datetime) -> Departure | None:
    """The bus leaving nearest the wished time, within 30 min either side (the later one on
    a tie), or None (also when no line joins the two places, or they share one stop)."""
    try:
        found = next_departures(
            session, origin=start.name, destination=end.name, after=wished - SEAT_NEAR, limit=6
        )
    except (NotFound, InvalidInput):
        return None
    near = [d for d in found if abs(d.departure - wished) <= SEAT_NEAR]
    near.sort(key=lambda d: (abs(d.departure - wished), d.departure < wished))
    return near[0] if near else None


def check_seats(
    session: Session,
    start: Place,
    end: Place,
    departure: Departure,
    passengers: int,
    *,
    exclude_id: str | None = None,
) -> None:
    """CapacityExceeded (naming the next departure with room) when the trip is too full."""
    seats = checks.trip_seats(session, departure.trip_id)
    checks.check_passengers(passengers, seats, hint="，人多可以预约包车")
    checks.lock_trip(session, departure.trip_id)
    remaining = seats - checks.seats_taken(
        session,
        trip_id=departure.trip_id,
        service_date=service_date(departure),
        trip_start_s=departure.trip_start_s,
        exclude_id=exclude_id,
    )
    if passengers <= remaining:
        return
    later = _next_with_room(session, start, end, departure, passengers)
    when = f"{checks.hhmm(departure.departure)}的{departure.route}"
    left = f"只剩{remaining}个座位" if remaining > 0 else "已经满座"
    hint = (
        f"。{checks.day_and_time(later.departure)}的{later.route}还有座位，可以改约这一班"
        if later is not None
        else "。后面的班次也满了，可以预约需求响应车"
    )
    raise CapacityExceeded(
        f"{when}{left}，坐不下{passengers}人{hint}",
        trip_id=departure.trip_id,
        remaining=max(remaining, 0),
        next_departure=_departure_info(later) if later is not None else None,
    )


def _next_with_room(
    session: Session, start: Place, end: Place, full: Departure, passengers: int
) -> Departure | None:
    """The first later departure (today's, then the following days') with enough room."""
    after = full.departure
    for _ in range(SEARCH_ROUNDS):
        try:
            found = next_departures(
                session,
                origin=start.name,
                destination=end.name,
                after=after + timedelta(minutes=1),
                limit=FULL_SEARCH,
            )
        except NotFound:
            return None
        for candidate in found:
            seats = checks.trip_seats(session, candidate.trip_id)
            taken = checks.seats_taken(
                session,
                trip_id=candidate.trip_id,
                service_date=service_date(candidate),
                trip_start_s=candidate.trip_start_s,
            )
            if seats - taken >= passengers:
                return candidate
        after = found[-1].departure
    return None


def _departure_info(departure: Departure) -> dict[str, Any]:
    return {
        "trip_id": departure.trip_id,
        "route": departure.route,
        "departure": to_local(departure.departure).isoformat(),
    }


def service_date(departure: Departure) -> date:
    return departure.service_date


def apply_departure(booking: Booking, departure: Departure, passengers: int) -> None:
    booking.pickup_time = departure.departure
    booking.trip_id = departure.trip_id
    booking.route_id = departure.route_id
    booking.board_stop_id = departure.board_stop_id
    booking.alight_stop_id = departure.alight_stop_id
    booking.service_date = service_date(departure)
    booking.trip_start_s = departure.trip_start_s
    booking.details = {
        **(booking.details or {}),
        "route": departure.route,
        "board_stop": departure.board_stop,
        "alight_stop": departure.alight_stop,
        "arrival": to_local(departure.arrival).isoformat(),
    }
    fare = departure.fare
    booking.fare_total = Decimal(fare) * passengers if fare is not None else None
