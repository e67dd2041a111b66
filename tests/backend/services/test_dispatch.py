from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.localtime import to_local
from backend.models import Booking, DispatchRun, DispatchStop, Driver, Vehicle
from backend.services.citizens import identities as citizens
from backend.services.dispatch import windows as dispatch
from backend.services.dispatch.plan import PICKUP_WINDOW
from backend.services.rides import bookings as rides
from backend.services.rides import charters
from tests.conftest import NOW

TEN = NOW.replace(hour=10)
WINDOW = {"start": NOW, "end": NOW + timedelta(hours=12), "now": NOW}


def ride(
    session: Session, n: int, origin: str, destination: str, at: datetime, passengers: int = 1
) -> Booking:
    citizen = citizens.citizen_for_mobile(session, mobile=f"1390598{5000 + n:04d}")
    return rides.book_ride(
        session,
        citizen_id=citizen.id,
        origin=origin,
        destination=destination,
        pickup_time=at,
        passengers=passengers,
        kind="demand",
        now=NOW,
    )


def runs_written(session: Session) -> tuple[int, int]:
    session.flush()
    return (
        session.scalar(select(func.count()).select_from(DispatchRun)) or 0,
        session.scalar(select(func.count()).select_from(DispatchStop)) or 0,
    )


def assert_sound(session: Session, result: dispatch.DispatchResult) -> None:
    """Seats never exceeded, loads consistent, windows kept, nobody double-booked."""
    spans: dict[tuple[str, int], list[tuple[datetime, datetime]]] = {}
    for run in result.runs:
        load = 0
        picked: set[str | None] = set()
        times = [s.planned_time for s in run.stops]
        assert times == sorted(times)
        for stop in run.stops:
            booking = session.get(Booking, stop.booking_id)
            assert booking is not None and booking.status == "assigned"
            assert (booking.vehicle_id, booking.driver_id) == (run.vehicle_id, run.driver_id)
            load += booking.passengers if stop.action == "pickup" else -booking.passengers
            assert stop.load == load and 0 <= load <= run.vehicle.seats
            if stop.action == "pickup" and stop.booking_id not in picked:  # a charter's return is later
                assert abs(stop.planned_time - booking.pickup_time) <= PICKUP_WINDOW
                assert booking.planned_pickup == stop.planned_time
                picked.add(stop.booking_id)
        assert load == 0
        for key in (("vehicle", run.vehicle_id), ("driver", run.driver_id or 0)):
            for start, end in spans.get(key, []):
                assert times[-1] <= start or times[0] >= end, f"{key} double-booked"
            spans.setdefault(key, []).append((times[0], times[-1]))
    for booking in result.unassigned:
        assert booking.status == "requested" and booking.vehicle_id is None and booking.id in result.reasons


def test_two_rides_the_same_way_share_one_small_vehicle(session: Session) -> None:
    a = ride(session, 1, "邓家村", "清流县城", TEN)
    b = ride(session, 2, "灵地村", "清流县城", TEN + timedelta(minutes=5), passengers=2)
    result = dispatch.dispatch_window(session, created_by="调度员小王", **WINDOW)
    assert_sound(session, result)
    assert len(result.runs) == 1 and result.unassigned == []
    run = result.runs[0]
    assert run.vehicle.kind == "minibus" and run.vehicle.seats == 9 and run.created_by == "调度员小王"
    assert [(s.action, s.place) for s in run.stops] == [
        ("pickup", "邓家村"),
        ("pickup", "灵地村"),
        ("dropoff", "清流县城"),
        ("dropoff", "清流县城"),
    ]
    assert [s.load for s in run.stops][:2] == [1, 3] and run.stops[-1].load == 0
    assert a.planned_pickup == TEN and b.status == "assigned"
    assert run.service_date == NOW.date()
    assert dispatch.runs_for_day(session, day=NOW.date()) == [run]


def test_groups_larger_than_the_free_seats_are_not_squeezed_in(session: Session) -> None:
    for n in range(3):
        ride(session, 10 + n, "嵩口镇", "清流县城", TEN, passengers=5)
    result = dispatch.dispatch_window(session, **WINDOW)
    assert_sound(session, result)
    assert result.unassigned == []
    assert sum(len(r.stops) for r in result.runs) == 6


def test_a_busy_morning_stays_sound(session: Session) -> None:
    trips = [
        ("邓家村", "清流县城"),
        ("灵地村", "清流县医院"),
        ("嵩口村", "清流县城"),
        ("溪源村", "清流县汽车站"),
        ("黄石坑村", "清流县城"),
        ("嵩溪村", "清流县医院"),
        ("江坊村", "清流县城"),
        ("姚坊村", "长校镇"),
        ("新坊村", "清流县医院"),
        ("余朋村", "清流县城"),
        ("田源村", "清流县城"),
        ("林畲村", "嵩溪镇"),
        ("清流县城", "邓家村"),
        ("清流县医院", "嵩口村"),
        ("沙芜村", "清流县城"),
        ("里田村", "灵地镇"),
    ]
    for n, (origin, destination) in enumerate(trips):
        ride(session, 20 + n, origin, destination, TEN + timedelta(minutes=7 * (n % 5)), passengers=1 + n % 4)
    result = dispatch.dispatch_window(session, **WINDOW)
    assert_sound(session, result)
    assert len(result.unassigned) == 0
    assert len(result.runs) < len(trips)  # some pooling happened


def test_requests_outside_every_shift_stay_requested(session: Session) -> None:
    night = ride(session, 40, "邓家村", "清流县城", NOW.replace(hour=23, minute=30))
    before = runs_written(session)
    result = dispatch.dispatch_window(session, start=NOW, end=NOW + timedelta(hours=16), now=NOW)
    assert result.runs == [] and result.unassigned == [night]
    assert result.reasons[night.id] == "这个时段没有空闲的车辆和司机"
    assert night.status == "requested" and runs_written(session) == before


def test_requests_already_past_are_reported_not_planned(session: Session) -> None:
    soon = ride(session, 41, "邓家村", "清流县城", NOW + timedelta(minutes=30))
    result = dispatch.dispatch_window(
        session, start=NOW, end=NOW + timedelta(hours=2), now=NOW + timedelta(hours=1)
    )
    assert result.unassigned == [soon] and result.reasons[soon.id] == "出发时间已经过了"


def test_a_planned_run_blocks_its_vehicle_and_driver(session: Session) -> None:
    first = ride(session, 42, "邓家村", "清流县城", TEN)
    dispatch.dispatch_window(session, **WINDOW)
    vehicle_id = first.vehicle_id
    session.execute(update(Vehicle).where(Vehicle.id != vehicle_id).values(status="maintenance"))
    clash = ride(session, 43, "嵩口镇", "清流县城", TEN + timedelta(minutes=10))
    later = ride(session, 44, "嵩口镇", "清流县城", TEN + timedelta(hours=4))
    result = dispatch.dispatch_window(session, **WINDOW)
    assert_sound(session, result)
    assert result.unassigned == [clash] and later.vehicle_id == vehicle_id


def test_drivers_shift_limits_the_vehicle(session: Session) -> None:
    session.execute(update(Vehicle).values(status="maintenance"))
    small = session.scalars(select(Vehicle).where(Vehicle.plate == "闽GD58397")).one()
    small.status = "in_service"
    session.execute(
        update(Driver).where(Driver.vehicle_id == small.id).values(shift_start="12:00", shift_end="20:00")
    )
    morning = ride(session, 45, "灵地村", "清流县城", TEN)
    afternoon = ride(session, 46, "灵地村", "清流县城", TEN + timedelta(hours=4))
    result = dispatch.dispatch_window(session, **WINDOW)
    assert result.unassigned == [morning] and afternoon.vehicle_id == small.id


def test_charter_gets_a_vehicle_of_its_own(session: Session) -> None:
    organiser = citizens.citizen_for_mobile(session, mobile="13905985900")
    charter = charters.book_charter(
        session,
        citizen_id=organiser.id,
        origin="嵩口镇",
        destination="清流县城",
        pickup_time=TEN,
        passengers=6,
        vehicle_kind="minibus",
        return_time=TEN + timedelta(hours=3),
        now=NOW,
    )
    rider = ride(session, 47, "嵩口镇", "清流县城", TEN)
    result = dispatch.dispatch_window(session, **WINDOW)
    assert_sound(session, result)
    charter_run = next(r for r in result.runs if any(s.booking_id == charter.id for s in r.stops))
    assert {s.booking_id for s in charter_run.stops} == {charter.id}
    assert [s.action for s in charter_run.stops] == ["pickup", "dropoff", "pickup", "dropoff"]
    assert (
        charter_run.stops[2].planned_time == TEN + timedelta(hours=3)
        and charter_run.stops[3].place == "嵩口镇"
    )
    assert charter.vehicle_id != rider.vehicle_id and charter.planned_pickup == TEN


def test_cancelling_one_of_a_shared_run_renumbers_the_rest(session: Session) -> None:
    a = ride(session, 48, "邓家村", "清流县城", TEN)
    b = ride(session, 49, "灵地村", "清流县城", TEN + timedelta(minutes=5), passengers=2)
    run = dispatch.dispatch_window(session, **WINDOW).runs[0]
    rides.cancel_booking(session, booking_id=a.id, now=NOW)
    session.refresh(run)
    assert [(s.seq, s.booking_id, s.load) for s in run.stops] == [(1, b.id, 2), (2, b.id, 0)]
    assert run.status == "planned" and a.vehicle_id is None and a.status == "cancelled"
    rides.cancel_booking(session, booking_id=b.id, now=NOW)
    session.refresh(run)
    assert run.status == "cancelled"
    assert dispatch.runs_for_day(session, day=NOW.date()) == []


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (TEN, TEN),
        (TEN, TEN - timedelta(hours=1)),
        (TEN, TEN + timedelta(days=3)),
        (TEN.replace(tzinfo=None), TEN),
    ],
)
def test_bad_windows_are_refused(session: Session, start: datetime, end: datetime) -> None:
    before = runs_written(session)
    with pytest.raises(InvalidInput):
        dispatch.dispatch_window(session, start=start, end=end, now=NOW)
    assert runs_written(session) == before


def test_planned_times_are_local_and_in_order(session: Session) -> None:
    ride(session, 50, "邓家村", "清流县城", TEN)
    run = dispatch.dispatch_window(session, **WINDOW).runs[0]
    assert [to_local(s.planned_time).strftime("%H:%M") for s in run.stops][0] == "10:00"
