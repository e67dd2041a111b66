"""A citizen who asks for a person outside the agents' hours hears it at once: nobody is at
work now, their message is kept and agents answer when they are back (a ring-back when the
number is known). Before, 转人工 at 22:40 answered 正在为您转接人工客服，请稍候 and then nothing
on REST and web chat (the after-hours notice only goes to WeChat and phones, a sweep later)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models.agents import CallbackTask
from backend.services.agents import handoff_watch
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

FRIDAY_2240 = datetime(2026, 11, 20, 22, 40, tzinfo=SHANGHAI)
SATURDAY_10 = datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)
FRIDAY_10 = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def test_after_hours_the_citizen_hears_when_agents_answer(chat_at: ChatAt, session: Session) -> None:
    for now in (FRIDAY_2240, SATURDAY_10):
        chat = chat_at(now)
        said = chat.send(f"night-{now:%H}", "转人工")
        assert "请稍候" not in said, said
        assert "不是人工客服上班时间" in said and "08:00-18:00" in said and "在这里回复您" in said, said
        assert handoff_watch.tell_waiting(session, now=now + timedelta(minutes=1)) == []  # told once


def test_after_hours_a_known_number_gets_a_ring_back(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(FRIDAY_2240)
    chat.send("caller", "我的快递 13912345678")
    chat.send("caller", chat_code(session))
    said = chat.send("caller", "转人工")
    assert "不是人工客服上班时间" in said and "回电" in said, said
    [task] = session.scalars(select(CallbackTask).where(CallbackTask.phone == "13912345678")).all()
    assert task.status == "open"


def test_in_hours_the_citizen_is_put_through(chat_at: ChatAt) -> None:
    said = chat_at(FRIDAY_10).send("day", "转人工")
    assert "请稍候" in said and "上班时间" not in said, said


def chat_code(session: Session) -> str:
    from tests.utils.conversation import sent_code

    return sent_code(session, "13912345678")
