"""The county's local time zone (Asia/Shanghai unless configured otherwise).

Instants are stored in UTC; service days, timetables and \"明天8点\" are local. The bot
sets the zone once at start-up from `TZ_NAME`; backend code asks `local_tz()`.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

_zone = ZoneInfo("Asia/Shanghai")


def set_local_tz(name: str) -> None:
    global _zone
    _zone = ZoneInfo(name)


def local_tz() -> ZoneInfo:
    return _zone


def local_now() -> datetime:
    return datetime.now(_zone)


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a time zone")
    return moment.astimezone(_zone)
