"""Which rides are offered around a wished time (pilot timetable, Saturday 2026-11-21:
1路 嵩口镇→清流县城 leaves 06:39, 07:39, 09:34 …, arriving 50 min later)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.models import Citizen
from backend.services.rides import bookings as rides
from backend.services.rides.offers import pickup_for_arrival, ride_offers
from tests.conftest import NOW, SHANGHAI


def at(hour: int, minute: int = 0, day: int = 21) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def clocks(offers: object) -> list[str]:
    return [f"{d.departure:%H:%M}" for d in offers.departures]  # type: ignore[attr-defined]


def test_a_bus_within_30_minutes_is_proposed_with_its_neighbours(session: Session) -> None:
    offers = ride_offers(session, origin="嵩口镇", destination="清流县城", wished=at(9, 30))
    assert clocks(offers) == ["07:39", "09:34"]
    assert offers.proposed is not None and f"{offers.proposed.departure:%H:%M}" == "09:34"
    assert not offers.demand
    assert offers.proposed.fare is not None and offers.proposed.board_stop == "嵩口镇"


def test_no_bus_within_30_minutes_offers_a_demand_ride(session: Session) -> None:
    offers = ride_offers(session, origin="嵩口镇", destination="清流县城", wished=at(8, 30))
    assert clocks(offers) == ["07:39", "09:34"]
    assert offers.proposed is None and offers.demand


def test_arrive_by_looks_at_arrivals(session: Session) -> None:
    on_time = ride_offers(session, origin="嵩口镇", destination="清流县城", wished=at(8, 30), arrive_by=True)
    assert clocks(on_time) == ["06:39", "07:39"]
    assert on_time.proposed is not None and f"{on_time.proposed.arrival:%H:%M}" == "08:29"
    early = ride_offers(session, origin="嵩口镇", destination="清流县城", wished=at(10), arrive_by=True)
    assert early.proposed is None and early.demand
    pickup = pickup_for_arrival(session, origin="嵩口镇", destination="清流县城", arrive_by=at(10))
    assert pickup < at(10) and pickup.minute % 5 == 0


def test_no_line_gives_no_departures(session: Session) -> None:
    offers = ride_offers(session, origin="嵩口镇", destination="清流县医院", wished=at(8))
    assert offers.departures == () and offers.demand


def test_book_ride_books_exactly_the_confirmed_bus(session: Session) -> None:
    person = Citizen(name="李大姐", mobile="13905987301", sms_opt_out=False)
    session.add(person)
    session.flush()
    offers = ride_offers(session, origin="嵩口镇", destination="清流县城", wished=at(8, 30))
    early = offers.departures[0]
    booking = rides.book_ride(
        session, citizen_id=person.id, origin="嵩口", destination="县城", pickup_time=early.departure,
        passengers=2, kind="seat", trip_id=early.trip_id, arrive_by=at(8, 30), now=NOW,
    )  # fmt: skip
    assert booking.pickup_time == early.departure and booking.trip_id == early.trip_id
    assert booking.arrive_by == at(8, 30) and booking.details["route"] == "1路"
    with pytest.raises(InvalidInput, match="这班车已经没有了"):
        rides.book_ride(
            session, citizen_id=person.id, origin="嵩口", destination="县城", pickup_time=at(7, 45, day=22),
            passengers=1, kind="seat", trip_id=early.trip_id, now=NOW,
        )  # fmt: skip


def test_without_a_choice_only_a_bus_within_30_minutes_is_taken(session: Session) -> None:
    person = Citizen(name="王大哥", mobile="13905987302", sms_opt_out=False)
    session.add(person)
    session.flush()
    far = rides.book_ride(
        session, citizen_id=person.id, origin="嵩口", destination="县城", pickup_time=at(8, 30),
        passengers=1, now=NOW,
    )  # fmt: skip
    assert far.kind == "demand" and far.pickup_time == at(8, 30)  # not the 09:34 bus an hour later


def test_a_bus_that_has_left_is_not_offered(session: Session) -> None:
    """Asked at 09:30 for 现在, the 07:39 has left: only buses still to come are offered."""
    offers = ride_offers(session, origin="嵩口镇", destination="清流县城", wished=at(9, 30), now=at(9, 30))
    assert clocks(offers) == ["09:34"]
    late = ride_offers(session, origin="嵩口镇", destination="清流县城", wished=at(9, 40), now=at(9, 40))
    assert "07:39" not in clocks(late) and "09:34" not in clocks(late)
