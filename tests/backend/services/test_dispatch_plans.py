"""Dispatch services on the pilot database: live placement with the planned pick-up,
counter-offers and accepting one, cancellation shortening the run, a change placed again
(or undone with the offers), whole-day re-planning, and bad input refused with nothing
written."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.dispatch.config import DispatchConfig
from backend.dispatch.store import load_day, travel_for
from backend.dispatch.validator import validate
from backend.errors import CapacityExceeded, IllegalTransition, InvalidInput, NotFound, UnknownPlace
from backend.models import Booking, DispatchRun, DispatchStop, Vehicle
from backend.services.citizens import identities as citizens
from backend.services.dispatch import plans as dispatch_plans
from backend.services.dispatch import sheets as dispatch_sheets
from backend.services.rides import bookings as rides
from tests.conftest import NOW

TOMORROW = NOW + timedelta(days=1)


def at(hour: int, minute: int = 0) -> datetime:
    return TOMORROW.replace(hour=hour, minute=minute)


def book(session: Session, mobile: str, **overrides: Any) -> Booking:
    person = citizens.citizen_for_mobile(session, mobile=mobile, name="村民")
    args: dict[str, Any] = {
        "origin": "嵩口镇",
        "destination": "清流县城",
        "pickup_time": at(8),
        "passengers": 1,
        "kind": "demand",
    }
    args.update(overrides)
    return rides.book_ride(session, citizen_id=person.id, now=NOW, **args)


def written(session: Session) -> tuple[Any, ...]:
    session.flush()
    return (
        session.scalar(select(func.count()).select_from(DispatchRun)),
        session.scalar(select(func.count()).select_from(DispatchStop)),
        tuple(
            session.execute(select(Booking.id, Booking.status, Booking.planned_pickup).order_by(Booking.id))
        ),
    )


def assert_day_valid(session: Session) -> None:
    config = DispatchConfig()
    travel = travel_for(session)
    day = load_day(session, day=TOMORROW.date(), config=config, travel=travel)
    assert validate(day.problem, day.plan, travel, config) == []


@pytest.fixture
def one_minibus(session: Session) -> None:
    """Only the 9-seat minibus based at 嵩口镇 is in service."""
    session.execute(update(Vehicle).where(Vehicle.plate != "闽GZ1021").values(status="maintenance"))


def test_a_booking_is_placed_live_with_its_planned_pickup(session: Session) -> None:
    booking = book(session, "13905981001", origin="溪源村", destination="清流县医院")
    placement = dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    assert placement.placed and placement.vehicle_plate and placement.driver_name and placement.driver_phone
    assert at(8) <= placement.pickup_time <= at(8, 25)
    assert (booking.status, booking.planned_pickup) == ("assigned", placement.pickup_time)
    stops = session.scalars(select(DispatchStop).where(DispatchStop.booking_id == booking.id)).all()
    assert [(s.action, s.place) for s in stops] == [("pickup", "溪源村"), ("dropoff", "清流县医院")]
    assert stops[0].planned_time == placement.pickup_time
    again = dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    assert again == placement  # placing twice changes nothing
    neighbour = book(session, "13905981002", origin="溪源村", destination="清流县城", pickup_time=at(8, 5))
    pooled = dispatch_plans.dispatch_booking(session, booking_id=neighbour.id, now=NOW)
    assert pooled.vehicle_plate == placement.vehicle_plate  # rides along rather than a second vehicle
    assert booking.planned_pickup == placement.pickup_time  # the first rider keeps the told time
    assert_day_valid(session)


def test_no_room_gives_counter_offers_and_accepting_one_books_it(session: Session, one_minibus: None) -> None:
    group = book(session, "13905981003", passengers=9, pickup_time=at(10))
    assert dispatch_plans.dispatch_booking(session, booking_id=group.id, now=NOW).placed
    late = book(session, "13905981004", passengers=1, pickup_time=at(10))  # 10点的车满了
    before = written(session)
    refused = dispatch_plans.dispatch_booking(session, booking_id=late.id, now=NOW)
    assert not refused.placed and refused.pickup_time is None
    assert refused.offer_before is not None and refused.offer_before < at(10)
    assert refused.offer_after is not None and refused.offer_after > at(10, 25)
    assert written(session) == before and late.status == "requested"
    with pytest.raises(CapacityExceeded, match="10:00的车都排满了，可以改到") as refusal:
        dispatch_plans.confirm_ride(session, booking_id=late.id, now=NOW)
    assert refusal.value.details["field"] == "time"  # the booking dialog asks for the time again
    assert refusal.value.details["offers"] == [
        refused.offer_before.isoformat(),
        refused.offer_after.isoformat(),
    ]
    assert f"{refused.offer_after:%H:%M}" in refusal.value.message
    check = dispatch_plans.ride_offers(
        session, origin="嵩口", destination="县城", pickup_time=at(10), passengers=1, now=NOW
    )
    assert (check.feasible, check.offer_before, check.offer_after) == (
        False,
        refused.offer_before,
        refused.offer_after,
    )
    accepted = dispatch_plans.accept_offer(
        session, booking_id=late.id, pickup_time=refused.offer_after, now=NOW
    )
    assert accepted.placed and accepted.pickup_time == refused.offer_after
    assert late.status == "assigned" and late.pickup_time == refused.offer_after
    assert group.planned_pickup == at(10)
    assert_day_valid(session)


def test_cancelling_a_ride_shortens_its_run(session: Session, one_minibus: None) -> None:
    first = book(session, "13905981005", origin="嵩口镇", destination="清流县城", pickup_time=at(8))
    second = book(session, "13905981006", origin="溪源村", destination="清流县城", pickup_time=at(7, 45))
    for booking in (first, second):
        assert dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW).placed
    run = session.scalars(select(DispatchRun).where(DispatchRun.status == "planned")).one()
    assert len(run.stops) == 4
    first_pickup = run.stops[0].planned_time
    dispatch_plans.cancel_ride(session, booking_id=second.id, now=NOW)
    assert second.status == "cancelled"
    session.refresh(run)
    assert [s.booking_id for s in run.stops] == [first.id, first.id]
    assert run.stops[0].planned_time == first.planned_pickup
    assert run.stops[0].planned_time >= first_pickup and [s.seq for s in run.stops] == [1, 2]
    dispatch_plans.cancel_ride(session, booking_id=first.id, now=NOW)
    assert session.scalars(select(DispatchStop)).all() == []


def stops_of(session: Session, booking: Booking) -> list[DispatchStop]:
    session.flush()
    stmt = select(DispatchStop).where(DispatchStop.booking_id == booking.id).order_by(DispatchStop.seq)
    return list(session.scalars(stmt))


def test_cancelling_a_pooled_ride_brings_the_others_drop_off_forward(
    session: Session, one_minibus: None
) -> None:
    first = book(session, "13905981030", origin="嵩口镇", destination="清流县城", pickup_time=at(8))
    detour = book(session, "13905981031", origin="溪源村", destination="清流县城", pickup_time=at(7, 45))
    for booking in (first, detour):
        assert dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW).placed
    arrival = stops_of(session, first)[-1].planned_time
    dispatch_plans.cancel_ride(session, booking_id=detour.id, reason="不去了", now=NOW)
    assert (detour.status, detour.planned_pickup, detour.vehicle_id) == ("cancelled", None, None)
    assert stops_of(session, detour) == []
    assert stops_of(session, first)[-1].planned_time < arrival  # no detour via 溪源村 any more
    assert_day_valid(session)


def test_changing_a_ride_places_it_again_and_shortens_its_old_run(
    session: Session, one_minibus: None
) -> None:
    first = book(session, "13905981032", origin="嵩口镇", destination="清流县城", pickup_time=at(8))
    moved = book(session, "13905981033", origin="溪源村", destination="清流县城", pickup_time=at(7, 45))
    for booking in (first, moved):
        assert dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW).placed
    arrival = stops_of(session, first)[-1].planned_time
    later = at(14) + timedelta(days=1)  # to Sunday: Saturday's run is only re-timed
    changed = dispatch_plans.change_ride(
        session, booking_id=moved.id, citizen_id=moved.citizen_id, pickup_time=later, passengers=2, now=NOW
    )
    assert changed is moved and (moved.status, moved.pickup_time, moved.passengers) == ("assigned", later, 2)
    assert moved.planned_pickup is not None and later <= moved.planned_pickup <= later + timedelta(minutes=25)
    assert moved.vehicle is not None and moved.driver is not None
    pickup = stops_of(session, moved)[0]
    assert (pickup.place, pickup.planned_time) == ("溪源村", moved.planned_pickup)
    assert stops_of(session, first)[-1].planned_time < arrival
    assert_day_valid(session)


def test_a_change_that_cannot_be_placed_is_undone_with_the_offers(
    session: Session, one_minibus: None
) -> None:
    group = book(session, "13905981034", passengers=9, pickup_time=at(10))
    alone = book(session, "13905981035", pickup_time=at(8))
    for booking in (group, alone):
        assert dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW).placed
    told = alone.planned_pickup
    before = written(session)
    with pytest.raises(CapacityExceeded, match="10:00的车都排满了，可以改到") as refusal:
        dispatch_plans.change_ride(session, booking_id=alone.id, pickup_time=at(10), now=NOW)
    assert refusal.value.details["field"] == "time" and refusal.value.details["offers"]
    session.expire_all()
    assert written(session) == before
    assert (alone.status, alone.pickup_time, alone.planned_pickup) == ("assigned", at(8), told)


def test_seats_change_without_a_run_and_a_waiting_ride_is_placed_when_changed(session: Session) -> None:
    seat = book(session, "13905981036", kind="seat", pickup_time=at(9, 30))
    waiting = book(session, "13905981037", pickup_time=at(8))  # booked by an operator, not placed yet
    before = written(session)
    with pytest.raises(NotFound):
        dispatch_plans.change_ride(session, booking_id=waiting.id, citizen_id=seat.citizen_id, passengers=2)
    assert written(session) == before
    dispatch_plans.change_ride(session, booking_id=seat.id, passengers=2, now=NOW)
    dispatch_plans.change_ride(session, booking_id=waiting.id, pickup_time=at(9), now=NOW)
    assert (seat.kind, seat.status, seat.passengers) == ("seat", "confirmed", 2)
    # a demand ride still waiting for a vehicle does not stay `requested` after a change
    assert (waiting.status, waiting.pickup_time) == ("assigned", at(9)) and waiting.vehicle_id is not None
    assert waiting.planned_pickup is not None and at(9) <= waiting.planned_pickup <= at(9, 25)
    dispatch_plans.cancel_ride(session, booking_id=seat.id, now=NOW)
    assert seat.status == "cancelled"
    assert session.scalar(select(func.count()).select_from(DispatchRun)) == 1  # the waiting ride's run


def test_replanning_the_day_assigns_everyone_and_keeps_told_times(session: Session) -> None:
    told = book(session, "13905981007", origin="灵地村", destination="清流县医院", pickup_time=at(7, 30))
    assert dispatch_plans.dispatch_booking(session, booking_id=told.id, now=NOW).placed
    promised = told.planned_pickup
    waiting = [
        book(session, f"1390598101{n}", origin=o, destination=d, pickup_time=at(h, m), passengers=p)
        for n, (o, d, h, m, p) in enumerate(
            [
                ("嵩口镇", "清流县城", 7, 0, 2),
                ("长校村", "清流县汽车站", 7, 40, 1),
                ("清流县医院", "灵地村", 15, 30, 3),
            ]
        )
    ]
    result = dispatch_plans.plan_day(
        session, day=TOMORROW.date(), time_limit_s=1.0, created_by="调度员", now=NOW
    )
    assert result.unserved == [] or all(job.startswith("SP") for job in result.unserved)
    assert all(b.status == "assigned" for b in waiting)
    assert abs((told.planned_pickup - promised).total_seconds()) <= 10 * 60
    assert {r.created_by for r in result.runs} == {"调度员"}
    assert_day_valid(session)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        ({"origin": "火星村"}, UnknownPlace, "火星村"),
        ({"passengers": 0}, InvalidInput, "至少是1人"),
        ({"passengers": 50}, CapacityExceeded, "坐不下50人"),
        ({"pickup_time": NOW - timedelta(hours=2)}, InvalidInput, "过去"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    session: Session, call: dict[str, Any], error: type[Exception], words: str
) -> None:
    book(session, "13905981020")
    before = written(session)
    args: dict[str, Any] = {
        "origin": "嵩口镇",
        "destination": "清流县城",
        "pickup_time": at(9),
        "passengers": 1,
    }
    with pytest.raises(error, match=words):
        dispatch_plans.ride_offers(session, now=NOW, **{**args, **call})
    assert written(session) == before


def test_a_booking_whose_window_has_passed_is_refused(session: Session) -> None:
    booking = book(session, "13905981021", pickup_time=NOW + timedelta(hours=1))
    before = written(session)
    with pytest.raises(InvalidInput, match="已经过去了"):
        dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW + timedelta(hours=2))
    assert written(session) == before
    rides.cancel_booking(session, booking_id=booking.id, now=NOW)
    with pytest.raises(IllegalTransition, match="取消"):
        dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)


def test_an_arrive_by_ride_is_dropped_off_in_time_and_its_run_sheet_says_so(session: Session) -> None:
    travel = travel_for(session)
    direct = travel.minutes("嵩口镇", "清流县城")
    late = book(session, "13905981041", pickup_time=at(8), arrive_by=at(8, 0) + timedelta(minutes=direct - 1))
    assert not dispatch_plans.dispatch_booking(session, booking_id=late.id, now=NOW).placed  # cannot make it
    deadline = at(8) + timedelta(minutes=direct + 3)
    rider = book(session, "13905981042", pickup_time=at(8), arrive_by=deadline)
    assert dispatch_plans.dispatch_booking(session, booking_id=rider.id, now=NOW).placed
    drop = session.scalars(
        select(DispatchStop).where(DispatchStop.booking_id == rider.id, DispatchStop.action == "dropoff")
    ).one()
    assert drop.planned_time <= deadline
    [sheet] = [
        s
        for s in dispatch_sheets.day_board(session, day=TOMORROW.date()).runs
        if any(stop.booking_id == rider.id for stop in s.stops)
    ]
    [stop] = [s for s in sheet.stops if s.booking_id == rider.id and s.action == "dropoff"]
    assert stop.arrive_by == deadline
    assert all(s.arrive_by is None for s in sheet.stops if s.action == "pickup")
    assert_day_valid(session)


def test_a_replan_after_a_vehicle_leaves_service_moves_its_riders_and_cancels_its_run(
    session: Session,
) -> None:
    booking = book(session, "13905981043", origin="溪源村", destination="清流县医院")
    assert dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW).placed
    old = session.scalars(select(DispatchRun).where(DispatchRun.vehicle_id == booking.vehicle_id)).one()
    session.execute(update(Vehicle).where(Vehicle.id == booking.vehicle_id).values(status="maintenance"))
    dispatch_plans.plan_day(session, day=TOMORROW.date(), now=NOW)
    session.refresh(booking)
    session.refresh(old)
    assert booking.status == "assigned" and booking.vehicle_id != old.vehicle_id
    assert old.status == "cancelled" and old.stops == []  # the rider is not on two run sheets
    stops = session.scalars(select(DispatchStop).where(DispatchStop.booking_id == booking.id)).all()
    assert len(stops) == 2
    assert_day_valid(session)
