"""Counting events per sender over a time window (failed parcel look-ups ...), kept in the
database so every web process and worker sees the same count, with SQLite or PostgreSQL.

`exceeded` asks before the work is done; `record` counts one event (and forgets the
sender's events older than the window).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.models import RateLimitHit

LOOKUP_SCOPE = "failed_lookup"  # unknown tracking numbers, phone tails that are not the sender's
LOOKUP_LIMIT = 10
LOOKUP_WINDOW = timedelta(hours=1)


def count(session: Session, *, scope: str, key: str, window: timedelta, now: datetime) -> int:
    stmt = select(func.count(RateLimitHit.id)).where(
        RateLimitHit.scope == scope, RateLimitHit.key == key, RateLimitHit.at > now - window
    )
    return int(session.scalar(stmt) or 0)


def exceeded(session: Session, *, scope: str, key: str, limit: int, window: timedelta, now: datetime) -> bool:
    """True when `key` already had `limit` events of `scope` within `window` before `now`."""
    return count(session, scope=scope, key=key, window=window, now=now) >= limit


def record(session: Session, *, scope: str, key: str, window: timedelta, now: datetime) -> None:
    session.execute(
        delete(RateLimitHit).where(
            RateLimitHit.scope == scope, RateLimitHit.key == key, RateLimitHit.at <= now - window
        )
    )
    session.add(RateLimitHit(scope=scope, key=key[:160], at=now))
    session.flush()


def lookups_blocked(session: Session, *, sender: str, now: datetime) -> bool:
    """True when the sender has had too many failed look-ups within the hour."""
    return exceeded(
        session, scope=LOOKUP_SCOPE, key=sender, limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW, now=now
    )


def lookup_failed(session: Session, *, sender: str, now: datetime) -> None:
    record(session, scope=LOOKUP_SCOPE, key=sender, window=LOOKUP_WINDOW, now=now)
