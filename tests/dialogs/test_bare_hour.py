"""A number alone answering 几点出发 is that hour (8 -> 08:00, 3 -> 15:00 as 3点 is in a
booking), never 再见: "8" was read as goodbye and got "您的订车还没提交". A clock said for
another day is that day's daytime hour: 8点 for 明天, said at 09:00, was 明天20:00."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("said", "bus"), [("8", "07:39"), ("10", "09:34"), ("３", "15:24"), ("八", "07:39")])
def test_a_number_alone_answers_what_time(chat_at: ChatAt, said: str, bus: str) -> None:
    chat = chat_at(NOW)
    sender = f"bare-hour-{said}"
    assert "几点" in chat.send(sender, "明天从嵩口去县城")
    reply = chat.send(sender, said)
    assert "没提交" not in reply and "几个人" in reply, reply
    chat.send(sender, "1个人")
    chat.send(sender, "13905981501")
    assert f"明天(11月21日){bus} 1路" in chat.send(sender, "不验证")  # the bus nearest that hour


@pytest.mark.parametrize("said", ["5", "12", "99"])
def test_a_number_alone_never_says_goodbye(chat_at: ChatAt, said: str) -> None:
    chat = chat_at(NOW)
    sender = f"bare-number-{said}"
    chat.send(sender, "我要投诉，司机态度很差")
    reply = chat.send(sender, said)
    assert "没提交" not in reply and "再见" not in reply, reply


@pytest.mark.parametrize(("said", "clock"), [("8点", "07:39"), ("8", "07:39"), ("八点", "07:39"), ("3点", "15:24")])
def test_a_clock_for_tomorrow_said_after_the_morning_is_tomorrows_daytime(
    chat_at: ChatAt, said: str, clock: str
) -> None:
    """At 09:00, 8点 alone is 20:00 today; for 明天 it is 08:00 (the 07:39 bus), not 20:00."""
    chat = chat_at(NOW)
    sender = f"tomorrow-{said}"
    chat.send(sender, "明天从嵩口去县城")
    chat.send(sender, said)
    chat.send(sender, "1个人")
    chat.send(sender, "13905981502")
    read_back = chat.send(sender, "不验证")
    assert f"明天(11月21日){clock} 1路" in read_back, read_back


@pytest.mark.parametrize(("first", "said", "clock"), [("明天晚上", "8点", "20:00"), ("明天早上", "6点", "06:00")])
def test_a_clock_keeps_the_part_of_the_day_said_before(chat_at: ChatAt, first: str, said: str, clock: str) -> None:
    chat = chat_at(NOW)
    sender = f"period-then-{said}"
    chat.send(sender, f"包车，{first}从嵩口去县城，6个人")
    chat.send(sender, said)
    chat.send(sender, "13905981503")
    read_back = chat.send(sender, "不验证")
    assert f"明天(11月21日){clock} 嵩口镇→清流县城" in read_back, read_back
