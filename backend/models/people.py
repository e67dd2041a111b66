"""Citizens (乘客/寄件人/投诉人) and the channel identities that lead to them.

One person may write on WeChat, text by SMS and call the hotline: each way in is a
`ChannelIdentity`. `Citizen.mobile` is a verified number only: an SMS sender's or caller's
own number (the carrier vouches for it), or a number proven with a one-time code
(`VerificationCode`); identities are joined on one citizen through that number alone. A
number typed but not proven is only `contact_mobile`, the number to call back on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, UTCDateTime, utcnow


class Citizen(Base):
    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(11), unique=True)
    id_card_tail: Mapped[str | None] = mapped_column(String(4))
    home_place: Mapped[str | None] = mapped_column(String(50))
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    contact_mobile: Mapped[str | None] = mapped_column(String(11))  # typed, not verified
    sms_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="citizen")


class ChannelIdentity(Base):
    """A sender on one channel: WeChat openid, SMS/voice number, REST sender id."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # when this identity proved its citizen's mobile (SMS/voice senders are their number)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    citizen: Mapped[Citizen] = relationship(back_populates="identities")


class VerificationCode(Base):
    """A one-time code sent by SMS to prove that a sender owns `mobile`; only its hash is kept."""

    __tablename__ = "verification_codes"
    __table_args__ = (
        Index("ix_verification_codes_mobile_created", "mobile", "created_at"),
        Index("ix_verification_codes_sender_created", "sender", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(160))  # channel:external_id that asked
    mobile: Mapped[str] = mapped_column(String(11))
    code_hash: Mapped[str] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimitHit(Base):
    """One counted event (a failed look-up ...) of a sender, for limits per time window."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (Index("ix_rate_limit_hits_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(160))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
