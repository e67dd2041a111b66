"""Cancelling and changing a dispatched ride through the REST channel: the run it was on
is re-timed (the other rider arrives earlier without the detour), and a changed ride is
put on a run again, the answer naming the new pick-up time from the plan."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.localtime import to_local
from backend.models import Booking, DispatchStop, Vehicle
from tests.dialogs.conftest import Chat
from tests.utils.conversation import citizen_of


def only_the_songkou_minibus(session: Session) -> None:
    session.execute(update(Vehicle).where(Vehicle.plate != "闽GZ1021").values(status="maintenance"))
    session.commit()


def book(chat: Chat, sender: str, request: str) -> None:
    chat.send(sender, request)
    chat.send(sender, chat.code())  # the mobile in the request, proven
    chat.send(sender, "1")
    assert "已派车" in chat.text(), chat.text()


def booking_of(session: Session, sender: str) -> Booking:
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender=sender)
    return session.scalars(select(Booking).where(Booking.citizen_id == citizen)).one()


def arrival(session: Session, booking: Booking) -> datetime:
    stmt = select(DispatchStop).where(DispatchStop.booking_id == booking.id).order_by(DispatchStop.seq.desc())
    return session.scalars(stmt).first().planned_time  # type: ignore[union-attr]


def test_cancelling_in_the_chat_shortens_the_run(chat: Chat, session: Session) -> None:
    only_the_songkou_minibus(session)
    book(chat, "pool-a", "我要订车，明天早上8点从嵩口镇去县医院，1个人，手机13905987001")
    book(chat, "pool-b", "我要订车，明天早上7点45分从溪源村去县医院，1个人，手机13905987002")
    stays, leaves = booking_of(session, "pool-a"), booking_of(session, "pool-b")
    assert stays.vehicle_id == leaves.vehicle_id  # pooled on one run
    before = arrival(session, stays)
    chat.send("pool-b", "我要取消预约")
    chat.send("pool-b", "1")
    assert "已取消订单" in chat.text()
    leaves, stays = booking_of(session, "pool-b"), booking_of(session, "pool-a")
    assert leaves.status == "cancelled" and stays.status == "assigned"
    assert session.scalars(select(DispatchStop).where(DispatchStop.booking_id == leaves.id)).all() == []
    assert arrival(session, stays) < before  # no detour via 溪源村 any more


def test_a_changed_ride_is_dispatched_again_with_its_new_pickup(chat: Chat, session: Session) -> None:
    book(chat, "moves", "我要订车，明天早上8点从溪源村去县医院，两个人，手机13905987003")
    chat.send("moves", "我要改签")
    chat.send("moves", "改到后天下午2点")
    chat.send("moves", "1")
    booking = booking_of(session, "moves")
    assert booking.status == "assigned" and booking.planned_pickup is not None
    told = f"{to_local(booking.planned_pickup):%H:%M}"
    assert f"已重新派车：后天(11月22日){told}在溪源村上车" in chat.text(), chat.text()
