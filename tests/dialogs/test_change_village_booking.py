"""Changing and cancelling a booking from a village the gazetteer lacks, as a villager does it
in the small hours. 后天上午10点 said at 03:00 is asked which day; the answer 11月22日 (typed,
not the button) kept the booking's old clock (14:00) and dropped the 10点 said. Cancelling a
booking while its change was paused resumed "改签" of the booking just cancelled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Booking
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt
from tests.utils.conversation import citizen_of

SMALL_HOURS = datetime(2026, 11, 20, 3, 0, tzinfo=SHANGHAI)
ASK = "我要订车，11月21日下午2点从嵩口镇上坪村去县医院，2个人，手机13905981221"


def the_booking(session: Session, sender: str) -> Booking:
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender=sender)
    return session.scalars(select(Booking).where(Booking.citizen_id == citizen)).one()


def booked(chat: object, sender: str) -> None:
    assert "验证码" in chat.send(sender, ASK)  # type: ignore[attr-defined]
    said = chat.send(sender, "不验证")  # type: ignore[attr-defined]
    assert "嵩口镇上坪村→清流县医院" in said, said
    assert "预约成功" in chat.send(sender, "确认")  # type: ignore[attr-defined]


def test_a_day_typed_for_which_day_keeps_the_clock_said(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(SMALL_HOURS)
    booked(chat, "change-owl")
    assert "要改成什么时间" in chat.send("change-owl", "改时间")
    asked = chat.send("change-owl", "后天上午10点")
    assert "“后天”是哪一天" in asked, asked
    read_back = chat.send("change-owl", "11月22日")
    assert "10:00" in read_back and "14:00" not in read_back, read_back
    assert "嵩口镇上坪村→清流县医院" in read_back
    chat.send("change-owl", "确认")
    pickup = the_booking(session, "change-owl").pickup_time.astimezone(SHANGHAI)
    assert (pickup.day, pickup.hour) == (22, 10)


def test_cancelling_a_booking_being_changed_does_not_resume_the_change(
    chat_at: ChatAt, session: Session
) -> None:
    chat = chat_at(SMALL_HOURS.replace(hour=9))
    booked(chat, "change-cancel")
    assert "要改成什么时间" in chat.send("change-cancel", "改一下")
    assert "确认取消" in chat.send("change-cancel", "算了，取消预约")
    done = chat.send("change-cancel", "确认")
    assert "已取消" in done, done
    assert "改签" not in done and "要改成什么时间" not in done, done
    assert the_booking(session, "change-cancel").status == "cancelled"
    assert "没有待出行的预约" in chat.send("change-cancel", "查我的预约")


def test_a_new_place_while_changing_is_told_how_to_change_it(chat_at: ChatAt, session: Session) -> None:
    """改地点, then 不是上坪村，是下坪村: 抱歉，没听明白 and the time question again, with no word of
    how a place is changed (a booking's place cannot be: cancel it and book again)."""
    chat = chat_at(SMALL_HOURS.replace(hour=9))
    booked(chat, "change-place")
    assert "要改成什么时间" in chat.send("change-place", "改地点")
    told = chat.send("change-place", "不是上坪村，是下坪村")
    assert "只能改时间和人数" in told and "取消预约" in told and "没听明白" not in told, told
    assert the_booking(session, "change-place").origin_label == "嵩口镇上坪村"
    assert "确认取消" in chat.send("change-place", "取消预约")
    assert "改签" not in chat.send("change-place", "确认")
