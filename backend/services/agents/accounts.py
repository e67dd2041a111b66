"""Customer-service accounts: create them, check a sign-in, lock out guessers, and keep
the audit log of who did what.

Passwords are hashed with argon2id (argon2-cffi). `authenticate` never raises for a
wrong password: it returns a `SignIn` with the reason, so the caller's unit of work can
commit the failure counter. Lock-outs are per (name, client) with growing durations
(`sign_in_guard`); while locked even the right password is refused from that client.
An unknown name costs the same hashing time as a known one and locks the same way, so
neither timing nor answers tell which names exist. The console runs the three steps
(`begin_sign_in`, `verify_password`, `finish_sign_in`) so the hash is computed outside
any transaction, in its own bounded pool. `record_action` appends to `AgentAction`, which is never edited.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, InvalidInput, NotFound
from backend.localtime import local_now
from backend.models.agents import ROLES, Agent, AgentAction
from backend.services.agents import sign_in_guard

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 8
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
ROLE_LABELS = {"agent": "坐席", "supervisor": "班长"}

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("cuntong-no-such-account")


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt; `agent` is set only when it succeeded."""

    agent: Agent | None
    reason: str | None = None  # "bad_credentials" | "locked" | "inactive"
    locked_until: datetime | None = None


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD_LENGTH} 位", field="password")
    if password.strip() != password:
        raise InvalidInput("密码首尾不能有空格", field="password")


def create_agent(
    session: Session,
    *,
    username: str,
    password: str,
    role: str = "agent",
    display_name: str | None = None,
    now: datetime | None = None,
) -> Agent:
    """A new account; InvalidInput for a bad name, role or password, Conflict when taken."""
    name = (username or "").strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise InvalidInput("账号只能用小写字母、数字和 . _ -，2 到 32 位，以字母或数字开头", field="username")
    if role not in ROLES:
        raise InvalidInput(f"角色只能是 {' 或 '.join(ROLES)}", field="role")
    shown = (display_name or "").strip() or name
    if len(shown) > 50:
        raise InvalidInput("姓名最多 50 个字", field="display_name")
    password_hash = hash_password(password)
    if find_agent(session, username=name) is not None:
        raise Conflict(f"账号 {name} 已存在", username=name)
    agent = Agent(
        username=name,
        display_name=shown,
        role=role,
        password_hash=password_hash,
        failed_attempts=0,
        active=True,
        created_at=now or local_now(),
    )
    session.add(agent)
    session.flush()
    logger.info("agent account %s created (%s)", name, role)
    return agent


def find_agent(session: Session, *, username: str) -> Agent | None:
    name = (username or "").strip().lower()
    return session.scalars(select(Agent).where(Agent.username == name)).first()


def get_agent(session: Session, *, username: str) -> Agent:
    agent = find_agent(session, username=username)
    if agent is None:
        raise NotFound(f"没有账号 {username}", username=username)
    return agent


def list_agents(session: Session, *, active_only: bool = True) -> list[Agent]:
    stmt = select(Agent).order_by(Agent.username)
    if active_only:
        stmt = stmt.where(Agent.active.is_(True))
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class Attempt:
    """What a sign-in needs from the database before the (slow) password check: the hash to
    check against (a dummy one for unknown names), and whether this client is locked out."""

    username: str
    client: str
    password_hash: str
    agent_id: int | None
    locked_until: datetime | None


def begin_sign_in(session: Session, *, username: str, client: str, now: datetime | None = None) -> Attempt:
    agent = find_agent(session, username=username)
    return Attempt(
        username=sign_in_guard.normalized(username),
        client=client,
        password_hash=agent.password_hash if agent is not None else _DUMMY_HASH,
        agent_id=agent.id if agent is not None else None,
        locked_until=sign_in_guard.locked_until(session, username=username, client=client, now=now),
    )


def verify_password(password_hash: str, password: str) -> bool:
    """The argon2 check (tens of milliseconds of CPU): call it outside any transaction."""
    return _verify(password_hash, password)


def finish_sign_in(
    session: Session, attempt: Attempt, *, password_ok: bool, password: str, now: datetime | None = None
) -> SignIn:
    """Record the outcome of a checked attempt: a session-worthy agent, or a counted failure."""
    now = now or local_now()
    if attempt.locked_until is not None:
        return SignIn(None, "locked", attempt.locked_until)
    agent = session.get(Agent, attempt.agent_id) if attempt.agent_id is not None else None
    if password_ok and agent is not None and agent.active:
        if _hasher.check_needs_rehash(agent.password_hash):
            agent.password_hash = _hasher.hash(password)
        agent.failed_attempts = 0
        agent.last_sign_in_at = now
        sign_in_guard.clear(session, username=attempt.username, client=attempt.client)
        session.flush()
        return SignIn(agent)
    until = sign_in_guard.record_failure(session, username=attempt.username, client=attempt.client, now=now)
    if until is not None:
        logger.warning("sign-in of %s from %s locked until %s", attempt.username, attempt.client, until)
        return SignIn(None, "locked", until)
    inactive = password_ok and agent is not None and not agent.active
    return SignIn(None, "inactive" if inactive else "bad_credentials")


def authenticate(
    session: Session, *, username: str, password: str, client: str = "local", now: datetime | None = None
) -> SignIn:
    """Check a sign-in in one go (the console splits it to hash outside the transaction)."""
    attempt = begin_sign_in(session, username=username, client=client, now=now)
    ok = attempt.locked_until is None and verify_password(attempt.password_hash, password)
    return finish_sign_in(session, attempt, password_ok=ok, password=password, now=now)


def set_password(session: Session, *, username: str, password: str) -> Agent:
    agent = get_agent(session, username=username)
    agent.password_hash = hash_password(password)
    agent.failed_attempts = 0
    agent.locked_until = None
    session.flush()
    return agent


def unlock_agent(session: Session, *, username: str) -> Agent:
    """Lift every lock-out of this account, from every client."""
    agent = get_agent(session, username=username)
    agent.failed_attempts = 0
    agent.locked_until = None
    sign_in_guard.clear(session, username=agent.username)
    session.flush()
    return agent


def set_active(session: Session, *, username: str, active: bool) -> Agent:
    agent = get_agent(session, username=username)
    agent.active = active
    session.flush()
    return agent


def record_action(
    session: Session,
    *,
    agent: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AgentAction:
    """Append one line to the audit log."""
    if not agent or not action:
        raise InvalidInput("操作记录需要操作人和操作")
    row = AgentAction(
        agent=agent[:50],
        action=action[:40],
        target=target[:100] if target else None,
        at=now or local_now(),
        detail=detail or {},
    )
    session.add(row)
    session.flush()
    return row


def recent_actions(
    session: Session, *, agent: str | None = None, target: str | None = None, limit: int = 100
) -> list[AgentAction]:
    """The newest audit lines first, optionally for one agent or one record."""
    stmt = select(AgentAction).order_by(AgentAction.at.desc(), AgentAction.id.desc()).limit(limit)
    if agent:
        stmt = stmt.where(AgentAction.agent == agent)
    if target:
        stmt = stmt.where(AgentAction.target == target)
    return list(session.scalars(stmt))


def action_counts(session: Session, *, start: datetime, end: datetime) -> dict[str, Counter[str]]:
    """Per agent, how many of each action they did in [start, end)."""
    stmt = (
        select(AgentAction.agent, AgentAction.action, func.count())
        .where(AgentAction.at >= start, AgentAction.at < end)
        .group_by(AgentAction.agent, AgentAction.action)
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for agent, action, count in session.execute(stmt):
        counts[agent][action] += int(count)
    return dict(counts)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False
