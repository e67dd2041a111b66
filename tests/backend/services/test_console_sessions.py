from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models.agents import ConsoleSession
from backend.services.agents import accounts as agents
from backend.services.agents import sessions as console_sessions
from tests.conftest import NOW


def test_the_token_is_not_stored_and_opens_the_session(session: Session) -> None:
    agent = agents.create_agent(session, username="lin", password="qingliu-12328")
    started = console_sessions.start_session(session, agent=agent, now=NOW)
    stored = session.scalars(select(ConsoleSession)).one()
    assert stored.token_hash != started.token and len(started.token) >= 40
    assert stored.csrf_token and stored.csrf_token != started.token
    assert console_sessions.session_for_token(session, token=started.token, now=NOW) is stored
    assert console_sessions.session_for_token(session, token=started.token + "x", now=NOW) is None
    assert console_sessions.session_for_token(session, token=None, now=NOW) is None


def test_sessions_end_when_idle_too_long_at_the_limit_or_when_disabled(session: Session) -> None:
    agent = agents.create_agent(session, username="lin", password="qingliu-12328")
    idle = console_sessions.start_session(session, agent=agent, now=NOW)
    assert (
        console_sessions.session_for_token(session, token=idle.token, now=NOW + timedelta(hours=3))
        is not None
    )
    assert (
        console_sessions.session_for_token(
            session, token=idle.token, now=NOW + timedelta(hours=6, minutes=59)
        )
        is not None
    )
    assert (
        console_sessions.session_for_token(session, token=idle.token, now=NOW + timedelta(hours=11)) is None
    )

    busy = console_sessions.start_session(session, agent=agent, now=NOW)
    for hour in range(1, 12):
        assert console_sessions.session_for_token(session, token=busy.token, now=NOW + timedelta(hours=hour))
    assert (
        console_sessions.session_for_token(session, token=busy.token, now=NOW + timedelta(hours=12)) is None
    )

    live = console_sessions.start_session(session, agent=agent, now=NOW)
    agents.set_active(session, username="lin", active=False)
    assert console_sessions.session_for_token(session, token=live.token, now=NOW) is None


def test_sign_out_here_or_everywhere(session: Session) -> None:
    agent = agents.create_agent(session, username="lin", password="qingliu-12328")
    one, two, three = (console_sessions.start_session(session, agent=agent, now=NOW) for _ in range(3))
    console_sessions.end_session(session, token=one.token)
    assert console_sessions.session_for_token(session, token=one.token, now=NOW) is None
    assert console_sessions.end_sessions_of(session, agent_id=agent.id) == 2
    assert console_sessions.session_for_token(session, token=three.token, now=NOW) is None


def test_flash_is_shown_once(session: Session) -> None:
    agent = agents.create_agent(session, username="lin", password="qingliu-12328")
    record = console_sessions.start_session(session, agent=agent, now=NOW).record
    console_sessions.set_flash(record, "已认领")
    assert console_sessions.take_flash(record) == "已认领"
    assert console_sessions.take_flash(record) is None
