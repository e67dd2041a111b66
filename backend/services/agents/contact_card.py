"""What an agent sees beside a conversation: the citizen's linked channels, bookings,
complaint tickets, parcels addressed to their mobile and earlier hand-offs, plus the
internal notes agents keep on a conversation (never shown to the citizen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.localtime import local_now
from backend.models import Booking, ChannelIdentity, Citizen, Complaint, ConversationEvent, Handoff, Parcel
from backend.models.notes import ConversationNote

LIMIT = 5
MAX_NOTE = 1000


@dataclass
class ContactCard:
    citizen: Citizen | None
    channels: list[ChannelIdentity] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    parcels: list[Parcel] = field(default_factory=list)
    earlier: list[Handoff] = field(default_factory=list)


def contact_card(session: Session, *, handoff: Handoff) -> ContactCard:
    citizen = session.get(Citizen, handoff.citizen_id) if handoff.citizen_id else None
    if citizen is None:
        return ContactCard(citizen=None)
    channels = list(session.scalars(select(ChannelIdentity).where(ChannelIdentity.citizen_id == citizen.id)))
    bookings = list(
        session.scalars(
            select(Booking).where(Booking.citizen_id == citizen.id).order_by(Booking.pickup_time.desc()).limit(LIMIT)
        )
    )
    complaints = list(
        session.scalars(
            select(Complaint)
            .where(Complaint.citizen_id == citizen.id)
            .order_by(Complaint.created_at.desc())
            .limit(LIMIT)
        )
    )
    parcels = (
        list(session.scalars(select(Parcel).where(Parcel.recipient_phone == citizen.mobile).limit(LIMIT)))
        if citizen.mobile
        else []
    )
    earlier = list(
        session.scalars(
            select(Handoff)
            .where(Handoff.citizen_id == citizen.id, Handoff.id != handoff.id)
            .order_by(Handoff.created_at.desc())
            .limit(LIMIT)
        )
    )
    return ContactCard(citizen, channels, bookings, complaints, parcels, earlier)


def citizen_words(session: Session, *, conversation_id: str, since: datetime | None = None) -> str:
    """The citizen's messages in this conversation, oldest first, one per line (the
    starting text of a complaint made from the conversation)."""
    stmt = (
        select(ConversationEvent.text)
        .where(
            ConversationEvent.conversation_id == conversation_id,
            ConversationEvent.type == "user",
            ConversationEvent.text.is_not(None),
        )
        .order_by(ConversationEvent.ts, ConversationEvent.id)
    )
    if since is not None:
        stmt = stmt.where(ConversationEvent.ts >= since)
    lines = [t.strip() for t in session.scalars(stmt) if t and t.strip()]
    return "\n".join(lines[-10:])


def add_note(
    session: Session, *, conversation_id: str, author: str, text: str, now: datetime | None = None
) -> ConversationNote:
    body = text.strip()
    if not body or len(body) > MAX_NOTE:
        raise InvalidInput(f"备注不能为空，且不超过{MAX_NOTE}个字", field="text")
    note = ConversationNote(conversation_id=conversation_id, author=author, text=body, created_at=now or local_now())
    session.add(note)
    session.flush()
    return note


def notes(session: Session, *, conversation_id: str) -> list[ConversationNote]:
    stmt = (
        select(ConversationNote)
        .where(ConversationNote.conversation_id == conversation_id)
        .order_by(ConversationNote.created_at, ConversationNote.id)
    )
    return list(session.scalars(stmt))
