"""When the next bus is more than an hour away the citizen hears its clock (and 明天 when it
is tomorrow's), not a count of minutes: 1路车到哪了 at 23:00, then 嵩口, answers 1路 明天(11月21日)
06:39到嵩口镇. Before, it answered 1路约454分钟后到嵩口镇. Within the hour it stays 约N分钟后."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt


def test_tonight_the_next_bus_is_tomorrows_clock(chat_at: ChatAt) -> None:
    chat = chat_at(datetime(2026, 11, 20, 23, 0, tzinfo=SHANGHAI))
    chat.send("night", "1路车到哪了")
    answer = chat.send("night", "嵩口")
    assert "1路 明天(11月21日)06:39到嵩口镇" in answer and "分钟后" not in answer, answer


def test_before_dawn_it_is_todays_clock(chat_at: ChatAt) -> None:
    chat = chat_at(datetime(2026, 11, 21, 4, 30, tzinfo=SHANGHAI))
    answer = chat.send("dawn", "嵩口的车还有多久到")
    assert "1路 06:39到嵩口镇" in answer and "分钟后" not in answer, answer


def test_within_the_hour_it_is_minutes(chat_at: ChatAt) -> None:
    chat = chat_at(datetime(2026, 11, 21, 6, 0, tzinfo=SHANGHAI))
    answer = chat.send("soon", "嵩口的车还有多久到")
    assert "1路约39分钟后到嵩口镇" in answer, answer
