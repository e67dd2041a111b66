"""Conversation log and hand-offs: what the turn pipeline writes and the agent console
reads and changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import IllegalTransition, InvalidInput, NotFound
from backend.models import ConversationEvent, Handoff
from backend.models.conversations import AppendOnlyEventError
from backend.services.citizens import conversations
from tests.conftest import NOW

WHO = {"conversation_id": "wechat:oAbc", "channel": "wechat", "sender": "oAbc"}


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_record_and_read_a_transcript_in_order(session: Session) -> None:
    conversations.record_event(session, type="user", text="我要订车", intent="book_ride", ts=NOW, **WHO)
    conversations.record_event(session, type="bot", text="请问从哪里出发？", ts=NOW, **WHO)
    conversations.record_event(session, type="user", text="嵩口", ts=NOW + timedelta(seconds=5), **WHO)
    conversations.record_event(
        session, type="user", text="别人的", ts=NOW, **{**WHO, "conversation_id": "sms:1"}
    )
    events = conversations.transcript(session, conversation_id="wechat:oAbc")
    assert [(e.type, e.text) for e in events] == [
        ("user", "我要订车"),
        ("bot", "请问从哪里出发？"),
        ("user", "嵩口"),
    ]
    assert events[0].intent == "book_ride" and events[0].data == {}
    latest = conversations.transcript(session, conversation_id="wechat:oAbc", limit=1)
    assert [e.text for e in latest] == ["嵩口"]
    since = conversations.transcript(session, conversation_id="wechat:oAbc", since=NOW + timedelta(seconds=1))
    assert [e.text for e in since] == ["嵩口"]


def test_bad_events_are_refused_and_nothing_is_written(session: Session) -> None:
    before = _count(session, ConversationEvent)
    with pytest.raises(InvalidInput):
        conversations.record_event(session, type="shout", text="?", **WHO)
    with pytest.raises(InvalidInput):
        conversations.record_event(session, type="user", text="?", **{**WHO, "conversation_id": ""})
    assert _count(session, ConversationEvent) == before


def test_events_cannot_be_rewritten(session: Session) -> None:
    event = conversations.record_event(session, type="user", text="我要投诉", ts=NOW, **WHO)
    event.text = "改掉"
    with pytest.raises(AppendOnlyEventError):
        session.flush()


def test_handoff_lifecycle_waiting_claimed_returned(session: Session) -> None:
    handoff = conversations.open_handoff(session, reason="市民要求转人工", now=NOW, **WHO)
    assert handoff.status == "waiting" and handoff.created_at == NOW
    again = conversations.open_handoff(session, reason="又要求", now=NOW, **WHO)
    assert again.id == handoff.id
    assert [h.id for h in conversations.list_waiting(session)] == [handoff.id]
    assert conversations.active_handoff(session, conversation_id="wechat:oAbc") is handoff
    claimed = conversations.claim_handoff(
        session, handoff_id=handoff.id, agent="小王", now=NOW + timedelta(minutes=2)
    )
    assert (claimed.status, claimed.claimed_by) == ("claimed", "小王")
    assert conversations.list_waiting(session) == []
    assert conversations.list_handoffs(session, statuses=("claimed",)) == [handoff]
    returned = conversations.return_handoff(session, handoff_id=handoff.id, agent="小王", note="已答复")
    assert returned.status == "returned" and returned.closed_at is not None
    assert conversations.active_handoff(session, conversation_id="wechat:oAbc") is None
    log = [(e.action, e.data["by"]) for e in conversations.transcript(session, conversation_id="wechat:oAbc")]
    assert log == [("handoff_waiting", "bot"), ("handoff_claimed", "小王"), ("handoff_returned", "小王")]


def test_handoff_can_be_closed_while_waiting(session: Session) -> None:
    handoff = conversations.open_handoff(session, reason="两次没有听懂", **WHO)
    closed = conversations.close_handoff(session, handoff_id=handoff.id, agent="小李")
    assert closed.status == "closed"
    fresh = conversations.open_handoff(session, reason="再次转人工", **WHO)
    assert fresh.id != handoff.id


def test_illegal_handoff_moves_are_refused(session: Session) -> None:
    handoff = conversations.open_handoff(session, reason="转人工", **WHO)
    conversations.close_handoff(session, handoff_id=handoff.id, agent="小李")
    events = _count(session, ConversationEvent)
    with pytest.raises(IllegalTransition):
        conversations.claim_handoff(session, handoff_id=handoff.id, agent="小王")
    with pytest.raises(IllegalTransition):
        conversations.return_handoff(session, handoff_id=handoff.id, agent="小王")
    with pytest.raises(InvalidInput):
        conversations.claim_handoff(session, handoff_id=handoff.id, agent="")
    with pytest.raises(NotFound):
        conversations.claim_handoff(session, handoff_id=999999, agent="小王")
    with pytest.raises(InvalidInput):
        conversations.list_handoffs(session, statuses=("lost",))
    assert session.get(Handoff, handoff.id).status == "closed"  # type: ignore[union-attr]
    assert _count(session, ConversationEvent) == events
