"""Hand-offs that nobody is working on: an agent who signed out or has not answered for
`idle_minutes` (default 10) gives their conversations back to the queue, and a citizen
left waiting is told so once: within the agents' working hours that no one has taken
the conversation yet (请稍等); outside them, when the agents come back, with a ring-back
registered when the citizen's phone number is known (回电).

`watch` runs both checks; the outbound worker calls it on every sweep, and signing out of
the console calls `release_agent`. The citizen's notice goes through the outbound queue on
their own channel (WeChat message, SMS to the number; a web chat gets it by SMS when the
citizen has a mobile) and is always appended to the transcript.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import to_local
from backend.models import Citizen
from backend.models.agents import Agent, CallbackTask
from backend.models.conversations import ConversationEvent, Handoff
from backend.services.citizens import conversations
from backend.services.complaints.working_days import is_working_day
from backend.services.notices.outbox import queue_reply

logger = logging.getLogger(__name__)

SYSTEM = "system"
WAIT_NOTICE = "handoff_wait_notice"
WAIT_KIND = "handoff_wait"  # the outbox kind of the notice (an answer, like an agent's reply)
WAITING_TEXT = (
    "客服都在忙，您的对话还在排队，请稍等，客服接手后会在这里回复您。也可以先留言说明情况。"
)
CLOSED_TEXT = (
    "现在不是人工客服上班时间（工作日{hours}）。您的留言已登记，客服上班后会尽快{how}。"
)


@dataclass(frozen=True)
class WatchRules:
    idle_minutes: int = 10
    wait_minutes: int = 10
    opens: time = time(8, 0)
    closes: time = time(18, 0)


_rules = {"current": WatchRules()}


def configure(rules: WatchRules) -> None:
    _rules["current"] = rules


def rules() -> WatchRules:
    return _rules["current"]


def parse_hours(text: str) -> tuple[time, time]:
    """"08:00-18:00" -> (08:00, 18:00); ValueError when it is not that shape."""
    start, _, end = text.partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def working(now: datetime, current: WatchRules | None = None) -> bool:
    """Agents are at work: a working day, between opening and closing time."""
    current = current or rules()
    local = to_local(now)
    return is_working_day(local.date()) and current.opens <= local.time() < current.closes


def watch(session: Session, *, now: datetime) -> tuple[list[Handoff], list[Handoff]]:
    """Release idle agents' conversations and tell citizens left waiting; (released, told)."""
    return release_idle(session, now=now), tell_waiting(session, now=now)


def release_idle(session: Session, *, now: datetime, idle_minutes: int | None = None) -> list[Handoff]:
    """Claimed conversations whose agent has not answered for `idle_minutes` go back to the queue."""
    limit = timedelta(minutes=idle_minutes if idle_minutes is not None else rules().idle_minutes)
    released = []
    for handoff in conversations.list_handoffs(session, statuses=("claimed",), limit=500):
        last = _last_agent_word(session, handoff) or handoff.claimed_at or handoff.created_at
        if last <= now - limit:
            minutes = int(limit.total_seconds() // 60)
            released.append(_release(session, handoff, now=now, note=f"坐席{minutes}分钟没有回复，退回队列"))
    return released


def release_agent(session: Session, *, agent: str, now: datetime, note: str | None = None) -> list[Handoff]:
    """An agent signed out (or was disabled): every conversation they hold goes back to the queue."""
    claimed = conversations.list_handoffs(session, statuses=("claimed",), limit=500)
    held = [h for h in claimed if h.claimed_by == agent]
    if not held:
        return []
    if note is None:  # the transcript names the agent as colleagues know them
        shown = session.scalar(select(Agent.display_name).where(Agent.username == agent)) or agent
        note = f"坐席{shown}已退出，退回队列"
    return [_release(session, h, now=now, note=note) for h in held]


def _release(session: Session, handoff: Handoff, *, now: datetime, note: str) -> Handoff:
    agent = handoff.claimed_by
    released = conversations.requeue_handoff(session, handoff_id=handoff.id, by=SYSTEM, note=note, now=now)
    logger.info("hand-off %s released from %s: %s", handoff.id, agent, note)
    return released


def _last_agent_word(session: Session, handoff: Handoff) -> datetime | None:
    stmt = select(func.max(ConversationEvent.ts)).where(
        ConversationEvent.conversation_id == handoff.conversation_id,
        ConversationEvent.type == "agent",
        ConversationEvent.ts >= (handoff.claimed_at or handoff.created_at),
    )
    return session.scalar(stmt)


def tell_waiting(session: Session, *, now: datetime, wait_minutes: int | None = None) -> list[Handoff]:
    """Citizens waiting longer than `wait_minutes` in working hours, or waiting at all outside
    them, are told once (a ring-back is registered outside hours when their number is known)."""
    current = rules()
    limit = timedelta(minutes=wait_minutes if wait_minutes is not None else current.wait_minutes)
    open_now = working(now, current)
    told = []
    for handoff in conversations.list_waiting(session, limit=500):
        if open_now and handoff.created_at > now - limit:
            continue
        if _already_told(session, handoff):
            continue
        _tell(session, handoff, now=now, open_now=open_now, current=current)
        told.append(handoff)
    return told


def _already_told(session: Session, handoff: Handoff) -> bool:
    stmt = select(ConversationEvent.data).where(
        ConversationEvent.conversation_id == handoff.conversation_id, ConversationEvent.action == WAIT_NOTICE
    )
    return any((data or {}).get("handoff_id") == handoff.id for data in session.scalars(stmt))


@dataclass(frozen=True)
class AfterHours:
    """Agents are not at work: their hours (08:00-18:00) and whether they will ring back."""

    hours: str
    ring_back: bool


def after_hours(session: Session, handoff: Handoff, *, now: datetime) -> AfterHours | None:
    """For a hand-off opened just now, outside the agents' hours: register the ring-back when
    the citizen's number is known and return what to tell them; None within the hours. The
    caller tells the citizen in its answer and records `WAIT_NOTICE` for this hand-off, so
    the watcher does not tell them again."""
    current = rules()
    if working(now, current):
        return None
    citizen = session.get(Citizen, handoff.citizen_id) if handoff.citizen_id else None
    return _after_hours(session, handoff, _phone(handoff, citizen), now=now, current=current)


def _after_hours(
    session: Session, handoff: Handoff, phone: str | None, *, now: datetime, current: WatchRules
) -> AfterHours:
    if phone:
        session.add(
            CallbackTask(
                handoff_id=handoff.id, conversation_id=handoff.conversation_id, phone=phone,
                message="下班时间转人工，请回电", status="open", created_by=SYSTEM, created_at=now,
            )
        )  # fmt: skip
    return AfterHours(hours=f"{current.opens:%H:%M}-{current.closes:%H:%M}", ring_back=bool(phone))


def _tell(session: Session, handoff: Handoff, *, now: datetime, open_now: bool, current: WatchRules) -> None:
    citizen = session.get(Citizen, handoff.citizen_id) if handoff.citizen_id else None
    phone = _phone(handoff, citizen)
    if open_now:
        text = WAITING_TEXT
    else:
        closed = _after_hours(session, handoff, phone, now=now, current=current)
        text = CLOSED_TEXT.format(hours=closed.hours, how="给您回电" if closed.ring_back else "回复您")
    key = f"handoff-wait:{handoff.id}"
    if handoff.channel == "wechat":
        queue_reply(session, channel="wechat", to=handoff.sender, text=text, event_key=key, kind=WAIT_KIND)
    elif phone and not (citizen is not None and citizen.sms_opt_out):
        via = conversations.sms_provider(session, conversation_id=handoff.conversation_id)
        queue_reply(session, channel="sms", to=phone, text=text, event_key=key, kind=WAIT_KIND, via=via)
    conversations.record_event(
        session, conversation_id=handoff.conversation_id, channel=handoff.channel, sender=handoff.sender,
        type="bot", text=text, action=WAIT_NOTICE, data={"handoff_id": handoff.id}, ts=now,
    )  # fmt: skip


def _phone(handoff: Handoff, citizen: Citizen | None) -> str | None:
    if handoff.channel in ("sms", "voice") and handoff.sender.isdigit():
        return handoff.sender
    return citizen.mobile if citizen is not None and citizen.mobile else None
