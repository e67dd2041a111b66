"""A village the gazetteer lacks is not lost: 嵩口镇上坪村 is read back, stored (the township for
dispatch, the village for the driver) and told back whole; 上坪村 alone is asked its township;
嵩口镇溪源村 is the listed village itself. A bus seat names the stop, not the village."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Booking, SendRequest
from backend.services.dispatch import sheets
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt, ClockedChat
from tests.utils.conversation import citizen_of

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def only_booking(session: Session, sender: str) -> Booking:
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender=sender)
    return session.scalars(select(Booking).where(Booking.citizen_id == citizen)).one()


def confirm(chat: ClockedChat, sender: str, first: str) -> tuple[str, str]:
    """The read-back (after 不验证 for the typed phone) and the answer to 确认."""
    assert "验证码" in chat.send(sender, first)
    read_back = chat.send(sender, "不验证")
    assert chat.buttons()[:2] == ["确认", "修改"], read_back
    return read_back, chat.send(sender, "确认")


@pytest.mark.parametrize("hour", [3, 9, 21])
def test_a_village_after_its_township_is_read_back_stored_and_told(
    chat_at: ChatAt, session: Session, hour: int
) -> None:
    now = NOW.replace(hour=hour)
    chat = chat_at(now)
    sender = f"village-{hour}"
    read_back, success = confirm(
        chat, sender, "我要订车，11月23日下午3点从嵩口镇上坪村去县医院，1个人，手机13905981201"
    )
    assert "嵩口镇上坪村→清流县医院" in read_back
    assert "嵩口镇上坪村→清流县医院" in success
    booking = only_booking(session, sender)
    assert booking.kind == "demand"
    assert booking.origin == "嵩口镇"  # what dispatch plans with
    assert booking.details["origin_detail"] == "上坪村"
    assert booking.origin_label == "嵩口镇上坪村"
    assert booking.status == "assigned"  # put on a run at once: the driver's sheet says the village
    day = booking.pickup_time.astimezone(SHANGHAI).date()
    stops = [s for run in sheets.day_board(session, day=day).runs for s in run.stops]
    assert [s.place for s in stops if s.booking_id == booking.id and s.action == "pickup"] == ["嵩口镇上坪村"]
    assert "在嵩口镇上坪村上车" in success


def test_a_village_alone_is_asked_its_township_and_kept(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    sender = "village-alone"
    assert "从哪里出发" in chat.send(sender, "我要订车")
    asked = chat.send(sender, "上坪村")
    assert "上坪村" in asked and "哪个乡镇" in asked and "办不了" not in asked
    assert "去哪里" in chat.send(sender, "嵩口镇")
    chat.send(sender, "县医院")
    chat.send(sender, "11月23日下午3点")
    read_back, _ = confirm(chat, sender, "2个人，手机13905981202")
    assert "嵩口镇上坪村→清流县医院" in read_back and "2人" in read_back
    assert only_booking(session, sender).origin_label == "嵩口镇上坪村"


def test_a_listed_village_after_its_township_is_that_village(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    sender = "village-listed"
    read_back, _ = confirm(chat, sender, "包车，11月23日早上8点从嵩口镇溪源村到县城，6个人，手机13905981203")
    assert "溪源村→清流县城" in read_back and "嵩口镇溪源村" not in read_back
    booking = only_booking(session, sender)
    assert (booking.kind, booking.origin, booking.origin_label) == ("charter", "溪源村", "溪源村")


def test_a_bus_seat_names_the_stop_not_the_group(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    sender = "village-seat"
    read_back, _ = confirm(chat, sender, "我要订车，明天上午9点半从嵩口镇上坪村去县城，1个人，手机13905981204")
    booking = only_booking(session, sender)
    assert booking.kind == "seat"  # the 09:34 bus: the rider walks to its stop
    assert "上坪村" not in read_back and "嵩口镇→清流县城" in read_back and "嵩口镇上车" in read_back
    assert "origin_detail" not in booking.details


def test_the_clock_that_completes_a_day_is_an_answer_not_a_change(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "几点" in chat.send("clock-fill", "明天从嵩口去县城")
    reply = chat.send("clock-fill", "早上8点")
    assert "改好" not in reply and "几个人" in reply


def test_a_parcel_is_collected_in_the_village_said(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    sender = "village-parcel"
    chat.send(sender, "寄一箱茶叶到福州")
    asked = chat.send(sender, "上坪村")
    assert "哪个乡镇" in asked
    chat.send(sender, "嵩口镇")
    assert "手机号" in chat.send(sender, "都行")
    assert "验证码" in chat.send(sender, "13905981205")
    read_back = chat.send(sender, "不验证")
    assert "嵩口镇上坪村上门取件" in read_back, read_back
    done = chat.send(sender, "确认")
    assert "嵩口镇上坪村" in done
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender=sender)
    request = session.scalars(select(SendRequest).where(SendRequest.citizen_id == citizen)).one()
    assert request.origin == "嵩口镇上坪村"


def test_two_places_said_alone_are_from_and_to(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "查班车" in chat.send("two-places", "嵩口")
    chat.send("two-places", "县城")
    assert "什么时候出发" in chat.send("two-places", "订车")  # both places kept: the time is next
    chat.send("two-places", "11月23日下午3点")
    chat.send("two-places", "1个人")
    chat.send("two-places", "13905981206")
    assert "嵩口镇→清流县城" in chat.send("two-places", "不验证")


def test_a_place_carried_into_a_booking_is_named_when_the_origin_is_asked(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    chat.send("one-place", "县医院")
    assert "去清流县医院，请问从哪里出发" in chat.send("one-place", "订车")


def test_a_booking_with_only_a_phone_is_a_booking(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    reply = chat.send("phone-first", "订车 手机13905981207")
    assert "办不了" not in reply and "从哪里出发" in reply


def test_another_unlisted_village_said_instead_stays_in_the_township(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    sender = "village-instead"
    assert "验证码" in chat.send(sender, "我要订车，11月23日下午3点从嵩口镇上坪村去县医院，1个人，手机13905981208")
    assert "嵩口镇上坪村→" in chat.send(sender, "不验证")
    reply = chat.send(sender, "不是上坪村，是下坪村")
    assert "嵩口镇下坪村→清流县医院" in reply, reply
    chat.send(sender, "确认")
    assert only_booking(session, sender).origin_label == "嵩口镇下坪村"


def test_a_village_to_its_own_town_is_refused_before_the_read_back(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    sender = "village-own-town"
    reply = chat.send(sender, "我要订车，11月23日下午3点从嵩口镇上坪村去嵩口镇，1个人")
    assert "都在嵩口镇" in reply and "请确认" not in reply, reply
    assert "手机号" in chat.send(sender, "去县城")
    assert "验证码" in chat.send(sender, "13905981209")
    assert "嵩口镇→清流县城 1人，嵩口镇上车" in chat.send(sender, "不验证")  # the 15:24 bus
