"""Complaint times through the REST channel at several hours of the day: 今天早上 said at
03:00 is yesterday morning, never a future time; 8点 at 09:00 is this morning; a day in
the future gets a plain question and nothing is kept."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.localtime import to_local
from backend.models import Complaint
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt
from tests.utils.conversation import citizen_of


def complaint_of(session: Session, sender: str) -> Complaint:
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender=sender)
    stmt = select(Complaint).where(Complaint.citizen_id == citizen).order_by(Complaint.id.desc())
    found = session.scalars(stmt).first()
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("hour", "said", "expected"),
    [
        (3, "今天早上", datetime(2026, 11, 19, 8, 0, tzinfo=SHANGHAI)),
        (9, "8点", datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI)),
        (10, "早上", datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI)),
        (18, "晚上7点", datetime(2026, 11, 19, 19, 0, tzinfo=SHANGHAI)),
        (22, "晚上7点", datetime(2026, 11, 20, 19, 0, tzinfo=SHANGHAI)),
    ],
)
def test_complaint_time_is_never_in_the_future(
    chat_at: ChatAt, session: Session, hour: int, said: str, expected: datetime
) -> None:
    now = datetime(2026, 11, 20, hour, 0, tzinfo=SHANGHAI)
    chat = chat_at(now)
    sender = f"past-{hour}-{said}"
    chat.send(sender, "我要投诉，司机态度很差，还骂人")
    chat.send(sender, said)
    chat.send(sender, "没有")
    reply = chat.send(sender, "不留")
    assert "请确认投诉" in reply
    assert "工单号" in chat.send(sender, "1")
    occurred = to_local(complaint_of(session, sender).occurred_at)  # type: ignore[arg-type]
    assert occurred == expected and occurred <= now


@pytest.mark.parametrize("hour", [3, 9, 21])
def test_a_future_day_gets_a_plain_question(chat_at: ChatAt, hour: int) -> None:
    chat = chat_at(datetime(2026, 11, 20, hour, 0, tzinfo=SHANGHAI))
    sender = f"future-{hour}"
    chat.send(sender, "我要投诉，司机态度很差，还骂人")
    reply = chat.send(sender, "明天下午")
    assert "还没到" in reply and "什么时候发生" in reply
    reply = chat.send(sender, "昨天下午")
    assert "车牌" in reply


@pytest.mark.parametrize(("said", "read"), [("昨天下午", "昨天(11月19日)下午"), ("今天早上", "今天(11月20日)早上")])
def test_a_part_of_the_day_is_read_back_as_said(chat_at: ChatAt, said: str, read: str) -> None:
    chat = chat_at(datetime(2026, 11, 20, 21, 0, tzinfo=SHANGHAI))
    sender = f"period-{said}"
    chat.send(sender, f"我要投诉，{said}坐车司机态度很差")
    chat.send(sender, "没有")
    reply = chat.send(sender, "不留")
    assert read in reply and ":00" not in reply, reply
