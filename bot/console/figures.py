"""Supervisor pages: the figures the county reports upward (/console/figures, with a CSV
export) and the audit log of console actions (/console/audit).

A period is two local dates, both included (default: the last 30 days). The figures are
`complaint_statistics` (by state, category, assignee, township; share within deadline,
first-response and handling time, satisfaction), the hand-off queue waits, each agent's
console work, and a chart of tickets opened and resolved per day.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from backend.localtime import local_now, local_tz
from backend.services.agents import accounts as agent_service
from backend.services.agents import figures as console_figures
from backend.services.complaints import records as service
from bot.console import texts
from bot.console.chart import daily_chart
from bot.console.rendering import percent, render
from bot.console.security import ConsoleError, ConsoleRoute, SupervisorDep

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=local_tz())

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=local_tz())


def parse_period(start: str, end: str, *, today: date | None = None) -> Period:
    today = today or local_now().date()
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise ConsoleError(422, texts.say("bad_period")) from None
    if first > last:
        first, last = last, first
    return Period(first, last)


def presets(today: date) -> list[tuple[str, Period]]:
    month_start = today.replace(day=1)
    previous_end = month_start - timedelta(days=1)
    return [
        (texts.TEXTS["last_7"], Period(today - timedelta(days=6), today)),
        (texts.TEXTS["last_30"], Period(today - timedelta(days=29), today)),
        (texts.TEXTS["this_month"], Period(month_start, today)),
        (texts.TEXTS["last_month"], Period(previous_end.replace(day=1), previous_end)),
    ]


def gather(console_db: Session, period: Period) -> dict[str, Any]:
    stats = service.complaint_statistics(console_db, start=period.start, end=period.end)
    handoffs = console_figures.handoff_statistics(console_db, start=period.start, end=period.end)
    work = agent_service.action_counts(console_db, start=period.start, end=period.end)
    agents = sorted(set(work) | set(handoffs["by_agent"]))
    names = {a.username: a.display_name for a in agent_service.list_agents(console_db, active_only=False)}
    per_agent = [
        {
            "username": name,
            "name": names.get(name, name),
            "claims": handoffs["by_agent"].get(name, {}).get("claimed", 0),
            "avg_wait": handoffs["by_agent"].get(name, {}).get("avg_wait_minutes"),
            "replies": work.get(name, Counter())["reply"],
            "ticket_steps": work.get(name, Counter())["complaint_transition"]
            + work.get(name, Counter())["follow_up_recorded"],
        }
        for name in agents
        if name in names
    ]
    return {"stats": stats, "handoffs": handoffs, "per_agent": per_agent, "names": names}


@router.get("/figures")
def figures_page(console: SupervisorDep, start: str = "", end: str = "") -> Response:
    period = parse_period(start, end)
    days = console_figures.daily_complaints(console.db, start=period.start, end=period.end)
    context = {
        **console.page("figures"),
        **gather(console.db, period),
        "period": period,
        "presets": presets(local_now().date()),
        "chart": daily_chart(days),
    }
    return render("console/figures.html", context)


@router.get("/figures.csv")
def figures_csv(console: SupervisorDep, start: str = "", end: str = "") -> Response:
    period = parse_period(start, end)
    data = gather(console.db, period)
    console.audit("figures_export", None, start=period.first.isoformat(), end=period.last.isoformat())
    body = "\ufeff" + figures_csv_text(data["stats"], data["names"])  # BOM: Excel reads it as UTF-8
    filename = f"cuntong-figures-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


CSV_HEADER = (
    "维度",
    "名称",
    "工单数",
    "未办结",
    "已办结",
    "超期未办结",
    "平均首次响应(小时)",
    "平均办理(小时)",
    "按期办结率",
    "平均满意度",
)


def figures_csv_text(stats: dict[str, Any], names: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerow(["合计", f"{stats['from'][:10]} 至 {_last_day(stats['to'])}", *_summary_cells(stats)])
    for state, count in stats["by_state"].items():
        writer.writerow(["状态", texts.STATE_LABELS.get(state, state), count])
    for category, count in stats["by_category"].items():
        writer.writerow(["类别", texts.CATEGORY_LABELS.get(category, category), count])
    for name, summary in stats["by_assignee"].items():
        writer.writerow(["承办人", _text(names.get(name, name)), *_summary_cells(summary)])
    for name, summary in stats["by_township"].items():
        writer.writerow(["乡镇", _text(name), *_summary_cells(summary)])
    return out.getvalue()


def _last_day(end: str) -> str:
    """The period's last day: `to` is the moment the period ends (the next day's 00:00)."""
    return (datetime.fromisoformat(end) - timedelta(microseconds=1)).date().isoformat()


def _summary_cells(summary: dict[str, Any]) -> list[Any]:
    share = summary["resolved_within_deadline_share"]
    return [
        summary["total"],
        summary["open"],
        summary["resolved"],
        summary["overdue_open"],
        _blank(summary["avg_first_response_hours"]),
        _blank(summary["avg_handling_hours"]),
        percent(share) if share is not None else "",
        _blank(summary["mean_satisfaction"]),
    ]


def _text(value: str) -> str:
    """Typed-in names never start a spreadsheet formula (=, +, -, @)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _blank(value: object) -> object:
    return "" if value is None else value


@router.get("/audit")
def audit_page(console: SupervisorDep, agent: str = "") -> Response:
    actions = agent_service.recent_actions(console.db, agent=agent.strip().lower() or None, limit=200)
    context = {
        **console.page("audit"),
        "actions": actions,
        "agent_filter": agent,
        "agents": agent_service.list_agents(console.db, active_only=False),
        "names": console.names(),
        "target_labels": texts.TARGET_LABELS,
        "detail_labels": texts.DETAIL_LABELS,
        "detail_values": texts.DETAIL_VALUES,
    }
    return render("console/audit.html", context)
