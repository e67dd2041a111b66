"""Conversation history and hand-offs to a person.

`ConversationEvent` is the append-only log of every conversation (what the citizen said,
what the bot or an agent answered, which action ran), like Rasa's `SQLTrackerStore`
events: the agent console reads transcripts from it. `Handoff` is one request for a
person: the bot stays quiet on that conversation while a hand-off is waiting or claimed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UTCDateTime, utcnow

EVENT_TYPES = ("user", "bot", "agent", "action", "handoff")
HANDOFF_STATUSES = ("waiting", "claimed", "closed", "returned")
ACTIVE_HANDOFF_STATUSES = ("waiting", "claimed")


class ConversationEvent(Base):
    __tablename__ = "conversation_events"
    __table_args__ = (Index("ix_conversation_events_conversation_ts", "conversation_id", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(160))  # "<channel>:<sender>"
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(16))
    ts: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    intent: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Handoff(Base):
    """A conversation waiting for (or held by) a customer-service agent."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(160), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(128))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(50))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AppendOnlyEventError(RuntimeError):
    pass


@event.listens_for(ConversationEvent, "before_update")
@event.listens_for(ConversationEvent, "before_delete")
def _refuse_rewrite(mapper: Any, connection: Any, target: ConversationEvent) -> None:
    raise AppendOnlyEventError("conversation events are append-only")
