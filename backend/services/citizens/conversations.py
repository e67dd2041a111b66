"""Conversation history and hand-offs to a customer-service agent.

The turn pipeline records every message and answer here (`record_event`) and opens a
hand-off when a citizen asks for a person; the agent console lists waiting hand-offs,
claims one, reads the transcript, and returns it to the bot or closes it. While a
hand-off is `waiting` or `claimed` the bot stays quiet on that conversation. Every
status change is also written to the event log, with who made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from backend.errors import IllegalTransition, InvalidInput, NotFound
from backend.localtime import local_now
from backend.models.conversations import (
    ACTIVE_HANDOFF_STATUSES,
    EVENT_TYPES,
    ConversationEvent,
    Handoff,
)

# status -> the statuses it may move to
HANDOFF_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "waiting": ("claimed", "returned", "closed"),
    "claimed": ("returned", "closed", "waiting"),  # waiting again: the agent left or went idle
    "returned": (),
    "closed": (),
}


def record_event(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    sender: str,
    type: str,
    text: str | None = None,
    intent: str | None = None,
    action: str | None = None,
    data: dict[str, Any] | None = None,
    ts: datetime | None = None,
) -> ConversationEvent:
    """Append one event (`user`, `bot`, `agent`, `action` or `handoff`) to a conversation."""
    if type not in EVENT_TYPES:
        raise InvalidInput(f"未知的会话事件类型：{type}", type=type)
    if not conversation_id:
        raise InvalidInput("缺少会话编号")
    event = ConversationEvent(
        conversation_id=conversation_id,
        channel=channel,
        sender=sender,
        type=type,
        ts=ts or local_now(),
        intent=intent,
        action=action,
        text=text,
        data=data or {},
    )
    session.add(event)
    session.flush()
    return event


def sms_provider(session: Session, *, conversation_id: str) -> str | None:
    """The domestic SMS provider (aliyun / tencent) the citizen's latest message in this
    conversation came in through (recorded on the user event), or None (Twilio, not SMS)."""
    stmt = (
        select(ConversationEvent.data)
        .where(ConversationEvent.conversation_id == conversation_id, ConversationEvent.type == "user")
        .order_by(ConversationEvent.ts.desc(), ConversationEvent.id.desc())
        .limit(1)
    )
    data = session.scalars(stmt).first() or {}
    provider = data.get("provider") if isinstance(data, dict) else None
    return str(provider) if provider else None


TURN_ORDER = {"user": 0, "action": 1, "bot": 2, "agent": 3, "handoff": 4}


def record_events(session: Session, events: Iterable[dict[str, Any]]) -> int:
    """Append several events (each with the arguments of `record_event`) in one statement:
    the turn pipeline records a message, its actions and its answers this way."""
    rows = []
    for event in events:
        if event.get("type") not in EVENT_TYPES:
            raise InvalidInput(f"未知的会话事件类型：{event.get('type')}", type=event.get("type"))
        if not event.get("conversation_id"):
            raise InvalidInput("缺少会话编号")
        rows.append(
            {"text": None, "intent": None, "action": None, **event, "data": event.get("data") or {},
             "ts": event.get("ts") or local_now()}
        )  # fmt: skip
    if rows:  # on the session's connection: no ORM bookkeeping for rows it never holds
        session.connection().execute(insert(ConversationEvent.__table__), rows)
    return len(rows)


def transcript(
    session: Session, *, conversation_id: str, since: datetime | None = None, limit: int = 200
) -> list[ConversationEvent]:
    """The conversation's events, oldest first (the newest `limit` of them). Events of one
    turn share a moment and are written in the order the turn ran (a hand-off is opened
    before the citizen's message is logged); within one moment they read as the turn
    happened: the citizen's words, what ran, the bot's answer, then the hand-off step."""
    stmt = select(ConversationEvent).where(ConversationEvent.conversation_id == conversation_id)
    if since is not None:
        stmt = stmt.where(ConversationEvent.ts >= since)
    stmt = stmt.order_by(ConversationEvent.ts.desc(), ConversationEvent.id.desc()).limit(limit)
    events = list(reversed(session.scalars(stmt).all()))
    return sorted(events, key=lambda e: (e.ts, TURN_ORDER.get(e.type, 9)))


def active_handoff(session: Session, *, conversation_id: str) -> Handoff | None:
    """The hand-off that keeps the bot quiet on this conversation, if any."""
    stmt = (
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(ACTIVE_HANDOFF_STATUSES))
        .order_by(Handoff.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


ACTIVE_ID = (  # with "cid" (citizens/turn_opening reads it with more)
    select(Handoff.id)
    .where(Handoff.conversation_id == bindparam("cid"), Handoff.status.in_(ACTIVE_HANDOFF_STATUSES))
    .order_by(Handoff.id.desc())
    .limit(1)
)


def active_handoff_id(session: Session, *, conversation_id: str) -> int | None:
    """The id of `active_handoff`, without loading the row: one prepared statement on the
    session's connection (every turn asks)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    found = session.connection().execute(ACTIVE_ID, {"cid": conversation_id}).scalar()
    return None if found is None else int(found)


def open_handoff(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    sender: str,
    reason: str,
    citizen_id: int | None = None,
    now: datetime | None = None,
) -> Handoff:
    """Put the conversation in the agents' queue; asking twice keeps the one waiting entry."""
    existing = active_handoff(session, conversation_id=conversation_id)
    if existing is not None:
        return existing
    moment = now or local_now()
    handoff = Handoff(
        conversation_id=conversation_id,
        channel=channel,
        sender=sender,
        citizen_id=citizen_id,
        reason=reason[:200],
        status="waiting",
        created_at=moment,
    )
    session.add(handoff)
    session.flush()
    _log(session, handoff, action="handoff_waiting", by="bot", at=moment, note=reason)
    return handoff


def get_handoff(session: Session, *, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(f"找不到转人工记录 {handoff_id}", handoff_id=handoff_id)
    return handoff


def list_handoffs(
    session: Session, *, statuses: Iterable[str] = ("waiting",), limit: int = 100
) -> list[Handoff]:
    """Hand-offs in the given statuses, longest waiting first."""
    wanted = tuple(statuses)
    unknown = [s for s in wanted if s not in HANDOFF_TRANSITIONS]
    if unknown:
        raise InvalidInput(f"未知的转人工状态：{'、'.join(unknown)}", statuses=unknown)
    stmt = (
        select(Handoff)
        .where(Handoff.status.in_(wanted))
        .order_by(Handoff.created_at, Handoff.id)
        .limit(limit)
    )
    return list(session.scalars(stmt).all())


def list_waiting(session: Session, *, limit: int = 100) -> list[Handoff]:
    """The agents' queue: conversations waiting for a person, longest waiting first."""
    return list_handoffs(session, statuses=("waiting",), limit=limit)


def claim_handoff(session: Session, *, handoff_id: int, agent: str, now: datetime | None = None) -> Handoff:
    """An agent takes the conversation; only a waiting hand-off can be claimed."""
    if not agent:
        raise InvalidInput("认领需要坐席账号")
    handoff = _move(session, handoff_id, "claimed", by=agent, now=now)
    handoff.claimed_by = agent
    handoff.claimed_at = now or local_now()
    session.flush()
    return handoff


def return_handoff(
    session: Session, *, handoff_id: int, agent: str, note: str | None = None, now: datetime | None = None
) -> Handoff:
    """Hand the conversation back to the bot, which answers the citizen's next message."""
    handoff = _move(session, handoff_id, "returned", by=agent, now=now, note=note)
    handoff.closed_at = now or local_now()
    session.flush()
    return handoff


def requeue_handoff(
    session: Session, *, handoff_id: int, by: str, note: str | None = None, now: datetime | None = None
) -> Handoff:
    """A claimed conversation goes back to the queue (its agent signed out or went idle)."""
    handoff = _move(session, handoff_id, "waiting", by=by, now=now, note=note)
    handoff.claimed_by = None
    handoff.claimed_at = None
    session.flush()
    return handoff


def close_handoff(
    session: Session, *, handoff_id: int, agent: str, note: str | None = None, now: datetime | None = None
) -> Handoff:
    """The agent finished with the conversation; the bot answers again afterwards."""
    handoff = _move(session, handoff_id, "closed", by=agent, now=now, note=note)
    handoff.closed_at = now or local_now()
    session.flush()
    return handoff


def _move(
    session: Session, handoff_id: int, target: str, *, by: str, now: datetime | None, note: str | None = None
) -> Handoff:
    handoff = get_handoff(session, handoff_id=handoff_id)
    if target not in HANDOFF_TRANSITIONS[handoff.status]:
        raise IllegalTransition(
            f"转人工记录 {handoff_id} 当前为“{handoff.status}”，不能改为“{target}”",
            handoff_id=handoff_id,
            status=handoff.status,
            target=target,
        )
    handoff.status = target
    _log(session, handoff, action=f"handoff_{target}", by=by, at=now or local_now(), note=note)
    return handoff


def _log(session: Session, handoff: Handoff, *, action: str, by: str, at: datetime, note: str | None) -> None:
    record_event(
        session,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        sender=handoff.sender,
        type="handoff",
        action=action,
        text=note,
        data={"handoff_id": handoff.id, "by": by},
        ts=at,
    )
