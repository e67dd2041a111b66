"""Figures the supervisor reports beyond `complaint_statistics`: tickets opened and
resolved per local day (the trend chart), and how long citizens waited for a person
in the hand-off queue, overall and per agent. Periods are [start, end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.localtime import to_local
from backend.models import Complaint
from backend.models.conversations import Handoff

MAX_DAYS = 400


@dataclass(frozen=True)
class DayCount:
    day: date
    opened: int
    resolved: int


def daily_complaints(session: Session, *, start: datetime, end: datetime) -> list[DayCount]:
    """One entry per local day from start to end (inclusive of partial days)."""
    _check_period(start, end)
    first, last = to_local(start).date(), to_local(end - timedelta(microseconds=1)).date()
    opened: dict[date, int] = {}
    resolved: dict[date, int] = {}
    for (created_at,) in session.execute(
        select(Complaint.created_at).where(Complaint.created_at >= start, Complaint.created_at < end)
    ):
        day = to_local(created_at).date()
        opened[day] = opened.get(day, 0) + 1
    for (resolved_at,) in session.execute(
        select(Complaint.resolved_at).where(Complaint.resolved_at >= start, Complaint.resolved_at < end)
    ):
        day = to_local(resolved_at).date()
        resolved[day] = resolved.get(day, 0) + 1
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [DayCount(day, opened.get(day, 0), resolved.get(day, 0)) for day in days]


def handoff_statistics(session: Session, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Hand-offs opened in the period: how many, how many a person took, the average wait
    in minutes before an agent claimed one, and the same per agent."""
    _check_period(start, end)
    rows = session.execute(
        select(Handoff.status, Handoff.claimed_by, Handoff.created_at, Handoff.claimed_at).where(
            Handoff.created_at >= start, Handoff.created_at < end
        )
    ).all()
    per_agent: dict[str, list[float]] = {}
    waits: list[float] = []
    for _status, claimed_by, created_at, claimed_at in rows:
        if claimed_at is None or claimed_by is None:
            continue
        minutes = max(0.0, (claimed_at - created_at).total_seconds() / 60)
        waits.append(minutes)
        per_agent.setdefault(claimed_by, []).append(minutes)
    return {
        "total": len(rows),
        "waiting": sum(1 for row in rows if row[0] == "waiting"),
        "claimed": len(waits),
        "avg_wait_minutes": _mean(waits),
        "by_agent": {
            agent: {"claimed": len(values), "avg_wait_minutes": _mean(values)}
            for agent, values in sorted(per_agent.items())
        },
    }


def _check_period(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("统计起止时间需要带时区", field="start")
    if start >= end:
        raise InvalidInput("统计开始日期要早于结束日期", field="start")
    if end - start > timedelta(days=MAX_DAYS):
        raise InvalidInput(f"统计时段最长 {MAX_DAYS} 天", field="start")


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None
