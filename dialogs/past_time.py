"""Times said about the past (投诉: 什么时候的事?): the NLU resolves a time towards the
future, as a booking wants (早上 at 09:00 is tomorrow morning), so a complaint's time is
turned back to the latest such moment that has already happened.

今天早上 said at 03:00 is yesterday morning, 8点 said at 09:00 is this morning (not 20:00),
早上 said at 10:00 is this morning. A time the citizen plainly put in the future (明天,
后天, 下周…) is not moved: `past_value` gives None and the dialog asks again.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from backend.localtime import to_local
from dialogs.slots import time_of

SLACK = timedelta(minutes=5)
FUTURE_WORDS = re.compile(r"明|后天|下周|下个|下礼拜|下星期|下月|\d+\s*天后|小时后|分钟后|以后|过几天")
PERIOD_WORDS = re.compile(r"凌晨|早|上午|中午|午|下午|傍晚|晚|夜|后晌|上晌|擦黑")


def past_value(value: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """`value` (a time slot value) moved to the latest moment not after `now`, or None
    when the citizen said a future day."""
    moment = to_local(time_of(value))
    if _happened(moment, value, now):
        return value
    said = str(value.get("said") or "")
    if FUTURE_WORDS.search(said):
        return None
    steps = [timedelta(days=1), timedelta(days=2)]
    if value.get("grain") == "minute" and moment.hour >= 12 and not PERIOD_WORDS.search(said):
        steps.insert(0, timedelta(hours=12))  # 8点 read as 20:00 because 08:00 had passed
    for step in steps:
        earlier = moment - step
        if _happened(earlier, value, now):
            return {**value, "value": earlier.isoformat()}
    return None


def _happened(moment: datetime, value: dict[str, Any], now: datetime) -> bool:
    if value.get("grain") == "day":
        return moment.date() <= to_local(now).date()
    return moment <= now + SLACK
