"""Dropping a change half-way ("算了不去了" at the read-back of 改签) leaves the booking as it
was and says so with its id and how to cancel it, not "nothing was saved" (which reads as if
the booking were gone) and not a guessed cancellation; leaving a cancellation half-way says the
booking is kept, not "已取消取消预约"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tests.conftest import SHANGHAI
from tests.dialogs.test_change_promise import booked_seat, the_booking
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def test_dropping_a_change_keeps_the_booking_and_says_so(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    booked_seat(chat, "drop-change", "13905980211")
    before = the_booking(session, "drop-change")
    chat.send("drop-change", "我要改签")
    assert "确认" in chat.send("drop-change", "改到明天下午3点")
    reply = chat.send("drop-change", "算了不去了")
    after = the_booking(session, "drop-change")
    assert (after.status, after.pickup_time, after.passengers) == (before.status, before.pickup_time, 3)
    assert after.id in reply and "照旧" in reply and "取消预约" in reply
    assert "没有保存" not in reply and "已取消" not in reply


def test_leaving_a_cancellation_keeps_the_booking(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    booked_seat(chat, "drop-cancel", "13905980212")
    assert "取消订单" in chat.send("drop-cancel", "取消预约")
    reply = chat.send("drop-cancel", "再见")
    assert "不取消" in reply and "取消取消" not in reply
    assert the_booking(session, "drop-cancel").status == "confirmed"


def test_a_cancellation_declined_at_its_read_back_takes_up_the_task_it_paused(
    chat_at: ChatAt, session: Session
) -> None:
    chat = chat_at(NOW)
    booked_seat(chat, "drop-paused", "13905980213")
    booking = the_booking(session, "drop-paused")
    assert "从哪里出发" in chat.send("drop-paused", "我还要订个包车")
    assert "确" in chat.send("drop-paused", f"取消{booking.id}")
    reply = chat.send("drop-paused", "2")  # 不取消 at the read-back
    assert "不取消" in reply and "接着办" in reply and "从哪里出发" in reply, reply
    assert the_booking(session, "drop-paused").status == "confirmed"
