"""Tests for nlu/extractors/identifiers.py: tracking numbers, carriers, phones, plates, ids."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.extractors.identifiers import IdentifierExtractor, s10_check_digit

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def extractor() -> IdentifierExtractor:
    return IdentifierExtractor()


def _found(extractor: IdentifierExtractor, text: str) -> list[tuple[str, str, str]]:
    return [(e.entity, e.value, text[e.start : e.end]) for e in extractor.extract(text, now=NOW)]


@pytest.mark.parametrize(
    ("serial", "check"),
    [("47312482", 9), ("12345678", 5), ("00000000", 5), ("00004000", 0), ("11111111", 5), ("98765432", 6)],
)
def test_s10_check_digit(serial: str, check: int) -> None:
    assert s10_check_digit(serial) == check


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # carrier implied by the number format
        ("SF1234567890123", [("carrier", "顺丰", "SF1234567890123"), ("tracking_no", "SF1234567890123", "SF1234567890123")]),
        ("sf 1234 5678 9012 3", [("carrier", "顺丰", "sf 1234 5678 9012 3"), ("tracking_no", "SF1234567890123", "sf 1234 5678 9012 3")]),
        ("SF123456789012", [("carrier", "顺丰", "SF123456789012"), ("tracking_no", "SF123456789012", "SF123456789012")]),
        ("JT1234567890123", [("carrier", "极兔", "JT1234567890123"), ("tracking_no", "JT1234567890123", "JT1234567890123")]),
        ("JDVA12345678901", [("carrier", "京东", "JDVA12345678901"), ("tracking_no", "JDVA12345678901", "JDVA12345678901")]),
        ("jd0012345678901", [("carrier", "京东", "jd0012345678901"), ("tracking_no", "JD0012345678901", "jd0012345678901")]),
        ("YT1234567890123", [("carrier", "圆通", "YT1234567890123"), ("tracking_no", "YT1234567890123", "YT1234567890123")]),
        ("75123456789012", [("carrier", "中通", "75123456789012"), ("tracking_no", "75123456789012", "75123456789012")]),
        ("73100012345678", [("carrier", "中通", "73100012345678"), ("tracking_no", "73100012345678", "73100012345678")]),
        ("773123456789012", [("carrier", "申通", "773123456789012"), ("tracking_no", "773123456789012", "773123456789012")]),
        ("431234567890123", [("carrier", "韵达", "431234567890123"), ("tracking_no", "431234567890123", "431234567890123")]),
        ("462345678901234", [("carrier", "韵达", "462345678901234"), ("tracking_no", "462345678901234", "462345678901234")]),
        ("1123456789012", [("carrier", "中国邮政", "1123456789012"), ("tracking_no", "1123456789012", "1123456789012")]),
        ("EA473124829CN", [("carrier", "中国邮政", "EA473124829CN"), ("tracking_no", "EA473124829CN", "EA473124829CN")]),
        ("ea 473124829 cn", [("carrier", "中国邮政", "ea 473124829 cn"), ("tracking_no", "EA473124829CN", "ea 473124829 cn")]),
        ("ＳＦ１２３４５６７８９０１２３", [("carrier", "顺丰", "ＳＦ１２３４５６７８９０１２３"), ("tracking_no", "SF1234567890123", "ＳＦ１２３４５６７８９０１２３")]),
        # carrier named in words: the word wins, no second carrier from the number
        ("我的顺丰单号SF1234567890123", [("carrier", "顺丰", "顺丰"), ("tracking_no", "SF1234567890123", "SF1234567890123")]),
        ("邮政EMS 1123456789012", [("carrier", "中国邮政", "邮政EMS"), ("tracking_no", "1123456789012", "1123456789012")]),
        ("中通快递到了没", [("carrier", "中通", "中通快递")]),
        ("邮局的包裹", [("carrier", "中国邮政", "邮局")]),
        ("ems到哪了", [("carrier", "中国邮政", "ems")]),
        ("极兔的件", [("carrier", "极兔", "极兔")]),
        ("京东买的", [("carrier", "京东", "京东")]),
        ("圆通", [("carrier", "圆通", "圆通")]),
        ("申通", [("carrier", "申通", "申通")]),
        ("韵达快递", [("carrier", "韵达", "韵达快递")]),
        # unknown formats only when the message is about parcels
        ("我的快递单号1234567890", [("tracking_no", "1234567890", "1234567890")]),
        ("RR473124829GB", [("tracking_no", "RR473124829GB", "RR473124829GB")]),
        # phones
        ("13800138000", [("phone", "13800138000", "13800138000")]),
        ("电话138 0013 8000", [("phone", "13800138000", "138 0013 8000")]),
        ("+86 138-0013-8000", [("phone", "13800138000", "+86 138-0013-8000")]),
        ("8613912345678", [("phone", "13912345678", "8613912345678")]),
        ("尾号1234", [("phone", "1234", "1234")]),
        ("手机后四位是5678", [("phone", "5678", "5678")]),
        ("手机尾号为 0598", [("phone", "0598", "0598")]),
        ("call me 13800138000 ok", [("phone", "13800138000", "13800138000")]),
        ("顺丰 13800138000", [("carrier", "顺丰", "顺丰"), ("phone", "13800138000", "13800138000")]),
        # plates
        ("闽G·A8866", [("plate", "闽GA8866", "闽G·A8866")]),
        ("闽g a8866", [("plate", "闽GA8866", "闽g a8866")]),
        ("闽GA8866", [("plate", "闽GA8866", "闽GA8866")]),
        ("闽G 12345", [("plate", "闽G12345", "闽G 12345")]),
        ("闽GD12345", [("plate", "闽GD12345", "闽GD12345")]),
        ("闽G12345D", [("plate", "闽G12345D", "闽G12345D")]),
        ("我要投诉闽G12345的司机", [("plate", "闽G12345", "闽G12345")]),
        # booking and ticket ids
        ("B202611200007", [("booking_id", "B202611200007", "B202611200007")]),
        ("取消订单b202611200007", [("booking_id", "B202611200007", "b202611200007")]),
        ("C20261115003", [("ticket_id", "C20261115003", "C20261115003")]),
        ("投诉单c20261115003进度", [("ticket_id", "C20261115003", "c20261115003")]),
    ],
)  # fmt: skip
def test_identifiers(extractor: IdentifierExtractor, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1234567890",
        "身份证350423199001011234",
        "途中通过",
        "SYSTEMS",
        "B202613400007",
        "C20261345003",
        "闽GA12345",
        "闽G·ABCDE",
        "明天8点两个人",
        "8:30",
        "12345",
        "一二三四五六七八九十",
        "",
    ],
)
def test_nothing_found(extractor: IdentifierExtractor, text: str) -> None:
    assert extractor.extract(text, now=NOW) == []


def test_bad_s10_check_digit_is_not_postal_with_full_confidence(extractor: IdentifierExtractor) -> None:
    entities = extractor.extract("EA473124828CN", now=NOW)
    assert [e.entity for e in entities] == ["tracking_no"]
    assert entities[0].value == "EA473124828CN"
    assert entities[0].confidence < 1.0
    assert entities[0].additional_info == {"format": "S10", "valid": False}


def test_phone_is_never_a_tracking_number(extractor: IdentifierExtractor) -> None:
    entities = extractor.extract("快递单号呢？我电话13800138000", now=NOW)
    assert [(e.entity, e.value) for e in entities] == [("phone", "13800138000")]


def test_everything_in_one_message(extractor: IdentifierExtractor) -> None:
    text = "查一下中通75123456789012，电话13800138000，车牌闽G·A8866"
    assert _found(extractor, text) == [
        ("carrier", "中通", "中通"),
        ("tracking_no", "75123456789012", "75123456789012"),
        ("phone", "13800138000", "13800138000"),
        ("plate", "闽GA8866", "闽G·A8866"),
    ]


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x1f", "😀" * 100, "a " * 5000, "1" * 10000, "+" * 100, "SF" * 5000, "闽" * 10000, "\ud800SF1"],
)
def test_never_crashes(extractor: IdentifierExtractor, text: str) -> None:
    for e in extractor.extract(text, now=NOW):
        assert 0 <= e.start < e.end <= len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("帮我查下包裹 7712 3456 7890", [("tracking_no", "771234567890", "7712 3456 7890")]),
        ("9812345678901", [("tracking_no", "9812345678901", "9812345678901")]),
        (" 9812 3456 78901 ", [("tracking_no", "9812345678901", "9812 3456 78901")]),
    ],
)
def test_read_out_or_bare_parcel_numbers(
    extractor: IdentifierExtractor, text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert _found(extractor, text) == expected


@pytest.mark.parametrize("text", ["明天 2个人 123 456 7890", "1234567890", "B202613400007"])
def test_digit_groups_outside_parcel_talk_stay_unread(extractor: IdentifierExtractor, text: str) -> None:
    assert extractor.extract(text, now=NOW) == []
