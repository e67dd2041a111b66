"""A goodbye word while a form that would store something holds what the citizen said (就这些
at the read-back of a complaint) does not drop it silently: the citizen is told it is not
submitted yet and asked again; a second goodbye leaves, and a form with nothing to lose
(a bus question) says goodbye at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Complaint
from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
STORY = "我要投诉 昨天下午1路司机态度很差"


def tickets(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Complaint)) or 0


def to_read_back(chat, sender: str) -> None:  # type: ignore[no-untyped-def]
    chat.send(sender, STORY)
    assert "请确认投诉" in chat.send(sender, "不留")


def test_that_is_all_at_the_read_back_asks_again_then_files(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    to_read_back(chat, "bye-1")
    reply = chat.send("bye-1", "就这些")
    assert "还没提交" in reply and "请确认投诉" in reply and "再见" not in reply
    assert tickets(session) == 0
    assert "C2026" in chat.send("bye-1", "确认")
    assert tickets(session) == 1


def test_a_second_goodbye_leaves(chat_at: ChatAt, session: Session) -> None:
    chat = chat_at(NOW)
    to_read_back(chat, "bye-2")
    assert "还没提交" in chat.send("bye-2", "再见")
    assert "再见" in chat.send("bye-2", "再见")
    assert tickets(session) == 0


def test_nothing_to_lose_says_goodbye_at_once(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "从哪里出发" in chat.send("bye-3", "去县城的车几点有")
    reply = chat.send("bye-3", "再见")
    assert "再见" in reply and "还没提交" not in reply
