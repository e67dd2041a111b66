"""Times accepted over HTTP: ISO 8601 between `EARLIEST` and `LATEST`, so that arithmetic
on them (a day later, UTC conversion, the service day) can never leave the calendar
(`after=9999-12-31…`, `now=0001-01-01…` used to answer 500; issue 11 §1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

EARLIEST = datetime(1970, 1, 2)
LATEST = datetime(2199, 12, 31)


def in_range(value: datetime) -> datetime:
    naive = value.replace(tzinfo=None)
    if not EARLIEST <= naive <= LATEST:
        raise ValueError(f"时间应在 {EARLIEST:%Y} 年到 {LATEST:%Y} 年之间")
    return value


Moment = Annotated[datetime, AfterValidator(in_range)]
AwareMoment = Annotated[AwareDatetime, AfterValidator(in_range)]


def day_in_range(value: date) -> date:
    in_range(datetime(value.year, value.month, value.day))
    return value


Day = Annotated[date, AfterValidator(day_in_range)]
