"""A part of today said without a clock (今晚, 今天下午) while it is still under way means from
now on, not its usual hour that has passed: 今晚 said at 22:40 is 22:40 (and the citizen hears
that no ride runs then, with the hours), 今天下午 said at 16:00 is read back as 16:00. Before,
both answered "今天19:00/15:00已经过去了", a clock the citizen never said. A part of the day that
is over (今天早上 at 13:00) is still said to have passed."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 20, hour, minute, tzinfo=SHANGHAI)


def book(chat: ChatAt, now: datetime, ask: str) -> str:
    talk = chat(now)
    said = talk.send("tonight", ask)
    if "手机号" in said:
        talk.send("tonight", "13912345678")
        said = talk.send("tonight", "不验证")
    return said


@pytest.mark.parametrize("ask", ["今晚从嵩口去灵地 1个人", "晚上从嵩口去灵地 1个人"])
def test_tonight_said_late_is_now(chat_at: ChatAt, ask: str) -> None:
    said = book(chat_at, at(22, 40), ask)
    assert "19:00" not in said and "已经过去" not in said, said
    assert "22:40没有车" in said and "06:00到19:05" in said, said


def test_this_afternoon_said_in_the_afternoon_is_now(chat_at: ChatAt) -> None:
    said = book(chat_at, at(16), "今天下午从嵩口到灵地 一个人")
    assert "请确认" in said and "今天(11月20日)16:00" in said, said


def test_a_part_of_the_day_that_is_over_has_passed(chat_at: ChatAt) -> None:
    said = book(chat_at, at(13), "今天早上从嵩口到灵地 一个人")
    assert "今天(11月20日)08:00已经过去了" in said, said
