from __future__ import annotations

import pytest

from backend.errors import InvalidInput
from backend.services.parcels.tracking_numbers import (
    detect_carrier,
    normalise_tracking_no,
    s10_check_digit,
    validate_tracking_no,
)


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("SF6161920527587", "顺丰"),
        ("SF123456789012", "顺丰"),
        ("75703408046145", "中通"),
        ("73123456789012", "中通"),
        ("YT8172176446047", "圆通"),
        ("772550202227917", "申通"),
        ("431956729992828", "韵达"),
        ("461234567890123", "韵达"),
        ("311234567890123", "韵达"),
        ("JT4678203589049", "极兔"),
        ("JD8511633674512", "京东"),
        ("JDV12345678901", "京东"),
        ("JDX0123456789012", "京东"),
        ("EB720570181CN", "中国邮政"),
        ("EA123456785CN", "中国邮政"),
        ("1123456789012", "中国邮政"),
    ],
)
def test_each_carrier_is_recognised(number: str, carrier: str) -> None:
    assert detect_carrier(number) == carrier
    assert validate_tracking_no(number) == (number, carrier)


def test_numbers_are_normalised_before_checking() -> None:
    assert normalise_tracking_no(" sf 6161 9205 27587\n") == "SF6161920527587"
    assert normalise_tracking_no("ＪＴ４６７８２０３５８９０４９") == "JT4678203589049"
    assert validate_tracking_no("jt 4678 2035 89049") == ("JT4678203589049", "极兔")


def test_s10_check_digit_follows_the_upu_weights() -> None:
    assert s10_check_digit("12345678") == 5  # 11 - 204 % 11
    assert s10_check_digit("12345686") == 0  # 11 - 1 = 10 -> 0
    assert s10_check_digit("12345689") == 5  # 11 - 0 = 11 -> 5
    assert s10_check_digit("72057018") == 1
    with pytest.raises(ValueError):
        s10_check_digit("1234567")


def test_wrong_s10_check_digit_is_malformed() -> None:
    assert detect_carrier("EA123456784CN") is None
    with pytest.raises(InvalidInput, match="校验位不对"):
        validate_tracking_no("ea 123456784 cn")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("SF12345", "SF 加 12 到 15 位数字"),
        ("7312345678901", "73 或 75 开头的 14 位数字"),
        ("YT123", "YT 加 13 位数字"),
        ("77123", "77 开头的 15 位数字"),
        ("4312345678901234", "43、46 或 31 开头的 15 位数字"),
        ("JT12345678901234", "JT 加 13 位数字"),
        ("JDY12345678901", "JD（或 JDV、JDX）加 11 到 13 位数字"),
        ("EA12345678CN", "两个字母、9 位数字加 CN"),
        ("12345", "1 开头的 13 位数字"),
    ],
)
def test_malformed_number_names_the_expected_format(text: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_tracking_no(text)
    assert hint in caught.value.message
    assert "格式不对" in caught.value.message


def test_gibberish_gets_the_list_of_formats() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_tracking_no("我的快递")
    assert "不像快递单号" in caught.value.message
    assert "顺丰 SF 加 12-15 位数字" in caught.value.message
    with pytest.raises(InvalidInput, match="请告诉我快递单号"):
        validate_tracking_no("   ")
