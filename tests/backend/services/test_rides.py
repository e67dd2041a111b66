from __future__ import annotations

import random
import re
import threading
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from backend.db import make_session_factory
from backend.errors import DuplicateRequest, IllegalTransition, InvalidInput, NotFound, UnknownPlace
from backend.models import Booking, Citizen, DailyCounter, DispatchRun, DispatchStop
from backend.services.citizens import identities as citizens
from backend.services.dispatch import windows as dispatch
from backend.services.rides import bookings as rides
from tests.conftest import NOW


def snapshot(session: Session) -> tuple[int, ...]:
    """Everything a refused booking must leave untouched."""
    session.flush()
    return (
        session.scalar(select(func.count()).select_from(Booking)) or 0,
        session.scalar(select(func.coalesce(func.sum(DailyCounter.value), 0))) or 0,
        session.scalar(select(func.count()).select_from(DispatchRun)) or 0,
        session.scalar(select(func.count()).select_from(DispatchStop)) or 0,
    )


@pytest.fixture
def citizen(session: Session) -> Citizen:
    return citizens.citizen_for_mobile(session, mobile="13905980001", name="张大爷")


@pytest.fixture
def other(session: Session) -> Citizen:
    return citizens.citizen_for_mobile(session, mobile="13905980002", name="李阿姨")


def book(session: Session, citizen: Citizen, **overrides: Any) -> Booking:
    args: dict[str, Any] = {
        "origin": "嵩口",
        "destination": "县城",
        "pickup_time": NOW.replace(hour=12, minute=20),
        "passengers": 2,
        "now": NOW,
    }
    args.update(overrides)
    return rides.book_ride(session, citizen_id=citizen.id, **args)


def test_seat_on_the_scheduled_bus_near_the_wished_time(session: Session, citizen: Citizen) -> None:
    booking = book(session, citizen, channel="wechat")
    assert re.fullmatch(r"B20261120\d{4}", booking.id)
    assert (booking.kind, booking.status) == ("seat", "confirmed")
    assert (booking.origin, booking.destination) == ("嵩口镇", "清流县城")
    assert booking.trip_id == "L01-DAILY-1-1220" and booking.route_id == "L01"
    assert booking.pickup_time == NOW.replace(hour=12, minute=29)
    assert booking.board_stop_id == "songkou" and booking.service_date == NOW.date()
    assert booking.fare_total == Decimal("20.00")
    assert booking.contact_phone == "13905980001" and booking.channel == "wechat"
    assert rides.get_booking(session, booking.id.lower()) is booking


def test_no_bus_between_the_places_gives_a_demand_request(session: Session, citizen: Citizen) -> None:
    wished = NOW + timedelta(hours=3)
    booking = book(
        session,
        citizen,
        origin="邓家村",
        destination="嵩口村",
        pickup_time=wished,
        contact_phone="+86 150 0000 1234",
    )
    assert (booking.kind, booking.status) == ("demand", "requested")
    assert booking.pickup_time == wished and booking.trip_id is None
    assert booking.contact_phone == "15000001234"


def test_no_bus_near_the_time_gives_a_demand_request(session: Session, citizen: Citizen) -> None:
    late = NOW.replace(hour=21, minute=0)  # the last 1路 has gone
    assert book(session, citizen, pickup_time=late).kind == "demand"


def test_kind_demand_skips_the_bus_and_kind_seat_insists_on_one(session: Session, citizen: Citizen) -> None:
    assert book(session, citizen, kind="demand").kind == "demand"
    before = snapshot(session)
    with pytest.raises(InvalidInput, match="没有从邓家村到嵩口村的班车"):
        book(session, citizen, origin="邓家村", destination="嵩口村", kind="seat")
    with pytest.raises(InvalidInput, match="不支持的预约类型"):
        book(session, citizen, kind="bus")
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"origin": "火星村"}, UnknownPlace, "找不到地点"),
        ({"destination": "嵩口镇"}, InvalidInput, "出发地和目的地都是嵩口镇"),
        ({"pickup_time": NOW - timedelta(hours=1)}, InvalidInput, "已经过去了"),
        ({"pickup_time": NOW + timedelta(days=31)}, InvalidInput, "30天以内"),
        ({"pickup_time": datetime(2026, 11, 20, 12, 0)}, InvalidInput, "时区"),
        ({"passengers": 0}, InvalidInput, "至少是1人"),
        ({"passengers": -2}, InvalidInput, "至少是1人"),
        ({"passengers": 46}, InvalidInput, "最多预约45人"),
        ({"passengers": 20, "kind": "demand"}, InvalidInput, "包车"),
        ({"contact_phone": "110"}, InvalidInput, "手机号"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(
    session: Session, citizen: Citizen, overrides: dict[str, Any], error: type[Exception], message: str
) -> None:
    before = snapshot(session)
    with pytest.raises(error, match=message):
        book(session, citizen, **overrides)
    assert snapshot(session) == before


def test_unknown_citizen_is_refused(session: Session) -> None:
    before = snapshot(session)
    with pytest.raises(NotFound):
        rides.book_ride(
            session,
            citizen_id=424242,
            origin="嵩口",
            destination="县城",
            pickup_time=NOW + timedelta(hours=2),
            passengers=1,
            now=NOW,
        )
    assert snapshot(session) == before


def test_a_few_minutes_late_is_still_accepted(session: Session, citizen: Citizen) -> None:
    booking = book(
        session, citizen, origin="邓家村", destination="嵩口村", pickup_time=NOW - timedelta(minutes=3)
    )
    assert booking.status == "requested"


def test_same_trip_twice_is_a_duplicate(session: Session, citizen: Citizen, other: Citizen) -> None:
    first = book(session, citizen)
    before = snapshot(session)
    with pytest.raises(DuplicateRequest) as refused:
        book(session, citizen, pickup_time=NOW.replace(hour=12, minute=40), passengers=1)
    assert refused.value.details["booking_id"] == first.id
    assert first.id in refused.value.message
    assert snapshot(session) == before
    # another person, or the same person two hours later, is not a duplicate
    assert book(session, other).id != first.id
    assert book(session, citizen, pickup_time=NOW.replace(hour=14, minute=50)).id != first.id


def test_retried_message_returns_the_same_booking(session: Session, citizen: Citizen) -> None:
    first = book(session, citizen, request_key="wx-msg-6812345")
    before = snapshot(session)
    again = book(session, citizen, request_key="wx-msg-6812345")
    assert again.id == first.id
    assert snapshot(session) == before


def test_ids_count_up_within_the_day(session: Session, citizen: Citizen, other: Citizen) -> None:
    a = book(session, citizen)
    b = book(session, other)
    assert int(b.id[-4:]) == int(a.id[-4:]) + 1 and a.id[:9] == b.id[:9] == "B20261120"


def test_cancel_own_booking_once(session: Session, citizen: Citizen) -> None:
    booking = book(session, citizen)
    cancelled = rides.cancel_booking(
        session, booking_id=booking.id, citizen_id=citizen.id, reason="不去了", now=NOW
    )
    assert cancelled.status == "cancelled" and cancelled.cancelled_at == NOW
    assert cancelled.details["cancel_reason"] == "不去了"
    with pytest.raises(IllegalTransition, match="已经取消"):
        rides.cancel_booking(session, booking_id=booking.id, citizen_id=citizen.id, now=NOW)
    # a cancelled seat frees the duplicate check
    assert book(session, citizen).id != booking.id


def test_cannot_cancel_someone_elses_or_unknown_booking(
    session: Session, citizen: Citizen, other: Citizen
) -> None:
    booking = book(session, citizen)
    with pytest.raises(NotFound, match="您名下没有订单"):
        rides.cancel_booking(session, booking_id=booking.id, citizen_id=other.id, now=NOW)
    with pytest.raises(NotFound):
        rides.cancel_booking(session, booking_id="B202611209999", now=NOW)
    session.refresh(booking)
    assert booking.status == "confirmed"


def test_cannot_cancel_after_the_bus_left(session: Session, citizen: Citizen) -> None:
    booking = book(session, citizen)
    later = NOW.replace(hour=12, minute=35)
    with pytest.raises(IllegalTransition, match="已经出发"):
        rides.cancel_booking(session, booking_id=booking.id, now=later)
    session.refresh(booking)
    assert booking.status == "confirmed" and booking.cancelled_at is None


def test_change_time_moves_the_seat_to_the_matching_bus(session: Session, citizen: Citizen) -> None:
    booking = book(session, citizen)
    changed = rides.change_booking(
        session,
        booking_id=booking.id,
        citizen_id=citizen.id,
        pickup_time=NOW.replace(hour=13, minute=20),
        now=NOW,
    )
    assert changed.trip_id == "L01-DAILY-1-1320" and changed.pickup_time == NOW.replace(hour=13, minute=29)
    assert changed.details["changes"][0]["before"]["pickup_time"] == "2026-11-20T12:29:00+08:00"
    changed = rides.change_booking(session, booking_id=booking.id, passengers=3, now=NOW)
    assert changed.passengers == 3 and changed.fare_total == Decimal("30.00")


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({}, InvalidInput, "改成什么时间"),
        ({"passengers": 0}, InvalidInput, "至少是1人"),
        ({"pickup_time": NOW - timedelta(hours=2)}, InvalidInput, "已经过去了"),
        ({"pickup_time": NOW.replace(hour=22)}, InvalidInput, "没有从嵩口镇到清流县城的班车"),
    ],
)
def test_bad_changes_are_refused_and_write_nothing(
    session: Session, citizen: Citizen, changes: dict[str, Any], error: type[Exception], message: str
) -> None:
    booking = book(session, citizen)
    before = (booking.pickup_time, booking.passengers, booking.trip_id, snapshot(session))
    with pytest.raises(error, match=message):
        rides.change_booking(session, booking_id=booking.id, now=NOW, **changes)
    session.refresh(booking)
    assert (booking.pickup_time, booking.passengers, booking.trip_id, snapshot(session)) == before


def test_cancelled_or_someone_elses_booking_cannot_change(
    session: Session, citizen: Citizen, other: Citizen
) -> None:
    booking = book(session, citizen)
    with pytest.raises(NotFound):
        rides.change_booking(session, booking_id=booking.id, citizen_id=other.id, passengers=1, now=NOW)
    rides.cancel_booking(session, booking_id=booking.id, now=NOW)
    with pytest.raises(IllegalTransition, match="已经取消"):
        rides.change_booking(session, booking_id=booking.id, passengers=1, now=NOW)


def test_changing_a_dispatched_ride_sends_it_back_to_dispatch(session: Session, citizen: Citizen) -> None:
    booking = book(
        session, citizen, origin="邓家村", destination="嵩口村", pickup_time=NOW + timedelta(hours=3)
    )
    result = dispatch.dispatch_window(session, start=NOW, end=NOW + timedelta(hours=6), now=NOW)
    assert booking.status == "assigned" and result.runs
    run = result.runs[0]
    changed = rides.change_booking(session, booking_id=booking.id, passengers=3, now=NOW)
    assert (changed.status, changed.vehicle_id, changed.planned_pickup) == ("requested", None, None)
    session.refresh(run)
    assert run.status == "cancelled" and run.stops == []


def test_list_bookings_active_and_all(session: Session, citizen: Citizen) -> None:
    seat = book(session, citizen)
    ride = book(session, citizen, origin="邓家村", destination="嵩口村", pickup_time=NOW + timedelta(days=1))
    gone = book(
        session, citizen, origin="灵地村", destination="清流县医院", pickup_time=NOW + timedelta(hours=1)
    )
    rides.cancel_booking(session, booking_id=gone.id, now=NOW)
    assert [b.id for b in rides.list_bookings(session, citizen_id=citizen.id, now=NOW)] == [seat.id, ride.id]
    everything = rides.list_bookings(session, citizen_id=citizen.id, active_only=False, now=NOW)
    assert [b.id for b in everything] == [gone.id, seat.id, ride.id]
    assert rides.list_bookings(session, citizen_id=citizen.id, now=NOW + timedelta(days=2)) == []


def test_concurrent_bookings_get_distinct_ids(engine: Engine) -> None:
    """Eight writers at once, each in its own committed transaction (real concurrency).

    SQLite lets one writer in at a time (transactions open with BEGIN IMMEDIATE, so writers
    queue on the busy timeout); the retry loop below only guards against a refused writer,
    and the test demands that none was refused.
    """
    factory = make_session_factory(engine)
    day = datetime(2026, 12, 24, 8, 0, tzinfo=NOW.tzinfo)  # a day no other test books on
    with factory.begin() as s:
        ids = [citizens.citizen_for_mobile(s, mobile=f"1880000{n:04d}").id for n in range(8)]
    made: list[str] = []
    retries: list[int] = []
    failures: list[BaseException] = []
    start = threading.Barrier(len(ids))

    def worker(citizen_id: int) -> None:
        start.wait()
        for attempt in range(50):
            try:
                with factory.begin() as s:
                    booking = rides.book_ride(
                        s,
                        citizen_id=citizen_id,
                        origin="邓家村",
                        destination="嵩口村",
                        pickup_time=day + timedelta(hours=2),
                        passengers=1,
                        now=day,
                    )
                    booking_id = booking.id
                made.append(booking_id)
                retries.append(attempt)
                return
            except OperationalError as exc:
                if engine.dialect.name != "sqlite" or "locked" not in str(exc):
                    failures.append(exc)
                    return
                time.sleep(random.uniform(0.01, 0.05))
            except BaseException as exc:  # reported below
                failures.append(exc)
                return

    threads = [threading.Thread(target=worker, args=(cid,)) for cid in ids]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        assert sorted(made) == [f"B20261224{n:04d}" for n in range(1, 9)]
        assert sum(retries) == 0  # writers queue (row locks / BEGIN IMMEDIATE); nobody is refused
    finally:
        with factory.begin() as s:
            s.execute(delete(Booking).where(Booking.citizen_id.in_(ids)))
            s.execute(delete(Citizen).where(Citizen.id.in_(ids)))
            s.execute(delete(DailyCounter).where(DailyCounter.day == "20261224"))


def test_an_unserved_request_can_be_withdrawn_after_its_time(session: Session, citizen: Citizen) -> None:
    waiting = book(
        session, citizen, origin="邓家村", destination="嵩口村", pickup_time=NOW + timedelta(minutes=30)
    )
    later = NOW + timedelta(hours=2)
    with pytest.raises(IllegalTransition, match="出发时间已经过了"):
        rides.change_booking(session, booking_id=waiting.id, passengers=1, now=later)
    assert rides.cancel_booking(session, booking_id=waiting.id, now=later).status == "cancelled"
