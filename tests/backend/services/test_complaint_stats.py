from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.services.complaints.records import (
    complaint_statistics,
    open_complaint,
    record_follow_up,
    transition_complaint,
)
from tests.conftest import SHANGHAI

HOUR = timedelta(hours=1)
# A Friday morning a year before the suite's NOW: no other test writes tickets in the
# weeks after it, so the statistics see only this module's tickets.
NOW = datetime(2025, 11, 21, 9, 0, tzinfo=SHANGHAI)


def test_statistics_over_a_week(session: Session) -> None:
    # 1: driver, 嵩口镇, answered after 2 h, resolved after 10 h, satisfied (4)
    a = open_complaint(session, category="driver", description="司机抽烟", place="嵩口镇", now=NOW)
    transition_complaint(
        session, ticket_id=a.id, to_state="assigned", by="坐席", assignee="张三", now=NOW + 2 * HOUR
    )
    transition_complaint(session, ticket_id=a.id, to_state="in_progress", by="张三", now=NOW + 3 * HOUR)
    transition_complaint(
        session, ticket_id=a.id, to_state="resolved", by="张三", resolution="已处理", now=NOW + 10 * HOUR
    )
    record_follow_up(session, ticket_id=a.id, satisfaction=4, by="回访", now=NOW + 20 * HOUR)
    # 2: driver, 嵩口镇, answered after 4 h, resolved after 8 days (late), unhappy (2 -> reopened)
    b = open_complaint(session, category="driver", description="司机骂人", place="溪源村", now=NOW)
    transition_complaint(
        session, ticket_id=b.id, to_state="assigned", by="坐席", assignee="张三", now=NOW + 4 * HOUR
    )
    transition_complaint(
        session, ticket_id=b.id, to_state="escalated", by="坐席", note="群众再次来电", now=NOW + 5 * HOUR
    )
    transition_complaint(
        session, ticket_id=b.id, to_state="resolved", by="李四", resolution="已调查", now=NOW + 8 * 24 * HOUR
    )
    record_follow_up(session, ticket_id=b.id, satisfaction=2, by="回访", now=NOW + 9 * 24 * HOUR)
    # 3: fare, 灵地镇, never answered (overdue at the end of the period)
    open_complaint(session, category="fare", description="多收钱", place="灵地村", now=NOW + HOUR)
    # outside the period: not counted
    open_complaint(session, category="fare", description="多收钱", now=NOW - timedelta(days=3))

    stats = complaint_statistics(
        session, start=NOW, end=NOW + timedelta(days=13), now=NOW + timedelta(days=13)
    )

    assert stats["total"] == 3
    assert stats["by_state"]["followed_up"] == 1
    assert stats["by_state"]["reopened"] == 1
    assert stats["by_state"]["received"] == 1
    assert stats["by_state"]["closed"] == 0
    assert stats["by_category"] == {"driver": 2, "fare": 1}
    assert stats["by_kind"] == {"complaint": 3}
    assert stats["avg_first_response_hours"] == 3.0  # (2 + 4) / 2
    assert stats["avg_handling_hours"] == 10.0  # b was reopened: not resolved any more
    # known outcomes: a (resolved on time) and c (open, past its deadline); b was reopened
    # with a fresh deadline (Fri 12-05) that has not passed yet
    assert stats["resolved"] == 1
    assert stats["overdue_open"] == 1
    assert stats["resolved_within_deadline_share"] == 0.5
    assert stats["mean_satisfaction"] == 3.0
    assert stats["by_assignee"]["张三"]["total"] == 2
    assert stats["by_assignee"]["未派单"]["total"] == 1
    assert stats["by_township"]["嵩口镇"]["total"] == 2
    assert stats["by_township"]["嵩口镇"]["mean_satisfaction"] == 3.0
    assert stats["by_township"]["灵地镇"]["overdue_open"] == 1
    assert stats["by_township"]["灵地镇"]["resolved_within_deadline_share"] == 0.0


def test_share_resolved_within_deadline(session: Session) -> None:
    on_time = open_complaint(session, category="parcel", description="快递迟到", now=NOW)
    late = open_complaint(session, category="parcel", description="快递丢件", now=NOW)
    transition_complaint(
        session, ticket_id=on_time.id, to_state="resolved", by="坐席", resolution="已送达", now=NOW + HOUR
    )
    transition_complaint(
        session,
        ticket_id=late.id,
        to_state="resolved",
        by="坐席",
        resolution="已赔付",
        now=NOW + timedelta(days=10),
    )
    waiting = open_complaint(session, category="parcel", description="快递破损", now=NOW + timedelta(days=2))

    stats = complaint_statistics(
        session, start=NOW, end=NOW + timedelta(days=12), now=NOW + timedelta(days=12)
    )
    assert stats["resolved"] == 2
    assert stats["overdue_open"] == 1
    assert stats["resolved_within_deadline_share"] == round(1 / 3, 4)

    before_waiting_is_late = complaint_statistics(
        session, start=NOW, end=NOW + timedelta(days=12), now=NOW + timedelta(days=3)
    )
    assert before_waiting_is_late["resolved_within_deadline_share"] == 0.5
    assert waiting.state == "received"


def test_empty_period_and_bad_bounds(session: Session) -> None:
    stats = complaint_statistics(session, start=NOW - timedelta(days=400), end=NOW - timedelta(days=399))
    assert stats["total"] == 0
    assert stats["avg_handling_hours"] is None
    assert stats["resolved_within_deadline_share"] is None
    with pytest.raises(InvalidInput, match="早于"):
        complaint_statistics(session, start=NOW, end=NOW)
    with pytest.raises(InvalidInput, match="时区"):
        complaint_statistics(session, start=NOW.replace(tzinfo=None), end=NOW)
