"""The one chart on the figures page: tickets opened and resolved per day (per week for
long periods), as geometry for an inline SVG that the template draws. Computed here so
the page needs no script; every label is a date or a number, and the template escapes
them anyway."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from backend.services.agents.figures import DayCount

WIDTH = 960
HEIGHT = 250
LEFT = 36
RIGHT = 8
TOP = 12
BOTTOM = 28
WEEKLY_FROM_DAYS = 62
MAX_LABELS = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str  # "opened" | "resolved"
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    x_labels: list[Tick]
    y_lines: list[Tick]
    baseline: float
    weekly: bool


def bucket(days: list[DayCount]) -> tuple[list[DayCount], bool]:
    """Days as they are, or summed per week (starting Monday) for long periods."""
    if len(days) <= WEEKLY_FROM_DAYS:
        return days, False
    weeks: dict[date, tuple[int, int]] = {}
    for entry in days:
        monday = entry.day - timedelta(days=entry.day.weekday())
        opened, resolved = weeks.get(monday, (0, 0))
        weeks[monday] = (opened + entry.opened, resolved + entry.resolved)
    return [DayCount(day, o, r) for day, (o, r) in sorted(weeks.items())], True


def nice_top(value: int) -> int:
    """A round upper bound for the y axis: 4 -> 4, 7 -> 8, 23 -> 25, 130 -> 150."""
    if value <= 4:
        return max(value, 1)
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return 10 * magnitude


def daily_chart(days: list[DayCount]) -> Chart:
    entries, weekly = bucket(days)
    top = nice_top(max([max(e.opened, e.resolved) for e in entries] or [0]))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_h
    slot = plot_w / max(len(entries), 1)
    bar_w = max(1.0, slot * 0.38)
    bars: list[Bar] = []
    labels: list[Tick] = []
    every = max(1, math.ceil(len(entries) / MAX_LABELS))
    for index, entry in enumerate(entries):
        x0 = LEFT + index * slot + slot * 0.1
        label = f"{entry.day.month}/{entry.day.day}" + ("起" if weekly else "")
        for offset, kind, value in ((0.0, "opened", entry.opened), (bar_w, "resolved", entry.resolved)):
            height = plot_h * value / top
            title = f"{label} {'新增' if kind == 'opened' else '办结'} {value}"
            bars.append(
                Bar(
                    round(x0 + offset, 1),
                    round(baseline - height, 1),
                    round(bar_w, 1),
                    round(height, 1),
                    kind,
                    title,
                )
            )
        if index % every == 0:
            labels.append(Tick(round(x0 + bar_w, 1), baseline + 18, label))
    steps = 5 if top >= 5 else top  # every top from nice_top >= 5 is a multiple of 5
    lines = [
        Tick(LEFT - 6, round(baseline - plot_h * k / steps, 1), str(round(top * k / steps)))
        for k in range(steps + 1)
    ]
    return Chart(WIDTH, HEIGHT, bars, labels, lines, baseline, weekly)
