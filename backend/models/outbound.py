"""Outbound messages: every text the service sends on its own initiative (notices, and
WeChat answers that missed the 5-second window), one row per send.

`event_key` is unique, so the same event (booking B…0007 confirmed) can never produce a
second message; `status` moves queued -> sending -> sent | failed, or queued ->
suppressed (opted out, nobody to reach); a provider's delivery receipt then turns sent
into delivered, or failed with the carrier's reason in `error`. `send_after` holds a notice back until the end
of the quiet hours or the next retry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UTCDateTime, utcnow

OUTBOUND_STATUSES = ("queued", "sending", "sent", "delivered", "failed", "suppressed")
OUTBOUND_CHANNELS = ("sms", "wechat")


class OutboundMessage(Base):
    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    to: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    # domestic SMS: the provider to send through (aliyun / tencent, the one the citizen last
    # wrote through), None: SMS_PROVIDER's or the answer's own (answer_provider)
    via: Mapped[str | None] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    send_after: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboundPart(Base):
    """One SMS of a message a domestic provider sent as several (each template its own SMS:
    a lead-in, the answer, the choices, continuations), with the provider's id for it
    (Aliyun BizId, Tencent SerialNo), so that each part's delivery receipt is matched. The
    message is delivered when every part is, failed when any part is."""

    __tablename__ = "outbound_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbound_messages.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … in sending order
    provider_id: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default="sent")  # sent | delivered | failed
    error: Mapped[str | None] = mapped_column(Text)
