"""改签 keeps the promise too: changing a seat booking reads back the real bus the change
books (line, stop, arrival, fare), offers the other buses around the new time as numbered
choices, and the stored booking and the success message carry exactly what was read back."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Booking
from dialogs.wording import money, when_text
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt, ClockedChat
from tests.utils.conversation import citizen_of

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def booked_seat(chat: ClockedChat, sender: str, mobile: str) -> None:
    chat.send(sender, f"我要订车，明天上午9点半从嵩口去县城，3个人，手机{mobile}")
    chat.send(sender, "不验证")
    assert "预约成功" in chat.send(sender, "1")


def the_booking(session: Session, sender: str) -> Booking:
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender=sender)
    return session.scalars(select(Booking).where(Booking.citizen_id == citizen)).one()


def said(booking: Booking) -> list[str]:
    """What the read-back and the success must both carry for this booking."""
    assert booking.fare_total is not None
    return [
        when_text(booking.pickup_time, NOW, "rich"),
        f"{booking.details['route']} {booking.origin}→{booking.destination} {booking.passengers}人",
        f"{booking.details['board_stop']}上车",
        f"车费{money(booking.fare_total)}元",
    ]


@pytest.mark.parametrize(
    ("change", "pick", "leaves", "people"),
    [
        ("改到明天下午3点", None, "15:24", 3),  # no bus at 15:00: the 15:24 is read back and booked
        ("改到明天下午3点", "改坐13:29的1路", "13:29", 3),  # the earlier bus, picked at the read-back
        ("改成2个人", None, "09:34", 2),  # same bus, fare for 2
    ],
)
def test_a_changed_seat_is_the_bus_read_back(
    chat_at: ChatAt, session: Session, change: str, pick: str | None, leaves: str, people: int
) -> None:
    chat = chat_at(NOW)
    sender = f"change-{leaves}-{people}"
    booked_seat(chat, sender, f"139059802{people}{leaves[:2]}"[:11])
    chat.send(sender, "我要改签")
    confirm = chat.send(sender, change)
    if pick is not None:
        assert pick in chat.buttons(), chat.buttons()
        confirm = chat.send(sender, str(chat.buttons().index(pick) + 1))
    assert chat.buttons()[:2] == ["确认", "修改"], confirm
    success = chat.send(sender, "1")
    booking = the_booking(session, sender)
    assert f"{booking.pickup_time.astimezone(SHANGHAI):%H:%M}" == leaves and booking.passengers == people
    assert booking.fare_total == 10 * people
    for part in said(booking):
        assert part in confirm, (part, confirm)
        assert part in success, (part, success)
    assert "下午3点" not in confirm and "15:00" not in confirm


def test_a_seat_changed_to_arrive_by_keeps_the_new_deadline(chat_at: ChatAt, session: Session) -> None:
    """"改成明天8点半前到": the bus read back arrives by 08:30 and the booking keeps that
    deadline (not the old one, not none) for dispatch and the run sheet."""
    chat = chat_at(NOW)
    sender = "change-arrive-by"
    booked_seat(chat, sender, "13905980831")
    assert the_booking(session, sender).arrive_by is None
    chat.send(sender, "我要改签")
    confirm = chat.send(sender, "改成明天早上8点半前到")
    assert chat.buttons()[:2] == ["确认", "修改"], confirm
    assert "预约成功" not in chat.send(sender, "1")
    booking = the_booking(session, sender)
    assert booking.arrive_by is not None
    deadline = booking.arrive_by.astimezone(SHANGHAI)
    assert f"{deadline:%H:%M}" == "08:30"
    assert datetime.fromisoformat(booking.details["arrival"]) <= deadline
    for part in said(booking):
        assert part in confirm, (part, confirm)


def test_a_plain_new_time_drops_an_old_deadline(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    sender = "change-drop-deadline"
    chat.send(sender, "我要订车，明天早上8点半要到县城，从嵩口走，1个人，手机13905980832")
    chat.send(sender, "不验证")
    assert "预约成功" in chat.send(sender, "1")
    assert the_booking(session, sender).arrive_by is not None
    chat.send(sender, "我要改签")
    chat.send(sender, "改到明天下午3点")
    chat.send(sender, "1")
    booking = the_booking(session, sender)
    assert f"{booking.pickup_time.astimezone(SHANGHAI):%H:%M}" == "15:24"
    assert booking.arrive_by is None  # 08:30 is no longer promised by a 15:24 bus
    assert booking.details["changes"][-1]["before"]["arrive_by"].startswith("2026-11-21T08:30")


def test_a_demand_ride_changed_to_arrive_by_is_picked_up_in_time(chat_at: ChatAt, session: Session) -> None:
    """A demand ride moved to "10点前到" is picked up early enough to arrive by 10, not at 10."""
    chat = chat_at(NOW)
    sender = "change-demand-arrive"
    chat.send(sender, "我要订车，后天下午3点从县城去灵地，1个人，手机13905980833")
    chat.send(sender, "不验证")
    chat.send(sender, "1")
    booking = the_booking(session, sender)
    assert booking.kind == "demand"
    chat.send(sender, "我要改签")
    confirm = chat.send(sender, "改成后天上午10点前到")
    chat.send(sender, "1")
    booking = the_booking(session, sender)
    deadline = booking.arrive_by.astimezone(SHANGHAI) if booking.arrive_by else None
    assert deadline is not None and f"{deadline:%H:%M}" == "10:00", confirm
    pickup = booking.pickup_time.astimezone(SHANGHAI)
    assert pickup < deadline and pickup.date() == deadline.date()
    assert f"{pickup:%H:%M}" in confirm  # the read-back said the pick-up that will be kept
