"""Customer-service accounts: create them, check a sign-in, lock out guessers, and keep
the audit log of who did what.

Passwords are hashed with argon2id (argon2-cffi). `authenticate` never raises for a
wrong password: it returns a `SignIn` with the reason, so the caller's unit of work can
commit the failure counter. After `MAX_FAILED_ATTEMPTS` wrong passwords in a row the
account is locked for `LOCK_MINUTES`; while locked even the right password is refused.
An unknown name costs the same hashing time as a known one, so timing does not tell
which names exist. `record_action` appends to `AgentAction`, which is never edited.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, InvalidInput, NotFound
from backend.localtime import local_now
from backend.models.agents import ROLES, Agent, AgentAction

logger = logging.getLogger(__name__)

MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
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


def authenticate(session: Session, *, username: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a sign-in; counts failures and locks the account after too many."""
    now = now or local_now()
    agent = find_agent(session, username=username)
    if agent is None or not agent.active:
        _verify(_DUMMY_HASH, password)
        return SignIn(None, "bad_credentials" if agent is None else "inactive")
    if agent.locked_until is not None and agent.locked_until > now:
        return SignIn(None, "locked", agent.locked_until)
    if agent.locked_until is not None:  # the lock ran out: a fresh start
        agent.locked_until = None
        agent.failed_attempts = 0
    if not _verify(agent.password_hash, password):
        agent.failed_attempts += 1
        if agent.failed_attempts >= MAX_FAILED_ATTEMPTS:
            agent.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            agent.failed_attempts = 0
            logger.warning("agent %s locked out until %s", agent.username, agent.locked_until)
            session.flush()
            return SignIn(None, "locked", agent.locked_until)
        session.flush()
        return SignIn(None, "bad_credentials")
    if _hasher.check_needs_rehash(agent.password_hash):
        agent.password_hash = _hasher.hash(password)
    agent.failed_attempts = 0
    agent.last_sign_in_at = now
    session.flush()
    return SignIn(agent)


def set_password(session: Session, *, username: str, password: str) -> Agent:
    agent = get_agent(session, username=username)
    agent.password_hash = hash_password(password)
    agent.failed_attempts = 0
    agent.locked_until = None
    session.flush()
    return agent


def unlock_agent(session: Session, *, username: str) -> Agent:
    agent = get_agent(session, username=username)
    agent.failed_attempts = 0
    agent.locked_until = None
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
