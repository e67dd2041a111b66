"""Telling a complainant: the resolution reply (办结答复) and the satisfaction question
(回访), each written as a notice on the citizen's own channel through `notices.notify`
(preferred channel, WeChat, else SMS; quiet hours and 退订 respected).

A ticket registered by phone with only a contact number gets its citizen found or
created from that number, so the answer still reaches them. The follow-up question is
asked once per round of handling: a ticket reopened and resolved again is asked again.
`pending_follow_up` tells the dialogs that a citizen's "5" or "满意" answers such a
question; `answers_since` shows the agent what the citizen wrote back on any channel.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import ChannelIdentity, Citizen, Complaint, ComplaintTransition
from backend.models.conversations import ConversationEvent
from backend.models.outbound import OutboundMessage
from backend.services.citizens.identities import PHONE_CHANNELS, citizen_for_mobile, normalise_mobile
from backend.services.notices.outbox import notify
from backend.services.notices.texts import SIGN

FOLLOW_UP_QUESTION = "您对处理结果满意吗？请回复1到5打分，5分最满意，1分最不满意。"
FOLLOW_UP_KEY = "complaint_followup"
ANSWER_WITHIN = timedelta(days=7)  # an answer later than this is not taken as the score
ASKED_STATUSES = ("queued", "sending", "sent")  # not failed or suppressed: those never arrived


def citizen_to_tell(session: Session, complaint: Complaint) -> int | None:
    """The citizen who should hear about this ticket, or None when nobody can be reached."""
    if complaint.citizen_id is not None:
        return complaint.citizen_id
    mobile = normalise_mobile(complaint.contact_phone or "")
    if mobile is None:
        return None
    return citizen_for_mobile(session, mobile=mobile).id


def send_resolution(
    session: Session, *, complaint: Complaint, transition: ComplaintTransition, now: datetime | None = None
) -> OutboundMessage | None:
    """The 办结 reply with what was done; None when the ticket has no way to reach anyone."""
    citizen_id = citizen_to_tell(session, complaint)
    if citizen_id is None or not complaint.resolution:
        return None
    short = f"{SIGN}您的工单{complaint.id}已办结。处理结果：{complaint.resolution}"
    rich = f"工单办结\n工单号：{complaint.id}\n处理结果：{complaint.resolution}"
    return notify(
        session,
        citizen_id=citizen_id,
        event_key=f"complaint_status:{complaint.id}:{transition.id}",
        kind="complaint_status",
        text_short=_fit(short, 500),
        text_rich=_fit(rich, 2000),
        now=now,
    )


def ask_follow_up(
    session: Session, *, complaint: Complaint, now: datetime | None = None
) -> OutboundMessage | None:
    """Ask for a 1-5 score on the citizen's channel, once per round of handling."""
    citizen_id = citizen_to_tell(session, complaint)
    if citizen_id is None:
        return None
    return notify(
        session,
        citizen_id=citizen_id,
        event_key=f"{FOLLOW_UP_KEY}:{complaint.id}:{_round(complaint)}",
        kind="complaint_followup",
        text_short=f"{SIGN}工单{complaint.id}已办结。{FOLLOW_UP_QUESTION}",
        text_rich=f"满意度回访\n工单号：{complaint.id}\n{FOLLOW_UP_QUESTION}",
        now=now,
    )


def follow_up_asked(session: Session, *, complaint: Complaint) -> OutboundMessage | None:
    """The latest follow-up question sent for this ticket, if any."""
    stmt = (
        select(OutboundMessage)
        .where(OutboundMessage.event_key.startswith(f"complaint_followup:{complaint.id}:"))
        .order_by(OutboundMessage.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def pending_follow_up(session: Session, *, citizen_id: int, now: datetime | None = None) -> Complaint | None:
    """The ticket whose satisfaction question this citizen was sent within the last week
    and has not answered yet (still `resolved`, in the round the question was about),
    the most recently asked first; None when nothing waits for their score."""
    now = now or local_now()
    stmt = (
        select(OutboundMessage.event_key)
        .where(
            OutboundMessage.citizen_id == citizen_id,
            OutboundMessage.kind == FOLLOW_UP_KEY,
            OutboundMessage.status.in_(ASKED_STATUSES),
            OutboundMessage.created_at >= now - ANSWER_WITHIN,
            OutboundMessage.created_at <= now,
        )
        .order_by(OutboundMessage.id.desc())
    )
    for event_key in session.scalars(stmt):
        _kind, ticket_id, round_no = event_key.split(":")
        complaint = session.get(Complaint, ticket_id)
        if complaint is not None and complaint.state == "resolved" and str(_round(complaint)) == round_no:
            return complaint
    return None


def _round(complaint: Complaint) -> int:
    """Which round of handling the ticket is in: how many times it was resolved."""
    return sum(1 for t in complaint.transitions if t.to_state == "resolved")


def answers_since(
    session: Session, *, complaint: Complaint, since: datetime, limit: int = 10
) -> list[ConversationEvent]:
    """What the complainant wrote on any of their channels after `since`, oldest first:
    the citizen's WeChat/SMS/voice identities, and the ticket's contact number."""
    conversation_ids = set(_conversations_of(session, complaint))
    if not conversation_ids:
        return []
    stmt = (
        select(ConversationEvent)
        .where(
            ConversationEvent.conversation_id.in_(sorted(conversation_ids)),
            ConversationEvent.type == "user",
            ConversationEvent.ts >= since,
        )
        .order_by(ConversationEvent.ts, ConversationEvent.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _conversations_of(session: Session, complaint: Complaint) -> list[str]:
    mobiles = {normalise_mobile(complaint.contact_phone or "")}
    citizen_id = complaint.citizen_id
    if citizen_id is None and None not in mobiles:
        citizen_id = session.scalars(select(Citizen.id).where(Citizen.mobile.in_(mobiles))).first()
    found: list[str] = []
    if citizen_id is not None:
        mobiles.add(session.scalars(select(Citizen.mobile).where(Citizen.id == citizen_id)).first())
        identities = session.execute(
            select(ChannelIdentity.channel, ChannelIdentity.external_id).where(
                ChannelIdentity.citizen_id == citizen_id
            )
        ).all()
        found += [f"{channel}:{external}" for channel, external in identities]
    for mobile in mobiles - {None}:
        found += [f"{channel}:{prefix}{mobile}" for channel in PHONE_CHANNELS for prefix in ("", "+86")]
    return found


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
