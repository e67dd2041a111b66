"""Answering the satisfaction question (回访) through the REST channel: after an agent
resolves a complaint and the console sends the question, the citizen's 满意 / 5 / 不满意
is recorded on the ticket by the workflow (a low score reopens it) and thanked for; a
number that picks an option on offer, or a score nobody asked for, is left to the dialog."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Complaint
from backend.services.complaints import contact as complaint_contact
from backend.services.complaints import records as complaints
from dialogs.follow_up import satisfaction_of
from tests.conftest import NOW
from tests.dialogs.conftest import Chat
from tests.utils.conversation import citizen_of


def complain(chat: Chat, session: Session, sender: str, mobile: str) -> Complaint:
    chat.send(sender, "我要投诉，司机开车一直打电话，太危险了")
    for answer in ("不记得", "没有", mobile):
        chat.send(sender, answer)
    chat.send(sender, chat.code(mobile))  # proves the number: the follow-up goes to it by SMS
    chat.send(sender, "1")
    assert "工单号" in chat.text(), chat.text()
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender=sender)
    return session.scalars(select(Complaint).where(Complaint.citizen_id == citizen)).one()


def resolve_and_ask(session: Session, ticket: Complaint) -> None:
    """What the agent console does: 办结 with a reply, then 回访 on the citizen's channel."""
    complaints.transition_complaint(
        session,
        ticket_id=ticket.id,
        to_state="resolved",
        by="agent-lin",
        resolution="已批评教育司机",
        now=NOW,
    )
    asked = complaint_contact.ask_follow_up(session, complaint=ticket, now=NOW)
    assert asked is not None and (asked.channel, asked.status) == ("sms", "queued")
    session.commit()


def ticket_now(session: Session, ticket: Complaint) -> Complaint:
    session.expire_all()
    found = session.get(Complaint, ticket.id)
    assert found is not None
    return found


def test_a_score_answers_the_follow_up_once(chat: Chat, session: Session) -> None:
    ticket = complain(chat, session, "fu-happy", "13905988001")
    resolve_and_ask(session, ticket)
    chat.send("fu-happy", "满意，谢谢！")
    assert f"谢谢您的评价！工单{ticket.id}的回访已记录：5分" in chat.text()
    done = ticket_now(session, ticket)
    assert (done.state, done.satisfaction) == ("followed_up", 5)
    last = done.transitions[-1]
    assert (last.from_state, last.to_state, last.by) == ("resolved", "followed_up", "citizen")
    assert "满意，谢谢！" in (last.note or "")
    chat.send("fu-happy", "5")  # nothing waits for a score any more: an ordinary message
    assert "谢谢您的评价" not in chat.text()
    assert len(ticket_now(session, ticket).transitions) == len(done.transitions)


def test_unsatisfied_reopens_the_ticket(chat: Chat, session: Session) -> None:
    ticket = complain(chat, session, "fu-sad", "13905988002")
    resolve_and_ask(session, ticket)
    chat.send("fu-sad", "不满意")
    assert f"工单{ticket.id}已重新办理" in chat.text()
    done = ticket_now(session, ticket)
    assert (done.state, done.satisfaction) == ("reopened", 2)
    assert [t.to_state for t in done.transitions][-2:] == ["followed_up", "reopened"]


def test_a_number_picks_the_option_on_offer_before_the_follow_up(chat: Chat, session: Session) -> None:
    ticket = complain(chat, session, "fu-menu", "13905988003")
    resolve_and_ask(session, ticket)
    chat.send("fu-menu", "菜单")
    chat.send("fu-menu", "5")  # 5 = 投诉建议 in the menu just shown
    assert chat.tracker("fu-menu")["active"]["name"] == "complaint"  # type: ignore[index]
    assert ticket_now(session, ticket).state == "resolved"
    chat.send("fu-menu", "算了")
    chat.send("fu-menu", "4分")
    assert "回访已记录：4分" in chat.text()
    assert ticket_now(session, ticket).satisfaction == 4


def test_a_score_nobody_asked_for_changes_nothing(chat: Chat, session: Session) -> None:
    ticket = complain(chat, session, "fu-early", "13905988004")
    chat.send("fu-early", "满意")  # not resolved, not asked yet
    assert "回访" not in chat.text()
    assert ticket_now(session, ticket).state == "received"


@pytest.mark.parametrize(
    ("said", "score"),
    [
        ("5", 5), ("５分", 5), ("五分", 5), ("非常满意！", 5), ("满意，谢谢", 5), ("基本满意", 4),
        ("我打4分", 4), ("一般", 3), ("还行吧", 3), ("不满意", 2), ("很不满意", 1), ("1", 1),
        ("6", None), ("满意度", None), ("明天8点", None), ("", None),
    ],
)  # fmt: skip
def test_satisfaction_words_and_numbers(said: str, score: int | None) -> None:
    assert satisfaction_of(said) == score
