"""明天 said after midnight and before dawn: a villager who has not slept yet may mean the
coming morning (today's date) or the day after. The citizen is asked which date, with both
dates as choices, and the booking is for the date chosen; at other hours 明天 is tomorrow.
Before, 明天早上8点 said at 00:30 on 11月20日 was read back and booked for 11月21日."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from backend.models import Booking
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

ASK = "下午3点从嵩口到灵地 一个人"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def booked(session: Session) -> Booking:
    booking = session.query(Booking).order_by(Booking.created_at.desc()).first()
    assert booking is not None
    return booking


@pytest.mark.parametrize(
    ("answer", "day", "heard"),
    [
        ("1", 20, "今天(11月20日)15:00"),
        ("2", 21, "明天(11月21日)15:00"),
        ("11月20日", 20, "今天(11月20日)15:00"),
    ],
)
def test_tomorrow_after_midnight_is_asked(
    chat_at: ChatAt, session: Session, answer: str, day: int, heard: str
) -> None:
    chat = chat_at(at(20, 0, 30))
    said = chat.send("owl", "明天" + ASK)
    assert "“明天”是哪一天" in said and "请确认" not in said, said
    assert chat.buttons()[:2] == ["11月20日（今天）", "11月21日（明天）"]
    chat.send("owl", answer)
    chat.send("owl", "13912345678")
    said = chat.send("owl", "不验证")
    assert "请确认" in said and heard in said, said
    chat.send("owl", "确认")
    pickup = booked(session).pickup_time.astimezone(SHANGHAI)
    assert (pickup.day, pickup.hour) == (day, 15)


def test_saying_tomorrow_again_is_tomorrow(chat_at: ChatAt) -> None:
    chat = chat_at(at(20, 2))
    said = chat.send("owl2", "明天" + ASK)
    assert "哪一天" in said and "请确认" not in said
    said = chat.send("owl2", "明天")
    assert "哪一天" not in said, said
    chat.send("owl2", "13912345678")
    said = chat.send("owl2", "不验证")
    assert "明天(11月21日)15:00" in said, said


@pytest.mark.parametrize("now", [at(20, 9), at(20, 23, 50), at(20, 5, 30)])
def test_tomorrow_at_other_hours_is_not_asked(chat_at: ChatAt, now: datetime) -> None:
    chat = chat_at(now)
    chat.send("lark", "明天" + ASK)
    chat.send("lark", "13912345678")
    said = chat.send("lark", "不验证")
    assert "请确认" in said and "明天(11月21日)15:00" in said, said


def test_the_question_is_asked_again_when_something_else_is_said(chat_at: ChatAt) -> None:
    chat = chat_at(at(20, 4, 30))
    chat.send("owl3", "明早7点从嵩口到县城 1个人")
    said = chat.send("owl3", "13912345678")
    assert "“明早”是哪一天" in said, said
    assert chat.buttons()[:2] == ["11月20日（今天）", "11月21日（明天）"]
    said = chat.send("owl3", "1")
    if "验证码" in said:
        said = chat.send("owl3", "不验证")
    assert "请确认" in said and "今天(11月20日)0" in said, said
