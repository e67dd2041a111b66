"""Supervisors' account administration (issue 14 §3): add an agent, disable or enable one,
reset a password. Each is a whole step, done or not at all: disabling also ends the
account's console sessions and gives the conversations it holds back to the queue (the
same release as signing out), and a password reset ends its sessions so the old password
opens nothing. The rules on names and passwords are those of `accounts`. Callers write the
audit line; these functions know nothing of who asked.

There is no "must change at next sign-in" flag on accounts, so a reset password is simply
the new password; the supervisor hands it over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, InvalidInput
from backend.localtime import local_now
from backend.models.agents import Agent
from backend.models.conversations import Handoff
from backend.services.agents import accounts, handoff_watch, sessions


@dataclass(frozen=True)
class Disabled:
    agent: Agent
    sessions_ended: int
    released: list[Handoff]


def add_agent(
    session: Session, *, username: str, display_name: str, role: str, password: str, now: datetime | None = None
) -> Agent:
    """A new active account; InvalidInput / Conflict (taken name, also when a concurrent
    request took it first) leave nothing written."""
    try:
        with session.begin_nested():
            return accounts.create_agent(
                session, username=username, password=password, role=role, display_name=display_name, now=now
            )
    except IntegrityError:
        name = (username or "").strip().lower()
        raise Conflict(f"账号 {name} 已存在", username=name) from None


def disable_agent(session: Session, *, username: str, by: str, now: datetime | None = None) -> Disabled:
    """Switch an account off: no more sign-ins, its sessions end, its conversations go back
    to the queue. A supervisor cannot disable their own account (nobody else may be left
    to switch it back on)."""
    agent = accounts.get_agent(session, username=username)
    if agent.username == by:
        raise InvalidInput("不能停用自己的账号", field="username")
    if not agent.active:
        return Disabled(agent, 0, [])
    accounts.set_active(session, username=agent.username, active=False)
    ended = sessions.end_sessions_of(session, agent_id=agent.id)
    note = f"坐席{agent.display_name}的账号已停用，退回队列"
    released = handoff_watch.release_agent(session, agent=agent.username, now=now or local_now(), note=note)
    return Disabled(agent, ended, released)


def enable_agent(session: Session, *, username: str) -> Agent:
    return accounts.set_active(session, username=username, active=True)


def reset_password(session: Session, *, username: str, password: str) -> tuple[Agent, int]:
    """The new password (checked by the same rules as a new account's) and how many of the
    account's sessions were ended."""
    agent = accounts.set_password(session, username=username, password=password)
    return agent, sessions.end_sessions_of(session, agent_id=agent.id)
