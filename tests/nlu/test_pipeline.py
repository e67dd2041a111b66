from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from nlu.pipeline import NluPipeline
from nlu.training_data import DEFAULT_TRAINING_DIR
from tests.nlu.trained import NOW


def _ents(result: dict) -> list[tuple[str, object]]:  # type: ignore[type-arg]
    return [(e["entity"], e["value"]) for e in result["entities"]]


def test_contract_example_parses_to_the_contract_shape(nlu_pipeline: NluPipeline) -> None:
    result = nlu_pipeline.parse("明天8点从嵩口去县城", now=NOW)
    assert result["text"] == "明天8点从嵩口去县城"
    assert result["intent"]["name"] == "book_ride"
    assert 0.5 < result["intent"]["confidence"] <= 1.0
    ranking = result["intent_ranking"]
    assert 1 < len(ranking) <= 10 and ranking[0] == result["intent"]
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    time, origin, destination = result["entities"]
    assert (time["entity"], time["value"], time["start"], time["end"]) == (
        "time",
        "2026-11-21T08:00:00+08:00",
        0,
        4,
    )
    assert time["additional_info"]["grain"] == "minute"
    assert (origin["entity"], origin["value"], origin["start"], origin["end"]) == ("origin", "嵩口镇", 5, 7)
    assert (destination["entity"], destination["value"], destination["start"], destination["end"]) == (
        "destination", "清流县城", 8, 10,
    )  # fmt: skip
    assert all(isinstance(e["extractor"], str) and e["extractor"] for e in result["entities"])
    json.dumps(result, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("俺明早7点要去县城看病 从田源出发", "book_ride",
         [("time", "2026-11-21T07:00:00+08:00"), ("destination", "清流县城"), ("origin", "田源乡")]),
        ("从松口去县里 三个人", "book_ride", [("origin", "嵩口镇"), ("destination", "清流县城"), ("passengers", 3)]),
        ("嗯那个…我想订个车 明天去田园", "book_ride", [("time", "2026-11-21T00:00:00+08:00"), ("destination", "田源乡")]),
        ("SF1402938475621", "track_parcel", [("carrier", "顺丰"), ("tracking_no", "SF1402938475621")]),
        ("投诉闽G12345司机开车打电话", "complaint", [("plate", "闽G12345")]),
        ("取消订单B202611200007", "cancel_booking", [("booking_id", "B202611200007")]),
        ("工单C20261115003处理得怎么样了", "query_complaint", [("ticket_id", "C20261115003")]),
        ("林畲到县城的末班车几点", "query_bus", [("origin", "林畲镇"), ("destination", "清流县城")]),
        ("转人工", "human_agent", []),
        ("给我来一首周杰伦的歌", "out_of_scope", []),
    ],
)  # fmt: skip
def test_realistic_messages(nlu_pipeline: NluPipeline, text: str, intent: str, entities: list) -> None:  # type: ignore[type-arg]
    result = nlu_pipeline.parse(text, now=NOW)
    assert result["intent"]["name"] == intent
    assert _ents(result) == entities


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_000, "😀😀🙏", "\x00\x07\x1b\x7f", "，。！？"])
def test_bad_input_is_out_of_scope_not_a_crash(nlu_pipeline: NluPipeline, text: str) -> None:
    result = nlu_pipeline.parse(text, now=NOW)
    assert result["text"] == text
    assert result["intent"]["name"] == "out_of_scope"
    assert result["entities"] == []


@pytest.mark.parametrize(
    "text", ["I want 去 嵩口 tomorrow!!", "\ud800嵩口\udfff", "ｓｆ１４０２９３８４７５６２１", "嵩口" * 400]
)
def test_odd_input_gets_a_valid_parse(nlu_pipeline: NluPipeline, text: str) -> None:
    result = nlu_pipeline.parse(text, now=NOW)
    assert result["intent"]["name"]
    for ent in result["entities"]:
        assert 0 <= ent["start"] < ent["end"] <= len(text)


def test_offsets_index_the_text_as_written(nlu_pipeline: NluPipeline) -> None:
    text = "ｓｆ１４０２９３８４７５６２１\u3000到哪了"
    result = nlu_pipeline.parse(text, now=NOW)
    tracking = next(e for e in result["entities"] if e["entity"] == "tracking_no")
    assert (tracking["start"], tracking["end"], tracking["value"]) == (0, 15, "SF1402938475621")


def test_non_text_is_a_type_error(nlu_pipeline: NluPipeline) -> None:
    with pytest.raises(TypeError):
        nlu_pipeline.parse(None)  # type: ignore[arg-type]


def test_naive_reference_time_is_shanghai(nlu_pipeline: NluPipeline) -> None:
    result = nlu_pipeline.parse("明天8点", now=datetime(2026, 11, 20, 9, 0))
    assert result["entities"][0]["value"] == "2026-11-21T08:00:00+08:00"


@pytest.mark.parametrize(
    ("text", "slot", "entities"),
    [
        ("嵩口", "origin", [("origin", "嵩口镇")]),
        ("嵩口", "destination", [("destination", "嵩口镇")]),
        ("嗯 松口吧", "origin", [("origin", "嵩口镇")]),
        ("俩", "passengers", [("passengers", 2)]),
        ("3", "passengers", [("passengers", 3)]),
        ("明天早上八点", "time", [("time", "2026-11-21T08:00:00+08:00")]),
        ("75312694085531", "tracking_no", [("carrier", "中通"), ("tracking_no", "75312694085531")]),
        ("1234567890", "tracking_no", [("tracking_no", "1234567890")]),
        ("3829", "phone", [("phone", "3829")]),
        ("b202611200007", "booking_id", [("booking_id", "B202611200007")]),
    ],
)  # fmt: skip
def test_bare_answers_fill_the_expected_slot(
    nlu_pipeline: NluPipeline, text: str, slot: str, entities: list
) -> None:  # type: ignore[type-arg]
    result = nlu_pipeline.parse(text, now=NOW, expected_slot=slot)
    assert result["intent"]["name"] == "inform"
    assert result["intent_ranking"][0]["name"] == "inform"
    assert _ents(result) == entities


def test_a_full_task_sentence_keeps_its_intent_when_a_slot_was_asked(nlu_pipeline: NluPipeline) -> None:
    result = nlu_pipeline.parse("我要投诉 司机态度太差了", now=NOW, expected_slot="origin")
    assert result["intent"]["name"] == "complaint"
    result = nlu_pipeline.parse("不对", now=NOW, expected_slot="destination")
    assert result["intent"]["name"] == "deny"


def test_bare_count_without_context_is_an_inform_with_passengers(nlu_pipeline: NluPipeline) -> None:
    result = nlu_pipeline.parse("两个", now=NOW)
    assert (result["intent"]["name"], _ents(result)) == ("inform", [("passengers", 2)])


def test_saved_model_parses_the_same(nlu_pipeline: NluPipeline, nlu_model_path: Path) -> None:
    loaded = NluPipeline.load(nlu_model_path)
    for text in ["明天8点从嵩口去县城", "俺的快递到哪了", "放首歌"]:
        assert loaded.parse(text, now=NOW) == nlu_pipeline.parse(text, now=NOW)


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small-data")
    (root / "nlu").mkdir()
    for name in ("greet", "thanks", "track_parcel", "book_ride"):
        shutil.copy(DEFAULT_TRAINING_DIR / "nlu" / f"{name}.yml", root / "nlu")
    shutil.copytree(DEFAULT_TRAINING_DIR / "lookups", root / "lookups")
    return root


def test_training_is_deterministic_for_a_seed(small_data: Path) -> None:
    a = NluPipeline.train(small_data, seed=3)
    b = NluPipeline.train(small_data, seed=3)
    for text in ["你好", "我的快递到了没", "明天去嵩口", "随便说点什么"]:
        assert a.parse(text, now=NOW) == b.parse(text, now=NOW)


def test_load_or_train_trains_when_missing_corrupt_or_stale(small_data: Path, tmp_path: Path) -> None:
    model = tmp_path / "models" / "nlu.pkl"
    first = NluPipeline.load_or_train(model, small_data)
    assert model.exists() and first.parse("你好")["intent"]["name"] == "greet"
    stamp = model.stat().st_mtime_ns
    NluPipeline.load_or_train(model, small_data)
    assert model.stat().st_mtime_ns == stamp  # fresh model: loaded, not retrained
    model.write_bytes(b"not a pickle")
    assert NluPipeline.load_or_train(model, small_data).parse("谢谢")["intent"]["name"] == "thanks"
    assert model.read_bytes() != b"not a pickle"
    stamp = model.stat().st_mtime_ns
    extra = small_data / "nlu" / "extra.yml"
    extra.write_text(
        'version: "3.1"\nnlu:\n- intent: goodbye\n  examples: |\n    - 再见\n    - 拜拜\n', encoding="utf-8"
    )
    try:
        retrained = NluPipeline.load_or_train(model, small_data)
        assert model.stat().st_mtime_ns != stamp
        assert "goodbye" in [r["name"] for r in retrained.parse("再见")["intent_ranking"]]
    finally:
        extra.unlink()


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("单号7712 3456 7890 帮我查一下", "track_parcel", [("tracking_no", "771234567890")]),
        (
            "从嵩口汽车站到永安有几班车",
            "query_bus",
            [("origin", "嵩口镇"), ("destination", "永安市")],
        ),
        (
            "订单B202611200033人数改成四个",
            "change_booking",
            [("booking_id", "B202611200033"), ("passengers", 4)],
        ),
        (
            "班车没按时来，等了一上午",
            "complaint",
            [],
        ),
    ],
)
def test_known_extraction_slips_stay_fixed(
    nlu_pipeline: NluPipeline, text: str, intent: str, entities: list[tuple[str, object]]
) -> None:
    result = nlu_pipeline.parse(text, now=NOW)
    assert (result["intent"]["name"], _ents(result)) == (intent, entities)


@pytest.mark.parametrize(("text", "clock"), [("8", "08:00"), ("10", "10:00"), ("八", "08:00"), ("３", "15:00")])
def test_a_number_alone_answering_what_time_is_that_hour(nlu_pipeline: NluPipeline, text: str, clock: str) -> None:
    result = nlu_pipeline.parse(text, now=NOW.replace(hour=7), expected_slot="time")
    assert result["intent"]["name"] == "inform"
    (time,) = [e for e in result["entities"] if e["entity"] == "time"]
    assert time["value"][11:16] == clock and (time["start"], time["end"]) == (0, len(text))


@pytest.mark.parametrize("text", ["5", "12", "99", "2026"])
def test_digits_alone_are_never_a_greeting_or_a_goodbye(nlu_pipeline: NluPipeline, text: str) -> None:
    assert nlu_pipeline.parse(text, now=NOW)["intent"]["name"] in ("inform", "out_of_scope", "affirm", "deny")
