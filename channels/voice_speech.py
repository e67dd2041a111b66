"""Turn an answer written for the screen into words a caller can follow on the phone.

Text-to-speech reads "B202611210007" as one huge number and "08:00" as "零八冒号零零".
Before a text goes into `<Say>` this module rewrites, in one pass from left to right:
booking and ticket numbers, phone numbers, plates and other long codes digit by digit
in small groups (幺 for 1, as Chinese hotlines read numbers); dates as
二零二六年十一月二十一日 / 十一月二十一日; clock times as 早上八点, 下午两点半; counts and
amounts as words (两人, 十二元, 三点五公里); and a few symbols (→, ~, %) as words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DIGITS = "零一二三四五六七八九"
SPOKEN_DIGITS = "零幺二三四五六七八九"  # digit by digit: 幺 cannot be heard as 七
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LIANG_UNITS = tuple("元 块 人 位 个 张 辆 件 天 次 小时 分钟 公里 站 趟 班 包 箱 斤".split())  # 2 -> 两
MEASURE_UNITS = tuple("角 毛 米 千米 公斤 岁 度".split()) + LIANG_UNITS


def number_words(value: int) -> str:
    """0..99 999 999 as Chinese words: 10 -> 十, 105 -> 一百零五, 20000 -> 两万."""
    if value < 0 or value >= 100_000_000:
        raise ValueError(f"out of range: {value}")
    if value < 10_000:
        return _below_10k(value, top=True)
    high, low = divmod(value, 10_000)
    words = ("两" if high == 2 else _below_10k(high, top=True)) + "万"
    if low:
        words += ("零" if low < 1000 else "") + _below_10k(low, top=False)
    return words


def _below_10k(value: int, *, top: bool) -> str:
    if value == 0:
        return "零"
    if top and 10 <= value < 20:
        return "十" + (DIGITS[value % 10] if value % 10 else "")
    words = ""
    zero_pending = False
    for power, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = (value // power) % 10
        if digit == 0:
            zero_pending = bool(words)
            continue
        if zero_pending:
            words += "零"
            zero_pending = False
        words += ("两" if digit == 2 and power == 1000 and not words else DIGITS[digit]) + name
    return words


def digit_by_digit(digits: str, *, groups: tuple[int, ...] = ()) -> str:
    """Each digit on its own (幺 for 1); letters stay; groups (e.g. 3, 4, 4) get a pause."""
    spoken = [SPOKEN_DIGITS[int(ch)] if ch.isdigit() else ch for ch in digits]
    if not groups:
        size = 4
        groups = tuple(size for _ in range(0, len(spoken), size))
    out: list[str] = []
    start = 0
    for size in groups:
        if start >= len(spoken):
            break
        out.append("".join(spoken[start : start + size]))
        start += size
    if start < len(spoken):
        out.append("".join(spoken[start:]))
    return "，".join(out)


def clock_words(hour: int, minute: int) -> str:
    """08:00 -> 早上八点, 14:30 -> 下午两点半, 12:05 -> 中午十二点零五分, 0:20 -> 凌晨零点二十分."""
    if hour < 5:
        period = "凌晨"
    elif hour < 9:
        period = "早上"
    elif hour < 12:
        period = "上午"
    elif hour < 13:
        period = "中午"
    elif hour < 18:
        period = "下午"
    else:
        period = "晚上"
    twelve = hour if hour <= 12 else hour - 12
    return period + _hour_words(twelve) + _minute_words(minute)


def _hour_words(hour: int) -> str:
    return ("两" if hour == 2 else number_words(hour)) + "点"


def _minute_words(minute: int) -> str:
    if minute == 0:
        return ""
    if minute == 30:
        return "半"
    return ("零" if minute < 10 else "") + number_words(minute) + "分"


def _date_words(year: str | None, month: str, day: str) -> str:
    prefix = "".join(DIGITS[int(d)] for d in year) + "年" if year else ""
    return f"{prefix}{number_words(int(month))}月{number_words(int(day))}日"


def _amount_words(number: str, unit: str) -> str:
    whole, _, fraction = number.partition(".")
    fraction = fraction.rstrip("0")
    if len(whole) > 8:
        return digit_by_digit(whole) + unit
    value = int(whole)
    words = "两" if value == 2 and not fraction and unit.startswith(LIANG_UNITS) else number_words(value)
    if fraction:
        words += "点" + "".join(DIGITS[int(d)] for d in fraction)
    return words + unit


def _plain_number(number: str) -> str:
    if len(number) >= 4 or (len(number) > 1 and number.startswith("0")):
        return digit_by_digit(number)
    return number_words(int(number))


_UNITS_RE = "|".join(sorted(MEASURE_UNITS, key=len, reverse=True))
_RULES: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    # booking B202611200007 / ticket C20261115003 / tracking SF1234567890: letters, then digits in fours
    (
        r"(?<![A-Za-z0-9])([A-Z]{1,3})(\d{6,})(?![0-9])",
        lambda m: m[1] + "，" + digit_by_digit(m[2]),
    ),
    # a mainland mobile, with or without +86: 3-4-4
    (r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)", lambda m: digit_by_digit(m[1], groups=(3, 4, 4))),
    # plate 闽G12345
    (rf"([{PROVINCES}][A-Z])([A-Z0-9]{{5,6}})", lambda m: m[1] + "，" + digit_by_digit(m[2], groups=(9,))),
    # dates: 2026-11-21, 2026年11月21日, 11月21日
    (r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)", lambda m: _date_words(m[1], m[2], m[3])),
    (r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})[日号]", lambda m: _date_words(m[1], m[2], m[3])),
    (r"(?<!\d)(\d{1,2})月(\d{1,2})[日号]", lambda m: _date_words(None, m[1], m[2])),
    (r"(?<!\d)(\d{4})年", lambda m: "".join(DIGITS[int(d)] for d in m[1]) + "年"),
    (r"(?<!\d)(\d{1,2})月", lambda m: number_words(int(m[1])) + "月"),
    # a range of clock times: 17:00-18:00
    (
        r"(?<![\d:])([01]?\d|2[0-3])[:：]([0-5]\d)\s*[-–—]\s*([01]?\d|2[0-3])[:：]([0-5]\d)(?![\d:])",
        lambda m: clock_words(int(m[1]), int(m[2])) + "到" + clock_words(int(m[3]), int(m[4])),
    ),
    # clock times: 08:00, 8:30, 14:05 (the period word is added: 早上, 下午 ...)
    (
        r"(?<![\d:])([01]?\d|2[0-3])[:：]([0-5]\d)(?![\d:])",
        lambda m: clock_words(int(m[1]), int(m[2])),
    ),
    # 8点 / 8点30分 / 8点半, where the text already says 早上 or 下午
    (
        r"(?<!\d)(\d{1,2})点(?:(\d{1,2})分?)?",
        lambda m: _hour_words(int(m[1])) + (_minute_words(int(m[2])) if m[2] else ""),
    ),
    # ranges and symbols between times or places
    (r"\s*(?:→|->|~|～)\s*", lambda m: "到"),
    # a dash in a range of amounts: 12-14元, 1.2-1.5米 (not in a landline 0598-5322328)
    (
        rf"(?<![\d.])(\d{{1,2}}(?:\.\d+)?)\s*[-–—]\s*(\d{{1,2}}(?:\.\d+)?)(?![\d.])\s*({_UNITS_RE})?",
        lambda m: _amount_words(m[1], "") + "到" + _amount_words(m[2], m[3] or ""),
    ),
    (r"(\d+(?:\.\d+)?)%", lambda m: "百分之" + _amount_words(m[1], "")),
    # amounts and counts with a unit: 2人 -> 两人, 12.5元 -> 十二点五元
    (rf"(\d+(?:\.\d+)?)\s*({_UNITS_RE})", lambda m: _amount_words(m[1], m[2])),
    (r"(\d+\.\d+)", lambda m: _amount_words(m[1], "")),
    (r"(\d+)", lambda m: _plain_number(m[1])),
]
_PATTERN = re.compile("|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(_RULES)))
_BRACKET = re.compile(r"\s*[（(）)]\s*")
_PAUSES = re.compile(r"，{2,}")
_STRAY_PAUSE = re.compile(r"，(?=[。？！；：、,.?!;:])|(?<=[。？！；：、,.?!;:])，")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]")


def speakable(text: str) -> str:
    """The text rewritten for `<Say language="zh-CN">`."""
    text = _EMOJI.sub("", text)
    text = _BRACKET.sub("，", text)  # （12月5日 01:59）: a pause, not 括号
    text = _STRAY_PAUSE.sub("", _PAUSES.sub("，", text)).strip().strip("，")
    return _PATTERN.sub(_rewrite, text).strip()


def _rewrite(match: re.Match[str]) -> str:
    index = next(i for i, _ in enumerate(_RULES) if match.group(f"r{i}") is not None)
    inner = re.fullmatch(_RULES[index][0], match.group(f"r{index}"))
    assert inner is not None  # the same pattern matched this very text
    return _RULES[index][1](inner)
