from __future__ import annotations

from datetime import date, timedelta

from backend.services.agents.figures import DayCount
from bot.console.chart import HEIGHT, daily_chart, nice_top


def days(values: list[tuple[int, int]]) -> list[DayCount]:
    start = date(2026, 11, 1)
    return [DayCount(start + timedelta(days=n), o, r) for n, (o, r) in enumerate(values)]


def test_nice_tops() -> None:
    assert [nice_top(v) for v in (0, 3, 5, 7, 23, 130, 1000)] == [1, 3, 5, 10, 25, 150, 1000]


def test_bars_are_scaled_to_the_busiest_day() -> None:
    chart = daily_chart(days([(4, 0), (2, 2), (0, 1)]))
    assert not chart.weekly
    opened = [b for b in chart.bars if b.kind == "opened"]
    assert [b.height for b in opened][1] * 2 == opened[0].height
    assert all(b.y + b.height == chart.baseline for b in chart.bars)
    assert 0 < chart.baseline < HEIGHT
    assert [t.text for t in chart.y_lines] == ["0", "1", "2", "3", "4"]
    assert chart.x_labels[0].text == "11/1" and opened[0].title == "11/1 新增 4"


def test_long_periods_are_summed_by_week() -> None:
    chart = daily_chart(days([(1, 1)] * 70))
    assert chart.weekly
    assert len(chart.bars) == 2 * 11  # 2026-11-01 is a Sunday: 1 + 9 full weeks + 3 days
    assert chart.x_labels[0].text == "10/26起"
    assert max(b.height for b in chart.bars) > 0


def test_an_empty_period_draws_no_bars_above_the_axis() -> None:
    chart = daily_chart(days([(0, 0)] * 7))
    assert all(b.height == 0 for b in chart.bars)
    assert [t.text for t in chart.y_lines] == ["0", "1"]
