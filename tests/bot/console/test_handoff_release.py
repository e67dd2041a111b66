"""Conversations nobody works on: an agent who signs out, or stays silent past the limit
(10 minutes), gives their conversations back to the queue; a citizen left waiting is told
once, within working hours that no one has taken them yet, outside them that agents will
answer (or ring back) when they come in. Through the real console and outbound worker."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.db import session_scope
from backend.models.agents import Agent, CallbackTask
from backend.models.conversations import ConversationEvent, Handoff
from backend.models.outbound import OutboundMessage
from backend.services.agents import handoff_watch
from backend.services.agents import queue as agent_queue
from bot.outbound.memory import MemoryQueue
from bot.outbound.worker import OutboundWorker
from tests.bot.console.forms import sign_in
from tests.bot.console.test_queue import waiting
from tests.conftest import SHANGHAI

FRIDAY_10 = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # a working day, within hours
FRIDAY_21 = datetime(2026, 11, 20, 21, 0, tzinfo=SHANGHAI)  # after hours


def fresh(session: Session, handoff: Handoff) -> Handoff:
    session.expire_all()
    found = session.get(Handoff, handoff.id)
    assert found is not None
    return found


def test_signing_out_gives_the_agents_conversations_back(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    mine = waiting(session, "sms", "13805991001", "我要找人工")
    token = sign_in(client, "lin")
    client.post(f"/console/handoffs/{mine.id}/claim", data={"csrf_token": token})
    assert fresh(session, mine).status == "claimed"
    client.post("/console/logout", data={"csrf_token": token}, follow_redirects=False)
    back = fresh(session, mine)
    assert back.status == "waiting" and back.claimed_by is None
    notes = session.scalars(
        select(ConversationEvent.text).where(
            ConversationEvent.conversation_id == mine.conversation_id, ConversationEvent.type == "handoff"
        )
    ).all()
    assert "坐席林小梅已退出，退回队列" in notes  # named as colleagues know her, not by login id
    token = sign_in(client, "chen")
    assert "13805991001" in client.get("/console").text


def test_an_idle_agent_releases_after_ten_minutes_without_a_reply(
    session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session, "wechat", "oIdle_openid_1", "人工")
    handoff.created_at = FRIDAY_10 - timedelta(minutes=1)
    agent_queue.claim(session, handoff_id=handoff.id, agent="lin", now=FRIDAY_10)
    agent_queue.reply(
        session, handoff_id=handoff.id, agent="lin", text="您好，请问有什么可以帮您？",
        reply_key="idle-reply-0001", now=FRIDAY_10 + timedelta(minutes=5),
    )  # fmt: skip
    session.commit()
    assert handoff_watch.release_idle(session, now=FRIDAY_10 + timedelta(minutes=12)) == []
    released = handoff_watch.release_idle(session, now=FRIDAY_10 + timedelta(minutes=16))
    assert [h.id for h in released] == [handoff.id]
    assert fresh(session, handoff).status == "waiting"
    log = session.scalars(
        select(ConversationEvent.action).where(ConversationEvent.conversation_id == "wechat:oIdle_openid_1")
    ).all()
    assert "handoff_waiting" in log


def test_a_waiting_citizen_is_told_once_in_working_hours(session: Session) -> None:
    handoff = waiting(session, "wechat", "oWait_openid_2", "人工客服")
    handoff.created_at = FRIDAY_10
    session.commit()
    assert handoff_watch.tell_waiting(session, now=FRIDAY_10 + timedelta(minutes=5)) == []
    told = handoff_watch.tell_waiting(session, now=FRIDAY_10 + timedelta(minutes=11))
    assert [h.id for h in told] == [handoff.id]
    assert handoff_watch.tell_waiting(session, now=FRIDAY_10 + timedelta(minutes=30)) == []
    [notice] = session.scalars(select(OutboundMessage).where(OutboundMessage.to == "oWait_openid_2")).all()
    assert notice.channel == "wechat" and "排队" in notice.body


def test_after_hours_a_caller_is_offered_a_ring_back_by_the_worker(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    handoff = waiting(session, "voice", "13805991003", "转人工")
    handoff.created_at = FRIDAY_21
    session.commit()
    worker = OutboundWorker(
        unit_of_work=lambda: session_scope(sessions), queue=MemoryQueue(), senders={},
        clock=lambda: FRIDAY_21 + timedelta(minutes=1),
    )  # fmt: skip
    worker.sweep()
    session.expire_all()
    [task] = session.scalars(select(CallbackTask).where(CallbackTask.handoff_id == handoff.id)).all()
    assert task.phone == "13805991003" and task.status == "open"
    [sms] = session.scalars(select(OutboundMessage).where(OutboundMessage.to == "13805991003")).all()
    assert "上班" in sms.body and "回电" in sms.body
