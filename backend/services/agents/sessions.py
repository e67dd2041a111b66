"""Signed-in console browsers, kept server-side.

The browser holds only a random token (32 bytes, URL-safe); the database holds its
SHA-256, so a leaked table opens no session. Each session has its own CSRF token for the
forms. A session ends when the agent signs out, after `IDLE_HOURS` without a request, at
`MAX_HOURS` after sign-in, or when the account is disabled. `flash` carries one message
to the next page the agent sees.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models.agents import Agent, ConsoleSession

IDLE_HOURS = 4
MAX_HOURS = 12
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class StartedSession:
    token: str  # goes into the cookie, never stored
    record: ConsoleSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, *, agent: Agent, now: datetime | None = None) -> StartedSession:
    now = now or local_now()
    _forget_expired(session, now)
    token = secrets.token_urlsafe(32)
    record = ConsoleSession(
        token_hash=token_hash(token),
        agent_id=agent.id,
        agent=agent,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=MAX_HOURS),
    )
    session.add(record)
    session.flush()
    return StartedSession(token, record)


def session_for_token(
    session: Session, *, token: str | None, now: datetime | None = None
) -> ConsoleSession | None:
    """The live session behind a cookie token, or None (unknown, expired, idle, disabled)."""
    if not token or len(token) > 200:
        return None
    now = now or local_now()
    record = session.get(ConsoleSession, token_hash(token))
    if record is None:
        return None
    idle_limit = record.last_seen_at + timedelta(hours=IDLE_HOURS)
    if record.expires_at <= now or idle_limit <= now or not record.agent.active:
        session.delete(record)
        session.flush()
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
    return record


def end_session(session: Session, *, token: str | None) -> None:
    if token:
        session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))


def end_sessions_of(session: Session, *, agent_id: int) -> int:
    """Sign an account out everywhere (password changed, account disabled)."""
    result = session.execute(delete(ConsoleSession).where(ConsoleSession.agent_id == agent_id))
    return int(getattr(result, "rowcount", 0) or 0)


def set_flash(record: ConsoleSession, message: str) -> None:
    record.flash = message[:500]


def take_flash(record: ConsoleSession) -> str | None:
    message, record.flash = record.flash, None
    return message


def _forget_expired(session: Session, now: datetime) -> None:
    stale = now - timedelta(hours=IDLE_HOURS)
    ids = session.scalars(
        select(ConsoleSession.token_hash).where(
            (ConsoleSession.expires_at <= now) | (ConsoleSession.last_seen_at <= stale)
        )
    ).all()
    if ids:
        session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash.in_(ids)))
