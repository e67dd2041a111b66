"""Tests for backend.services.journeys.bookings: one confirmed seat booking per leg, written
together or not at all, cancelled together, never moved one leg at a time, and a retried
request gets the same bookings."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import CapacityExceeded, IllegalTransition
from backend.models import Booking, Citizen
from backend.services.citizens import identities as citizens
from backend.services.journeys import bookings as journey_bookings
from backend.services.journeys.plans import Journey, plan_journeys
from backend.services.rides import bookings as rides
from backend.services.rides import checks
from tests.conftest import NOW


@pytest.fixture
def citizen(session: Session) -> Citizen:
    return citizens.citizen_for_mobile(session, mobile="13905989001")


@pytest.fixture
def journey(session: Session) -> Journey:
    return plan_journeys(session, origin="嵩溪", destination="灵地", after=NOW, limit=1).journeys[0]


def bookings(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Booking)) or 0


def test_every_leg_is_booked_and_confirmed_together(
    session: Session, citizen: Citizen, journey: Journey
) -> None:
    made = journey_bookings.book_journey(
        session, citizen_id=citizen.id, legs=journey.legs, passengers=2, channel="rest", now=NOW
    )
    assert [b.trip_id for b in made] == [leg.trip_id for leg in journey.legs]
    assert {b.status for b in made} == {"confirmed"} and {b.kind for b in made} == {"seat"}
    assert {b.journey_id for b in made} == {made[0].id}
    assert sum(b.fare_total for b in made) == journey.fare * 2
    assert made[1].origin == "清流县汽车站" and made[1].pickup_time == journey.legs[1].departure


def test_a_full_leg_books_nothing(session: Session, citizen: Citizen, journey: Journey) -> None:
    other = citizens.citizen_for_mobile(session, mobile="13905989002")
    second = journey.legs[1]
    journey_bookings.book_journey(session, citizen_id=other.id, legs=[second], passengers=1, now=NOW)
    full = session.scalars(select(Booking).where(Booking.citizen_id == other.id)).one()
    full.passengers = checks.trip_seats(session, second.trip_id)
    session.flush()
    before = bookings(session)
    with pytest.raises(CapacityExceeded) as refused:
        journey_bookings.book_journey(
            session, citizen_id=citizen.id, legs=journey.legs, passengers=1, now=NOW
        )
    assert bookings(session) == before
    assert "第2程" in refused.value.message and "4路" in refused.value.message


def test_cancelling_one_leg_cancels_the_journey_and_a_leg_cannot_move(
    session: Session, citizen: Citizen, journey: Journey
) -> None:
    first, second = journey_bookings.book_journey(
        session, citizen_id=citizen.id, legs=journey.legs, passengers=1, now=NOW
    )
    with pytest.raises(IllegalTransition):
        rides.change_booking(session, booking_id=second.id, citizen_id=citizen.id, passengers=2, now=NOW)
    rides.cancel_booking(session, booking_id=second.id, citizen_id=citizen.id, now=NOW)
    session.refresh(first)
    assert (first.status, second.status) == ("cancelled", "cancelled")


def test_a_retried_request_gets_the_same_bookings(
    session: Session, citizen: Citizen, journey: Journey
) -> None:
    once = journey_bookings.book_journey(
        session, citizen_id=citizen.id, legs=journey.legs, passengers=1, request_key="k1", now=NOW
    )
    again = journey_bookings.book_journey(
        session, citizen_id=citizen.id, legs=journey.legs, passengers=1, request_key="k1", now=NOW
    )
    assert [b.id for b in again] == [b.id for b in once]
