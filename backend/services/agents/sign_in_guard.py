"""Lock-out of password guessers per (account name as typed, client address), issue 11 §5.

Every name is treated alike, whether an account has it or not, so the lock-out tells a
prober nothing, and it is one client that gets locked, never the agent everywhere: a
guesser elsewhere cannot keep a real agent out. The first `FREE_FAILURES - 1` wrong
passwords cost nothing; from the `FREE_FAILURES`th on, each one locks that pair for a
growing time (1, 2, 4, 8 … minutes, at most `MAX_LOCK_MINUTES`). A success clears the
pair; a supervisor's unlock clears every pair of the name. A day without failures
forgets a pair.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.models.base import utcnow
from backend.models.safeguards import SignInFailure

FREE_FAILURES = 5
FIRST_LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 15
FORGET_AFTER = timedelta(days=1)


def normalized(username: str) -> str:
    return (username or "").strip().lower()[:50] or "?"


def locked_until(session: Session, *, username: str, client: str, now: datetime | None = None) -> datetime | None:
    row = session.get(SignInFailure, (normalized(username), client[:64]))
    now = now or utcnow()
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def record_failure(session: Session, *, username: str, client: str, now: datetime | None = None) -> datetime | None:
    """Count a wrong password; the end of the lock it causes, if it causes one."""
    now = now or utcnow()
    key = (normalized(username), client[:64])
    row = session.get(SignInFailure, key)
    if row is None:
        row = SignInFailure(username=key[0], client=key[1], failures=0, last_failure_at=now)
        session.add(row)
    elif now - row.last_failure_at > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    row.locked_until = None
    if row.failures >= FREE_FAILURES:
        minutes = min(MAX_LOCK_MINUTES, FIRST_LOCK_MINUTES * 2 ** (row.failures - FREE_FAILURES))
        row.locked_until = now + timedelta(minutes=minutes)
    session.flush()
    return row.locked_until


def clear(session: Session, *, username: str, client: str | None = None) -> int:
    """Forget the failures of a name (from one client, or from all); how many pairs went."""
    stmt = delete(SignInFailure).where(SignInFailure.username == normalized(username))
    if client is not None:
        stmt = stmt.where(SignInFailure.client == client[:64])
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


def current_locks(session: Session, *, now: datetime | None = None) -> list[SignInFailure]:
    """Pairs locked right now, the latest-ending first (for the supervisors' page)."""
    stmt = (
        select(SignInFailure)
        .where(SignInFailure.locked_until > (now or utcnow()))
        .order_by(SignInFailure.locked_until.desc())
        .limit(200)
    )
    return list(session.scalars(stmt))
