"""The backend's authoritative check of tracking numbers (快递单号): normalise what a
villager typed or said, recognise the carrier from the number's shape, and refuse a
malformed number with a message that says what a valid one looks like.

Formats: 顺丰 SF + 12-15 digits; 中通 73/75 + 12 digits; 圆通 YT + 13 digits; 申通
77 + 13 digits; 韵达 43/46/31 + 13 digits; 极兔 JT + 13 digits; 京东 JD, JDV or JDX +
11-13 digits; 中国邮政 UPU S10 (two letters, 8 digits, a check digit, CN) or a 13-digit
EMS number starting with 1. The S10 check digit uses the weights 8,6,4,2,3,5,9,7:
c = 11 - sum % 11, where 10 gives 0 and 11 gives 5; a wrong check digit is malformed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from backend.errors import InvalidInput

CARRIERS = ("中国邮政", "顺丰", "中通", "圆通", "申通", "韵达", "极兔", "京东")

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


@dataclass(frozen=True)
class CarrierFormat:
    carrier: str
    pattern: re.Pattern[str]
    prefix: re.Pattern[str]  # how a number of this carrier starts, for a precise hint
    hint: str


FORMATS: tuple[CarrierFormat, ...] = (
    CarrierFormat("顺丰", re.compile(r"SF\d{12,15}"), re.compile(r"SF"), "顺丰单号是 SF 加 12 到 15 位数字"),
    CarrierFormat(
        "中通", re.compile(r"7[35]\d{12}"), re.compile(r"7[35]"), "中通单号是 73 或 75 开头的 14 位数字"
    ),
    CarrierFormat("圆通", re.compile(r"YT\d{13}"), re.compile(r"YT"), "圆通单号是 YT 加 13 位数字"),
    CarrierFormat("申通", re.compile(r"77\d{13}"), re.compile(r"77"), "申通单号是 77 开头的 15 位数字"),
    CarrierFormat(
        "韵达",
        re.compile(r"(?:43|46|31)\d{13}"),
        re.compile(r"43|46|31"),
        "韵达单号是 43、46 或 31 开头的 15 位数字",
    ),
    CarrierFormat("极兔", re.compile(r"JT\d{13}"), re.compile(r"JT"), "极兔单号是 JT 加 13 位数字"),
    CarrierFormat(
        "京东",
        re.compile(r"JD[VX]?\d{11,13}"),
        re.compile(r"JD"),
        "京东单号是 JD（或 JDV、JDX）加 11 到 13 位数字",
    ),
    CarrierFormat(
        "中国邮政",
        re.compile(r"[A-Z]{2}\d{9}CN|1\d{12}"),
        re.compile(r"[A-Z]{2}\d|.*CN$|1"),
        "邮政单号是两个字母、9 位数字加 CN（如 EA123456785CN），或 1 开头的 13 位数字",
    ),
)

GENERAL_HINT = (
    "请核对快递单号。常见格式：顺丰 SF 加 12-15 位数字；中通 73/75 开头 14 位数字；"
    "圆通 YT 加 13 位数字；申通 77 开头 15 位数字；韵达 43/46/31 开头 15 位数字；"
    "极兔 JT 加 13 位数字；京东 JD 加 11-13 位数字；邮政如 EA123456785CN 或 1 开头 13 位数字"
)

_WHITESPACE = re.compile(r"\s+")


def normalise_tracking_no(text: str) -> str:
    """Full-width characters folded (ＳＦ１２ -> SF12), spaces removed, upper-case."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).upper()


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial number has 8 digits")
    total = sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def detect_carrier(tracking_no: str) -> str | None:
    """The carrier of a well-formed number (normalised first), else None."""
    number = normalise_tracking_no(tracking_no)
    for fmt in FORMATS:
        if fmt.pattern.fullmatch(number) and _check_digit_ok(number):
            return fmt.carrier
    return None


def validate_tracking_no(text: str) -> tuple[str, str]:
    """(normalised number, carrier); InvalidInput naming the expected format otherwise."""
    number = normalise_tracking_no(text)
    if not number:
        raise InvalidInput(f"请告诉我快递单号。{GENERAL_HINT}。", field="tracking_no")
    if _is_s10_shape(number) and not _check_digit_ok(number):
        raise InvalidInput(
            f"邮政单号“{number}”的校验位不对，可能有一位抄错了，请再核对一下。",
            field="tracking_no",
            tracking_no=number,
        )
    carrier = detect_carrier(number)
    if carrier is not None:
        return number, carrier
    hint = next((fmt.hint for fmt in FORMATS if fmt.prefix.match(number)), None)
    message = (
        f"快递单号“{number}”格式不对：{hint}，请核对后再发。"
        if hint
        else f"“{number}”不像快递单号。{GENERAL_HINT}。"
    )
    raise InvalidInput(message, field="tracking_no", tracking_no=number)


def _is_s10_shape(number: str) -> bool:
    return re.fullmatch(r"[A-Z]{2}\d{9}CN", number) is not None


def _check_digit_ok(number: str) -> bool:
    if not _is_s10_shape(number):
        return True
    return s10_check_digit(number[2:10]) == int(number[10])
