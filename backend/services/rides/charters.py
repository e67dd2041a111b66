"""包车: chartering a whole vehicle for a party (a wedding, a village trip, a school outing).

A charter is a booking of kind `charter`, status `requested` until dispatch assigns a
vehicle. The vehicle kind is the one asked for, else the smallest kind whose largest
vehicle seats the party. The indicative price in `details["quote"]` is
base fare + rate per km × road km there and back (the vehicle returns either way), plus
waiting time beyond the first hour when a return trip is booked, rounded up to 10 yuan;
the operator confirms the final price by phone.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.ids import next_id
from backend.localtime import local_now
from backend.models import Booking, Place, Vehicle
from backend.services.places.travel import road_km, travel_time
from backend.services.rides import checks
from backend.services.rides.bookings import contact_for, place_details, start_booking, trip_places

logger = logging.getLogger(__name__)

# kind -> (base yuan, yuan per road km)
RATES: dict[str, tuple[int, float]] = {"van": (60, 3.0), "minibus": (100, 4.0), "bus": (300, 8.0)}
AUTO_KINDS = ("minibus", "bus")  # vans carry goods; a party gets one only when asking for it
KIND_NAMES = {"van": "面包车", "minibus": "中巴车", "bus": "大巴车"}
WAITING_YUAN_PER_HOUR = 30
FREE_WAITING = timedelta(hours=1)
MAX_NOTE_CHARS = 500


def fleet_kinds(session: Session) -> dict[str, int]:
    """Vehicle kind -> seats of its largest in-service vehicle."""
    rows = session.execute(
        select(Vehicle.kind, func.max(Vehicle.seats))
        .where(Vehicle.status == "in_service")
        .group_by(Vehicle.kind)
    )
    return {kind: int(seats) for kind, seats in rows}


def choose_kind(session: Session, passengers: int, wanted: str | None) -> str:
    kinds = fleet_kinds(session)
    if not kinds:
        raise InvalidInput("目前没有可以包车的车辆，请稍后再试")
    largest = max(kinds.values())
    checks.check_passengers(passengers, largest, hint="，人再多请分成几辆车预约")
    if wanted is not None:
        if wanted not in kinds:
            choices = "、".join(KIND_NAMES.get(k, k) for k in sorted(kinds))
            raise InvalidInput(f"没有“{wanted}”这种车型，可以选：{choices}", field="vehicle_kind")
        if kinds[wanted] < passengers:
            name = KIND_NAMES.get(wanted, wanted)
            raise InvalidInput(
                f"{name}最多坐{kinds[wanted]}人，坐不下{passengers}人，请换大一些的车型",
                field="vehicle_kind",
            )
        return wanted
    fitting = sorted(
        (seats, kind) for kind, seats in kinds.items() if seats >= passengers and kind in AUTO_KINDS
    )
    return fitting[0][1] if fitting else max(kinds, key=lambda k: kinds[k])


def quote(origin: Place, destination: Place, kind: str, wait: timedelta | None) -> dict[str, Any]:
    base, per_km = RATES.get(kind, RATES["minibus"])
    km = road_km(origin, destination)
    price = base + per_km * km * 2
    waiting_hours = 0.0
    if wait is not None and wait > FREE_WAITING:
        waiting_hours = (wait - FREE_WAITING).total_seconds() / 3600
        price += WAITING_YUAN_PER_HOUR * waiting_hours
    return {
        "price": int(math.ceil(price / 10) * 10),
        "currency": "CNY",
        "road_km": round(km, 1),
        "vehicle_kind": kind,
        "waiting_hours": round(waiting_hours, 1),
        "indicative": True,
    }


def book_charter(
    session: Session,
    *,
    citizen_id: int,
    origin: str,
    destination: str,
    pickup_time: datetime,
    passengers: int,
    return_time: datetime | None = None,
    vehicle_kind: str | None = None,
    note: str | None = None,
    channel: str | None = None,
    contact_phone: str | None = None,
    request_key: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Request a charter; the indicative quote is in `details["quote"]` and `fare_total`."""
    now = now or local_now()
    citizen, earlier = start_booking(session, citizen_id=citizen_id, request_key=request_key)
    if earlier is not None:
        return earlier
    start, end = trip_places(
        session, origin=origin, destination=destination, pickup_time=pickup_time, now=now
    )
    kind = choose_kind(session, passengers, vehicle_kind)
    wait = None
    if return_time is not None:
        checks.check_time(return_time, now)
        arrival = pickup_time + travel_time(start, end)
        if return_time < arrival:
            raise InvalidInput(
                f"返程时间要晚于到达{end.name}的时间（约{checks.hhmm(arrival)}）", field="return_time"
            )
        wait = return_time - arrival
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"备注太长了，请不超过{MAX_NOTE_CHARS}字", field="note")
    phone = contact_for(citizen, contact_phone)
    checks.check_duplicate(
        session, citizen_id=citizen_id, origin=start.name, destination=end.name, pickup_time=pickup_time
    )
    offer = quote(start, end, kind, wait)
    details: dict[str, Any] = {
        "requested_time": pickup_time.isoformat(),
        "vehicle_kind": kind,
        "quote": offer,
    }
    details.update(place_details(session, origin=origin, destination=destination))
    if return_time is not None:
        details["return_time"] = return_time.isoformat()
    if request_key:
        details["request_key"] = request_key
    booking = Booking(
        id=next_id(session, prefix="B", moment=now),
        citizen_id=citizen_id,
        kind="charter",
        status="requested",
        origin=start.name,
        destination=end.name,
        pickup_time=pickup_time,
        passengers=passengers,
        fare_total=Decimal(offer["price"]),
        channel=channel,
        contact_phone=phone,
        note=note,
        details=details,
    )
    session.add(booking)
    session.flush()
    logger.info("charter %s for citizen %s (%s, %s yuan)", booking.id, citizen_id, kind, offer["price"])
    return booking
