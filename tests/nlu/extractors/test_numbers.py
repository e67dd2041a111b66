"""Tests for nlu/extractors/numbers.py: Chinese numerals and passenger counts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.extractors.numbers import PassengerExtractor, cn_to_int

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("二", 2),
        ("两", 2),
        ("俩", 2),
        ("仨", 3),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十五", 25),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("一百五", 150),
        ("一百一十", 110),
        ("两千五", 2500),
        ("一千零一", 1001),
        ("三万", 30000),
        ("一万二千", 12000),
        ("零", 0),
        ("〇", 0),
        ("0", 0),
        ("7", 7),
        ("25", 25),
        ("１２", 12),
        ("二零二六", 2026),
        ("幺三八", 138),
        (" 5 ", 5),
    ],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    "text", ["", " ", "abc", "十十", "二十个", "五点", "一二十", "-1", "1.5", "一" * 30, "😀"]
)
def test_cn_to_int_rejects(text: str) -> None:
    assert cn_to_int(text) is None


def test_cn_to_int_rejects_non_strings() -> None:
    assert cn_to_int(None) is None  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def extractor() -> PassengerExtractor:
    return PassengerExtractor()


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("两个人", 2, "两个人"),
        ("3人", 3, "3人"),
        ("俺们仨", 3, "俺们仨"),
        ("我们俩去县城", 2, "我们俩"),
        ("咱俩", 2, "咱俩"),
        ("三位", 3, "三位"),
        ("三位老人", 3, "三位老人"),
        ("我们一家四口", 4, "一家四口"),
        ("一家子五口人", 5, "一家子五口人"),
        ("5个大人", 5, "5个大人"),
        ("两名乘客", 2, "两名乘客"),
        ("十个学生", 10, "十个学生"),
        ("二十个人包车", 20, "二十个人"),
        ("两个大人一个小孩", 3, "两个大人一个小孩"),
        ("两个大人和两个孩子", 4, "两个大人和两个孩子"),
        ("两大一小", 3, "两大一小"),
        ("我们两个", 2, "我们两个"),
        ("我们一共三个", 3, "我们一共三个"),
        ("两张票", 2, "两张票"),
        ("订三个座", 3, "三个座"),
        ("我一个人", 1, "我一个人"),
        ("就我自己", 1, "就我自己"),
        ("一个人", 1, "一个人"),
        ("明天8点两个人去县城", 2, "两个人"),
        ("25号两个人", 2, "两个人"),
        ("8点2个人", 2, "2个人"),
        ("两个大人带一个孩子", 3, "两个大人带一个孩子"),
        ("我们两个人带个孩子", 3, "两个人带个孩子"),
        ("４个人", 4, "４个人"),
        ("明早8点半 松口 县人民医院 俩", 2, "俩"),  # a word of its own at the end of a booking sentence
        ("嵩口去县城，仨。", 3, "仨"),
    ],
)
def test_passengers(extractor: PassengerExtractor, text: str, value: int, span: str) -> None:
    (entity,) = extractor.extract(text, now=NOW)
    assert (entity.entity, entity.value, text[entity.start : entity.end]) == ("passengers", value, span)
    assert entity.confidence == 1.0


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [("我带个孩子", 2, "带个孩子"), ("带两个孩子去看病", 3, "带两个孩子"), ("带着老人", 2, "带着老人")],
)
def test_bringing_someone_counts_the_speaker(
    extractor: PassengerExtractor, text: str, value: int, span: str
) -> None:
    (entity,) = extractor.extract(text, now=NOW)
    assert (entity.value, text[entity.start : entity.end]) == (value, span)
    assert entity.confidence < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "明天8点去县城",
        "8点",
        "两点半",
        "5块钱",
        "车费10元",
        "25号",
        "11月25号",
        "电话13800138000",
        "尾号1234",
        "第三位",
        "一个小时后",
        "我们三个月没回家",
        "十几个人",
        "几个人",
        "100个人",
        "我个人觉得",
        "县人民医院",
        "5个工人",
        "老人",
        "三位数",
        "闽G12345",
        "哥俩好",
        "俩口子吵架了",
        "",
    ],
)
def test_no_passengers(extractor: PassengerExtractor, text: str) -> None:
    assert extractor.extract(text, now=NOW) == []


def test_separate_counts_give_separate_entities(extractor: PassengerExtractor) -> None:
    text = "原来两个人，现在改成3人"
    assert [(e.value, text[e.start : e.end]) for e in extractor.extract(text, now=NOW)] == [
        (2, "两个人"),
        (3, "3人"),
    ]


@pytest.mark.parametrize("text", ["", "\x00", "😀" * 100, "两个人" * 3000, "1人" * 5000, "\ud800人"])
def test_never_crashes(extractor: PassengerExtractor, text: str) -> None:
    for e in extractor.extract(text, now=NOW):
        assert 0 <= e.start < e.end <= len(text) and isinstance(e.value, int)


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("想约明天去县城的车 要俩位置", 2, "俩位置"),
        ("还有三个位置吗", 3, "三个位置"),
        ("订两张座 礼拜天下午", 2, "两张座"),
        ("我想要预约一个座位", 1, "一个座位"),
        ("订单B202611200033人数改成四个", 4, "四个"),
        ("嗯 人数要改一下 改成三个人", 3, "三个人"),
        ("俺订的座要加一个人 变三个", 3, "三个"),
        ("我们多了一个人 现在五个人", 5, "五个人"),
        ("少一个人 改成俩人", 2, "俩人"),
        ("俺们多一个人 一共三个", 3, "三个"),
        ("俺订的座 再加一个人", 1, "一个人"),
        ("两个大人再加一个小孩", 3, "两个大人再加一个小孩"),
        ("俺们老两口明天上县城", 2, "老两口"),
        ("老两口带个孙子", 3, "老两口带个孙子"),
    ],
)
def test_seats_totals_and_changes(extractor: PassengerExtractor, text: str, value: int, span: str) -> None:
    (entity,) = extractor.extract(text, now=NOW)
    assert (entity.value, text[entity.start : entity.end]) == (value, span)


@pytest.mark.parametrize(
    "text", ["温郊到余朋多少钱一个人", "包一辆七座的", "人数要改一下", "一共三个小时", "一共两箱", "改成十点"]
)
def test_prices_vehicle_sizes_and_durations_are_not_counts(extractor: PassengerExtractor, text: str) -> None:
    assert extractor.extract(text, now=NOW) == []
