"""Booking a ride "现在" / "马上": the read-back names a ride at this moment (at 09:00 a
demand ride at 09:00, no bus within 30 minutes) and 确认 dispatches it; "现在" answered to
什么时候出发 does the same; at 04:30, when nothing runs, the citizen hears when rides run and
the first bus. Before, 现在 was 没听明白 and the
time was asked again and again."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "said", [["现在从嵩口去县城 一个人"], ["马上要从嵩口去县城 一个人"], ["从嵩口去县城 一个人", "现在"]]
)
def test_now_books_the_nearest_ride(chat_at: ChatAt, said: list[str]) -> None:
    chat = chat_at(at(20, 9))
    for text in said:
        chat.send("now", text)
    chat.send("now", "13912345678")
    reply = chat.send("now", "不验证")
    assert "请确认：今天(11月20日)09:00 嵩口镇→清流县城 1人，村通约车" in reply
    reply = chat.send("now", "1")
    assert "已派车：今天(11月20日)09:" in reply, reply


def test_now_before_anything_runs_says_when_it_does(chat_at: ChatAt) -> None:
    chat = chat_at(at(21, 4, 30))
    chat.send("early", "从嵩口去县城 一个人")
    reply = chat.send("early", "现在")
    assert "请留一个手机号" in reply
    chat.send("early", "13912345678")
    reply = chat.send("early", "不验证")
    assert "04:30没有车可坐" in reply and "最近的班车是今天(11月21日)06:39的1路" in reply
