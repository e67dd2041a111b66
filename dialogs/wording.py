"""How values are said to a citizen, per channel style: dates and times (明天(11月21日)08:00,
or on the phone 明天11月21日上午8点), a trip (嵩口镇→清流县城 / 从嵩口镇到清流县城),
head counts, and the style a channel gets (WeChat and REST rich, SMS short, voice spoken).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from backend.localtime import to_local

Style = Literal["rich", "short", "voice"]
STYLE_BY_CHANNEL: dict[str, Style] = {"wechat": "rich", "rest": "rich", "web": "rich", "sms": "short", "voice": "voice"}
WEEKDAYS = "一二三四五六日"
DAY_WORDS = {-2: "前天", -1: "昨天", 0: "今天", 1: "明天", 2: "后天"}


def style_for(channel: str) -> Style:
    return STYLE_BY_CHANNEL.get(channel, "rich")


def day_text(day: date, today: date, style: Style) -> str:
    """明天(11月21日) / 11月25日(周三); spoken: 明天11月21日 / 11月25日星期三."""
    word = DAY_WORDS.get((day - today).days)
    md = f"{day.month}月{day.day}日"
    if style == "voice":
        return f"{word}{md}" if word else f"{md}星期{WEEKDAYS[day.weekday()]}"
    if word:
        return f"{word}({md})"
    return f"{md}(周{WEEKDAYS[day.weekday()]})"


def clock_text(moment: datetime, style: Style) -> str:
    """08:00, or spoken 上午8点 / 下午3点半 / 晚上7点10分."""
    if style != "voice":
        return f"{moment:%H:%M}"
    hour, minute = moment.hour, moment.minute
    if hour < 5:
        part, shown = "凌晨", hour
    elif hour < 12:
        part, shown = "上午", hour
    elif hour == 12:
        part, shown = "中午", 12
    elif hour < 18:
        part, shown = "下午", hour - 12
    else:
        part, shown = "晚上", hour - 12
    tail = "" if minute == 0 else ("半" if minute == 30 else f"{minute}分")
    return f"{part}{shown}点{tail}"


def when_text(moment: datetime, now: datetime, style: Style, *, grain: str = "minute") -> str:
    local, today = to_local(moment), to_local(now).date()
    day = day_text(local.date(), today, style)
    if grain == "day":
        return day
    return day + clock_text(local, style)


PERIODS = ((5, "凌晨"), (8, "早上"), (9, "上午"), (12, "中午"), (13, "下午"), (18, "傍晚"), (19, "晚上"), (21, "夜里"), (23, "半夜"))
"""Where each part of the day starts (hour): 昨天下午 is said, and read back, as a period."""


def period_text(moment: datetime, now: datetime, style: Style) -> str:
    """昨天(12月4日)下午: a time said as a part of the day, without the clock it was given."""
    local = to_local(moment)
    word = next((name for start, name in reversed(PERIODS) if local.hour >= start), "凌晨")
    return day_text(local.date(), to_local(now).date(), style) + word


def trip_text(origin: str, destination: str, style: Style) -> str:
    if style == "voice":
        return f"从{origin}到{destination}"
    return f"{origin}→{destination}"


def people_text(count: int, style: Style) -> str:
    return f"{count}位" if style == "voice" else f"{count}人"


def date_text(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local.month}月{local.day}日"


def money(amount: object) -> str:
    """12.00 -> 12, 7.50 -> 7.5 (yuan)."""
    return f"{float(str(amount)):.2f}".rstrip("0").rstrip(".")


def price_text(amount: object, currency: str = "CNY") -> str:
    """12元 in yuan; another currency as the timetable gives it: 2.5 USD."""
    return f"{money(amount)}元" if currency == "CNY" else f"{money(amount)} {currency}"
