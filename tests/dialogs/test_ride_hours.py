"""A demand ride is read back only at an hour its vehicles run (from the earliest to the latest
shift of the drivers of the county's in-service minibuses and cars). Asked for a time outside
them with no bus near, the citizen hears the hours and is asked for another time, at any hour
of the day: before, 今晚9点 was read back and 确认 answered 排满了, and 23:55 said at 23:50
answered an internal "上车时间段不对" with nothing booked."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from backend.models import Booking
from backend.services.rides.offers import demand_hours
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "first", "clock", "nearest"),
    [
        (at(20, 9), ["今晚9点从嵩口到灵地 一个人"], "21:00", "那时前后也没有班车"),
        (at(20, 23, 50), ["今天从嵩口到县城 一个人", "11点55"], "23:55", "那时前后也没有班车"),
        (at(21, 0, 5), ["凌晨3点从嵩口到灵地 一个人"], "03:00", "最近的班车是今天(11月21日)07:00的13路"),
        (at(20, 23, 50), ["明天7点前到县城 从嵩口 一个人"], "07:00前到", "那时前后也没有班车"),
    ],
)
def test_a_night_ride_is_not_read_back(
    chat_at: ChatAt, session: Session, now: datetime, first: list[str], clock: str, nearest: str
) -> None:
    chat = chat_at(now)
    for text in first:
        said = chat.send("night-owl", text)
    said = chat.send("night-owl", "13912345678")
    said = chat.send("night-owl", "不验证")
    assert "请确认" not in said and "确认" not in chat.buttons()
    start, end = demand_hours(session) or (None, None)
    assert start is not None and end is not None
    assert f"{clock}没有车" in said and f"{start:%H:%M}到{end:%H:%M}" in said
    assert nearest in said
    said = chat.send("night-owl", "明天早上9点")
    if "是哪一天" in said:  # 明天 said after midnight: the coming morning is the first choice
        said = chat.send("night-owl", "1")
    assert "请确认" in said and "09:" in said
    chat.send("night-owl", "1")
    booking = session.query(Booking).order_by(Booking.created_at.desc()).first()
    assert booking is not None and f"{booking.pickup_time.astimezone(SHANGHAI):%H}" in ("08", "09")


def test_a_day_ride_is_still_read_back(chat_at: ChatAt) -> None:
    chat = chat_at(at(20, 9))
    chat.send("day", "下午3点从嵩口到灵地 一个人")
    chat.send("day", "13912345678")
    said = chat.send("day", "不验证")
    assert "请确认" in said and "15:00" in said and "村通约车" in said


@pytest.mark.parametrize(
    "ask", ["明天下午从嵩溪去县城 10点前到 1个人", "明天从嵩溪去县城 晚上10点前到 1个人"]
)
def test_a_late_deadline_books_the_last_ride_that_meets_it(
    chat_at: ChatAt, session: Session, ask: str
) -> None:
    """10点前到 read as 22:00 is a deadline any ride before the vehicles stop meets: the
    citizen hears the last pick-up that gets there (and the 22:00 deadline), and that is what
    is booked. Before, they heard 明天22:00前到没有车可坐, which was not true."""
    chat = chat_at(at(20, 9))
    chat.send("late", ask)
    chat.send("late", "13912345678")
    said = chat.send("late", "不验证")
    _, end = demand_hours(session) or (None, None)
    assert end is not None
    assert "没有车" not in said and "请确认" in said and "22:00前到达" in said, said
    clock = re.search(r"明天\(11月21日\)(\d\d:\d\d) 嵩溪镇→清流县城", said)
    assert clock is not None, said
    assert clock.group(1) <= f"{end:%H:%M}"
    said = chat.send("late", "确认")
    booking = session.query(Booking).order_by(Booking.created_at.desc()).first()
    assert booking is not None and booking.status != "cancelled", said
    assert f"{booking.pickup_time.astimezone(SHANGHAI):%H:%M}" == clock.group(1)
    assert clock.group(1) in said
