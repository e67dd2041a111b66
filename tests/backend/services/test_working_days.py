from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from backend.services.complaints.working_days import add_working_days, is_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


def test_friday_plus_one_working_day_is_monday() -> None:
    assert add_working_days(at(11, 20), 1) == at(11, 23)
    assert add_working_days(at(11, 20), 5) == at(11, 27)


def test_weekend_start_counts_from_the_next_working_day() -> None:
    assert add_working_days(at(11, 21, 10), 1) == at(11, 23, 10)
    assert add_working_days(at(11, 22, 10), 1) == at(11, 23, 10)


def test_national_day_holiday_is_skipped_and_makeup_saturday_counts() -> None:
    assert add_working_days(at(9, 30), 1) == at(10, 8)
    assert add_working_days(at(9, 30), 3) == at(10, 10)  # 10月10日(周六)调休上班
    assert is_working_day(date(2026, 10, 10))
    assert not is_working_day(date(2026, 10, 5))


def test_spring_festival_makeup_day() -> None:
    assert add_working_days(at(2, 13), 1) == at(2, 14)  # 2月14日(周六)上班
    assert add_working_days(at(2, 14), 1) == at(2, 24)


def test_utc_input_is_counted_in_local_days() -> None:
    utc_friday_evening = datetime(2026, 11, 20, 17, 0, tzinfo=ZoneInfo("UTC"))  # Sat 01:00 local
    assert add_working_days(utc_friday_evening, 1) == at(11, 23, 1)


def test_zero_days_and_negative_days() -> None:
    assert add_working_days(at(11, 20), 0) == at(11, 20)
    with pytest.raises(ValueError):
        add_working_days(at(11, 20), -1)
