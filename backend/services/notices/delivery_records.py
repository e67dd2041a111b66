"""Keys with values and an expiry in the database (`DeliveryRecord`): the answer already
given to an inbound message, and "put if absent" records such as the body a WeChat
(timestamp, nonce) pair came with. They outlive a restart, kill -9 included.

`put_if_absent` is safe against a racing writer (the primary key decides; the loser reads
the winner's value). Expired rows read as absent and are deleted by `sweep`.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models.base import utcnow
from backend.models.safeguards import DeliveryRecord

logger = logging.getLogger(__name__)

ANSWER_PREFIX = "answer:"
MAX_KEY_CHARS = 300


def get(session: Session, *, key: str, now: datetime | None = None) -> str | None:
    row = session.get(DeliveryRecord, key[:MAX_KEY_CHARS])
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return row.value


def put_if_absent(
    session: Session, *, key: str, value: str, ttl_seconds: float, now: datetime | None = None
) -> str:
    """Store `value` unless a live value is there; the value now stored."""
    now = now or utcnow()
    key = key[:MAX_KEY_CHARS]
    row = session.get(DeliveryRecord, key)
    expires = now + timedelta(seconds=ttl_seconds)
    if row is not None:
        if row.expires_at > now:
            return row.value
        row.value, row.expires_at = value, expires
        session.flush()
        return value
    try:
        with session.begin_nested():
            session.add(DeliveryRecord(key=key, value=value, expires_at=expires))
    except IntegrityError:  # another process stored one first
        current = session.get(DeliveryRecord, key, populate_existing=True)
        return current.value if current is not None else value
    return value


def answer_for(session: Session, *, key: str, now: datetime | None = None) -> list[dict[str, Any]] | None:
    """The answer recorded for inbound message `key`, if any."""
    raw = get(session, key=ANSWER_PREFIX + key, now=now)
    return None if raw is None else list(json.loads(raw))


def record_answer(
    session: Session, *, key: str, answer: list[dict[str, Any]], ttl_seconds: float, now: datetime | None = None
) -> None:
    put_if_absent(
        session, key=ANSWER_PREFIX + key, value=json.dumps(answer, ensure_ascii=False), ttl_seconds=ttl_seconds, now=now
    )


def sweep(session: Session, *, now: datetime | None = None) -> int:
    """Delete expired records; how many went."""
    result = session.execute(delete(DeliveryRecord).where(DeliveryRecord.expires_at <= (now or utcnow())))
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        logger.info("%d expired delivery records deleted", count)
    return count

