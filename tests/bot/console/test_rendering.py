from __future__ import annotations

from datetime import timedelta

from bot.console.rendering import duration, number, percent, render_html, time_left
from tests.conftest import NOW


def test_durations_read_naturally() -> None:
    assert duration(timedelta(seconds=59)) == "0分钟"
    assert duration(timedelta(minutes=25)) == "25分钟"
    assert duration(timedelta(hours=2)) == "2小时"
    assert duration(timedelta(hours=2, minutes=5)) == "2小时5分"
    assert duration(timedelta(days=1, hours=3, minutes=40)) == "1天3小时"
    assert duration(timedelta(days=3)) == "3天"
    assert duration(None) == "—"


def test_time_left_and_overdue() -> None:
    assert time_left(NOW + timedelta(hours=5), NOW) == ("剩 5小时", False)
    assert time_left(NOW - timedelta(days=2, hours=1), NOW) == ("已超期 2天1小时", True)


def test_numbers_and_shares() -> None:
    assert (percent(0.856), percent(None), number(4.0), number(12.25, "小时")) == (
        "86%",
        "—",
        "4",
        "12.2小时",
    )


def test_templates_escape_whatever_they_are_given() -> None:
    html = render_html("console/error.html", {"message": "<b>司机</b>", "status_code": 404})
    assert "&lt;b&gt;司机&lt;/b&gt;" in html and "<b>司机" not in html
