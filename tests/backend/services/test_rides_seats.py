from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import CapacityExceeded
from backend.models import Booking, DailyCounter
from backend.services.citizens import identities as citizens
from backend.services.places.gazetteer import resolve_place
from backend.services.rides import bookings as rides
from backend.services.rides.seats import scheduled_departure
from tests.conftest import NOW

NOON = NOW.replace(hour=12, minute=20)  # 1路 leaves 嵩口镇 at 12:29 and 13:29 (19 seats)


def written(session: Session) -> tuple[int, int]:
    session.flush()
    return (
        session.scalar(select(func.count()).select_from(Booking)) or 0,
        session.scalar(select(func.coalesce(func.sum(DailyCounter.value), 0))) or 0,
    )


def person(session: Session, n: int) -> int:
    return citizens.citizen_for_mobile(session, mobile=f"1390598{n:04d}").id


def seat(session: Session, citizen_id: int, passengers: int, wished=NOON) -> Booking:  # type: ignore[no-untyped-def]
    return rides.book_ride(
        session,
        citizen_id=citizen_id,
        origin="嵩口镇",
        destination="清流县城",
        pickup_time=wished,
        passengers=passengers,
        kind="seat",
        now=NOW,
    )


def test_scheduled_departure_window(session: Session) -> None:
    songkou, town = resolve_place(session, "嵩口镇"), resolve_place(session, "清流县城")
    assert scheduled_departure(session, songkou, town, NOON).trip_id == "L01-DAILY-1-1220"  # type: ignore[union-attr]
    # a bus 9 minutes before the wished time still counts
    assert (
        scheduled_departure(session, songkou, town, NOW.replace(hour=12, minute=38)).trip_id
        == "L01-DAILY-1-1220"
    )  # type: ignore[union-attr]
    assert scheduled_departure(session, songkou, town, NOW.replace(hour=21)) is None
    lingdi, songkou_cun = resolve_place(session, "邓家村"), resolve_place(session, "嵩口村")
    assert scheduled_departure(session, lingdi, songkou_cun, NOON) is None


def test_full_bus_is_refused_with_the_next_departure_that_has_room(session: Session) -> None:
    seat(session, person(session, 1), 15)
    seat(session, person(session, 2), 4)  # 19 of 19 taken
    before = written(session)
    with pytest.raises(CapacityExceeded) as refused:
        seat(session, person(session, 3), 2)
    error = refused.value
    assert error.details["remaining"] == 0 and error.details["trip_id"] == "L01-DAILY-1-1220"
    assert error.details["next_departure"]["trip_id"] == "L01-DAILY-1-1320"
    assert error.details["next_departure"]["departure"] == "2026-11-20T13:29:00+08:00"
    assert "12:29的1路已经满座" in error.message and "13:29的1路还有座位" in error.message
    assert written(session)[0] == before[0] + 0 and written(session) == before


def test_partly_full_bus_names_the_remaining_seats(session: Session) -> None:
    seat(session, person(session, 4), 17)
    before = written(session)
    with pytest.raises(CapacityExceeded, match="只剩2个座位，坐不下3人") as refused:
        seat(session, person(session, 5), 3)
    assert refused.value.details["remaining"] == 2
    assert written(session) == before
    assert seat(session, person(session, 5), 2).status == "confirmed"


def test_full_bus_skips_later_full_buses_too(session: Session) -> None:
    seat(session, person(session, 6), 19)
    seat(session, person(session, 7), 19, NOW.replace(hour=13, minute=20))
    with pytest.raises(CapacityExceeded) as refused:
        seat(session, person(session, 8), 1)
    assert refused.value.details["next_departure"]["departure"] == "2026-11-20T15:24:00+08:00"


def test_cancelled_seats_are_free_again(session: Session) -> None:
    full = seat(session, person(session, 9), 19)
    rides.cancel_booking(session, booking_id=full.id, now=NOW)
    assert seat(session, person(session, 10), 19).trip_id == "L01-DAILY-1-1220"


def test_change_passengers_checks_capacity_without_counting_itself(session: Session) -> None:
    mine = seat(session, person(session, 11), 10)
    seat(session, person(session, 12), 5)
    assert rides.change_booking(session, booking_id=mine.id, passengers=14, now=NOW).passengers == 14
    with pytest.raises(CapacityExceeded, match="坐不下15人"):
        rides.change_booking(session, booking_id=mine.id, passengers=15, now=NOW)
    session.refresh(mine)
    assert mine.passengers == 14


def test_change_time_onto_a_full_bus_is_refused(session: Session) -> None:
    mine = seat(session, person(session, 13), 2)
    seat(session, person(session, 14), 19, NOW.replace(hour=13, minute=20))
    with pytest.raises(CapacityExceeded):
        rides.change_booking(
            session, booking_id=mine.id, pickup_time=NOW.replace(hour=13, minute=20), now=NOW
        )
    session.refresh(mine)
    assert mine.trip_id == "L01-DAILY-1-1220"


def test_seats_on_another_day_are_counted_separately(session: Session) -> None:
    seat(session, person(session, 15), 19)
    tomorrow = seat(session, person(session, 16), 19, NOON + timedelta(days=1))
    assert (
        tomorrow.trip_id == "L01-DAILY-1-1220" and tomorrow.service_date == (NOW + timedelta(days=1)).date()
    )
