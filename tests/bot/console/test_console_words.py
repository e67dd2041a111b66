"""No internal word reaches an agent (issue 14 §3): every console page, with a shift's worth
of records behind it (a claimed and a waiting hand-off, a ticket through its steps, a
booking waiting for a vehicle, a knowledge entry, an audit log with sign-ins, failures
and account changes, a call-back, a disabled account), is read as the agent sees it: the
visible text holds no state code, enum or action name."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models.agents import Agent, CallbackTask
from backend.services.agents import accounts as agent_service
from backend.services.complaints import records as complaints
from backend.services.complaints import workflow as complaints_workflow
from tests.bot.console.forms import PASSWORD, csrf_of, sign_in
from tests.bot.console.test_dispatch_page import DAY, book
from tests.bot.console.test_queue import waiting

CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # snake_case names: states, actions, intents
ENUMS = {
    "waiting", "claimed", "returned", "closed", "assigned", "in_progress", "resolved", "reopened", "escalated",
    "queued", "sent", "failed", "suppressed", "delivered", "citizen", "system", "bot", "agent", "supervisor",
    "rest", "web", "wechat", "sms", "voice", "callback", "transcript", "requested", "confirmed", "cancelled",
    "completed", "open", "done", "bad_credentials", "locked", "inactive", "handoff", "complaint", "knowledge",
}  # fmt: skip


def visible(page: str) -> str:
    """The words a person sees: no scripts, styles, tags or attribute values."""
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(body)


def internal_words(page: str) -> dict[str, str]:
    """Each internal word found, with the text around it (to see where it comes from)."""
    words = visible(page)
    found = {}
    for hit in re.finditer(r"\b[a-z]+(?:_[a-z]+)*\b", words):
        if CODE.fullmatch(hit.group()) or hit.group() in ENUMS:
            found[hit.group()] = " ".join(words[max(0, hit.start() - 60) : hit.end() + 30].split())
    return found


def test_no_console_page_shows_an_internal_word(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    now = local_now()
    claimed = waiting(session, "rest", "u7f3a9", "我要投诉司机", minutes_ago=5)
    waiting(session, "sms", "13805991001", "我要找人工", minutes_ago=3)
    ticket = complaints.open_complaint(
        session, category="driver", description="司机态度不好", contact_phone="13805991001", now=now
    )
    complaints_workflow.transition_complaint(session, ticket_id=ticket.id, to_state="assigned", by="chen", assignee="林小梅")
    complaints_workflow.transition_complaint(session, ticket_id=ticket.id, to_state="in_progress", by="lin")
    session.add(
        CallbackTask(
            handoff_id=None, conversation_id="voice:13805990000", phone="13805990000", message="下班时间转人工，请回电",
            status="open", created_by="system", created_at=now,
        )
    )  # fmt: skip
    book(session, "13905982003", "王春生", "林畲村", "清流县城", 9)  # waiting for a vehicle
    agent_service.create_agent(session, username="old.hand", password=PASSWORD, display_name="老张")
    agent_service.set_active(session, username="old.hand", active=False)
    session.commit()

    client.cookies.clear()
    form = client.get("/console/login")
    client.post("/console/login", data={"username": "lin", "password": "wrong-one", "csrf_token": csrf_of(form.text)})
    token = sign_in(client, "lin")
    client.post(f"/console/handoffs/{claimed.id}/claim", data={"csrf_token": token})
    client.post(f"/console/handoffs/{claimed.id}/reply", data={"csrf_token": token, "text": "您好，请说一下车牌号。"})
    client.post(f"/console/handoffs/{claimed.id}/notes", data={"csrf_token": token, "text": "群众情绪激动"})
    token = sign_in(client, "chen")
    client.post("/console/agents/old.hand/active", data={"csrf_token": token, "active": "1"})

    pages = [
        "/console", f"/console?h={claimed.id}", "/console/complaints", f"/console/complaints/{ticket.id}",
        "/console/figures", "/console/audit", "/console/dispatch", "/console/knowledge", "/console/locks",
        "/console/agents", f"/console/dispatch?date={DAY.isoformat()}", "/console/knowledge/1",
    ]  # fmt: skip
    shown = {}
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, path
        shown[path] = internal_words(answer.text)
    assert {path: words for path, words in shown.items() if words} == {}
