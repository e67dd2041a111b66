"""The supervisor's figures page and CSV export, and the audit page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models.agents import Agent, AgentAction
from backend.services.complaints import records as complaints
from bot.console.figures import figures_csv_text
from tests.bot.console.forms import sign_in


def some_tickets(session: Session) -> None:
    now = local_now()
    late = complaints.open_complaint(
        session, category="schedule", description="早班车没来", place="灵地", now=now - timedelta(days=9)
    )
    quick = complaints.open_complaint(
        session, category="driver", description="司机态度差", place="嵩口", now=now - timedelta(days=2)
    )
    complaints.transition_complaint(
        session,
        ticket_id=quick.id,
        to_state="assigned",
        by="lin",
        assignee="lin",
        now=now - timedelta(days=2) + timedelta(hours=2),
    )
    complaints.transition_complaint(
        session, ticket_id=quick.id, to_state="in_progress", by="lin", now=now - timedelta(days=1)
    )
    complaints.transition_complaint(
        session,
        ticket_id=quick.id,
        to_state="resolved",
        by="lin",
        resolution="已批评教育",
        now=now - timedelta(hours=20),
    )
    complaints.record_follow_up(
        session, ticket_id=quick.id, satisfaction=4, by="lin", now=now - timedelta(hours=10)
    )
    complaints.open_complaint(
        session, category="fare", description="多收钱", now=now - timedelta(days=60)
    )  # outside
    assert late.state == "received"
    session.commit()


def test_the_figures_page_reports_the_period(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    some_tickets(session)
    sign_in(client, "chen")
    page = client.get("/console/figures").text  # the last 30 days by default
    cards = dict(re.findall(r'<span class="card-label">([^<]+)</span><span class="card-value">([^<]+)', page))
    assert cards["工单总数"] == "2"
    assert cards["超期未办结"] == "1"
    assert cards["平均满意度"] == "4"
    assert cards["按期办结率"] == "50%"  # one on time, one open past its deadline
    assert "班次/准点" in page and "司机服务" in page and "票价" not in page
    assert "林小梅" in page  # per assignee, by display name
    assert "灵地镇" in page and "嵩口镇" in page
    assert page.count('class="bar-opened"') == 30 and "<svg" in page
    wider = client.get(
        "/console/figures", params={"start": (local_now() - timedelta(days=70)).date().isoformat()}
    ).text
    assert re.search(r'<span class="card-label">工单总数</span><span class="card-value">3<', wider)
    assert "（按周）" in wider


def test_the_csv_export_opens_in_excel_and_is_recorded(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    some_tickets(session)
    sign_in(client, "chen")
    answer = client.get("/console/figures.csv")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith('attachment; filename="cuntong-figures-')
    assert answer.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["维度", "名称", "工单数"]
    assert table[1][0] == "合计" and table[1][2] == "2"
    assert ["状态", "回访", "1"] in table and ["类别", "司机服务", "1"] in table
    assignee = next(row for row in table if row[0] == "承办人" and row[1] == "林小梅")
    assert assignee[2:5] == ["1", "0", "1"] and assignee[-1] == "4.0"
    assert (
        session.scalars(select(AgentAction.action).where(AgentAction.agent == "chen")).all()[-1]
        == "figures_export"
    )


def test_a_bad_period_is_explained(client: TestClient, accounts: dict[str, Agent]) -> None:
    sign_in(client, "chen")
    answer = client.get("/console/figures", params={"start": "2026-13-40"})
    assert answer.status_code == 422 and "日期格式不对" in answer.text
    swapped = client.get("/console/figures", params={"start": "2026-11-20", "end": "2026-11-01"}).text
    assert 'value="2026-11-01"' in swapped and 'value="2026-11-20"' in swapped


def test_the_audit_page_lists_who_did_what(client: TestClient, accounts: dict[str, Agent]) -> None:
    sign_in(client, "lin")
    sign_in(client, "chen")
    page = client.get("/console/audit", params={"agent": "lin"}).text
    assert "登录" in page and re.search(r'<td data-label="坐席">林小梅</td>', page)  # names, not login ids
    assert not re.search(r'<td data-label="坐席">陈丽</td>', page)


def test_typed_in_names_cannot_become_spreadsheet_formulas() -> None:
    summary = {
        "total": 1, "open": 1, "resolved": 0, "overdue_open": 0, "avg_first_response_hours": None,
        "avg_handling_hours": None, "resolved_within_deadline_share": None, "mean_satisfaction": None,
    }  # fmt: skip
    stats = {
        "from": "2026-11-01T00:00:00+08:00", "to": "2026-11-21T00:00:00+08:00", **summary, "by_state": {},
        "by_category": {}, "by_assignee": {'=HYPERLINK("http://x")': summary}, "by_township": {},
    }  # fmt: skip
    table = list(csv.reader(io.StringIO(figures_csv_text(stats, {}))))
    assert table[2][1] == '\'=HYPERLINK("http://x")'
