"""车辆即将到达 from vehicle positions on the pilot network: the 09:25 1路 trip from 溪源村
(嵩口村 09:31, 嵩口镇 09:34, 沙芜乡 09:56) tells a seat holder and the arrival subscribers
at 嵩口镇 when it is minutes away, once, and not those further along or on another line;
a demand-responsive vehicle tells the rider whose pick-up it nears."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Booking, Citizen, Driver, Place, Stop, Subscription, Vehicle, VehiclePosition
from backend.models.outbound import OutboundMessage
from backend.services.bus.arrival_watch import watch_position
from backend.services.notices import subscriptions
from tests.conftest import NOW

TRIP = "L01-DAILY-1-0925"


def villager(session: Session, mobile: str, *, opted_out: bool = False) -> Citizen:
    person = Citizen(name="村民", mobile=mobile, sms_opt_out=opted_out)
    session.add(person)
    session.flush()
    return person


def vehicle(session: Session, plate: str) -> Vehicle:
    found = session.scalars(select(Vehicle).where(Vehicle.plate == plate)).one()
    return found


def position_at(
    session: Session, plate: str, stop_id: str, when: datetime, trip: str | None = TRIP
) -> VehiclePosition:
    stop = session.get(Stop, stop_id)
    assert stop is not None
    fix = VehiclePosition(
        vehicle_id=vehicle(session, plate).id, trip_id=trip, lat=stop.lat, lon=stop.lon, recorded_at=when
    )
    session.add(fix)
    session.flush()
    return fix


def seat_on_trip(session: Session, person: Citizen, booking_id: str) -> Booking:
    ride = Booking(
        id=booking_id,
        citizen_id=person.id,
        kind="seat",
        status="confirmed",
        origin="嵩口镇",
        destination="清流县城",
        pickup_time=NOW.replace(hour=9, minute=34),
        passengers=1,
        trip_id=TRIP,
        route_id="L01",
        board_stop_id="songkou",
        service_date=NOW.date(),
        details={},
    )
    session.add(ride)
    session.flush()
    return ride


def approaching(session: Session) -> list[OutboundMessage]:
    session.flush()
    stmt = select(OutboundMessage).where(OutboundMessage.kind == "vehicle_approaching")
    return list(session.scalars(stmt.order_by(OutboundMessage.id)))


def test_a_bus_minutes_away_tells_the_seat_holder_and_the_subscribers_once(session: Session) -> None:
    rider = villager(session, "13905983001")
    booking = seat_on_trip(session, rider, "B202611200901")
    waiting = villager(session, "13905983002")
    any_line = subscriptions.subscribe(session, citizen_id=waiting.id, kind="arrival", place="嵩口")
    both = subscriptions.subscribe(session, citizen_id=rider.id, kind="arrival", place="嵩口镇", route="1路")
    further = villager(session, "13905983003")
    subscriptions.subscribe(session, citizen_id=further.id, kind="arrival", place="沙芜乡", route="1路")
    other_line = villager(session, "13905983004")
    subscriptions.subscribe(session, citizen_id=other_line.id, kind="arrival", place="嵩口镇", route="13路")

    told = watch_position(
        session,
        position=position_at(session, "闽GX0483", "xiyuan", NOW.replace(minute=20)),
        now=NOW.replace(minute=20),
    )
    assert [(n.to, n.channel) for n in told] == [("13905983001", "sms"), ("13905983002", "sms")]
    seat, reminder = told
    assert seat.event_key == f"vehicle_approaching:{booking.id}"
    assert seat.body == "【村通】您预约的车（闽GX0483）约8分钟后到嵩口镇，请准备上车。"
    assert reminder.event_key == f"arrival:{any_line.id}:{TRIP}:2026-11-20"
    assert reminder.body == "【村通】1路约8分钟后到嵩口镇，请准备上车。"
    assert reminder.send_after is None  # about a ride happening now: no quiet hours
    assert both.citizen_id == rider.id  # a rider who also subscribed hears it once

    # the bus moves on to 嵩口村: still one notice each, and 沙芜乡 is still 20 minutes off
    later = watch_position(
        session,
        position=position_at(session, "闽GX0483", "songkou_cun", NOW.replace(minute=31)),
        now=NOW.replace(minute=31),
    )
    assert sorted(n.id for n in later) == sorted(n.id for n in told)
    assert approaching(session) == told


def test_a_bus_still_far_away_or_a_stale_position_tells_nobody(session: Session) -> None:
    person = villager(session, "13905983005")
    subscriptions.subscribe(session, citizen_id=person.id, kind="arrival", place="沙芜乡")
    fix = position_at(session, "闽GX0483", "xiyuan", NOW.replace(minute=20))
    assert watch_position(session, position=fix, now=NOW.replace(minute=20)) == []  # 29 minutes away
    demand_ride(session, person, "B202611200905", "溪源村", NOW.replace(minute=38))
    stale = position_at(session, "闽GZ1021", "xiyuan", NOW.replace(minute=20), trip=None)
    assert watch_position(session, position=stale, now=NOW.replace(minute=35)) == []  # reported 15 min ago
    assert approaching(session) == []
    assert len(watch_position(session, position=stale, now=NOW.replace(minute=29))) == 1  # while still fresh


def demand_ride(
    session: Session, person: Citizen, booking_id: str, origin: str, planned: datetime
) -> Booking:
    minibus = vehicle(session, "闽GZ1021")
    driver = session.scalars(select(Driver).where(Driver.vehicle_id == minibus.id)).one()
    ride = Booking(
        id=booking_id, citizen_id=person.id, kind="demand", status="assigned", origin=origin,
        destination="清流县城", pickup_time=planned, passengers=1, vehicle_id=minibus.id, driver_id=driver.id,
        planned_pickup=planned, details={},
    )  # fmt: skip
    session.add(ride)
    session.flush()
    return ride


def test_a_demand_vehicle_tells_the_rider_whose_pick_up_it_nears(session: Session) -> None:
    demand_ride(session, villager(session, "13905983006"), "B202611200902", "溪源村", NOW.replace(minute=30))
    demand_ride(session, villager(session, "13905983007"), "B202611200903", "嵩口镇", NOW.replace(minute=50))
    xiyuan = session.scalars(select(Place).where(Place.name == "溪源村")).one()
    fix = VehiclePosition(
        vehicle_id=vehicle(session, "闽GZ1021").id,
        lat=xiyuan.lat,
        lon=xiyuan.lon,
        recorded_at=NOW.replace(minute=24),
    )
    session.add(fix)
    session.flush()
    [told] = watch_position(session, position=fix, now=NOW.replace(minute=24))
    assert (told.to, told.event_key) == ("13905983006", "vehicle_approaching:B202611200902")
    assert (
        told.body == "【村通】您预约的车（闽GZ1021）约6分钟后到溪源村，请准备上车。"
    )  # it waits for the planned 09:30
    assert watch_position(session, position=fix, now=NOW.replace(minute=25)) == [told]
    assert approaching(session) == [told]  # 嵩口镇 at 09:50 is not yet near


def test_an_opted_out_rider_is_written_down_but_not_sent(session: Session) -> None:
    rider = villager(session, "13905983008", opted_out=True)
    seat_on_trip(session, rider, "B202611200904")
    [kept] = watch_position(
        session,
        position=position_at(session, "闽GX0483", "songkou_cun", NOW.replace(minute=31)),
        now=NOW.replace(minute=31),
    )
    assert (kept.status, kept.channel, kept.to) == ("suppressed", "sms", "13905983008")
    assert kept.body == "【村通】您预约的车（闽GX0483）约1分钟后到嵩口镇，请准备上车。"


def test_subscriptions_switched_off_are_not_told(session: Session) -> None:
    person = villager(session, "13905983009")
    subscriptions.subscribe(session, citizen_id=person.id, kind="arrival", place="嵩口镇")
    subscriptions.unsubscribe(session, citizen_id=person.id, kind="arrival")
    assert (
        session.scalars(select(Subscription).where(Subscription.citizen_id == person.id)).one().active
        is False
    )
    fix = position_at(session, "闽GX0483", "xiyuan", NOW.replace(minute=20))
    assert watch_position(session, position=fix, now=NOW.replace(minute=20)) == []
