"""Complaint statistics for the agent console and the monthly 12328 report: for the tickets
created in a period, counts by state, category and kind, average hours to the first
response and to resolution, the share resolved within the deadline, mean satisfaction,
and the same figures per assignee and per township.

"Resolved within deadline" is counted over the tickets whose outcome is known: those
resolved (on time when `resolved_at <= resolution_due`) plus those still open whose
resolution deadline had passed by the end of the period (or by now, if earlier).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.localtime import local_now, to_local
from backend.models import Complaint
from backend.services.complaints.workflow import OPEN_STATES, STATES

UNKNOWN_TOWNSHIP = "未知"
UNASSIGNED = "未派单"


@dataclass(frozen=True)
class _Row:
    state: str
    category: str
    kind: str
    township: str | None
    assignee: str | None
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    resolution_due: datetime
    satisfaction: int | None


def complaint_statistics(
    session: Session, *, start: datetime, end: datetime, now: datetime | None = None
) -> dict[str, Any]:
    """Figures for tickets created in [start, end); hours and shares rounded to 2 places."""
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("统计起止时间需要带时区", field="start")
    if start >= end:
        raise InvalidInput("统计开始时间要早于结束时间", field="start")
    cutoff = min(end, now or local_now())
    stmt = select(
        Complaint.state,
        Complaint.category,
        Complaint.kind,
        Complaint.township,
        Complaint.assignee,
        Complaint.created_at,
        Complaint.first_response_at,
        Complaint.resolved_at,
        Complaint.resolution_due,
        Complaint.satisfaction,
    ).where(Complaint.created_at >= start, Complaint.created_at < end)
    rows = [_Row(*row) for row in session.execute(stmt)]
    by_assignee: dict[str, list[_Row]] = defaultdict(list)
    by_township: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_assignee[row.assignee or UNASSIGNED].append(row)
        by_township[row.township or UNKNOWN_TOWNSHIP].append(row)
    states = Counter(row.state for row in rows)
    return {
        "from": to_local(start).isoformat(),
        "to": to_local(end).isoformat(),
        **_summary(rows, cutoff),
        "by_state": {state: states.get(state, 0) for state in STATES},
        "by_category": dict(sorted(Counter(row.category for row in rows).items())),
        "by_kind": dict(sorted(Counter(row.kind for row in rows).items())),
        "by_assignee": {name: _summary(group, cutoff) for name, group in sorted(by_assignee.items())},
        "by_township": {name: _summary(group, cutoff) for name, group in sorted(by_township.items())},
    }


def _summary(rows: list[_Row], cutoff: datetime) -> dict[str, Any]:
    resolved = [row for row in rows if row.resolved_at is not None]
    late_open = [row for row in rows if row.state in OPEN_STATES and row.resolution_due < cutoff]
    on_time = sum(
        1 for row in resolved if row.resolved_at is not None and row.resolved_at <= row.resolution_due
    )
    known = len(resolved) + len(late_open)
    satisfaction = [row.satisfaction for row in rows if row.satisfaction is not None]
    return {
        "total": len(rows),
        "open": sum(1 for row in rows if row.state in OPEN_STATES),
        "resolved": len(resolved),
        "overdue_open": len(late_open),
        "avg_first_response_hours": _mean_hours(
            (row.first_response_at - row.created_at).total_seconds() for row in rows if row.first_response_at
        ),
        "avg_handling_hours": _mean_hours(
            (row.resolved_at - row.created_at).total_seconds() for row in resolved if row.resolved_at
        ),
        "resolved_within_deadline_share": round(on_time / known, 4) if known else None,
        "mean_satisfaction": round(sum(satisfaction) / len(satisfaction), 2) if satisfaction else None,
    }


def _mean_hours(seconds: Iterable[float]) -> float | None:
    values = list(seconds)
    return round(sum(values) / len(values) / 3600, 2) if values else None
