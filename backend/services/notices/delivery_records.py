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

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models.base import utcnow
from backend.models.safeguards import DeliveryRecord

logger = logging.getLogger(__name__)

ANSWER_PREFIX = "answer:"
MAX_KEY_CHARS = 300


def get(session: Session, *, key: str, now: datetime | None = None) -> str | None:
    row = session.execute(_READ, {"key": key[:MAX_KEY_CHARS]}).first()
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return str(row.value)


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


_READ = select(DeliveryRecord.value, DeliveryRecord.expires_at).where(DeliveryRecord.key == bindparam("key"))
ANSWER_PARTS = tuple(
    select(column).where(DeliveryRecord.key == bindparam("key")).scalar_subquery()
    for column in (DeliveryRecord.value, DeliveryRecord.expires_at)
)
"""_READ's two columns as subqueries, "key" being answer_key(key) (citizens/turn_opening reads them with more)."""


def answer_key(key: str) -> str:
    """The record's key of the answer to inbound message `key`."""
    return (ANSWER_PREFIX + key)[:MAX_KEY_CHARS]


def answer_for(session: Session, *, key: str, now: datetime | None = None) -> list[dict[str, Any]] | None:
    """The answer recorded for inbound message `key`, if any (one prepared statement on the
    session's connection: every turn with a message id asks, before it writes anything)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    row = session.connection().execute(_READ, {"key": answer_key(key)}).first()
    return None if row is None else live_answer(row.value, row.expires_at, now)


def live_answer(
    value: str | None, expires_at: datetime | None, now: datetime | None = None
) -> list[dict[str, Any]] | None:
    """A recorded answer as read, unless absent or expired."""
    if value is None or expires_at is None or expires_at <= (now or utcnow()):
        return None
    return list(json.loads(value))


def record_answer(
    session: Session, *, key: str, answer: list[dict[str, Any]], ttl_seconds: float, now: datetime | None = None
) -> None:
    """Keep the answer unless a live one is there (as `put_if_absent`), in one prepared
    statement (INSERT ... ON CONFLICT DO UPDATE only when the stored one expired) where the
    database has it: every turn records its answer."""
    value = json.dumps(answer, ensure_ascii=False)
    upsert = _upsert(session.get_bind().dialect.name)
    if upsert is None:
        put_if_absent(session, key=ANSWER_PREFIX + key, value=value, ttl_seconds=ttl_seconds, now=now)
        return
    now = now or utcnow()
    params = {"key": answer_key(key), "value": value, "expires": now + timedelta(seconds=ttl_seconds)}
    session.connection().execute(upsert, {**params, "now": now})


_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    if dialect not in _UPSERTS:
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
        if insert is None:
            return None
        stmt = insert(DeliveryRecord.__table__).values(
            key=bindparam("key"), value=bindparam("value"), expires_at=bindparam("expires")
        )
        _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=[DeliveryRecord.key],
            set_={"value": stmt.excluded.value, "expires_at": stmt.excluded.expires_at},
            where=DeliveryRecord.__table__.c.expires_at <= bindparam("now"),
        )
    return _UPSERTS[dialect]


def sweep(session: Session, *, now: datetime | None = None) -> int:
    """Delete expired records; how many went."""
    result = session.execute(delete(DeliveryRecord).where(DeliveryRecord.expires_at <= (now or utcnow())))
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        logger.info("%d expired delivery records deleted", count)
    return count

