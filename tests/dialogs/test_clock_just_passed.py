"""A bare clock said minutes after it struck in the morning (8点 at 08:03) is the one that
has just passed, not the evening: the citizen hears that 08:00 has passed and how to say
tonight's instead, and tonight's is then read back. Before, 8点 at 08:03 was taken as 20:00
without a word and answered 今天20:00没有车可坐. Said well after it struck (8点 at 10:30) a bare
clock is still the evening one, as the NLU reads it."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 20, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize("said", [["8点从嵩口去县城 一个人"], ["从嵩口去县城 一个人", "8点"]])
def test_eight_said_just_after_eight(chat_at: ChatAt, said: list[str]) -> None:
    chat = chat_at(at(8, 3))
    reply = ""
    for text in said:
        reply = chat.send("just-passed", text)
    assert "20:00" in reply and "没有车" not in reply, reply
    assert "今天(11月20日)08:00刚刚过去" in reply and "今晚20:00" in reply, reply
    chat.send("just-passed", "今晚8点")
    chat.send("just-passed", "13912345678")
    reply = chat.send("just-passed", "不验证")
    assert "今天(11月20日)20:00没有车可坐" in reply, reply


@pytest.mark.parametrize(
    ("now", "clock", "read_back"),
    [(at(8, 3), "9点", "今天(11月20日)09:"), (at(10, 30), "8点", "今天(11月20日)20:00")],
)
def test_other_clocks_are_kept(chat_at: ChatAt, now: datetime, clock: str, read_back: str) -> None:
    chat = chat_at(now)
    chat.send("kept", "从嵩口去县城 一个人")
    chat.send("kept", clock)
    chat.send("kept", "13912345678")
    reply = chat.send("kept", "不验证")
    assert read_back in reply and "刚刚过去" not in reply, reply


@pytest.mark.parametrize("again", ["8点", "8点的车", "就8点"])
def test_the_clock_said_again_is_tomorrow_morning(chat_at: ChatAt, again: str) -> None:
    """Before, 8点 said again at 08:20 got the same 刚刚过去了 answer, and then the hand-off offer."""
    chat = chat_at(at(8, 20))
    chat.send("again", "从嵩口去县城 一个人")
    first = chat.send("again", "8点的车")
    assert "刚刚过去" in first and chat.buttons() == ["今晚20:00", "明天早上08:00"], first
    reply = chat.send("again", again)
    assert "刚刚过去" not in reply and "没弄明白" not in reply, reply
    chat.send("again", "13912345678")
    reply = chat.send("again", "不验证")
    assert "请确认：明天(11月21日)07:39 1路" in reply, reply  # the bus nearest tomorrow's 08:00


@pytest.mark.parametrize(("choice", "read_back"), [("1", "今天(11月20日)20:00"), ("2", "请确认：明天(11月21日)07:39 1路")])
def test_a_numbered_choice(chat_at: ChatAt, choice: str, read_back: str) -> None:
    chat = chat_at(at(8, 20))
    chat.send("choice", "8点从嵩口去县城 一个人")
    reply = chat.send("choice", choice)
    assert "刚刚过去" not in reply, reply
    chat.send("choice", "13912345678")
    reply = chat.send("choice", "不验证")
    assert read_back in reply, reply
