"""A bus question for a part of the day lists that part's buses from its start: 今天早上 asked at
05:16 listed 09:34 and later (早上 stands for 08:00), leaving out the 06:39 and the 07:39."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt


def test_this_morning_lists_the_early_buses(chat_at: ChatAt) -> None:
    reply = chat_at(datetime(2026, 11, 20, 5, 16, tzinfo=SHANGHAI)).send("morning-bus", "今天早上嵩口到县城的车几点")
    assert "06:39" in reply and "07:39" in reply, reply


def test_tomorrow_afternoon_lists_from_one_oclock(chat_at: ChatAt) -> None:
    reply = chat_at(datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)).send("afternoon-bus", "明天下午嵩口到县城有几点的车")
    assert "明天(11月21日)13:29 1路" in reply and "12:29" not in reply and "明天(11月21日)15:24" in reply, reply
