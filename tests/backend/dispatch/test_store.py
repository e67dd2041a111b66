"""A service day read from the pilot database and a plan written back as DispatchRun /
DispatchStop rows, then read again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.dispatch.config import DispatchConfig
from backend.dispatch.insertion import greedy_plan
from backend.dispatch.store import load_day, save_day, travel_for
from backend.dispatch.validator import validate
from backend.models import Booking, DispatchRun
from backend.services.citizens import identities as citizens
from backend.services.rides import bookings as rides
from tests.conftest import NOW

TOMORROW = NOW.date() + timedelta(days=1)


def _book(
    session: Session, mobile: str, origin: str, destination: str, hour: int, minute: int, passengers: int
) -> Booking:
    person = citizens.citizen_for_mobile(session, mobile=mobile, name="村民")
    return rides.book_ride(
        session, citizen_id=person.id, origin=origin, destination=destination, kind="demand",
        pickup_time=(NOW + timedelta(days=1)).replace(hour=hour, minute=minute), passengers=passengers, now=NOW,
    )  # fmt: skip


def test_the_pilot_day_as_the_engine_sees_it(session: Session) -> None:
    config = DispatchConfig()
    travel = travel_for(session)
    booking = _book(session, "13905980011", "溪源村", "清流县医院", 7, 30, 2)
    day = load_day(session, day=TOMORROW, config=config, travel=travel)
    assert len(day.problem.vehicles) == 30
    minibus = day.problem.vehicles["闽GZ1021"]
    assert (minibus.seats, minibus.depot, minibus.shift_start, minibus.shift_end) == (9, "嵩口镇", 420, 1140)
    request = day.problem.requests[booking.id]
    assert (request.pickup, request.dropoff, request.earliest, request.latest, request.told) == (
        "溪源村", "清流县医院", 450, 475, None,
    )  # fmt: skip
    assert day.problem.consignments, "the seed has parcels in transit to village service points"
    for ref, consignment in day.problem.consignments.items():
        assert consignment.origin == "清流县城" and ref.endswith("-20261121")
        assert consignment.weight_kg == round(sum(p.weight_kg or 2.0 for p in day.parcels[ref]), 1)
    assert day.plan.runs == {} and set(day.plan.unserved) == set(day.problem.job_ids())


def test_a_saved_plan_reads_back_the_same_and_riders_count_as_told(session: Session) -> None:
    config = DispatchConfig()
    travel = travel_for(session)
    for n, (origin, destination, hour) in enumerate(
        [
            ("溪源村", "清流县医院", 7),
            ("嵩口镇", "清流县城", 7),
            ("灵地村", "清流县汽车站", 8),
            ("清流县城", "长校村", 16),
        ]
    ):
        _book(session, f"1390598002{n}", origin, destination, hour, 10, 1 + n % 3)
    day = load_day(session, day=TOMORROW, config=config, travel=travel)
    planned = greedy_plan(day.problem, travel, config)
    runs = save_day(session, day, day.problem, planned, created_by="测试", now=NOW)
    assert {r.vehicle.plate for r in runs} == set(planned.runs)
    for row in runs:
        assert [s.seq for s in row.stops] == list(range(1, len(row.stops) + 1))
        assert row.stops[-1].load == 0 and all(s.load >= 0 for s in row.stops)
        assert row.created_by == "测试" and row.driver is not None
    for booking_id in day.problem.requests:
        booking = session.get(Booking, booking_id)
        assert booking is not None and booking.status == "assigned" and booking.planned_pickup is not None
    again = load_day(session, day=TOMORROW, config=config, travel=travel)
    assert {v: [(s.action, s.job, s.place, s.time) for s in r.stops] for v, r in again.plan.runs.items()} == {
        v: [(s.action, s.job, s.place, s.time) for s in r.stops] for v, r in planned.runs.items()
    }
    assert all(r.told == planned.pickup_time(rid) for rid, r in again.problem.requests.items())
    assert validate(again.problem, again.plan, travel, config, ignore_unplanned=False) == []
    # a plan without a vehicle's run cancels that run's row
    plate = next(iter(planned.runs))
    emptier = planned.copy()
    jobs = emptier.runs.pop(plate).jobs()
    emptier.unserved += sorted(jobs)
    save_day(session, again, again.problem, emptier, vehicles={plate}, now=NOW)
    statuses = session.scalars(
        select(DispatchRun.status).join(DispatchRun.vehicle).where(DispatchRun.service_date == TOMORROW)
    ).all()
    assert "cancelled" in statuses
    for job in jobs:
        booking = session.get(Booking, job)
        if booking is not None:
            assert booking.status == "requested" and booking.planned_pickup is None
