"""A part of today said without a clock (今晚, 今天下午) while it is still under way: the NLU
gives the part's usual hour (晚上 19:00, 下午 15:00), which may have passed; for a time
wanted ahead (a ride, a pick-up) it means from now on. 今晚 said at 22:40 is 22:40, 今天下午
said at 16:00 is 16:00; 今天早上 said at 13:00 is over and stays as said."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from backend.localtime import to_local
from dialogs.slots import time_of

# the hour each part of the day is over, longest words first (傍晚 before 晚)
_ENDS = (("半夜", 24), ("深夜", 24), ("傍晚", 19), ("傍黑", 19), ("擦黑", 19), ("晚", 24), ("夜", 24),
         ("下午", 18), ("午后", 18), ("后晌", 18), ("下晌", 18), ("中午", 12), ("晌午", 12),
         ("上午", 12), ("上晌", 12), ("前晌", 12), ("凌晨", 6), ("早", 9))  # fmt: skip


def from_now(value: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """`value` moved to `now` when it is a part of today said without a clock that has begun
    and is not over; None otherwise."""
    if value.get("grain") != "hour":
        return None
    moment, local = to_local(time_of(value)), to_local(now)
    said = str(value.get("said") or "")
    end = next((hour for word, hour in _ENDS if word in said), None)
    if end is None or moment.date() != local.date():
        return None
    midnight = moment.replace(hour=0, minute=0)
    if not moment <= local < midnight + timedelta(hours=end):
        return None
    return {**value, "value": local.replace(second=0, microsecond=0).isoformat()}
