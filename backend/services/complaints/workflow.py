"""The 12328-style complaint workflow (docs/CONTRACTS.md §4) as an explicit state table.

    received    受理  -> assigned | escalated | resolved
    assigned    派单  -> in_progress | escalated | assigned (改派)
    in_progress 处理中 -> resolved | escalated
    escalated   升级  -> assigned | in_progress | resolved
    resolved    办结  -> followed_up | reopened
    followed_up 回访  -> closed | reopened
    reopened    重办  -> assigned | in_progress | escalated
    closed      结案  (final)

Rules: `assigned` names an assignee; `resolved` needs the reply to the citizen. The first
transition out of `received` made by a person sets `first_response_at` (an escalation by
"system" is not a response); `resolved` sets `resolved_at`, `closed` sets `closed_at`;
`reopened` clears `resolved_at` and gives a fresh resolution deadline. A follow-up records
satisfaction 1-5 (-> followed_up); 1 or 2 (不满意) reopens the ticket at once, so the
history shows both steps. Every step appends a `ComplaintTransition` row (never edited).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from backend.errors import IllegalTransition, InvalidInput, NotFound
from backend.localtime import local_now
from backend.models import Complaint, ComplaintTransition
from backend.services.complaints.working_days import add_working_days

logger = logging.getLogger(__name__)

SYSTEM = "system"
STATE_LABELS: dict[str, str] = {
    "received": "受理",
    "assigned": "派单",
    "in_progress": "处理中",
    "escalated": "升级",
    "resolved": "办结",
    "followed_up": "回访",
    "reopened": "重新办理",
    "closed": "结案",
}
STATES = tuple(STATE_LABELS)
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"assigned", "escalated", "resolved"}),
    "assigned": frozenset({"in_progress", "escalated", "assigned"}),
    "in_progress": frozenset({"resolved", "escalated"}),
    "escalated": frozenset({"assigned", "in_progress", "resolved"}),
    "resolved": frozenset({"followed_up", "reopened"}),
    "followed_up": frozenset({"closed", "reopened"}),
    "reopened": frozenset({"assigned", "in_progress", "escalated"}),
    "closed": frozenset(),
}
# states whose ticket is still being worked on: deadlines apply, escalation is possible
OPEN_STATES = frozenset({"received", "assigned", "in_progress", "escalated", "reopened"})
UNSATISFIED_AT_MOST = 2
DEFAULT_RESOLUTION_DAYS = 5
MAX_TEXT = 2000
TICKET_RE = re.compile(r"C\d{11}")


def normalise_ticket_id(ticket_id: str) -> str:
    """`c20261115003 ` -> `C20261115003`; InvalidInput when it is not a ticket number."""
    value = re.sub(r"\s+", "", ticket_id or "").upper()
    if not TICKET_RE.fullmatch(value):
        raise InvalidInput(
            f"工单号“{ticket_id}”不对，工单号是 C 加 11 位数字，比如 C20261115003",
            field="ticket_id",
        )
    return value


def allowed_next(state: str) -> list[str]:
    """The states a ticket in `state` may move to, in workflow order."""
    return [s for s in STATES if s in TRANSITIONS[state]]


def transition_complaint(
    session: Session,
    *,
    ticket_id: str,
    to_state: str,
    by: str,
    note: str | None = None,
    assignee: str | None = None,
    resolution: str | None = None,
    now: datetime | None = None,
    resolution_days: int = DEFAULT_RESOLUTION_DAYS,
) -> Complaint:
    """Move a ticket one step; IllegalTransition names the current, target and allowed states."""
    now = now or local_now()
    complaint = _locked(session, ticket_id)
    _check(complaint, to_state, by=by, note=note, assignee=assignee, resolution=resolution)
    from_state = complaint.state
    _apply(
        complaint, to_state, by=by, assignee=assignee, resolution=resolution, now=now, days=resolution_days
    )
    if note is None and to_state == "resolved":
        note = f"办结答复：{resolution}"
    elif note is None and to_state == "assigned":
        note = f"派给 {complaint.assignee}"
    append_transition(session, complaint, from_state=from_state, by=by, note=note, now=now)
    session.flush()
    logger.info("complaint %s -> %s by %s", complaint.id, to_state, by)
    return complaint


def record_follow_up(
    session: Session,
    *,
    ticket_id: str,
    satisfaction: int,
    by: str,
    note: str | None = None,
    now: datetime | None = None,
    resolution_days: int = DEFAULT_RESOLUTION_DAYS,
) -> Complaint:
    """回访: record satisfaction 1-5 (-> followed_up); 1 or 2 then reopens the ticket."""
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise InvalidInput("满意度请用 1 到 5 分（5 分最满意）", field="satisfaction")
    now = now or local_now()
    complaint = transition_complaint(
        session,
        ticket_id=ticket_id,
        to_state="followed_up",
        by=by,
        note=_join(f"满意度 {satisfaction} 分", note),
        now=now,
    )
    complaint.satisfaction = satisfaction
    session.flush()
    if satisfaction <= UNSATISFIED_AT_MOST:
        complaint = transition_complaint(
            session,
            ticket_id=complaint.id,
            to_state="reopened",
            by=by,
            note="群众不满意，重新办理",
            now=now,
            resolution_days=resolution_days,
        )
    return complaint


def escalate_overdue(session: Session, *, now: datetime | None = None) -> list[Complaint]:
    """Escalate, by "system", every open ticket whose first-response or resolution deadline
    has passed (tickets already escalated stay as they are)."""
    now = now or local_now()
    stmt = (
        select(Complaint.id)
        .where(Complaint.state.in_(OPEN_STATES - {"escalated"}), overdue_condition(now))
        .order_by(Complaint.created_at, Complaint.id)
    )
    escalated = []
    for ticket_id in list(session.scalars(stmt)):
        complaint = _locked(session, ticket_id)
        if complaint.state not in OPEN_STATES - {"escalated"}:
            continue  # moved on meanwhile
        which = "办结" if complaint.resolution_due < now else "首次响应"
        escalated.append(
            transition_complaint(
                session,
                ticket_id=ticket_id,
                to_state="escalated",
                by=SYSTEM,
                note=f"超过{which}期限，自动升级",
                now=now,
            )
        )
    if escalated:
        logger.warning("escalated %d overdue complaints", len(escalated))
    return escalated


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """SQL condition: a deadline has passed (callers add the open-state filter)."""
    return or_(
        Complaint.resolution_due < now,
        (Complaint.first_response_at.is_(None)) & (Complaint.first_response_due < now),
    )


def append_transition(
    session: Session,
    complaint: Complaint,
    *,
    from_state: str | None,
    by: str,
    note: str | None,
    now: datetime,
) -> ComplaintTransition:
    row = ComplaintTransition(
        complaint=complaint, from_state=from_state, to_state=complaint.state, by=by, note=note, at=now
    )
    session.add(row)
    return row


def _locked(session: Session, ticket_id: str) -> Complaint:
    ticket = normalise_ticket_id(ticket_id)
    stmt = (
        select(Complaint)
        .where(Complaint.id == ticket)
        .with_for_update(of=Complaint)
        .execution_options(populate_existing=True)
    )
    complaint = session.scalars(stmt).unique().first()
    if complaint is None:
        raise NotFound(f"找不到工单 {ticket}，请核对工单号", ticket_id=ticket)
    return complaint


def _check(
    complaint: Complaint,
    to_state: str,
    *,
    by: str,
    note: str | None,
    assignee: str | None,
    resolution: str | None,
) -> None:
    if to_state not in STATE_LABELS:
        raise InvalidInput(f"没有“{to_state}”这个状态，可选：{'、'.join(STATES)}", field="to_state")
    if not by or not by.strip():
        raise InvalidInput("请注明操作人", field="by")
    allowed = allowed_next(complaint.state)
    if to_state not in allowed:
        options = "、".join(f"{STATE_LABELS[s]}({s})" for s in allowed) or "无（已结案）"
        raise IllegalTransition(
            f"工单 {complaint.id} 当前是“{STATE_LABELS[complaint.state]}”({complaint.state})，"
            f"不能改为“{STATE_LABELS[to_state]}”({to_state})；可以改为：{options}",
            ticket_id=complaint.id,
            state=complaint.state,
            to_state=to_state,
            allowed=allowed,
        )
    if to_state == "assigned":
        if not assignee or not assignee.strip():
            raise InvalidInput("派单需要指定承办人（assignee）", field="assignee")
        if complaint.state == "assigned" and assignee.strip() == complaint.assignee:
            raise InvalidInput(f"工单已经派给 {complaint.assignee}，改派请换一位承办人", field="assignee")
    if to_state == "resolved" and (not resolution or not resolution.strip()):
        raise InvalidInput("办结需要填写给群众的答复（resolution）", field="resolution")
    for name, text in (("note", note), ("resolution", resolution)):
        if text is not None and len(text) > MAX_TEXT:
            raise InvalidInput(f"{name} 请控制在 {MAX_TEXT} 字以内", field=name)


def _apply(
    complaint: Complaint,
    to_state: str,
    *,
    by: str,
    assignee: str | None,
    resolution: str | None,
    now: datetime,
    days: int,
) -> None:
    if complaint.first_response_at is None and by != SYSTEM:
        complaint.first_response_at = now
    if to_state == "assigned" and assignee:
        complaint.assignee = assignee.strip()
    elif to_state == "resolved" and resolution:
        complaint.resolution = resolution.strip()
        complaint.resolved_at = now
    elif to_state == "closed":
        complaint.closed_at = now
    elif to_state == "reopened":
        complaint.resolved_at = None
        complaint.resolution_due = add_working_days(now, days)
    complaint.state = to_state


def _join(*parts: str | None) -> str:
    return "；".join(p.strip() for p in parts if p and p.strip())
