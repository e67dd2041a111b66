"""派车通知 from dispatch on the pilot database: a rider placed live, planned in a window
or by a whole-day plan hears their vehicle, driver and pick-up time once; a re-plan that
changes nothing sends nothing; a changed pick-up is told as a change; the booking dialog's
own confirmation is not doubled."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.dispatch.config import DispatchConfig
from backend.dispatch.store import load_day, save_day, travel_for
from backend.localtime import to_local
from backend.models import Booking, ChannelIdentity
from backend.models.outbound import OutboundMessage
from backend.services.citizens import identities as citizens
from backend.services.dispatch import plans as dispatch_plans
from backend.services.dispatch import windows as dispatch
from backend.services.notices.outbox import NoticePolicy, configure_notices, notice_policy
from backend.services.rides import assignment_notices
from backend.services.rides import bookings as rides
from tests.conftest import NOW

TOMORROW = NOW + timedelta(days=1)


def at(hour: int, minute: int = 0) -> datetime:
    return TOMORROW.replace(hour=hour, minute=minute)


def book(session: Session, mobile: str, **overrides: Any) -> Booking:
    person = citizens.citizen_for_mobile(session, mobile=mobile, name="村民")
    args: dict[str, Any] = {
        "origin": "溪源村",
        "destination": "清流县医院",
        "pickup_time": at(8),
        "passengers": 1,
    }
    args.update(overrides)
    return rides.book_ride(session, citizen_id=person.id, kind="demand", now=NOW, **args)


def assigned_notices(session: Session, booking: Booking | None = None) -> list[OutboundMessage]:
    session.flush()
    stmt = select(OutboundMessage).where(OutboundMessage.kind == "vehicle_assigned")
    if booking is not None:
        stmt = stmt.where(OutboundMessage.event_key.startswith(f"vehicle_assigned:{booking.id}:"))
    return list(session.scalars(stmt.order_by(OutboundMessage.id)))


def key_of(booking: Booking) -> str:
    assert booking.planned_pickup is not None
    moment = f"{to_local(booking.planned_pickup):%Y%m%d%H%M}"
    return f"vehicle_assigned:{booking.id}:{booking.vehicle_id}:{booking.driver_id}:{moment}"


def test_a_ride_placed_live_is_told_its_vehicle_once(session: Session) -> None:
    booking = book(session, "13905982001")
    placement = dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    [notice] = assigned_notices(session, booking)
    assert (notice.channel, notice.to, notice.citizen_id) == ("sms", "13905982001", booking.citizen_id)
    assert notice.event_key == key_of(booking)
    assert f"车牌{placement.vehicle_plate}" in notice.body
    assert f"司机{placement.driver_name}，电话{placement.driver_phone}" in notice.body
    assert f"约11月21日{to_local(placement.pickup_time):%H:%M}到溪源村接您" in notice.body  # type: ignore[arg-type]
    assert notice.body.startswith(f"【村通】单号{booking.id}，已派车")
    dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)  # placing it twice
    assert assigned_notices(session, booking) == [notice]


def test_the_booking_dialog_tells_its_own_rider(session: Session) -> None:
    booking = book(session, "13905982002")
    assert dispatch_plans.confirm_ride(session, booking_id=booking.id, now=NOW).placed
    assert assigned_notices(session, booking) == []  # the dialog's reply named the vehicle


def test_wechat_riders_get_the_rich_text_on_wechat(session: Session) -> None:
    booking = book(session, "13905982003")
    session.add(ChannelIdentity(citizen_id=booking.citizen_id, channel="wechat", external_id="oXiyuan03"))
    saved = notice_policy()
    configure_notices(NoticePolicy(wechat_enabled=True))
    try:
        dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    finally:
        configure_notices(saved)
    [notice] = assigned_notices(session, booking)
    assert (notice.channel, notice.to) == ("wechat", "oXiyuan03")
    assert notice.body.splitlines()[0] == "已为您派车" and "请提前到路边等候" in notice.body


def test_a_window_dispatch_tells_every_rider_and_a_replan_that_changes_nothing_is_silent(
    session: Session,
) -> None:
    ten = NOW.replace(hour=10)
    riders = [
        book(session, "13905982004", origin="邓家村", destination="清流县城", pickup_time=ten),
        book(
            session,
            "13905982005",
            origin="灵地村",
            destination="清流县城",
            pickup_time=ten + timedelta(minutes=5),
        ),
    ]
    result = dispatch.dispatch_window(session, start=NOW, end=NOW + timedelta(hours=12), now=NOW)
    assert result.unassigned == []
    notices = assigned_notices(session)
    assert [n.event_key for n in notices] == [key_of(b) for b in riders]
    assert [n.to for n in notices] == ["13905982004", "13905982005"]
    # write the day's current plan again: nobody's placement changes, nobody hears anything
    config, travel = DispatchConfig(), travel_for(session)
    current = load_day(session, day=NOW.date(), config=config, travel=travel)
    save_day(session, current, current.problem, current.plan, now=NOW)
    assert assigned_notices(session) == notices


def test_a_whole_day_plan_tells_each_rider_their_current_placement(session: Session) -> None:
    riders = [
        book(session, "13905982006", pickup_time=at(8)),
        book(session, "13905982007", origin="嵩口镇", destination="清流县城", pickup_time=at(8, 10)),
        book(session, "13905982008", origin="灵地村", destination="清流县城", pickup_time=at(9)),
    ]
    dispatch_plans.plan_day(session, day=TOMORROW.date(), time_limit_s=2, now=NOW)
    for rider in riders:
        assert rider.status == "assigned"
        assert assigned_notices(session, rider)[-1].event_key == key_of(rider)
    first = {r.id: key_of(r) for r in riders}
    dispatch_plans.plan_day(session, day=TOMORROW.date(), time_limit_s=2, now=NOW)
    for rider in riders:  # a second plan tells only the riders it moved, each once more
        keys = [n.event_key for n in assigned_notices(session, rider)]
        assert keys == (
            [first[rider.id]] if key_of(rider) == first[rider.id] else [first[rider.id], key_of(rider)]
        )


def test_a_changed_pick_up_is_told_as_a_change(session: Session) -> None:
    booking = book(session, "13905982009")
    dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    before = assignment_notices.snapshot([booking])
    assert booking.planned_pickup is not None
    booking.planned_pickup += timedelta(minutes=10)
    session.flush()
    [change] = assignment_notices.tell_assignments(session, before=before, bookings=[booking], now=NOW)
    assert change.body.startswith(f"【村通】单号{booking.id}，派车有变动")
    assert f"{to_local(booking.planned_pickup):%H:%M}到溪源村接您" in change.body
    assert len(assigned_notices(session, booking)) == 2
    # the same change asked for twice is the same event
    assert assignment_notices.tell_assignments(session, before=before, bookings=[booking], now=NOW) == [
        change
    ]
    assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 2


def test_riders_put_back_or_cancelled_hear_nothing_here(session: Session) -> None:
    booking = book(session, "13905982010")
    before = assignment_notices.snapshot([booking])
    assert assignment_notices.tell_assignments(session, before=before, bookings=[booking], now=NOW) == []
    dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    dispatch_plans.cancel_ride(session, booking_id=booking.id, now=NOW)
    assert len(assigned_notices(session, booking)) == 1
