from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Complaint, ComplaintTransition

COMPLAINT = {
    "category": "driver",
    "description": "今天下午从灵地回县城的班车，司机不等老人坐稳就开车",
    "plate": "闽g 12345",
    "place": "灵地",
    "channel": "voice",
    "contact_phone": "13905981234",
}


def written(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Complaint)) or 0,
        session.scalar(select(func.count()).select_from(ComplaintTransition)) or 0,
    )


def open_ticket(client: TestClient, auth: dict[str, str], **changes: object) -> dict[str, object]:
    response = client.post("/api/complaints", json={**COMPLAINT, **changes}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_complaints_need_the_operator_token(client: TestClient) -> None:
    assert client.post("/api/complaints", json=COMPLAINT).status_code == 401
    assert client.get("/api/complaints").status_code == 401
    assert client.get("/api/complaints/C20261120001").status_code == 401


def test_open_and_read_a_ticket(client: TestClient, auth: dict[str, str]) -> None:
    opened = open_ticket(client, auth, by="热线坐席陈")
    ticket_id = str(opened["id"])
    assert re.fullmatch(r"C\d{11}", ticket_id)
    body = client.get(f"/api/complaints/{ticket_id.lower()}", headers=auth).json()
    assert {"id", "state", "category", "description", "created_at", "deadline", "transitions"} <= set(body)
    assert (body["id"], body["state"], body["category"]) == (ticket_id, "received", "driver")
    assert body["description"] == COMPLAINT["description"]
    assert (body["plate"], body["place"], body["township"]) == ("闽G12345", "灵地镇", "灵地镇")
    created = datetime.fromisoformat(body["created_at"])
    assert created.utcoffset() == timedelta(hours=8)
    assert datetime.fromisoformat(body["deadline"]) - created >= timedelta(days=5)
    assert body["allowed_transitions"] == ["assigned", "escalated", "resolved"]
    [first] = body["transitions"]
    assert set(first) == {"from", "to", "by", "at", "note"}
    assert (first["from"], first["to"], first["by"]) == (None, "received", "热线坐席陈")


def test_workflow_through_the_api(client: TestClient, auth: dict[str, str]) -> None:
    ticket_id = open_ticket(client, auth)["id"]
    url = f"/api/complaints/{ticket_id}/transitions"
    assigned = client.post(url, json={"to": "assigned", "assignee": "灵地站站长"}, headers=auth)
    assert assigned.status_code == 200
    assert assigned.json()["assignee"] == "灵地站站长"
    assert client.post(url, json={"to": "in_progress", "by": "灵地站站长"}, headers=auth).status_code == 200
    resolved = client.post(
        url, json={"to": "resolved", "resolution": "已对司机批评教育，扣当月考核分"}, headers=auth
    )
    assert resolved.json()["state"] == "resolved"
    follow = client.post(f"/api/complaints/{ticket_id}/follow-up", json={"satisfaction": 5}, headers=auth)
    assert follow.json()["state"] == "followed_up"
    closed = client.post(url, json={"to": "closed"}, headers=auth).json()
    assert closed["state"] == "closed"
    assert [(t["from"], t["to"]) for t in closed["transitions"]][-2:] == [
        ("resolved", "followed_up"),
        ("followed_up", "closed"),
    ]
    assert closed["transitions"][1]["by"] == "operator-api"
    assert closed["transitions"][2]["by"] == "灵地站站长"


def test_illegal_transition_and_resolve_without_reply_write_nothing(
    client: TestClient, auth: dict[str, str], session: Session
) -> None:
    ticket_id = open_ticket(client, auth)["id"]
    before = written(session)
    illegal = client.post(f"/api/complaints/{ticket_id}/transitions", json={"to": "closed"}, headers=auth)
    assert illegal.status_code == 409
    assert "不能改为“结案”(closed)" in illegal.json()["detail"]
    assert illegal.json()["allowed"] == ["assigned", "escalated", "resolved"]
    no_reply = client.post(f"/api/complaints/{ticket_id}/transitions", json={"to": "resolved"}, headers=auth)
    assert no_reply.status_code == 422
    assert "答复" in no_reply.json()["detail"]
    assert written(session) == before


def test_refused_complaints_write_nothing(client: TestClient, auth: dict[str, str], session: Session) -> None:
    before = written(session)
    bad_plate = client.post("/api/complaints", json={**COMPLAINT, "plate": "G123"}, headers=auth)
    assert bad_plate.status_code == 422
    assert "闽G12345" in bad_plate.json()["detail"]
    empty = client.post("/api/complaints", json={**COMPLAINT, "description": " "}, headers=auth)
    assert empty.status_code == 422
    missing = client.get("/api/complaints/C20261120999", headers=auth)
    assert missing.status_code == 404
    assert written(session) == before


def test_search_and_stats(client: TestClient, auth: dict[str, str]) -> None:
    start = (local_now() - timedelta(hours=1)).isoformat()

    def stats() -> dict[str, Any]:
        response = client.get("/api/complaints/stats", params={"from": start}, headers=auth)
        assert response.status_code == 200
        return response.json()  # type: ignore[no-any-return]

    before = stats()
    a = open_ticket(client, auth)["id"]
    b = open_ticket(client, auth, category="parcel", description="快递放在代收点三天没通知我")["id"]
    client.post(f"/api/complaints/{a}/transitions", json={"to": "assigned", "assignee": "张三"}, headers=auth)

    found = client.get("/api/complaints", params={"state": "assigned"}, headers=auth).json()
    assert a in [c["id"] for c in found] and b not in [c["id"] for c in found]
    assert {c["state"] for c in found} == {"assigned"}
    by_text = client.get("/api/complaints", params={"q": "代收点三天"}, headers=auth).json()
    assert b in [c["id"] for c in by_text] and a not in [c["id"] for c in by_text]
    assert client.get("/api/complaints", params={"state": "done"}, headers=auth).status_code == 422

    after = stats()
    assert after["total"] - before["total"] == 2
    for category in ("driver", "parcel"):
        assert after["by_category"][category] - before["by_category"].get(category, 0) == 1
    assert after["by_assignee"]["张三"]["total"] - before["by_assignee"].get("张三", {}).get("total", 0) == 1
    assert after["avg_first_response_hours"] is not None
    bad = client.get("/api/complaints/stats", params={"from": start, "to": start}, headers=auth)
    assert bad.status_code == 422
    assert "早于" in bad.json()["detail"]


def test_escalate_overdue_endpoint(client: TestClient, auth: dict[str, str], session: Session) -> None:
    ticket_id = open_ticket(client, auth)["id"]
    ticket = session.get(Complaint, ticket_id)
    assert ticket is not None
    ticket.first_response_due = local_now() - timedelta(minutes=1)
    session.flush()
    escalated = client.post("/api/complaints/escalate-overdue", headers=auth).json()
    assert ticket_id in escalated
    body = client.get(f"/api/complaints/{ticket_id}", headers=auth).json()
    assert body["state"] == "escalated"
    assert body["transitions"][-1]["by"] == "system"
