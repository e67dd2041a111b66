"""现在 / 马上 / 立刻 (and 一会儿 / 待会儿, the next ride from now; 等一下 is "hold on") as a departure time:
answered to "什么时候出发？" or said in a booking ("现在从嵩口去县城", "待会儿从嵩口去县城"), it is
the message's own moment; elsewhere (现在到哪了, 现在几点,
到现在没消息, 现在不去了) it is no time at all. Before, "现在" as the answer was 没听明白
and a booking said with it asked for the time again and again."""

from __future__ import annotations

import pytest

from nlu.pipeline import NluPipeline
from tests.conftest import NOW


def _times(result: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["value"] for e in result["entities"] if e["entity"] == "time"]


@pytest.mark.parametrize(
    "text",
    ["现在", "马上", "现在就走", "马上走", "立刻", "嗯 现在", "现在吧"]
    + ["一会儿", "待会儿", "待会", "一会儿就走", "过一会儿吧", "等会儿"],
)
def test_now_answers_the_time_question(nlu_pipeline: NluPipeline, text: str) -> None:
    result = nlu_pipeline.parse(text, now=NOW, expected_slot="time")
    assert result["intent"]["name"] == "inform"
    assert _times(result) == [NOW.isoformat()]


@pytest.mark.parametrize(
    "text",
    ["现在从嵩口去县城 一个人", "马上要从嵩口去县城 一个人", "现在能派车到沙芜村接我去县城吗 急"]
    + ["待会儿从嵩口去县城 一个人", "一会儿要从嵩口去县城 一个人"],
)
def test_a_booking_said_with_now_is_for_now(nlu_pipeline: NluPipeline, text: str) -> None:
    result = nlu_pipeline.parse(text, now=NOW)
    assert result["intent"]["name"] == "book_ride"
    assert _times(result) == [NOW.isoformat()]


@pytest.mark.parametrize(
    "text",
    ["我订的那个车 现在在哪", "现在几点了", "你们答应三天内给答复 到现在都没动静", "现在去里田乡还有公交吗"],
)
def test_now_elsewhere_is_no_time(nlu_pipeline: NluPipeline, text: str) -> None:
    assert _times(nlu_pipeline.parse(text, now=NOW)) == []


def test_a_day_said_wins_over_now(nlu_pipeline: NluPipeline) -> None:
    result = nlu_pipeline.parse("我现在想订明天早上8点从嵩口去县城的车", now=NOW)
    assert _times(result) == ["2026-11-21T08:00:00+08:00"]


@pytest.mark.parametrize("text", ["等一下再说", "我在站台等了一会儿 车没来", "等一下", "帮我订车 等一下 我看看"])
def test_a_while_elsewhere_is_no_time(nlu_pipeline: NluPipeline, text: str) -> None:
    assert _times(nlu_pipeline.parse(text, now=NOW, expected_slot="time")) == []


def test_a_clock_said_wins_over_a_while(nlu_pipeline: NluPipeline) -> None:
    result = nlu_pipeline.parse("待会儿 明天早上8点从嵩口去县城 一个人", now=NOW)
    assert _times(result) == ["2026-11-21T08:00:00+08:00"]
