"""Complaint pages: filters, the ticket page (citizen's words, related vehicle and driver,
deadlines, history, the steps allowed from the current state), and working a ticket:
each step, the resolution reply and the follow-up question go out on the citizen's channel."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Complaint, ComplaintTransition
from backend.models.agents import Agent
from backend.models.outbound import OutboundMessage
from backend.services.citizens import conversations
from backend.services.complaints import records as complaints
from tests.bot.console.forms import flash, sign_in


def ticket(session: Session, **fields: object) -> Complaint:
    values: dict[str, object] = {
        "category": "driver",
        "description": "清三线的司机开车打电话，很危险",
        "contact_phone": "13905981234",
        "place": "嵩口",
        **fields,
    }
    complaint = complaints.open_complaint(session, **values)  # type: ignore[arg-type]
    session.commit()
    return complaint


def rows(html: str) -> list[str]:
    return re.findall(r'class="ticket-link">(C\d{11})<', html)


def test_the_list_filters_by_state_category_township_and_overdue(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    driver = ticket(session)
    fare = ticket(session, category="fare", description="灵地到县城多收了两块钱", place="灵地")
    late = ticket(
        session,
        category="schedule",
        description="早班车没来",
        place="灵地",
        now=local_now() - timedelta(days=12),
    )
    complaints.transition_complaint(
        session, ticket_id=fare.id, to_state="assigned", by="chen", assignee="县交通运输局运输管理股"
    )
    session.commit()
    sign_in(client, "lin")
    assert set(rows(client.get("/console/complaints").text)) == {driver.id, fare.id, late.id}
    assert rows(client.get("/console/complaints", params={"state": "assigned"}).text) == [fare.id]
    assert rows(client.get("/console/complaints", params={"category": "driver"}).text) == [driver.id]
    assert set(rows(client.get("/console/complaints", params={"township": "灵地镇"}).text)) == {
        fare.id,
        late.id,
    }
    overdue = client.get("/console/complaints", params={"overdue": "yes"}).text
    assert rows(overdue) == [late.id]
    assert 'class="overdue"' in overdue and "已超期" in overdue
    assert set(rows(client.get("/console/complaints", params={"overdue": "no"}).text)) == {driver.id, fare.id}
    assert rows(client.get("/console/complaints", params={"q": "两块钱"}).text) == [fare.id]
    assert "没有符合条件的工单" in client.get("/console/complaints", params={"state": "closed"}).text


def test_the_ticket_page_shows_words_related_vehicle_driver_deadlines_and_steps(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    complaint = ticket(session, plate="闽G Z9415")
    sign_in(client, "lin")
    page = client.get(f"/console/complaints/{complaint.id.lower()}").text
    assert "清三线的司机开车打电话，很危险" in page
    assert "闽GZ9415" in page and "温水生" in page and "13959801037" in page
    assert re.search(r"剩 \d+天", page)  # time left to the resolution deadline
    assert "受理" in page and "13905981234" in page
    buttons = re.findall(r'<button type="submit" class="btn[^"]*">\s*([^<\s]+)', page)
    assert buttons[1:4] == ["派单", "升级督办", "办结并答复群众"]  # after 退出
    assert "开始处理" not in buttons
    assert client.get("/console/complaints/C20990101999").status_code == 404


def test_an_overdue_ticket_is_highlighted(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    complaint = ticket(session, now=local_now() - timedelta(days=12))
    sign_in(client, "lin")
    page = client.get(f"/console/complaints/{complaint.id}").text
    assert re.search(r'<div class="late">\s*<dt>首次响应', page)
    assert "已超期" in page


def test_resolving_sends_the_reply_and_the_follow_up_asks_on_the_citizens_channel(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    complaint = ticket(session)
    token = sign_in(client, "lin")
    url = f"/console/complaints/{complaint.id}"
    client.post(f"{url}/transition", data={"csrf_token": token, "to_state": "assigned", "assignee": "林小梅"})
    client.post(
        f"{url}/transition", data={"csrf_token": token, "to_state": "in_progress", "note": "已联系公交公司"}
    )
    # resolving without the reply is refused and writes nothing
    before = session.scalar(select(func.count()).select_from(ComplaintTransition))
    refused = client.post(
        f"{url}/transition", data={"csrf_token": token, "to_state": "resolved", "resolution": " "}
    )
    assert "答复" in flash(refused.text)
    assert session.scalar(select(func.count()).select_from(ComplaintTransition)) == before
    done = client.post(
        f"{url}/transition",
        data={
            "csrf_token": token,
            "to_state": "resolved",
            "resolution": "已约谈司机并扣分，今后开车不接电话。",
        },
    )
    assert "办结答复已发给群众（短信）" in flash(done.text)
    told = session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == "complaint_status").order_by(OutboundMessage.id)
    ).all()
    assert [m.body for m in told[:2]] == [
        f"【村通】您的工单{complaint.id}：已派单处理。",
        f"【村通】您的工单{complaint.id}：正在处理。",
    ]
    reply = told[-1]
    assert len(told) == 3 and (reply.channel, reply.to) == ("sms", "13905981234")
    assert "已约谈司机并扣分" in reply.body and complaint.id in reply.body
    asked = client.post(f"{url}/follow-up/ask", data={"csrf_token": token})
    assert flash(asked.text) == "回访问题已通过短信发出。"
    question = session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == "complaint_followup")
    ).one()
    assert "1到5" in question.body
    # the citizen answers by SMS; the page shows it to the agent, who records it
    conversations.record_event(
        session,
        conversation_id="sms:13905981234",
        channel="sms",
        sender="13905981234",
        type="user",
        text="2 还是不满意",
    )
    session.commit()
    page = client.get(url).text
    assert "2 还是不满意" in page
    recorded = client.post(
        f"{url}/follow-up", data={"csrf_token": token, "satisfaction": "2", "note": "群众认为处罚太轻"}
    )
    assert "已重新办理" in flash(recorded.text)
    reopened = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(1)).one()
    assert reopened.body == f"【村通】您的工单{complaint.id}：已重新处理。"
    session.refresh(complaint)
    assert (complaint.state, complaint.satisfaction) == ("reopened", 2)
    assert [t.to_state for t in complaint.transitions][-3:] == ["resolved", "followed_up", "reopened"]
    assert {t.by for t in complaint.transitions[1:]} == {"lin"}
    # a second round of handling asks again
    client.post(f"{url}/transition", data={"csrf_token": token, "to_state": "in_progress"})
    client.post(
        f"{url}/transition",
        data={"csrf_token": token, "to_state": "resolved", "resolution": "司机已停岗培训一周。"},
    )
    client.post(f"{url}/follow-up/ask", data={"csrf_token": token})
    assert (
        len(
            session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "complaint_followup")).all()
        )
        == 2
    )


def test_a_follow_up_needs_a_resolved_ticket_and_a_score(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    complaint = ticket(session)
    token = sign_in(client, "lin")
    url = f"/console/complaints/{complaint.id}"
    assert (
        flash(client.post(f"{url}/follow-up/ask", data={"csrf_token": token}).text) == "工单办结后才能回访。"
    )
    assert "请选择满意度" in flash(
        client.post(f"{url}/follow-up", data={"csrf_token": token, "satisfaction": "9"}).text
    )
    refused = client.post(f"{url}/follow-up", data={"csrf_token": token, "satisfaction": "5"})
    assert "不能改为" in flash(refused.text)
    assert session.scalars(select(OutboundMessage)).all() == []
    session.refresh(complaint)
    assert complaint.state == "received" and complaint.satisfaction is None
