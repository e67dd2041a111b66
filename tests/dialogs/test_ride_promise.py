"""What the citizen confirms is what is booked, at several hours of the day: the read-back,
the stored booking and the success message carry the same time, places, passengers and
fare (a seat also its line and stop); 10点前到 books a ride arriving by then."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.localtime import to_local
from backend.models import Booking
from dialogs.wording import money, when_text
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt
from tests.utils.conversation import citizen_of

ASKS = [
    "明天上午9点半从嵩口去县城，3个人",  # the 09:34 bus
    "后天下午3点从县城去灵地，1个人",  # no bus near 15:00: a demand ride at 15:00
    "明天早上8点半要到县城，从嵩口走，1个人",  # the 07:39 bus arrives 08:29
    "明天10点前到县城，从嵩口走，2个人",  # buses arrive too early: a demand ride
]


def newest_booking(session: Session, sender: str) -> Booking:
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender=sender)
    found = session.scalars(select(Booking).where(Booking.citizen_id == citizen)).first()
    assert found is not None
    return found


@pytest.mark.parametrize("hour", [6, 9, 14, 20])
@pytest.mark.parametrize("ask", ASKS)
def test_read_back_booking_and_success_agree(chat_at: ChatAt, session: Session, hour: int, ask: str) -> None:
    now = datetime(2026, 11, 20, hour, 0, tzinfo=SHANGHAI)
    chat = chat_at(now)
    sender = f"promise-{hour}-{ASKS.index(ask)}"
    confirm = chat.send(sender, f"我要订车，{ask}，手机1390598{hour:02d}{ASKS.index(ask):02d}")
    if "验证码" in confirm:  # a typed number is only a contact until proven (issue 10 §1)
        confirm = chat.send(sender, "不验证")
    assert chat.buttons()[:2] == ["确认", "修改"], confirm
    success = chat.send(sender, "1")
    booking = newest_booking(session, sender)
    said_alike = [
        when_text(booking.pickup_time, now, "rich"),
        f"{booking.origin}→{booking.destination}",
        f"{booking.passengers}人",
    ]
    if booking.kind == "seat":
        assert booking.fare_total is not None
        said_alike += [f"车费{money(booking.fare_total)}元", f"{booking.details['route']} ", "上车"]
    for part in said_alike:
        assert part in confirm, (part, confirm)
        assert part in success, (part, success)
    if booking.planned_pickup is not None:  # a demand ride on a run: picked up at the time said
        assert abs(booking.planned_pickup - booking.pickup_time) <= timedelta(minutes=10)
    if "前到" in ask or "要到" in ask:
        assert booking.arrive_by is not None
        deadline = to_local(booking.arrive_by)
        assert f"{deadline:%H:%M}前到达" in confirm
        if booking.kind == "seat":
            assert to_local(datetime.fromisoformat(booking.details["arrival"])) <= deadline
    else:
        assert booking.arrive_by is None
