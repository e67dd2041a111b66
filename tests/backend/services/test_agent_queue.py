from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, InvalidInput, NotFound
from backend.models.agents import CallbackTask
from backend.models.conversations import ConversationEvent, Handoff
from backend.models.outbound import OutboundMessage
from backend.services.agents import queue as agent_queue
from backend.services.citizens import conversations
from backend.services.citizens.identities import citizen_for_mobile, set_opt_out
from tests.conftest import NOW

KEY = "reply-key-0001"


def waiting(
    session: Session, channel: str, sender: str, *, minutes_ago: int = 0, citizen_id: int | None = None
) -> Handoff:
    moment = NOW - timedelta(minutes=minutes_ago)
    conversation_id = f"{channel}:{sender}"
    conversations.record_event(
        session,
        conversation_id=conversation_id,
        channel=channel,
        sender=sender,
        type="user",
        text="找人工",
        ts=moment,
    )
    return conversations.open_handoff(
        session,
        conversation_id=conversation_id,
        channel=channel,
        sender=sender,
        reason="群众要求转人工",
        citizen_id=citizen_id,
        now=moment,
    )


def written(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (OutboundMessage, CallbackTask, ConversationEvent)
    )


def test_queue_entries_longest_waiting_first_with_the_last_words(session: Session) -> None:
    citizen = citizen_for_mobile(session, mobile="13905980000", name="王大伯")
    waiting(session, "sms", "13905980000", minutes_ago=5, citizen_id=citizen.id)
    waiting(session, "wechat", "oQl_77", minutes_ago=30)
    entries = agent_queue.queue_entries(session, now=NOW)
    assert [e.handoff.sender for e in entries] == ["oQl_77", "13905980000"]
    assert [e.waited for e in entries] == [timedelta(minutes=30), timedelta(minutes=5)]
    assert entries[1].citizen is citizen and entries[1].last_text == "找人工"
    agent_queue.claim(session, handoff_id=entries[0].handoff.id, agent="lin", now=NOW)
    assert [e.handoff.sender for e in agent_queue.queue_entries(session, now=NOW)] == ["13905980000"]
    mine = agent_queue.queue_entries(
        session, statuses=("claimed",), claimed_by="lin", now=NOW + timedelta(hours=1)
    )
    assert [e.waited for e in mine] == [timedelta(minutes=30)]  # waited until claimed, not until now
    assert agent_queue.queue_entries(session, statuses=("claimed",), claimed_by="chen", now=NOW) == []


def test_a_claimed_conversation_cannot_be_claimed_again(session: Session) -> None:
    handoff = waiting(session, "sms", "13905980000")
    agent_queue.claim(session, handoff_id=handoff.id, agent="lin", now=NOW)
    with pytest.raises(Conflict, match="已由 lin 认领"):
        agent_queue.claim(session, handoff_id=handoff.id, agent="chen", now=NOW)
    with pytest.raises(NotFound):
        agent_queue.claim(session, handoff_id=999999, agent="chen", now=NOW)
    assert handoff.claimed_by == "lin"


@pytest.mark.parametrize(
    ("channel", "sender", "route", "to"),
    [("wechat", "oQl_77", "wechat", "oQl_77"), ("sms", "+8613905980000", "sms", "13905980000")],
)
def test_replies_go_out_on_the_citizens_channel(
    session: Session, channel: str, sender: str, route: str, to: str
) -> None:
    citizen = citizen_for_mobile(session, mobile="13905980000")
    handoff = waiting(session, channel, sender, citizen_id=citizen.id)
    agent_queue.claim(session, handoff_id=handoff.id, agent="lin", now=NOW)
    result = agent_queue.reply(
        session, handoff_id=handoff.id, agent="lin", text=" 您好，车明早7点到。 ", reply_key=KEY, now=NOW
    )
    assert result.route == route and result.outbound is not None
    assert (result.outbound.channel, result.outbound.to, result.outbound.body) == (
        route,
        to,
        "您好，车明早7点到。",
    )
    [event] = session.scalars(select(ConversationEvent).where(ConversationEvent.type == "agent")).all()
    assert (event.text, event.data["by"], event.data["route"]) == ("您好，车明早7点到。", "lin", route)
    again = agent_queue.reply(
        session, handoff_id=handoff.id, agent="lin", text="您好", reply_key=KEY, now=NOW
    )
    assert again.duplicate and again.outbound is result.outbound
    assert written(session)[:1] == (1,)


def test_a_voice_reply_is_a_callback_and_the_web_chat_falls_back_to_sms(session: Session) -> None:
    voice = waiting(session, "voice", "13905981234")
    agent_queue.claim(session, handoff_id=voice.id, agent="lin", now=NOW)
    result = agent_queue.reply(
        session, handoff_id=voice.id, agent="lin", text="明天回电", reply_key=KEY, now=NOW
    )
    assert (
        result.route == "callback" and result.callback is not None and result.callback.phone == "13905981234"
    )
    assert [t.id for t in agent_queue.list_callbacks(session)] == [result.callback.id]
    agent_queue.complete_callback(
        session, callback_id=result.callback.id, agent="chen", outcome="已回电", now=NOW
    )
    assert agent_queue.list_callbacks(session) == []
    with pytest.raises(Conflict, match="已由 chen 完成"):
        agent_queue.complete_callback(session, callback_id=result.callback.id, agent="lin")

    citizen = citizen_for_mobile(session, mobile="13905980000")
    web = waiting(session, "rest", "web-1", citizen_id=citizen.id)
    agent_queue.claim(session, handoff_id=web.id, agent="lin", now=NOW)
    assert (
        agent_queue.reply(session, handoff_id=web.id, agent="lin", text="好的", reply_key=KEY, now=NOW).route
        == "sms"
    )
    set_opt_out(session, mobile="13905980000", opted_out=True)
    assert (
        agent_queue.reply(
            session, handoff_id=web.id, agent="lin", text="好的", reply_key=KEY + "2", now=NOW
        ).route
        == "transcript"
    )


def test_refused_replies_write_nothing(session: Session) -> None:
    handoff = waiting(session, "sms", "13905980000")
    before = written(session)
    with pytest.raises(Conflict, match="先认领"):
        agent_queue.reply(session, handoff_id=handoff.id, agent="lin", text="您好", reply_key=KEY, now=NOW)
    agent_queue.claim(session, handoff_id=handoff.id, agent="lin", now=NOW)
    before = written(session)
    with pytest.raises(Conflict, match="由 lin 接待"):
        agent_queue.reply(session, handoff_id=handoff.id, agent="chen", text="您好", reply_key=KEY, now=NOW)
    for text, key in (("  ", KEY), ("长" * 501, KEY), ("您好", "short"), ("您好", "bad key with spaces")):
        with pytest.raises(InvalidInput):
            agent_queue.reply(session, handoff_id=handoff.id, agent="lin", text=text, reply_key=key, now=NOW)
    assert written(session) == before
    # a supervisor may step in
    result = agent_queue.reply(
        session, handoff_id=handoff.id, agent="chen", text="您好", reply_key=KEY, may_override=True, now=NOW
    )
    assert result.route == "sms"
