"""The agents' side of hand-offs: the live queue as agents see it, claiming safely, and an
agent's reply delivered on the citizen's own channel.

Where a reply goes: WeChat -> a customer-service message (`OutboundMessage`, kind
"reply"); web chat -> a line in the citizen's chat window (the same outbound row, sent
by the web chat sender); SMS -> a text to the sender's number; voice -> a `CallbackTask`
(the caller cannot be written to, so an agent rings back); the REST integration channel
cannot be pushed to, so the reply goes by SMS when the citizen has a usable mobile, else
it is only kept in the transcript (`reply_route` says so before the agent types). Every reply is also appended to the conversation as an `agent` event.
The hand-off state machine itself is `backend.services.citizens.conversations`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, InvalidInput, NotFound
from backend.localtime import local_now
from backend.models import Citizen
from backend.models.agents import CallbackTask
from backend.models.conversations import ConversationEvent, Handoff
from backend.models.outbound import OutboundMessage
from backend.services.citizens import conversations
from backend.services.notices.outbox import MAX_SHORT, find_by_event, queue_reply

logger = logging.getLogger(__name__)

REPLY_KEY_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class QueueEntry:
    handoff: Handoff
    citizen: Citizen | None
    waited: timedelta
    last_text: str | None  # the citizen's latest words
    last_at: datetime | None = None  # when they were written


@dataclass(frozen=True)
class AgentReply:
    route: str  # "wechat" | "web" | "sms" | "callback" | "transcript"
    outbound: OutboundMessage | None = None
    callback: CallbackTask | None = None
    duplicate: bool = False


def queue_entries(
    session: Session,
    *,
    statuses: tuple[str, ...] = ("waiting",),
    claimed_by: str | None = None,
    now: datetime | None = None,
    limit: int = 100,
) -> list[QueueEntry]:
    """Hand-offs in the given statuses (longest waiting first) with what an agent needs."""
    now = now or local_now()
    if claimed_by is None:
        handoffs = conversations.list_handoffs(session, statuses=statuses, limit=limit)
    else:
        stmt = (
            select(Handoff)
            .where(Handoff.status.in_(statuses), Handoff.claimed_by == claimed_by)
            .order_by(Handoff.created_at, Handoff.id)
            .limit(limit)
        )
        handoffs = list(session.scalars(stmt))
    entries = []
    for h in handoffs:
        last_text, last_at = _last_user_words(session, h.conversation_id)
        entries.append(
            QueueEntry(
                handoff=h,
                citizen=session.get(Citizen, h.citizen_id) if h.citizen_id else None,
                waited=max(timedelta(0), (h.claimed_at or now) - h.created_at),
                last_text=last_text,
                last_at=last_at,
            )
        )
    return entries


def claim(session: Session, *, handoff_id: int, agent: str, now: datetime | None = None) -> Handoff:
    """Claim a waiting hand-off, holding its row so two agents cannot both take it."""
    handoff = _locked(session, handoff_id)
    if handoff.status == "claimed":
        raise Conflict(f"这条对话已由 {handoff.claimed_by} 认领", handoff_id=handoff_id)
    if handoff.status != "waiting":
        raise Conflict("这条对话已经结束或交还机器人，不用再认领", handoff_id=handoff_id)
    return conversations.claim_handoff(session, handoff_id=handoff_id, agent=agent, now=now)


def check_holder(handoff: Handoff, *, agent: str, may_override: bool) -> None:
    """Only the agent who claimed a conversation (or a supervisor) may act on it."""
    if handoff.status != "claimed":
        raise Conflict("请先认领这条对话再回复", handoff_id=handoff.id, status=handoff.status)
    if handoff.claimed_by != agent and not may_override:
        raise Conflict(f"这条对话由 {handoff.claimed_by} 接待", handoff_id=handoff.id)


def reply(
    session: Session,
    *,
    handoff_id: int,
    agent: str,
    text: str,
    reply_key: str,
    may_override: bool = False,
    now: datetime | None = None,
) -> AgentReply:
    """Send an agent's answer on the citizen's channel; the same `reply_key` sends once."""
    body = (text or "").replace("\r\n", "\n").strip()  # a browser counts a line break as one character
    if not body:
        raise InvalidInput("回复内容不能为空", field="text")
    if len(body) > MAX_SHORT:
        raise InvalidInput(f"回复请控制在 {MAX_SHORT} 字以内（短信会分成几条）", field="text")
    if not REPLY_KEY_RE.fullmatch(reply_key or ""):
        raise InvalidInput("回复表单已过期，请刷新页面", field="reply_key")
    now = now or local_now()
    handoff = _locked(session, handoff_id)
    check_holder(handoff, agent=agent, may_override=may_override)
    event_key = f"agent-reply:{handoff.id}:{reply_key}"
    sent_before = find_by_event(session, event_key=event_key)
    if sent_before is not None:
        return AgentReply(route=sent_before.channel, outbound=sent_before, duplicate=True)
    citizen = session.get(Citizen, handoff.citizen_id) if handoff.citizen_id else None
    result = _deliver(session, handoff, citizen, body, agent=agent, event_key=event_key, now=now)
    conversations.record_event(
        session,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        sender=handoff.sender,
        type="agent",
        text=body,
        data={
            "by": agent,
            "handoff_id": handoff.id,
            "route": result.route,
            "outbound_id": result.outbound.id if result.outbound else None,
            "callback_id": result.callback.id if result.callback else None,
        },
        ts=now,
    )
    logger.info("agent %s answered hand-off %s via %s", agent, handoff.id, result.route)
    return result


def list_callbacks(session: Session, *, status: str = "open", limit: int = 100) -> list[CallbackTask]:
    stmt = (
        select(CallbackTask)
        .where(CallbackTask.status == status)
        .order_by(CallbackTask.created_at, CallbackTask.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def complete_callback(
    session: Session, *, callback_id: int, agent: str, outcome: str | None = None, now: datetime | None = None
) -> CallbackTask:
    task = session.get(CallbackTask, callback_id)
    if task is None:
        raise NotFound(f"找不到回电任务 {callback_id}", callback_id=callback_id)
    if task.status != "open":
        raise Conflict(f"回电任务 {callback_id} 已由 {task.done_by} 完成", callback_id=callback_id)
    if outcome is not None and len(outcome) > 500:
        raise InvalidInput("回电结果请控制在 500 字以内", field="outcome")
    task.status = "done"
    task.done_by = agent
    task.done_at = now or local_now()
    task.outcome = (outcome or "").strip() or None
    session.flush()
    return task


def reply_route(handoff: Handoff, citizen: Citizen | None) -> str:
    """Where an agent's reply on this hand-off would go, known before anyone types:
    "wechat", "web", "sms", "callback", or "transcript" (nobody can be reached)."""
    if handoff.channel in ("wechat", "web", "sms"):
        return handoff.channel
    if handoff.channel == "voice":
        return "callback"
    if citizen is not None and citizen.mobile and not citizen.sms_opt_out:
        return "sms"
    return "transcript"


def _deliver(
    session: Session,
    handoff: Handoff,
    citizen: Citizen | None,
    body: str,
    *,
    agent: str,
    event_key: str,
    now: datetime,
) -> AgentReply:
    mobile = citizen.mobile if citizen and citizen.mobile else None
    route = reply_route(handoff, citizen)
    if route in ("wechat", "web"):
        return AgentReply(
            route, queue_reply(session, channel=route, to=handoff.sender, text=body, event_key=event_key)
        )
    if route == "sms":
        to = mobile or handoff.sender
        via = conversations.sms_provider(session, conversation_id=handoff.conversation_id)
        return AgentReply(
            "sms", queue_reply(session, channel="sms", to=to, text=body, event_key=event_key, via=via)
        )
    if route == "callback":
        return AgentReply(
            "callback", callback=_callback(session, handoff, mobile or handoff.sender, body, agent, now)
        )
    return AgentReply("transcript")


def _callback(
    session: Session, handoff: Handoff, phone: str, body: str, agent: str, now: datetime
) -> CallbackTask:
    same = session.scalars(
        select(CallbackTask).where(
            CallbackTask.handoff_id == handoff.id, CallbackTask.status == "open", CallbackTask.message == body
        )
    ).first()
    if same is not None:
        return same
    task = CallbackTask(
        handoff_id=handoff.id,
        conversation_id=handoff.conversation_id,
        phone=phone,
        message=body,
        status="open",
        created_by=agent,
        created_at=now,
    )
    session.add(task)
    session.flush()
    return task


def _locked(session: Session, handoff_id: int) -> Handoff:
    stmt = (
        select(Handoff)
        .where(Handoff.id == handoff_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    handoff = session.scalars(stmt).first()
    if handoff is None:
        raise NotFound(f"找不到转人工记录 {handoff_id}", handoff_id=handoff_id)
    return handoff


def _last_user_words(session: Session, conversation_id: str) -> tuple[str | None, datetime | None]:
    stmt = (
        select(ConversationEvent.text, ConversationEvent.ts)
        .where(
            ConversationEvent.conversation_id == conversation_id,
            ConversationEvent.type == "user",
            ConversationEvent.text.is_not(None),
        )
        .order_by(ConversationEvent.ts.desc(), ConversationEvent.id.desc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    return (row[0], row[1]) if row else (None, None)


def assign(session: Session, *, handoff_id: int, agent: str, by: str, now: datetime | None = None) -> Handoff:
    """A supervisor gives a waiting or claimed conversation to `agent` (recorded in the
    transcript as 班长指派)."""
    if not agent:
        raise InvalidInput("请选择要指派的坐席", field="agent")
    moment = now or local_now()
    handoff = _locked(session, handoff_id)
    if handoff.status == "waiting":
        conversations.claim_handoff(session, handoff_id=handoff_id, agent=agent, now=moment)
    elif handoff.status == "claimed":
        handoff.claimed_by = agent
        handoff.claimed_at = moment
    else:
        raise Conflict("这条对话已经结束或交还机器人，不能再指派", handoff_id=handoff_id)
    conversations.record_event(
        session, conversation_id=handoff.conversation_id, channel=handoff.channel, sender=handoff.sender,
        type="handoff", action="handoff_assigned", data={"handoff_id": handoff.id, "by": by, "to": agent}, ts=moment,
    )  # fmt: skip
    session.flush()
    return handoff
