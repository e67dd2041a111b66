from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.services.agents import figures as console_figures
from backend.services.agents import queue as agent_queue
from backend.services.citizens import conversations
from backend.services.complaints import records as complaints
from tests.conftest import NOW


def test_tickets_opened_and_resolved_per_local_day(session: Session) -> None:
    early = NOW.replace(hour=0, minute=30)  # 00:30 in Qingliu is the previous day in UTC
    for moment in (early, NOW, NOW + timedelta(days=2)):
        complaints.open_complaint(session, category="fare", description="多收钱", now=moment)
    first = complaints.search_complaints(session, limit=10)[-1]
    complaints.transition_complaint(
        session,
        ticket_id=first.id,
        to_state="resolved",
        by="lin",
        resolution="已退款",
        now=NOW + timedelta(days=1),
    )
    days = console_figures.daily_complaints(
        session, start=NOW.replace(hour=0, minute=0), end=NOW.replace(hour=0, minute=0) + timedelta(days=3)
    )
    assert [(d.day, d.opened, d.resolved) for d in days] == [
        (date(2026, 11, 20), 2, 0),
        (date(2026, 11, 21), 0, 1),
        (date(2026, 11, 22), 1, 0),
    ]


def test_queue_waits_overall_and_per_agent(session: Session) -> None:
    for index, (agent, wait) in enumerate((("lin", 4), ("lin", 8), ("chen", 30), (None, 0))):
        conversation_id = f"sms:1390598000{index}"
        handoff = conversations.open_handoff(
            session,
            conversation_id=conversation_id,
            channel="sms",
            sender=conversation_id[4:],
            reason="转人工",
            now=NOW,
        )
        if agent:
            agent_queue.claim(session, handoff_id=handoff.id, agent=agent, now=NOW + timedelta(minutes=wait))
    stats = console_figures.handoff_statistics(
        session, start=NOW - timedelta(hours=1), end=NOW + timedelta(hours=1)
    )
    assert (stats["total"], stats["waiting"], stats["claimed"], stats["avg_wait_minutes"]) == (4, 1, 3, 14.0)
    assert stats["by_agent"] == {
        "chen": {"claimed": 1, "avg_wait_minutes": 30.0},
        "lin": {"claimed": 2, "avg_wait_minutes": 6.0},
    }


def test_periods_must_make_sense(session: Session) -> None:
    with pytest.raises(InvalidInput):
        console_figures.daily_complaints(session, start=NOW, end=NOW)
    with pytest.raises(InvalidInput):
        console_figures.handoff_statistics(session, start=NOW, end=NOW + timedelta(days=500))
    with pytest.raises(InvalidInput):
        console_figures.daily_complaints(session, start=NOW.replace(tzinfo=None), end=NOW + timedelta(days=1))
