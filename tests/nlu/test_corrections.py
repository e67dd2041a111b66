"""Self-corrections inside one message: only the corrected value comes out."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.pipeline import NluPipeline

NOW = datetime(2026, 11, 20, 21, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # said in the evening


def _parse(pipeline: NluPipeline, text: str) -> tuple[str, list[tuple[str, object]]]:
    parse = pipeline.parse(text, NOW)
    return parse["intent"]["name"], [(e["entity"], e["value"]) for e in parse["entities"]]


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("后天哦不对大后天下午三点从嵩口去县城", "time", "2026-11-23T15:00:00+08:00"),
        ("明天去县城 八点半啊不是九点", "time", "2026-11-21T09:00:00+08:00"),
        ("约车明天去县城 两个人不对三个人", "passengers", 3),
        ("从田源 不对 从沙芜走 明天早上7点去县城", "origin", "沙芜乡"),
        ("约车明天去嵩口 哦说错了去嵩溪", "destination", "嵩溪镇"),
        ("我去县城不是嵩口", "destination", "清流县城"),
    ],
)
def test_only_the_corrected_value_comes_out(nlu_pipeline: NluPipeline, text: str, entity: str, value: object) -> None:
    _, entities = _parse(nlu_pipeline, text)
    same = [v for e, v in entities if e == entity]
    assert same == [value], entities


def test_a_correction_inside_a_booking_keeps_the_booking_intent(nlu_pipeline: NluPipeline) -> None:
    intent, _ = _parse(nlu_pipeline, "今天下午两点不对不对三点从县城回里田")
    assert intent == "book_ride"


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("不是后天 是周六", "time", "2026-11-21T00:00:00+08:00"),
        ("不对 是大后天", "time", "2026-11-23T00:00:00+08:00"),
        ("不是嵩口 是嵩溪", "place", "嵩溪镇"),
        ("不是三个人 是两个", "passengers", 2),
        ("不是三个人，是俩", "passengers", 2),
        ("三个人不对 两个", "passengers", 2),
        ("3个人 说错了 是4个", "passengers", 4),
    ],
)
def test_a_correction_answering_a_read_back_is_inform(
    nlu_pipeline: NluPipeline, text: str, entity: str, value: object
) -> None:
    assert _parse(nlu_pipeline, text) == ("inform", [(entity, value)])


def test_a_plain_no_stays_deny(nlu_pipeline: NluPipeline) -> None:
    assert _parse(nlu_pipeline, "不是明天")[0] == "deny"


def test_a_count_after_a_head_count_without_a_correction_is_not_taken(nlu_pipeline: NluPipeline) -> None:
    _, entities = _parse(nlu_pipeline, "3个人 是两个大人一个小孩")
    assert ("passengers", 2) not in entities


@pytest.mark.parametrize(("text", "intent"), [("１", "affirm"), ("回复1", "affirm"), ("２", "deny")])
def test_menu_digits_full_width_too(nlu_pipeline: NluPipeline, text: str, intent: str) -> None:
    assert _parse(nlu_pipeline, text)[0] == intent


def test_bare_afternoon_hour_after_a_day_word_in_the_evening(nlu_pipeline: NluPipeline) -> None:
    _, entities = _parse(nlu_pipeline, "后天三点半从县城回嵩口")
    assert ("time", "2026-11-22T15:30:00+08:00") in entities
