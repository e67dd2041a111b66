"""Tests for nlu/extractors/time.py, against a fixed reference time (Friday 2026-11-20 09:00)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nlu.extractors.time import TimeExtractor

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)  # a Friday


@pytest.fixture(scope="module")
def extractor() -> TimeExtractor:
    return TimeExtractor()


def _one(extractor: TimeExtractor, text: str, now: datetime = NOW) -> tuple[str, str, str]:
    entities = extractor.extract(text, now=now)
    assert len(entities) == 1, entities
    e = entities[0]
    return e.value, e.additional_info["grain"], text[e.start : e.end]


CASES = [
    # day words
    ("今天", "2026-11-20T00:00:00+08:00", "day", "今天"),
    ("明天", "2026-11-21T00:00:00+08:00", "day", "明天"),
    ("后天", "2026-11-22T00:00:00+08:00", "day", "后天"),
    ("大后天", "2026-11-23T00:00:00+08:00", "day", "大后天"),
    ("昨天", "2026-11-19T00:00:00+08:00", "day", "昨天"),
    ("我想明天去", "2026-11-21T00:00:00+08:00", "day", "明天"),
    ("明儿个走", "2026-11-21T00:00:00+08:00", "day", "明儿个"),
    # weekdays: Friday 20th; weeks start on Monday
    ("周六", "2026-11-21T00:00:00+08:00", "day", "周六"),
    ("星期六", "2026-11-21T00:00:00+08:00", "day", "星期六"),
    ("礼拜六", "2026-11-21T00:00:00+08:00", "day", "礼拜六"),
    ("周五", "2026-11-20T00:00:00+08:00", "day", "周五"),
    ("周一", "2026-11-23T00:00:00+08:00", "day", "周一"),
    ("这周五", "2026-11-20T00:00:00+08:00", "day", "这周五"),
    ("这周日", "2026-11-22T00:00:00+08:00", "day", "这周日"),
    ("本周三", "2026-11-18T00:00:00+08:00", "day", "本周三"),
    ("下周一", "2026-11-23T00:00:00+08:00", "day", "下周一"),
    ("下周六", "2026-11-28T00:00:00+08:00", "day", "下周六"),
    ("下个礼拜天", "2026-11-29T00:00:00+08:00", "day", "下个礼拜天"),
    ("上周一", "2026-11-09T00:00:00+08:00", "day", "上周一"),
    ("星期天", "2026-11-22T00:00:00+08:00", "day", "星期天"),
    ("周末", "2026-11-21T00:00:00+08:00", "day", "周末"),
    # dates
    ("11月25号", "2026-11-25T00:00:00+08:00", "day", "11月25号"),
    ("十一月二十五号", "2026-11-25T00:00:00+08:00", "day", "十一月二十五号"),
    ("12月1日", "2026-12-01T00:00:00+08:00", "day", "12月1日"),
    ("1月5号", "2027-01-05T00:00:00+08:00", "day", "1月5号"),
    ("2027年3月8日", "2027-03-08T00:00:00+08:00", "day", "2027年3月8日"),
    ("25号", "2026-11-25T00:00:00+08:00", "day", "25号"),
    ("20号", "2026-11-20T00:00:00+08:00", "day", "20号"),
    ("15号", "2026-12-15T00:00:00+08:00", "day", "15号"),
    ("31号", "2026-12-31T00:00:00+08:00", "day", "31号"),
    ("3天后", "2026-11-23T00:00:00+08:00", "day", "3天后"),
    # periods without a clock time: hour grain at the default hour
    ("今晚", "2026-11-20T19:00:00+08:00", "hour", "今晚"),
    ("明早", "2026-11-21T08:00:00+08:00", "hour", "明早"),
    ("明晚", "2026-11-21T19:00:00+08:00", "hour", "明晚"),
    ("今天下午", "2026-11-20T15:00:00+08:00", "hour", "今天下午"),
    ("明天上午", "2026-11-21T09:00:00+08:00", "hour", "明天上午"),
    ("中午", "2026-11-20T12:00:00+08:00", "hour", "中午"),
    ("傍晚", "2026-11-20T18:00:00+08:00", "hour", "傍晚"),
    ("上午", "2026-11-20T09:00:00+08:00", "hour", "上午"),
    ("早上", "2026-11-21T08:00:00+08:00", "hour", "早上"),
    ("凌晨", "2026-11-21T05:00:00+08:00", "hour", "凌晨"),
    ("明天晚上", "2026-11-21T19:00:00+08:00", "hour", "明天晚上"),
    ("下周一上午", "2026-11-23T09:00:00+08:00", "hour", "下周一上午"),
    # clock times with day and/or period
    ("明早7点", "2026-11-21T07:00:00+08:00", "minute", "明早7点"),
    ("明天早上八点", "2026-11-21T08:00:00+08:00", "minute", "明天早上八点"),
    ("后天下午两点半", "2026-11-22T14:30:00+08:00", "minute", "后天下午两点半"),
    ("明天8点", "2026-11-21T08:00:00+08:00", "minute", "明天8点"),
    ("明天3点", "2026-11-21T15:00:00+08:00", "minute", "明天3点"),
    ("后天三点半", "2026-11-22T15:30:00+08:00", "minute", "后天三点半"),
    ("周六一点半", "2026-11-21T13:30:00+08:00", "minute", "周六一点半"),
    ("明天凌晨3点", "2026-11-21T03:00:00+08:00", "minute", "明天凌晨3点"),
    ("明天6点", "2026-11-21T06:00:00+08:00", "minute", "明天6点"),
    ("明天 8:30", "2026-11-21T08:30:00+08:00", "minute", "明天 8:30"),
    ("明天的10点", "2026-11-21T10:00:00+08:00", "minute", "明天的10点"),
    ("上午10点", "2026-11-20T10:00:00+08:00", "minute", "上午10点"),
    ("晚上7点", "2026-11-20T19:00:00+08:00", "minute", "晚上7点"),
    ("今晚8点半", "2026-11-20T20:30:00+08:00", "minute", "今晚8点半"),
    ("下午一点", "2026-11-20T13:00:00+08:00", "minute", "下午一点"),
    ("中午1点", "2026-11-20T13:00:00+08:00", "minute", "中午1点"),
    ("中午12点", "2026-11-20T12:00:00+08:00", "minute", "中午12点"),
    ("晚上12点", "2026-11-21T00:00:00+08:00", "minute", "晚上12点"),
    ("凌晨3点", "2026-11-21T03:00:00+08:00", "minute", "凌晨3点"),
    ("早上7点", "2026-11-21T07:00:00+08:00", "minute", "早上7点"),
    ("傍晚六点", "2026-11-20T18:00:00+08:00", "minute", "傍晚六点"),
    ("周六下午3点", "2026-11-21T15:00:00+08:00", "minute", "周六下午3点"),
    ("11月25号早上6点", "2026-11-25T06:00:00+08:00", "minute", "11月25号早上6点"),
    ("11月25号周三下午3点", "2026-11-25T15:00:00+08:00", "minute", "11月25号周三下午3点"),
    ("30号晚上8点", "2026-11-30T20:00:00+08:00", "minute", "30号晚上8点"),
    ("明天晚8点", "2026-11-21T20:00:00+08:00", "minute", "明天晚8点"),
    # bare clock times: the next such time (8 o'clock already passed at 09:00 -> 20:00)
    ("8点", "2026-11-20T20:00:00+08:00", "minute", "8点"),
    ("十点钟", "2026-11-20T10:00:00+08:00", "minute", "十点钟"),
    ("9点", "2026-11-20T09:00:00+08:00", "minute", "9点"),
    ("8:30", "2026-11-20T20:30:00+08:00", "minute", "8:30"),
    ("10：15", "2026-11-20T10:15:00+08:00", "minute", "10：15"),
    ("八点一刻", "2026-11-20T20:15:00+08:00", "minute", "八点一刻"),
    ("十点三刻", "2026-11-20T10:45:00+08:00", "minute", "十点三刻"),
    ("三点四十", "2026-11-20T15:40:00+08:00", "minute", "三点四十"),
    ("两点", "2026-11-20T14:00:00+08:00", "minute", "两点"),
    ("八点零五", "2026-11-20T20:05:00+08:00", "minute", "八点零五"),
    ("8点05分", "2026-11-20T20:05:00+08:00", "minute", "8点05分"),
    ("12点", "2026-11-20T12:00:00+08:00", "minute", "12点"),
    ("14点", "2026-11-20T14:00:00+08:00", "minute", "14点"),
    ("二十点", "2026-11-20T20:00:00+08:00", "minute", "二十点"),
    ("24点", "2026-11-21T00:00:00+08:00", "minute", "24点"),
    ("8时30分", "2026-11-20T20:30:00+08:00", "minute", "8时30分"),
    ("一点的车", "2026-11-20T13:00:00+08:00", "minute", "一点"),
    ("今天8点", "2026-11-20T20:00:00+08:00", "minute", "今天8点"),
    ("今天10点", "2026-11-20T10:00:00+08:00", "minute", "今天10点"),
    # relative
    ("半小时后", "2026-11-20T09:30:00+08:00", "minute", "半小时后"),
    ("一个小时后", "2026-11-20T10:00:00+08:00", "minute", "一个小时后"),
    ("一个半小时后", "2026-11-20T10:30:00+08:00", "minute", "一个半小时后"),
    ("两个钟头以后", "2026-11-20T11:00:00+08:00", "minute", "两个钟头以后"),
    ("10分钟后", "2026-11-20T09:10:00+08:00", "minute", "10分钟后"),
    ("过十分钟", "2026-11-20T09:10:00+08:00", "minute", "过十分钟"),
    # inside sentences, full-width digits
    ("俺明早7点要去县城看病", "2026-11-21T07:00:00+08:00", "minute", "明早7点"),
    ("明天8点从嵩口去县城", "2026-11-21T08:00:00+08:00", "minute", "明天8点"),
    ("帮我订后天上午十点半去三明的车", "2026-11-22T10:30:00+08:00", "minute", "后天上午十点半"),
    ("明天８点", "2026-11-21T08:00:00+08:00", "minute", "明天８点"),
    ("8点2个人", "2026-11-20T20:00:00+08:00", "minute", "8点"),
    ("明天早点来", "2026-11-21T00:00:00+08:00", "day", "明天"),
    ("后天天气好吗", "2026-11-22T00:00:00+08:00", "day", "后天"),
]


@pytest.mark.parametrize(("text", "value", "grain", "span"), CASES)
def test_time(extractor: TimeExtractor, text: str, value: str, grain: str, span: str) -> None:
    assert _one(extractor, text) == (value, grain, span)


def test_enough_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    "text",
    [
        "快一点",
        "便宜一点",
        "有两点建议",
        "早上好",
        "晚上好",
        "车晚点了",
        "一周一次",
        "坐3号线",
        "5号车",
        "5块钱",
        "13800138000",
        "SF1234567890123",
        "两个人",
        "之后天气好",
        "嵩口到县城",
        "2月30号",
        "13月2号",
        "35号",
        "",
    ],
)
def test_no_time(extractor: TimeExtractor, text: str) -> None:
    assert extractor.extract(text, now=NOW) == []


@pytest.mark.parametrize(
    ("text", "now", "value"),
    [
        # bare hour already passed: +12 h if that is still ahead today, else tomorrow
        ("8点", datetime(2026, 11, 20, 21, 0, tzinfo=TZ), "2026-11-21T08:00:00+08:00"),
        ("8点", datetime(2026, 11, 20, 7, 0, tzinfo=TZ), "2026-11-20T08:00:00+08:00"),
        ("8点", datetime(2026, 11, 20, 20, 0, tzinfo=TZ), "2026-11-20T20:00:00+08:00"),
        ("12点", datetime(2026, 11, 20, 13, 0, tzinfo=TZ), "2026-11-21T12:00:00+08:00"),
        ("14点", datetime(2026, 11, 20, 15, 0, tzinfo=TZ), "2026-11-21T14:00:00+08:00"),
        ("两点", datetime(2026, 11, 20, 15, 0, tzinfo=TZ), "2026-11-21T02:00:00+08:00"),
        # a period with a clock time but no day rolls over once passed
        ("晚上7点", datetime(2026, 11, 20, 21, 0, tzinfo=TZ), "2026-11-21T19:00:00+08:00"),
        # a period alone: today unless the period is over
        ("下午", datetime(2026, 11, 20, 15, 30, tzinfo=TZ), "2026-11-20T15:00:00+08:00"),
        ("下午", datetime(2026, 11, 20, 18, 30, tzinfo=TZ), "2026-11-21T15:00:00+08:00"),
        ("早上", datetime(2026, 11, 20, 6, 0, tzinfo=TZ), "2026-11-20T08:00:00+08:00"),
        # a bare weekday on that very weekday is today; month ends and year ends roll over
        ("周一", datetime(2026, 11, 23, 9, 0, tzinfo=TZ), "2026-11-23T00:00:00+08:00"),
        ("明天", datetime(2026, 12, 31, 23, 0, tzinfo=TZ), "2027-01-01T00:00:00+08:00"),
        ("3号", datetime(2026, 12, 20, 9, 0, tzinfo=TZ), "2027-01-03T00:00:00+08:00"),
        ("半小时后", datetime(2026, 11, 20, 23, 50, tzinfo=TZ), "2026-11-21T00:20:00+08:00"),
    ],
)
def test_reference_time_rules(extractor: TimeExtractor, text: str, now: datetime, value: str) -> None:
    assert _one(extractor, text, now)[0] == value


def test_now_in_other_zone_or_naive_is_shanghai_time(extractor: TimeExtractor) -> None:
    utc_now = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert _one(extractor, "8点", utc_now)[0] == "2026-11-20T20:00:00+08:00"
    assert _one(extractor, "8点", datetime(2026, 11, 20, 9, 0))[0] == "2026-11-20T20:00:00+08:00"


def test_seconds_of_now_are_dropped(extractor: TimeExtractor) -> None:
    now = NOW + timedelta(seconds=42, microseconds=7)
    assert _one(extractor, "10分钟后", now)[0] == "2026-11-20T09:10:00+08:00"


def test_default_now_is_the_current_time(extractor: TimeExtractor) -> None:
    (entity,) = extractor.extract("明天")
    expected = (datetime.now(TZ) + timedelta(days=1)).date().isoformat()
    assert entity.value.startswith(expected)


def test_several_times_in_one_message(extractor: TimeExtractor) -> None:
    text = "不是明天8点，改成后天下午3点"
    values = [(e.value, text[e.start : e.end]) for e in extractor.extract(text, now=NOW)]
    assert values == [
        ("2026-11-21T08:00:00+08:00", "明天8点"),
        ("2026-11-22T15:00:00+08:00", "后天下午3点"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "明天去县城，8点出发",
            [("2026-11-21T08:00:00+08:00", "8点")],  # one time said in two pieces
        ),
        (
            "明天下午去，3点前到",
            [("2026-11-21T15:00:00+08:00", "3点")],
        ),
        (
            "后天要去县城看病 下午3点从嵩口走",
            [("2026-11-22T15:00:00+08:00", "下午3点")],
        ),
        (
            "明天早上大概十点去县城",
            [("2026-11-21T10:00:00+08:00", "十点")],
        ),
        (
            "明天上午去，下午3点回来",  # two times of one day stay two
            [("2026-11-21T09:00:00+08:00", "明天上午"), ("2026-11-21T15:00:00+08:00", "下午3点")],
        ),
        (
            "原来是明天8点，改成9点",
            [("2026-11-21T08:00:00+08:00", "明天8点"), ("2026-11-21T09:00:00+08:00", "9点")],
        ),
        ("8点，明天", [("2026-11-20T20:00:00+08:00", "8点"), ("2026-11-21T00:00:00+08:00", "明天")]),
    ],
)
def test_later_clock_time_takes_the_earlier_day(
    extractor: TimeExtractor, text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(e.value, text[e.start : e.end]) for e in extractor.extract(text, now=NOW)] == expected


def test_entity_shape(extractor: TimeExtractor) -> None:
    (e,) = extractor.extract("明天8点从嵩口去县城", now=NOW)
    assert e.to_dict() == {
        "entity": "time",
        "value": "2026-11-21T08:00:00+08:00",
        "start": 0,
        "end": 4,
        "extractor": "TimeExtractor",
        "confidence_entity": 1.0,
        "additional_info": {"grain": "minute"},
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\n\t",
        "😀" * 100,
        "明天8点" * 2500,
        "点" * 10000,
        "9999年12月31日晚上12点",
        "0000年1月1日",
        "\udfff",
    ],
)
def test_never_crashes(extractor: TimeExtractor, text: str) -> None:
    for e in extractor.extract(text, now=NOW):
        assert 0 <= e.start < e.end <= len(text)


def test_near_the_end_of_time_does_not_crash(extractor: TimeExtractor) -> None:
    late = datetime(9999, 12, 31, 22, 0, tzinfo=TZ)
    for text in ("明天", "晚上12点", "3天后", "两个小时后", "下周一", "8点"):
        extractor.extract(text, now=late)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("今天的班车没按时来，等了一上午", ["今天"]),
        ("一上午都在等车", []),
        ("等了一个上午", []),
        ("整个下午都没车", []),
        ("等了一早上", []),
        ("住一晚", []),
    ],
)
def test_a_stretch_of_time_is_not_a_time(extractor: TimeExtractor, text: str, spans: list[str]) -> None:
    assert [text[e.start : e.end] for e in extractor.extract(text, now=NOW)] == spans


@pytest.mark.parametrize(
    ("text", "value", "grain", "span"),
    [
        ("明天后晌去县城", "2026-11-21T15:00:00+08:00", "hour", "明天后晌"),
        ("后晌三点", "2026-11-20T15:00:00+08:00", "minute", "后晌三点"),
        ("礼拜一上晌", "2026-11-23T09:00:00+08:00", "hour", "礼拜一上晌"),
        ("明儿个上午", "2026-11-21T09:00:00+08:00", "hour", "明儿个上午"),
        ("下周一上午", "2026-11-23T09:00:00+08:00", "hour", "下周一上午"),
        ("明早上8点出发", "2026-11-21T08:00:00+08:00", "minute", "明早上8点"),
        ("今晚上八点半", "2026-11-20T20:30:00+08:00", "minute", "今晚上八点半"),
        ("下个月三号", "2026-12-03T00:00:00+08:00", "day", "下个月三号"),
        ("约的车咋还没到 说好九点来的", "2026-11-20T09:00:00+08:00", "minute", "九点"),
        ("有三点的车吗", "2026-11-20T15:00:00+08:00", "minute", "三点"),
    ],
)
def test_dialect_periods_compounds_and_agreed_hours(
    extractor: TimeExtractor, text: str, value: str, grain: str, span: str
) -> None:
    assert _one(extractor, text) == (value, grain, span)


@pytest.mark.parametrize("text", ["好一点", "早一点来", "说好一点到"])
def test_a_bit_is_still_not_one_oclock(extractor: TimeExtractor, text: str) -> None:
    assert extractor.extract(text, now=NOW) == []
