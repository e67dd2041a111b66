"""Working-day arithmetic for complaint deadlines (12328: "1个工作日内响应，5个工作日内办结").

A working day is Monday to Friday in the local time zone, minus the public holidays and
plus the weekend make-up days (调休上班) of the State Council's yearly notice; 2026 is
listed (国办发明电〔2025〕7号, published 2025-11-04). Later years only skip weekends until
their notice is added here. Adding N working days keeps the local clock time and steps
to the N-th following working day: a ticket received on Friday 09:00 with one working day
is due on Monday 09:00; one received on Saturday 10:00 is due on Monday 10:00.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from backend.localtime import to_local

# 法定节假日（含调休放假）
HOLIDAYS_CN: frozenset[date] = frozenset(
    [date(2026, 1, d) for d in (1, 2, 3)]
    + [date(2026, 2, d) for d in range(15, 24)]
    + [date(2026, 4, d) for d in (4, 5, 6)]
    + [date(2026, 5, d) for d in range(1, 6)]
    + [date(2026, 6, d) for d in (19, 20, 21)]
    + [date(2026, 9, d) for d in (25, 26, 27)]
    + [date(2026, 10, d) for d in range(1, 8)]
)

# 调休上班的周末
MAKEUP_WORKDAYS_CN: frozenset[date] = frozenset(
    [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
)


def is_working_day(
    day: date,
    *,
    holidays: Collection[date] = HOLIDAYS_CN,
    makeup_days: Collection[date] = MAKEUP_WORKDAYS_CN,
) -> bool:
    if day in makeup_days:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(
    start: datetime,
    days: int,
    *,
    holidays: Collection[date] = HOLIDAYS_CN,
    makeup_days: Collection[date] = MAKEUP_WORKDAYS_CN,
) -> datetime:
    """`start` moved forward by `days` working days, same local clock time (aware result)."""
    if days < 0:
        raise ValueError("days must not be negative")
    local = to_local(start)
    day = local.date()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays, makeup_days=makeup_days):
            remaining -= 1
    return local.replace(year=day.year, month=day.month, day=day.day)
