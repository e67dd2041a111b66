"""The citizens' web chat (GET /chat): one identity per browser, issued by the server, and
the mailbox of everything shown in that browser's chat window.

`WebChatIdentity.sender` is the random id inside the signed cookie; it is never chosen by
the browser. `WebChatMessage` is append-only and ordered by id: the page asks for the
rows after the last id it has (Server-Sent Events or polling), so a reload shows the
whole history and nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UTCDateTime, utcnow

WEBCHAT_ROLES = ("citizen", "bot", "agent", "notice")


class WebChatIdentity(Base):
    __tablename__ = "webchat_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebChatMessage(Base):
    __tablename__ = "webchat_messages"
    __table_args__ = (Index("ix_webchat_messages_sender_id", "sender", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
