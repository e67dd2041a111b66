"""Front-office basics in the console: flash colours by kind, the contact panel with a
conversation turned into a complaint, internal notes, a supervisor's assignment, a REST
citizen shown unreachable before the agent types, the knowledge base (supervisors edit,
every change audited, agents search it as canned replies), follow-up results only after
the question went out or the citizen was reached, and /favicon.ico."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Complaint
from backend.models.agents import Agent
from backend.models.conversations import Handoff
from backend.models.knowledge import KnowledgeAudit, KnowledgeEntry
from backend.models.notes import ConversationNote
from backend.services.citizens import conversations
from backend.services.citizens.identities import citizen_for_mobile
from tests.bot.console.forms import flash, sign_in
from tests.bot.console.test_queue import waiting

POLL = {"X-Console-Poll": "1"}


def flash_class(html: str) -> str:
    found = re.search(r'<div class="flash (flash-[a-z]+)"', html)
    return found.group(1) if found else ""


def test_refusals_are_red_warnings_amber_and_done_green(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session, "rest", "web-77", "转人工")
    token = sign_in(client, "lin")
    claimed = client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": token})
    assert flash_class(claimed.text) == "flash-success"
    page = client.get(f"/console?h={handoff.id}").text
    key = re.search(r'name="reply_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    kept = client.post(
        f"/console/handoffs/{handoff.id}/reply", data={"csrf_token": token, "text": "您好", "reply_key": key}
    )
    assert flash_class(kept.text) == "flash-warning"  # only written down: nobody can be reached
    empty = client.post(f"/console/handoffs/{handoff.id}/reply", data={"csrf_token": token, "text": " ", "reply_key": key})
    assert flash_class(empty.text) == "flash-error" and "回复内容不能为空" in flash(empty.text)


def test_a_rest_citizen_without_a_mobile_is_shown_unreachable_before_typing(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    rest = waiting(session, "rest", "web-88", "有人吗")
    web = waiting(session, "web", "wabc", "有人吗")
    sign_in(client, "lin")
    assert "无法送达" in client.get(f"/console?h={rest.id}").text
    assert "无法送达" not in client.get(f"/console?h={web.id}").text


def test_contact_panel_notes_assignment_and_a_complaint_from_the_conversation(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    citizen = citizen_for_mobile(session, mobile="13905987711", name="罗秀兰")
    earlier = waiting(session, "sms", "13905987711", "上次的事", citizen_id=citizen.id, minutes_ago=600)
    conversations.close_handoff(session, handoff_id=earlier.id, agent="lin")
    handoff = waiting(session, "sms", "13905987711", "司机不按站停车，把我拉过了站", citizen_id=citizen.id)
    token = sign_in(client, "chen")
    page = client.get(f"/console?h={handoff.id}").text
    panel = page[page.index('id="contact-panel"') :]
    assert "13905987711" in panel and "以往对话" in panel and "上次的事" not in panel.split("以往对话")[0]
    assert "司机不按站停车，把我拉过了站" in panel  # the complaint form is pre-filled

    noted = client.post(f"/console/handoffs/{handoff.id}/notes", data={"csrf_token": token, "text": "老人耳背，说话慢一点"})
    assert "内部备注已保存" in flash(noted.text) and "老人耳背" in noted.text
    assert session.scalars(select(ConversationNote)).one().author == "chen"

    assigned = client.post(f"/console/handoffs/{handoff.id}/assign", data={"csrf_token": token, "agent": "lin"})
    assert "已指派给林小梅" in flash(assigned.text)
    session.refresh(handoff)
    assert (handoff.status, handoff.claimed_by) == ("claimed", "lin")
    assert "班长指派 · 陈丽 → 林小梅" in client.get(f"/console/live/handoffs/{handoff.id}", headers=POLL).text

    made = client.post(
        f"/console/handoffs/{handoff.id}/complaint",
        data={"csrf_token": token, "category": "driver", "description": "司机不按站停车，把我拉过了站"},
    )
    ticket = session.scalars(select(Complaint).where(Complaint.citizen_id == citizen.id)).one()
    assert ticket.id in flash(made.text) and made.url.path == f"/console/complaints/{ticket.id}"
    assert (ticket.category, ticket.channel, ticket.contact_phone) == ("driver", "sms", "13905987711")


def test_an_agent_cannot_assign(client: TestClient, session: Session, accounts: dict[str, Agent]) -> None:
    handoff = waiting(session, "sms", "13905987712", "转人工")
    token = sign_in(client, "lin")
    refused = client.post(f"/console/handoffs/{handoff.id}/assign", data={"csrf_token": token, "agent": "lin"})
    assert refused.status_code == 403
    assert session.get(Handoff, handoff.id).status == "waiting"  # type: ignore[union-attr]


def test_supervisors_edit_the_knowledge_base_with_an_audit_trail(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    entry = session.scalars(select(KnowledgeEntry).where(KnowledgeEntry.question == "坐班车可以带多少行李")).one()
    token = sign_in(client, "lin")
    assert "坐班车可以带多少行李" in client.get("/console/knowledge?q=行李").text
    assert client.post(f"/console/knowledge/{entry.id}", data={"csrf_token": token}).status_code == 403
    token = sign_in(client, "chen")
    form = {
        "csrf_token": token, "question": entry.question, "variants": "行李限重多少\n能带几公斤",
        "answer": entry.answer + "（2027年起）", "short_answer": entry.short_answer, "tags": "行李, 乘车",
        "valid_from": "", "valid_to": "",
    }  # fmt: skip
    saved = client.post(f"/console/knowledge/{entry.id}", data=form)
    assert "知识库条目已保存" in flash(saved.text)
    session.refresh(entry)
    assert entry.variants == ["行李限重多少", "能带几公斤"] and entry.updated_by == "chen"
    bad = client.post(f"/console/knowledge/{entry.id}", data={**form, "valid_from": "2027-02-01", "valid_to": "2027-01-01"})
    assert "结束日期不能早于开始日期" in flash(bad.text)
    client.post(f"/console/knowledge/{entry.id}/active", data={"csrf_token": token, "active": "0"})
    actions = session.scalars(
        select(KnowledgeAudit.action).where(KnowledgeAudit.entry_id == entry.id).order_by(KnowledgeAudit.id)
    ).all()
    assert list(actions)[-2:] == ["updated", "disabled"]
    history = client.get(f"/console/knowledge/{entry.id}").text
    assert "停用" in history and "陈丽" in history


def test_canned_replies_search_as_the_agent_types(client: TestClient, accounts: dict[str, Agent]) -> None:
    sign_in(client, "lin")
    hits = client.get("/console/live/knowledge?q=取件码丢了", headers=POLL).text
    assert 'data-kb-insert="取件码只短信发到收件人的手机上' in hits and "取件码丢了怎么办" in hits
    assert client.get("/console/live/knowledge?q=", headers=POLL).text.strip() == ""


def test_a_follow_up_result_needs_the_question_sent_or_the_citizen_reached(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    from backend.services.complaints import records as complaints

    ticket = complaints.open_complaint(session, category="driver", description="司机骂人", contact_phone="13905987713")
    session.commit()
    token = sign_in(client, "chen")
    url = f"/console/complaints/{ticket.id}"
    for step, extra in (("in_progress", {}), ("resolved", {"resolution": "已约谈司机"})):
        client.post(f"{url}/transition", data={"csrf_token": token, "to_state": step, **extra})
    refused = client.post(f"{url}/follow-up", data={"csrf_token": token, "satisfaction": "5"})
    assert "还没有发出回访问题" in flash(refused.text) and flash_class(refused.text) == "flash-error"
    session.refresh(ticket)
    assert ticket.state == "resolved"
    client.post(f"{url}/follow-up/ask", data={"csrf_token": token})
    client.post(f"{url}/follow-up", data={"csrf_token": token, "satisfaction": "5"})
    session.refresh(ticket)
    assert ticket.state == "followed_up"


def test_favicon(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_the_csv_totals_row_names_the_period_asked_for(client: TestClient, accounts: dict[str, Agent]) -> None:
    import csv
    import io

    sign_in(client, "chen")
    answer = client.get("/console/figures.csv?start=2026-11-01&end=2026-11-30")
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[1][:2] == ["合计", "2026-11-01 至 2026-11-30"]
    assert 'filename="cuntong-figures-2026-11-01-2026-11-30.csv"' in answer.headers["content-disposition"]


def test_a_hand_off_during_a_form_names_the_task_in_chinese() -> None:
    from dialogs.handoff import _title

    assert _title("query_bus") == "查班车" or _title("query_bus").isascii() is False
    assert _title("book_charter").isascii() is False


def test_the_complaint_list_counts_sorts_by_deadline_and_filters_mine(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    from datetime import timedelta

    from backend.localtime import local_now
    from backend.services.complaints import records as complaints
    from backend.services.complaints import workflow as complaints_workflow

    now = local_now()
    early = complaints.open_complaint(session, category="driver", description="甲", now=now - timedelta(days=3))
    late = complaints.open_complaint(session, category="driver", description="乙", now=now)
    complaints_workflow.transition_complaint(session, ticket_id=late.id, to_state="assigned", by="chen", assignee="林小梅")
    session.commit()
    sign_in(client, "lin")
    newest = client.get("/console/complaints?category=driver").text
    assert newest.index(late.id) < newest.index(early.id) and 'data-total="2"' in newest
    by_deadline = client.get("/console/complaints?category=driver&sort=deadline").text
    assert by_deadline.index(early.id) < by_deadline.index(late.id)
    mine = client.get("/console/complaints?category=driver&mine=1").text
    assert late.id in mine and early.id not in mine and 'data-total="1"' in mine
    # the list refreshes in place from a fragment with the same filters
    assert 'data-poll="/console/complaints/live?category=driver&amp;mine=1&amp;page=1"' in mine
    live = client.get("/console/complaints/live?category=driver&mine=1", headers={"X-Console-Poll": "1"})
    assert live.status_code == 200 and "<html" not in live.text
    assert late.id in live.text and early.id not in live.text and 'data-total="1"' in live.text
    newer = complaints.open_complaint(session, category="driver", description="丙", now=now)
    complaints_workflow.transition_complaint(session, ticket_id=newer.id, to_state="assigned", by="chen", assignee="林小梅")
    session.commit()
    live = client.get("/console/complaints/live?category=driver&mine=1", headers={"X-Console-Poll": "1"}).text
    assert newer.id in live and 'data-total="2"' in live
    client.cookies.clear()
    assert client.get("/console/complaints/live", headers={"X-Console-Poll": "1"}).status_code == 401


def test_audit_rows_read_as_words(client: TestClient, session: Session, accounts: dict[str, Agent]) -> None:
    handoff = waiting(session, "sms", "13905987714", "转人工")
    client.post("/console/login", data={"username": "lin", "password": "wrong"})
    token = sign_in(client, "lin")
    client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": token})
    sign_in(client, "chen")
    page = client.get("/console/audit").text
    assert "认领对话" in page and f"对话 {handoff.id}" in page
    assert "bad_credentials" not in page and f"handoff:{handoff.id}" not in page
