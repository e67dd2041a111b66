"""A ride asked for now (or a time just ahead) is never offered a bus that has already left:
现在从嵩溪去县城 at 09:00 offered 改坐07:50的2路, and picking it read back 今天07:50 and 确认
answered 07:50已经过去了 with nothing booked. The same for a change of a booked seat."""

from __future__ import annotations

import re
from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def offered_clocks(titles: list[str]) -> list[str]:
    return [m.group(1) for t in titles if (m := re.search(r"(\d\d:\d\d)", t))]


def test_a_ride_now_offers_no_bus_that_has_left(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    chat.send("now", "现在从嵩溪去县城 1个人")
    chat.send("now", "13912345678")
    said = chat.send("now", "不验证")
    assert "请确认" in said, said
    clocks = offered_clocks(chat.buttons())
    assert clocks and all(clock >= "09:00" for clock in clocks), chat.buttons()


def test_a_change_offers_no_bus_that_has_left(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    chat.send("change", "今天上午10点从嵩口去县城 1个人")
    chat.send("change", "13912345678")
    said = chat.send("change", "不验证")
    assert "请确认" in said and "1路" in said, said
    chat.send("change", "确认")
    said = chat.send("change", "改签")
    said = chat.send("change", "改到今天9点")
    assert "改为：今天(11月20日)09:34" in said, said
    assert all(clock >= "09:00" for clock in offered_clocks(chat.buttons())), chat.buttons()
