"""Records that protect the service from repeats and guessers (issue 11 §5, §7).

`DeliveryRecord`: a key with a value and an expiry. Without Redis, the answer already
given to an inbound message (`answer:<conversation>:<message id>`) and the body each
WeChat (timestamp, nonce) came with (`wechat:nonce:…`) live here, so a restart (even
kill -9) forgets neither; the answer row is written in the same transaction as the turn.

`SignInFailure`: wrong sign-ins per (account name as typed, client address), for any
name, existing or not, so that the lock-out reveals nothing and one client cannot lock
an agent out for everybody else.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UTCDateTime, utcnow


class DeliveryRecord(Base):
    __tablename__ = "delivery_records"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SignInFailure(Base):
    __tablename__ = "sign_in_failures"

    username: Mapped[str] = mapped_column(String(50), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
