"""Complaint times are past-biased: the NLU's future reading is turned back to the latest
moment that has happened; a day the citizen put in the future stays None."""

from __future__ import annotations

from datetime import datetime

import pytest

from dialogs.past_time import past_value
from tests.conftest import SHANGHAI


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def value(moment: datetime, said: str, grain: str = "hour") -> dict[str, str]:
    return {"value": moment.isoformat(), "grain": grain, "said": said}


@pytest.mark.parametrize(
    ("now", "said", "resolved", "grain", "expected"),
    [
        (at(20, 3), "今天早上", at(20, 8), "hour", at(19, 8)),  # not 5 hours ahead
        (at(20, 9), "今天早上", at(20, 8), "hour", at(20, 8)),
        (at(20, 10), "早上", at(21, 8), "hour", at(20, 8)),
        (at(20, 9), "8点", at(20, 20), "minute", at(20, 8)),  # the NLU's 20:00
        (at(20, 21), "晚上7点", at(20, 19), "minute", at(20, 19)),
        (at(20, 18), "晚上7点", at(20, 19), "minute", at(19, 19)),
        (at(20, 9), "下午", at(20, 15), "hour", at(19, 15)),
        (at(20, 0, 30), "昨天晚上", at(19, 19), "hour", at(19, 19)),
        (at(20, 9), "今天", at(20, 0), "day", at(20, 0)),
    ],
)
def test_times_are_moved_into_the_past(
    now: datetime, said: str, resolved: datetime, grain: str, expected: datetime
) -> None:
    result = past_value(value(resolved, said, grain), now)
    assert result is not None
    assert datetime.fromisoformat(result["value"]) == expected
    assert datetime.fromisoformat(result["value"]) <= now


@pytest.mark.parametrize("said", ["明天早上", "后天", "下周一", "明早8点"])
def test_a_future_day_is_not_guessed(said: str) -> None:
    assert past_value(value(at(21, 8), said), at(20, 9)) is None
