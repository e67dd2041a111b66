"""Tests for nlu/extractors/places.py: exact, alias, short-form and sound-alike places in text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.extractors.places import PlaceExtractor
from nlu.gazetteer import Gazetteer

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def extractor() -> PlaceExtractor:
    return PlaceExtractor(Gazetteer.load())


def _found(extractor: PlaceExtractor, text: str) -> list[tuple[str, str, str]]:
    return [
        (e.value, text[e.start : e.end], e.additional_info["method"])
        for e in extractor.extract(text, now=NOW)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("俺明早7点要去县城看病 从田源出发", [("清流县城", "县城", "alias"), ("田源乡", "田源", "short")]),
        ("明天8点从嵩口去县城", [("嵩口镇", "嵩口", "short"), ("清流县城", "县城", "alias")]),
        ("嵩口镇到清流县城", [("嵩口镇", "嵩口镇", "exact"), ("清流县城", "清流县城", "exact")]),
        ("我住嵩口村", [("嵩口村", "嵩口村", "exact")]),
        ("去灵地村", [("灵地村", "灵地村", "exact")]),
        ("去灵地", [("灵地镇", "灵地", "short")]),
        ("嵩溪的车几点", [("嵩溪镇", "嵩溪", "short")]),
        ("我在嵩口中心小学门口", [("嵩口中心小学", "嵩口中心小学", "exact")]),
        ("嵩口小学放学", [("嵩口中心小学", "嵩口小学", "alias")]),
        ("从县医院到汽车站", [("清流县医院", "县医院", "alias"), ("清流县汽车站", "汽车站", "alias")]),
        ("回城里", [("清流县城", "城里", "alias")]),
        ("县城里有车吗", [("清流县城", "县城", "alias")]),
        ("清流到三明", [("清流县城", "清流", "short"), ("三明市", "三明", "alias")]),
        ("福州到厦门的车", [("福州市", "福州", "alias"), ("厦门市", "厦门", "alias")]),
        ("去永安市", [("永安市", "永安市", "exact")]),
        ("宁化过来", [("宁化县", "宁化", "alias")]),
        ("宁化县", [("宁化县", "宁化县", "exact")]),
        ("龙津到嵩溪", [("龙津镇", "龙津", "short"), ("嵩溪镇", "嵩溪", "short")]),
        ("溪源村", [("溪源村", "溪源村", "exact")]),
        ("黄石坑", [("黄石坑村", "黄石坑", "short")]),
        ("在灵地上车", [("灵地镇", "灵地", "short")]),
        # sound-alikes (homophones, pinyin-input and speech-recognition slips)
        ("从松口出发去县城", [("嵩口镇", "松口", "pinyin"), ("清流县城", "县城", "alias")]),
        ("宋口的车几点到", [("嵩口镇", "宋口", "pinyin")]),
        ("送口", [("嵩口镇", "送口", "pinyin")]),
        ("我在松口", [("嵩口镇", "松口", "pinyin")]),
        ("松口到县城多少钱", [("嵩口镇", "松口", "pinyin"), ("清流县城", "县城", "alias")]),
        ("田园", [("田源乡", "田园", "pinyin")]),
        ("去田园", [("田源乡", "田园", "pinyin")]),
        ("去林舍", [("林畲镇", "林舍", "pinyin")]),
        ("林舍村", [("林畲村", "林舍村", "pinyin")]),
        ("到赖方", [("赖坊镇", "赖方", "pinyin")]),
        ("余鹏乡", [("余朋乡", "余鹏乡", "pinyin")]),
        ("去余鹏", [("余朋乡", "余鹏", "pinyin")]),
        ("从常校到里田", [("长校镇", "常校", "pinyin"), ("里田乡", "里田", "short")]),
        ("去临地", [("灵地镇", "临地", "pinyin")]),
        ("到三名", [("三明市", "三名", "pinyin")]),
        ("嵩口中新小学", [("嵩口中心小学", "嵩口中新小学", "pinyin")]),
        ("去沙屋", [("沙芜乡", "沙屋", "pinyin")]),
        ("福州是个好地方", [("福州市", "福州", "alias")]),
        ("去三名市", [("三明市", "三名市", "pinyin")]),
    ],
)
def test_places(extractor: PlaceExtractor, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "松口气",
        "终于可以松口气了",
        "我想",
        "明天",
        "我想明天去",
        "这里田园风光很好",
        "我们那里田多",
        "现成的",
        "我们三名乘客",
        "我们三名是学生",
        "老李家",
        "长效药",
        "松口人",
        "我想去看看我朋友",
        "谢谢你",
        "你好",
        "溜达溜达",
        "转人工",
        "今天天气不错",
        "",
    ],
)
def test_no_place_in_ordinary_words(extractor: PlaceExtractor, text: str) -> None:
    assert extractor.extract(text, now=NOW) == []


def test_entity_shape(extractor: PlaceExtractor) -> None:
    (exact,) = extractor.extract("到嵩口镇", now=NOW)
    assert (exact.entity, exact.value, exact.start, exact.end) == ("place", "嵩口镇", 1, 4)
    assert exact.confidence == 1.0
    assert exact.additional_info == {"kind": "township", "method": "exact"}
    assert exact.extractor == "PlaceExtractor"
    (fuzzy,) = extractor.extract("到松口", now=NOW)
    assert 0.7 < fuzzy.confidence < 1.0
    assert fuzzy.additional_info == {"kind": "township", "method": "pinyin"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [("县城", "county_seat"), ("嵩口村", "village"), ("县医院", "landmark"), ("福州", "external")],
)
def test_kind_is_reported(extractor: PlaceExtractor, text: str, kind: str) -> None:
    (entity,) = extractor.extract(text, now=NOW)
    assert entity.additional_info["kind"] == kind


def test_weaker_sound_alike_scores_lower(extractor: PlaceExtractor) -> None:
    (same_tone,) = extractor.extract("去松口", now=NOW)
    (other_final,) = extractor.extract("去临地", now=NOW)
    assert other_final.confidence < same_tone.confidence < 1.0


def test_offsets_are_into_the_text_as_written(extractor: PlaceExtractor) -> None:
    text = "😀😀 明天从 松口 去 县城，谢谢"
    entities = extractor.extract(text, now=NOW)
    assert [text[e.start : e.end] for e in entities] == ["松口", "县城"]


def test_custom_word_list_replaces_jieba() -> None:
    ext = PlaceExtractor(Gazetteer.load(), is_word=lambda w: w == "松口气")
    assert ext.extract("松口气", now=NOW) == []
    assert [e.value for e in ext.extract("去松口", now=NOW)] == ["嵩口镇"]


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00\x01\x02", "😀" * 50, "a" * 10000, "县城" * 5000, "松口去" * 3000, "\ud800", "Ω≈ç√∫"],
)
def test_never_crashes(extractor: PlaceExtractor, text: str) -> None:
    for e in extractor.extract(text, now=NOW):
        assert 0 <= e.start < e.end <= len(text)


@pytest.mark.parametrize(
    "text",
    ["单号771234567890 帮我查一下", "我的快递到哪了？单号 YT8812345678901", "单号", "订单号发我"],
)
def test_parcel_number_word_is_not_changxiao(extractor: PlaceExtractor, text: str) -> None:
    # 单 and 号 sound like 长校 only by their rare readings (chan2, xiao1)
    assert _found(extractor, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县成方向的车几点过温郊", [("清流县城", "县成", "pinyin"), ("温郊乡", "温郊", "short")]),
        ("文郊公交几点到", [("温郊乡", "文郊", "pinyin")]),
        ("里甜的", [("里田乡", "里甜", "pinyin")]),
    ],
)
def test_sound_alikes_before_a_place_cue(
    extractor: PlaceExtractor, text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert _found(extractor, text) == expected


def test_word_plus_de_answer_is_not_a_place(extractor: PlaceExtractor) -> None:
    assert _found(extractor, "现成的") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("从嵩口汽车站到永安有几班车", [("嵩口镇", "嵩口汽车站", "short"), ("永安市", "永安", "alias")]),
        ("投诉松口汽车站的工作人员", [("嵩口镇", "松口汽车站", "pinyin")]),
        ("三明汽车站到县城", [("三明市", "三明汽车站", "alias"), ("清流县城", "县城", "alias")]),
        ("县城汽车站几点开门", [("清流县汽车站", "县城汽车站", "alias")]),
        ("到汽车站接我", [("清流县汽车站", "汽车站", "alias")]),
        ("嵩口 汽车站", [("嵩口镇", "嵩口", "short"), ("清流县汽车站", "汽车站", "alias")]),
    ],
)
def test_station_right_after_a_township_is_that_townships(
    extractor: PlaceExtractor, text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert _found(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a township and one of its listed villages: the village
        ("从嵩口镇溪源村去县医院", [("溪源村", "嵩口镇溪源村", None), ("清流县医院", "县医院", None)]),
        # a village the gazetteer lacks, after its township: kept as detail
        ("嵩口镇上坪村3组到县城", [("嵩口镇上坪村3组", "嵩口镇上坪村3组", "上坪村3组"), ("清流县城", "县城", None)]),
        ("寄到嵩口上坪村", [("嵩口镇上坪村", "嵩口上坪村", "上坪村")]),
        ("溪源村3组", [("溪源村3组", "溪源村3组", "3组")]),
        # alone, after a cue or as the whole answer: the text as written
        ("我在上坪村，明天去县城", [("上坪村", "上坪村", None), ("清流县城", "县城", None)]),
        ("上坪村", [("上坪村", "上坪村", None)]),
        ("从上坪自然村出发", [("上坪自然村", "上坪自然村", None)]),
        # a correction: 是 / 改成 name the village (it was lost, or "改成下坪村" was the village)
        ("不是上坪村，是下坪村", [("上坪村", "上坪村", None), ("下坪村", "下坪村", None)]),
        ("改成下坪村", [("下坪村", "下坪村", None)]),
        ("就是这个村", []),
        # words that only look like villages
        ("我们村里的车", []),
        ("农村的车几点", []),
        ("去农村", []),
        ("我在家等村里的车", []),
        ("住在灵地乡村", [("灵地镇", "灵地", None)]),
    ],
)
def test_villages_the_gazetteer_lacks_are_kept(
    extractor: PlaceExtractor, text: str, expected: list[tuple[str, str, str | None]]
) -> None:
    found = extractor.extract(text, now=NOW)
    assert [(e.value, text[e.start : e.end], e.additional_info.get("detail")) for e in found] == expected
    for entity in found:
        if entity.additional_info.get("method") == "pattern":
            assert entity.additional_info["unlisted"] is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天从songkou去县城", [("嵩口镇", "songkou"), ("清流县城", "县城")]),
        ("从Lingdi到县医院", [("灵地镇", "Lingdi"), ("清流县医院", "县医院")]),
        ("去xiancheng", [("清流县城", "xiancheng")]),
        ("hello", []),  # no place is clearly meant
        ("lidi", []),  # 灵地 or 李家: too unsure
        ("wechat联系", []),
    ],
)
def test_places_typed_in_pinyin_letters(extractor: PlaceExtractor, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(e.value, text[e.start : e.end]) for e in extractor.extract(text, now=NOW)] == expected
