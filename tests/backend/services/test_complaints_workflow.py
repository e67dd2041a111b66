from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import IllegalTransition, InvalidInput, NotFound
from backend.models import Complaint, ComplaintTransition
from backend.services.complaints.records import open_complaint
from backend.services.complaints.workflow import (
    TRANSITIONS,
    escalate_overdue,
    record_follow_up,
    transition_complaint,
)
from tests.conftest import NOW, SHANGHAI

HOUR = timedelta(hours=1)


def transitions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ComplaintTransition)) or 0


def new_ticket(session: Session, now: datetime = NOW) -> Complaint:
    return open_complaint(
        session, category="vehicle", description="车上座椅坏了，扶手也松了", place="嵩溪镇", now=now
    )


def step(session: Session, ticket: Complaint, to: str, at: datetime, **extra: str) -> Complaint:
    return transition_complaint(session, ticket_id=ticket.id, to_state=to, by="陈坐席", now=at, **extra)


def test_full_workflow_records_every_step(session: Session) -> None:
    ticket = new_ticket(session)
    step(session, ticket, "assigned", NOW + HOUR, assignee="县运输公司")
    step(session, ticket, "in_progress", NOW + 2 * HOUR, note="已联系车队")
    step(session, ticket, "resolved", NOW + 26 * HOUR, resolution="座椅已修好，扶手已加固，感谢您的反映")
    record_follow_up(session, ticket_id=ticket.id, satisfaction=5, by="回访员小林", now=NOW + 50 * HOUR)
    step(session, ticket, "closed", NOW + 51 * HOUR)

    assert ticket.state == "closed"
    assert ticket.assignee == "县运输公司"
    assert ticket.first_response_at == NOW + HOUR
    assert ticket.resolved_at == NOW + 26 * HOUR
    assert ticket.closed_at == NOW + 51 * HOUR
    assert ticket.satisfaction == 5
    history = [(t.from_state, t.to_state) for t in ticket.transitions]
    assert history == [
        (None, "received"),
        ("received", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "followed_up"),
        ("followed_up", "closed"),
    ]
    notes = [t.note for t in ticket.transitions]
    assert notes[1] == "派给 县运输公司"
    assert notes[3] == "办结答复：座椅已修好，扶手已加固，感谢您的反映"
    assert notes[4] == "满意度 5 分"
    assert ticket.transitions[4].by == "回访员小林"


def test_illegal_transition_names_states_and_writes_nothing(session: Session) -> None:
    ticket = new_ticket(session)
    before = transitions(session)
    with pytest.raises(IllegalTransition) as caught:
        step(session, ticket, "closed", NOW + HOUR)
    message = caught.value.message
    assert "当前是“受理”(received)" in message
    assert "不能改为“结案”(closed)" in message
    assert "派单(assigned)、升级(escalated)、办结(resolved)" in message
    assert caught.value.details["allowed"] == ["assigned", "escalated", "resolved"]
    assert transitions(session) == before
    session.expire_all()
    assert session.get(Complaint, ticket.id).state == "received"  # type: ignore[union-attr]


def test_resolve_without_a_reply_is_refused(session: Session) -> None:
    ticket = new_ticket(session)
    before = transitions(session)
    with pytest.raises(InvalidInput, match="答复"):
        step(session, ticket, "resolved", NOW + HOUR, resolution="  ")
    assert transitions(session) == before
    assert ticket.state == "received"
    assert ticket.first_response_at is None


def test_assignment_needs_an_assignee_and_reassignment_a_new_one(session: Session) -> None:
    ticket = new_ticket(session)
    with pytest.raises(InvalidInput, match="承办人"):
        step(session, ticket, "assigned", NOW + HOUR)
    step(session, ticket, "assigned", NOW + HOUR, assignee="嵩溪站")
    with pytest.raises(InvalidInput, match="已经派给 嵩溪站"):
        step(session, ticket, "assigned", NOW + 2 * HOUR, assignee="嵩溪站")
    step(session, ticket, "assigned", NOW + 2 * HOUR, assignee="县运输公司")
    assert ticket.assignee == "县运输公司"
    assert ticket.first_response_at == NOW + HOUR


def test_unknown_state_and_ticket(session: Session) -> None:
    ticket = new_ticket(session)
    with pytest.raises(InvalidInput, match="没有“done”这个状态"):
        step(session, ticket, "done", NOW)
    with pytest.raises(NotFound):
        transition_complaint(session, ticket_id="C20991231001", to_state="assigned", by="x", assignee="y")


def test_closed_is_final(session: Session) -> None:
    ticket = new_ticket(session)
    step(session, ticket, "resolved", NOW + HOUR, resolution="已当面解释，票价按规定收取")
    record_follow_up(session, ticket_id=ticket.id, satisfaction=4, by="回访员", now=NOW + 2 * HOUR)
    step(session, ticket, "closed", NOW + 3 * HOUR)
    assert TRANSITIONS["closed"] == frozenset()
    for target in ("reopened", "assigned", "resolved"):
        with pytest.raises(IllegalTransition, match="无（已结案）"):
            step(session, ticket, target, NOW + 4 * HOUR)


def test_unsatisfied_follow_up_reopens_with_a_new_deadline(session: Session) -> None:
    ticket = new_ticket(session)
    step(session, ticket, "assigned", NOW + HOUR, assignee="县运输公司")
    step(session, ticket, "in_progress", NOW + HOUR)
    step(session, ticket, "resolved", NOW + 2 * HOUR, resolution="已批评教育司机")
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    record_follow_up(
        session, ticket_id=ticket.id, satisfaction=2, by="回访员", note="座椅还是坏的", now=monday
    )
    assert ticket.state == "reopened"
    assert ticket.satisfaction == 2
    assert ticket.resolved_at is None
    assert ticket.resolution_due == datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    assert [(t.to_state, t.note) for t in ticket.transitions[-2:]] == [
        ("followed_up", "满意度 2 分；座椅还是坏的"),
        ("reopened", "群众不满意，重新办理"),
    ]
    step(session, ticket, "in_progress", monday + HOUR)
    assert ticket.state == "in_progress"


@pytest.mark.parametrize("satisfaction", [0, 6, True, "5"])
def test_bad_satisfaction_writes_nothing(session: Session, satisfaction: object) -> None:
    ticket = new_ticket(session)
    step(session, ticket, "resolved", NOW + HOUR, resolution="已处理")
    before = transitions(session)
    with pytest.raises(InvalidInput, match="1 到 5 分"):
        record_follow_up(session, ticket_id=ticket.id, satisfaction=satisfaction, by="回访员")  # type: ignore[arg-type]
    assert transitions(session) == before
    assert ticket.state == "resolved"


def test_follow_up_before_resolution_is_illegal(session: Session) -> None:
    ticket = new_ticket(session)
    with pytest.raises(IllegalTransition, match="不能改为“回访”"):
        record_follow_up(session, ticket_id=ticket.id, satisfaction=5, by="回访员")
    assert ticket.satisfaction is None


def test_escalate_overdue(session: Session) -> None:
    unanswered = new_ticket(session)
    answered = new_ticket(session)
    step(session, answered, "assigned", NOW + HOUR, assignee="嵩溪站")
    done = new_ticket(session)
    step(session, done, "resolved", NOW + HOUR, resolution="已处理")

    ours = {unanswered.id, answered.id, done.id}

    def escalated(now: datetime) -> list[str]:
        """Our tickets among those escalated (the database may hold other tickets)."""
        return [c.id for c in escalate_overdue(session, now=now) if c.id in ours]

    saturday = NOW + timedelta(days=1)
    assert escalated(saturday) == []

    monday_late = datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    assert escalated(monday_late) == [unanswered.id]
    assert unanswered.state == "escalated"
    assert unanswered.first_response_at is None  # the system's escalation is no answer
    last = unanswered.transitions[-1]
    assert (last.by, last.note) == ("system", "超过首次响应期限，自动升级")

    after_deadline = datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
    assert escalated(after_deadline) == [answered.id]
    assert answered.transitions[-1].note == "超过办结期限，自动升级"
    assert done.state == "resolved"

    step(session, unanswered, "assigned", after_deadline, assignee="县运输公司")
    assert unanswered.first_response_at == after_deadline
