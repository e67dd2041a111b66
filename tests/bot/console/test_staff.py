"""Agent administration through the real console (issue 14 §3): a supervisor adds an agent
who can then sign in, disables one (signed out everywhere, their conversations back in
the queue, no more sign-ins), enables them again and resets a password. Bad input comes
back as a Chinese sentence with nothing written; an ordinary agent gets 403 and no link;
every action needs the session's CSRF token and leaves an audit line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models.agents import Agent, AgentAction
from backend.models.conversations import Handoff
from tests.bot.console.forms import PASSWORD, csrf_of, flash, sign_in
from tests.bot.console.test_queue import waiting

NEW = {
    "username": "wu.hua",
    "display_name": "吴华",
    "role": "agent",
    "password": "xiaomei-2026",
    "password_again": "xiaomei-2026",
}


@pytest.fixture
def second(client: TestClient) -> Iterator[TestClient]:
    """Another browser on the same app (the agent being administered)."""
    with TestClient(client.app) as other:
        yield other


def count(session: Session, model: type, *where: object) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def signs_in(client: TestClient, username: str, password: str) -> int:
    client.cookies.clear()
    form = client.get("/console/login")
    data = {"username": username, "password": password, "csrf_token": csrf_of(form.text)}
    return client.post("/console/login", data=data, follow_redirects=False).status_code


def post(client: TestClient, path: str, token: str, *, error: bool = False, **data: str) -> str:
    """Post a form, follow back to the accounts page; its message (red when `error`)."""
    answer = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = client.get("/console/agents").text
    assert ('class="flash flash-error"' in page) == error, page[:2000]
    return flash(page)


def test_a_supervisor_adds_an_agent_who_then_signs_in(
    client: TestClient, second: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    token = sign_in(client, "chen")
    page = client.get("/console/agents")
    assert page.status_code == 200 and "林小梅" in page.text and 'href="/console/agents"' in page.text
    message = post(client, "/console/agents", token, **NEW)
    assert "已新增坐席账号 吴华（wu.hua）" in message
    created = session.scalars(select(Agent).where(Agent.username == "wu.hua")).one()
    assert created.active and created.role == "agent" and created.display_name == "吴华"
    assert "xiaomei-2026" not in created.password_hash and created.password_hash.startswith("$argon2id$")
    audit = session.scalars(select(AgentAction).where(AgentAction.action == "agent_created")).one()
    assert (audit.agent, audit.target, audit.detail) == ("chen", "agent:wu.hua", {"role": "agent"})
    assert "xiaomei" not in str(audit.detail)
    assert signs_in(second, "wu.hua", "xiaomei-2026") == 303
    assert "吴华" in second.get("/console").text
    assert "新增坐席" in client.get("/console/audit").text  # the audit page reads it in Chinese


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"username": "lin"}, "账号 lin 已存在"),
        ({"username": "LIN "}, "账号 lin 已存在"),
        ({"password": "short", "password_again": "short"}, "密码至少 8 位"),
        ({"password_again": "xiaomei-2027"}, "两次输入的密码不一样"),
        ({"username": "吴华"}, "账号只能用小写字母"),
        ({"role": "root"}, "角色只能是"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    client: TestClient, session: Session, accounts: dict[str, Agent], change: dict[str, str], words: str
) -> None:
    token = sign_in(client, "chen")
    agents_before = count(session, Agent)
    audit_before = count(session, AgentAction)
    message = post(client, "/console/agents", token, error=True, **{**NEW, **change})
    assert words in message
    assert count(session, Agent) == agents_before
    assert count(session, AgentAction) == audit_before  # no audit line either


def test_an_ordinary_agent_gets_403_and_no_link(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    token = sign_in(client, "lin")
    assert 'href="/console/agents"' not in client.get("/console").text
    assert client.get("/console/agents").status_code == 403
    for path, data in [
        ("/console/agents", NEW),
        ("/console/agents/chen/active", {"active": "0"}),
        ("/console/agents/chen/password", {"password": "taken-over-1", "password_again": "taken-over-1"}),
    ]:
        answer = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert answer.status_code == 403, path
        assert "班长权限" in answer.text
    assert count(session, Agent, Agent.username == "wu.hua") == 0
    assert signs_in(client, "chen", PASSWORD) == 303  # chen still active, password unchanged


def test_every_action_needs_the_csrf_token(client: TestClient, session: Session, accounts: dict[str, Agent]) -> None:
    sign_in(client, "chen")
    for path, data in [
        ("/console/agents", NEW),
        ("/console/agents/lin/active", {"active": "0"}),
        ("/console/agents/lin/password", {"password": "taken-over-1", "password_again": "taken-over-1"}),
    ]:
        answer = client.post(path, data={"csrf_token": "forged", **data}, follow_redirects=False)
        assert answer.status_code == 403, path
    assert count(session, Agent, Agent.username == "wu.hua") == 0
    assert count(session, Agent, Agent.username == "lin", Agent.active.is_(True)) == 1


def test_disabling_signs_the_agent_out_and_gives_their_conversations_back(
    client: TestClient, second: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session, "sms", "13805991001", "我要找人工")
    session.commit()
    lin_token = sign_in(second, "lin")
    second.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": lin_token})
    session.expire_all()
    assert session.get(Handoff, handoff.id).status == "claimed"  # type: ignore[union-attr]

    token = sign_in(client, "chen")
    message = post(client, "/console/agents/lin/active", token, active="0")
    assert "已停用 林小梅（lin）" in message and "1 条正在接待的对话已退回队列" in message
    session.expire_all()
    back = session.get(Handoff, handoff.id)
    assert back is not None and back.status == "waiting" and back.claimed_by is None
    assert second.get("/console", follow_redirects=False).status_code == 303  # her session is gone
    assert signs_in(second, "lin", PASSWORD) == 401  # and she cannot sign in again
    audit = session.scalars(select(AgentAction).where(AgentAction.action == "agent_disabled")).one()
    assert (audit.agent, audit.target, audit.detail) == ("chen", "agent:lin", {"sessions_ended": 1, "released": 1})
    assert "已停用" in client.get("/console/agents").text

    message = post(client, "/console/agents/lin/active", token, active="1")
    assert "已启用 林小梅（lin）" in message
    assert signs_in(second, "lin", PASSWORD) == 303


def test_a_supervisor_cannot_disable_themselves(client: TestClient, session: Session, accounts: dict[str, Agent]) -> None:
    token = sign_in(client, "chen")
    assert "不能停用自己的账号" in post(client, "/console/agents/chen/active", token, error=True, active="0")
    assert count(session, Agent, Agent.username == "chen", Agent.active.is_(True)) == 1
    assert client.get("/console/agents").status_code == 200  # still signed in


def test_resetting_a_password_ends_the_old_one_and_its_sessions(
    client: TestClient, second: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    sign_in(second, "lin")
    token = sign_in(client, "chen")
    weak = post(client, "/console/agents/lin/password", token, error=True, password="1234", password_again="1234")
    assert "密码至少 8 位" in weak
    assert second.get("/console", follow_redirects=False).status_code == 200  # nothing happened
    message = post(
        client, "/console/agents/lin/password", token, password="new-pass-2026", password_again="new-pass-2026"
    )
    assert "已重设 林小梅（lin）的密码" in message
    assert second.get("/console", follow_redirects=False).status_code == 303
    assert signs_in(second, "lin", PASSWORD) == 401
    assert signs_in(second, "lin", "new-pass-2026") == 303
    assert count(session, AgentAction, AgentAction.action == "password_set") == 1
    missing = post(
        client, "/console/agents/nobody/password", token, error=True, password="new-pass-2026",
        password_again="new-pass-2026",
    )  # fmt: skip
    assert "没有账号 nobody" in missing


def test_a_locked_out_account_shows_on_the_accounts_page_and_is_unlocked_there(
    client: TestClient, second: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    for _ in range(5):
        assert signs_in(second, "lin", "wrong-password") == 401
    assert signs_in(second, "lin", PASSWORD) == 401  # locked from this client
    token = sign_in(client, "chen")
    row = client.get("/console/agents").text.split('id="agent-lin"')[1].split("</tr>")[0]
    assert "登录锁定中" in row and 'action="/console/locks/unlock"' in row
    client.post("/console/locks/unlock", data={"csrf_token": token, "username": "lin"})
    assert "登录锁定中" not in client.get("/console/agents").text
    assert signs_in(second, "lin", PASSWORD) == 303
