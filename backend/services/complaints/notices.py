"""Telling a complainant that their ticket moved on (工单进展): one function that the
operator API and the agent console both call after a workflow step, so the citizen hears
the same thing whichever way the step was taken.

Steps told: 派单 (assigned), 处理中 (in_progress), 升级 (escalated), 办结 (resolved),
结案 (closed) and 重新办理 (reopened). 办结 is the resolution reply of
`complaint_contact.send_resolution` (same event key, so a console that already sent it
sends nothing more); 改派 (assigned again) and 回访 (followed_up, the citizen's own answer)
are not told. A ticket with only a contact number reaches the citizen of that number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Complaint, ComplaintTransition
from backend.models.outbound import OutboundMessage
from backend.services.complaints import contact as complaint_contact
from backend.services.notices import texts as notice_texts

TOLD_STATES = frozenset({"assigned", "in_progress", "escalated", "resolved", "closed", "reopened"})


def latest_transition(session: Session, complaint: Complaint) -> ComplaintTransition | None:
    stmt = (
        select(ComplaintTransition)
        .where(ComplaintTransition.complaint_id == complaint.id)
        .order_by(ComplaintTransition.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def tell_new_state(
    session: Session,
    *,
    complaint: Complaint,
    transition: ComplaintTransition | None = None,
    now: datetime | None = None,
) -> OutboundMessage | None:
    """The notice for the ticket's latest step (or `transition`); None when the step is not
    one the citizen is told about or nobody can be reached."""
    transition = transition or latest_transition(session, complaint)
    if transition is None or transition.to_state not in TOLD_STATES:
        return None
    if transition.from_state == transition.to_state:  # 改派: the citizen's view has not changed
        return None
    if transition.to_state == "resolved":
        return complaint_contact.send_resolution(session, complaint=complaint, transition=transition, now=now)
    citizen_id = complaint_contact.citizen_to_tell(session, complaint)
    if citizen_id is None:
        return None
    return notice_texts.complaint_status(
        session, complaint=complaint, transition=transition, citizen_id=citizen_id, now=now
    )
