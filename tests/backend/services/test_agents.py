from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, InvalidInput, NotFound
from backend.models.agents import Agent, AgentAction, AuditRewriteError
from backend.services.agents import accounts as agents
from backend.services.agents import sign_in_guard
from tests.conftest import NOW

PASSWORD = "qingliu-12328"


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Agent)) or 0


def test_create_an_agent_with_a_hashed_password(session: Session) -> None:
    agent = agents.create_agent(
        session, username=" Lin ", password=PASSWORD, role="agent", display_name="林小梅", now=NOW
    )
    assert (agent.username, agent.display_name, agent.role, agent.active) == ("lin", "林小梅", "agent", True)
    assert agent.password_hash.startswith("$argon2id$") and PASSWORD not in agent.password_hash
    assert agents.find_agent(session, username="LIN") is agent
    assert (
        agents.create_agent(session, username="chen", password=PASSWORD, role="supervisor").display_name
        == "chen"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "林"}, "username"),
        ({"username": "a"}, "username"),
        ({"username": "-lin"}, "username"),
        ({"role": "admin"}, "role"),
        ({"password": "short"}, "password"),
        ({"password": " padded-password "}, "password"),
        ({"display_name": "长" * 51}, "display_name"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_written(
    session: Session, changes: dict[str, str], field: str
) -> None:
    values = {"username": "lin", "password": PASSWORD, "role": "agent", "display_name": "林小梅", **changes}
    with pytest.raises(InvalidInput) as refused:
        agents.create_agent(session, **values)
    assert refused.value.details["field"] == field
    assert count(session) == 0


def test_a_taken_name_is_a_conflict(session: Session) -> None:
    agents.create_agent(session, username="lin", password=PASSWORD)
    with pytest.raises(Conflict, match="已存在"):
        agents.create_agent(session, username="LIN", password=PASSWORD)
    assert count(session) == 1


def test_authenticate_checks_the_password(session: Session) -> None:
    agents.create_agent(session, username="lin", password=PASSWORD)
    good = agents.authenticate(session, username="lin", password=PASSWORD, now=NOW)
    assert good.agent is not None and good.agent.last_sign_in_at == NOW
    assert (
        agents.authenticate(session, username="lin", password="qingliu-12329", now=NOW).reason
        == "bad_credentials"
    )
    assert (
        agents.authenticate(session, username="nobody", password=PASSWORD, now=NOW).reason
        == "bad_credentials"
    )


def test_failures_lock_the_name_from_one_client_for_growing_times(session: Session) -> None:
    agent = agents.create_agent(session, username="lin", password=PASSWORD)
    for minute in range(4):
        result = agents.authenticate(
            session, username="lin", password="wrong-one", client="10.0.0.9", now=NOW + timedelta(minutes=minute)
        )
        assert result.reason == "bad_credentials"
    fifth = agents.authenticate(session, username="lin", password="wrong-one", client="10.0.0.9", now=NOW + timedelta(minutes=4))
    assert fifth.reason == "locked" and fifth.locked_until == NOW + timedelta(minutes=5)
    during = agents.authenticate(session, username="lin", password=PASSWORD, client="10.0.0.9", now=NOW + timedelta(minutes=4, seconds=30))
    assert during.agent is None and during.reason == "locked"
    # the agent at their own desk is not locked out by the guesser
    assert agents.authenticate(session, username="lin", password=PASSWORD, client="10.0.0.2", now=NOW + timedelta(minutes=4, seconds=30)).agent is agent
    sixth = agents.authenticate(session, username="lin", password="wrong-one", client="10.0.0.9", now=NOW + timedelta(minutes=6))
    seventh = agents.authenticate(session, username="lin", password="wrong-one", client="10.0.0.9", now=NOW + timedelta(minutes=9))
    assert sixth.locked_until == NOW + timedelta(minutes=8) and seventh.locked_until == NOW + timedelta(minutes=13)
    after = agents.authenticate(session, username="lin", password=PASSWORD, client="10.0.0.9", now=NOW + timedelta(minutes=13, seconds=1))
    assert after.agent is agent
    assert sign_in_guard.locked_until(session, username="lin", client="10.0.0.9", now=NOW + timedelta(minutes=14)) is None


def test_unknown_names_answer_and_lock_exactly_like_real_ones(session: Session) -> None:
    agents.create_agent(session, username="lin", password=PASSWORD)
    real = [agents.authenticate(session, username="lin", password="wrong-one", client="c", now=NOW) for _ in range(6)]
    fake = [agents.authenticate(session, username="nobody", password="wrong-one", client="c", now=NOW) for _ in range(6)]
    assert [(r.reason, r.locked_until) for r in real] == [(f.reason, f.locked_until) for f in fake]
    assert real[-1].reason == "locked"


def test_a_success_resets_the_failure_count(session: Session) -> None:
    agents.create_agent(session, username="lin", password=PASSWORD)
    for _ in range(3):
        agents.authenticate(session, username="lin", password="wrong-one", now=NOW)
    agents.authenticate(session, username="lin", password=PASSWORD, now=NOW)
    for _ in range(4):
        assert agents.authenticate(session, username="lin", password="wrong-one", now=NOW).reason == "bad_credentials"


def test_a_disabled_account_cannot_sign_in(session: Session) -> None:
    agents.create_agent(session, username="lin", password=PASSWORD)
    agents.set_active(session, username="lin", active=False)
    assert agents.authenticate(session, username="lin", password=PASSWORD).reason == "inactive"
    assert [a.username for a in agents.list_agents(session)] == []
    assert [a.username for a in agents.list_agents(session, active_only=False)] == ["lin"]


def test_unlock_and_new_password(session: Session) -> None:
    agent = agents.create_agent(session, username="lin", password=PASSWORD)
    for _ in range(5):
        agents.authenticate(session, username="lin", password="wrong-one", now=NOW)
    assert agents.authenticate(session, username="lin", password=PASSWORD, now=NOW).reason == "locked"
    agents.unlock_agent(session, username="lin")
    assert agent.locked_until is None
    assert agents.authenticate(session, username="lin", password=PASSWORD, now=NOW).agent is agent
    agents.set_password(session, username="lin", password="new-password-1")
    assert agents.authenticate(session, username="lin", password="new-password-1").agent is agent
    with pytest.raises(NotFound):
        agents.unlock_agent(session, username="nobody")


def test_the_audit_log_is_append_only(session: Session) -> None:
    first = agents.record_action(session, agent="lin", action="claim_handoff", target="handoff:3", now=NOW)
    agents.record_action(
        session, agent="lin", action="reply", target="handoff:3", detail={"route": "sms"}, now=NOW
    )
    agents.record_action(
        session, agent="chen", action="reply", target="handoff:4", now=NOW + timedelta(days=2)
    )
    assert [a.action for a in agents.recent_actions(session, agent="lin")] == ["reply", "claim_handoff"]
    assert [a.agent for a in agents.recent_actions(session, target="handoff:4")] == ["chen"]
    counts = agents.action_counts(session, start=NOW, end=NOW + timedelta(days=1))
    assert counts == {"lin": {"claim_handoff": 1, "reply": 1}}
    first.detail = {"changed": True}
    with pytest.raises(AuditRewriteError):
        session.flush()
    session.rollback()
    with pytest.raises(InvalidInput):
        agents.record_action(session, agent="", action="reply")
    assert session.scalar(select(func.count()).select_from(AgentAction)) == 0
