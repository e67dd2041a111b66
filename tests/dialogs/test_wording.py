"""Dates, times and trips as each channel says them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from dialogs.wording import clock_text, money, people_text, style_for, trip_text, when_text

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)


def test_days_near_and_far() -> None:
    assert when_text(datetime(2026, 11, 21, 8, 0, tzinfo=TZ), NOW, "rich") == "明天(11月21日)08:00"
    assert when_text(datetime(2026, 11, 22, 15, 30, tzinfo=TZ), NOW, "short") == "后天(11月22日)15:30"
    assert when_text(datetime(2026, 11, 25, 7, 5, tzinfo=TZ), NOW, "rich") == "11月25日(周三)07:05"
    assert when_text(datetime(2026, 11, 19, 0, 0, tzinfo=TZ), NOW, "rich", grain="day") == "昨天(11月19日)"


def test_spoken_times() -> None:
    assert when_text(datetime(2026, 11, 21, 8, 0, tzinfo=TZ), NOW, "voice") == "明天11月21日上午8点"
    assert clock_text(datetime(2026, 11, 21, 15, 30, tzinfo=TZ), "voice") == "下午3点半"
    assert clock_text(datetime(2026, 11, 21, 19, 10, tzinfo=TZ), "voice") == "晚上7点10分"
    assert clock_text(datetime(2026, 11, 21, 12, 0, tzinfo=TZ), "voice") == "中午12点"


def test_a_utc_instant_is_said_in_local_time() -> None:
    utc = datetime(2026, 11, 21, 0, 0, tzinfo=ZoneInfo("UTC"))
    assert when_text(utc, NOW, "rich") == "明天(11月21日)08:00"


def test_trips_people_money_and_styles() -> None:
    assert trip_text("嵩口镇", "清流县城", "rich") == "嵩口镇→清流县城"
    assert trip_text("嵩口镇", "清流县城", "voice") == "从嵩口镇到清流县城"
    assert people_text(2, "short") == "2人" and people_text(2, "voice") == "2位"
    assert money(Decimal("12.00")) == "12" and money(Decimal("7.50")) == "7.5"
    assert [style_for(c) for c in ("wechat", "rest", "sms", "voice")] == ["rich", "rich", "short", "voice"]
