"""A bus question that follows one about a trip is about that trip: "最后一班几点" or
"车费多少钱" right after "嵩口到县城的车几点有" answers for 嵩口镇→清流县城 (not the general
knowledge-base text about every line), and asking the fare while the bot waits for the stop of
"还有多久到" answers the fare instead of asking the stop again."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
TRIP = "嵩口镇→清流县城"


def test_last_bus_and_fare_follow_the_trip_just_asked(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert TRIP in chat.send("follow", "嵩口到县城的车几点有")
    last = chat.send("follow", "最后一班几点")
    assert TRIP in last and "末班" in last and "清三线" not in last
    fare = chat.send("follow", "车费多少钱")
    assert TRIP in fare and "元" in fare


def test_without_an_earlier_trip_the_places_are_asked(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "从哪里出发" in chat.send("fresh-fare", "去县城车费多少钱")


def test_a_fare_question_while_the_stop_is_asked_is_answered(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "哪个站" in chat.send("switch-mode", "3路还有多久到")
    reply = chat.send("switch-mode", "从嵩口到县城车费多少钱")
    assert TRIP in reply and "元" in reply and "哪个站" not in reply


def test_places_and_time_said_before_the_task_are_all_kept(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "订车" in chat.send("carry", "嵩口")
    assert "订车" in chat.send("carry", "明天下午")
    assert "从哪里出发" in chat.send("carry", "2")  # 查班车: 嵩口 (where to) is kept with 明天下午
    assert "清流县城→嵩口镇" in chat.send("carry", "县城")


def test_going_home_is_a_trip_not_out_of_scope(chat_at: ChatAt) -> None:
    reply = chat_at(NOW).send("home", "我要回家")
    assert "办不了" not in reply and ("从哪里出发" in reply or "去哪里" in reply)
