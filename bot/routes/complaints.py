"""Operator API for the 12328 complaint workflow: register a ticket, read it with its
history, move it through the workflow (派单, 办结, 回访 ...), search the queue, escalate
overdue tickets, and the statistics. Everything is behind OperatorDep (personal data).
Deadlines come from the settings (`COMPLAINT_*_WORKING_DAYS`). Each step the citizen should
hear about (派单, 处理中, 升级, 办结 with the reply, 结案, 重新办理) is told to them on their
channel through `complaint_notices`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from backend.localtime import local_now, to_local
from backend.models import Complaint
from backend.services.complaints import notices as complaint_notices
from backend.services.complaints import records as service
from backend.services.complaints.workflow import OPEN_STATES, STATE_LABELS, allowed_next
from bot.deps import OperatorDep, RuntimeDep, SessionDep

router = APIRouter(prefix="/api/complaints", tags=["complaints"])

STATS_DEFAULT_DAYS = 30


class TransitionOut(BaseModel):
    from_: str | None = Field(serialization_alias="from")
    to: str
    by: str
    at: str
    note: str | None


class ComplaintSummary(BaseModel):
    id: str
    kind: str
    state: str
    state_label: str
    category: str
    category_label: str
    description: str
    created_at: str
    deadline: str = Field(description="办结期限 (resolution_due)")
    first_response_due: str
    overdue: bool
    township: str | None
    place: str | None
    assignee: str | None


class ComplaintOut(ComplaintSummary):
    citizen_id: int | None
    contact_phone: str | None
    channel: str | None
    booking_id: str | None
    plate: str | None
    route: str | None
    occurred_at: str | None
    resolution: str | None
    satisfaction: int | None
    first_response_at: str | None
    resolved_at: str | None
    closed_at: str | None
    allowed_transitions: list[str]
    transitions: list[TransitionOut]


class ComplaintIn(BaseModel):
    category: str
    description: str
    kind: str = "complaint"
    citizen_id: int | None = None
    contact_phone: str | None = None
    channel: str | None = None
    booking_id: str | None = None
    plate: str | None = None
    route: str | None = None
    place: str | None = None
    occurred_at: AwareDatetime | None = None
    by: str | None = Field(default=None, description="登记人；默认为当前操作员")


class TransitionIn(BaseModel):
    to: str
    note: str | None = None
    assignee: str | None = None
    resolution: str | None = None
    by: str | None = None


class FollowUpIn(BaseModel):
    satisfaction: int
    note: str | None = None
    by: str | None = None


def _iso(moment: datetime | None) -> str | None:
    return to_local(moment).isoformat() if moment is not None else None


def _summary_fields(c: Complaint, now: datetime) -> dict[str, Any]:
    late = c.resolution_due < now or (c.first_response_at is None and c.first_response_due < now)
    return {
        "id": c.id,
        "kind": c.kind,
        "state": c.state,
        "state_label": STATE_LABELS[c.state],
        "category": c.category,
        "category_label": service.CATEGORY_LABELS.get(c.category, c.category),
        "description": c.description,
        "created_at": to_local(c.created_at).isoformat(),
        "deadline": to_local(c.resolution_due).isoformat(),
        "first_response_due": to_local(c.first_response_due).isoformat(),
        "overdue": c.state in OPEN_STATES and late,
        "township": c.township,
        "place": c.place,
        "assignee": c.assignee,
    }


def complaint_out(c: Complaint, now: datetime | None = None) -> ComplaintOut:
    return ComplaintOut(
        **_summary_fields(c, now or local_now()),
        citizen_id=c.citizen_id,
        contact_phone=c.contact_phone,
        channel=c.channel,
        booking_id=c.booking_id,
        plate=c.plate,
        route=c.route,
        occurred_at=_iso(c.occurred_at),
        resolution=c.resolution,
        satisfaction=c.satisfaction,
        first_response_at=_iso(c.first_response_at),
        resolved_at=_iso(c.resolved_at),
        closed_at=_iso(c.closed_at),
        allowed_transitions=allowed_next(c.state),
        transitions=[
            TransitionOut(
                from_=t.from_state, to=t.to_state, by=t.by, at=to_local(t.at).isoformat(), note=t.note
            )
            for t in c.transitions
        ],
    )


@router.post("", status_code=201)
def open_complaint(
    body: ComplaintIn, session: SessionDep, runtime: RuntimeDep, operator: OperatorDep
) -> ComplaintOut:
    fields = body.model_dump(exclude={"by"})
    complaint = service.open_complaint(
        session,
        **fields,
        by=body.by or operator,
        first_response_days=runtime.settings.complaint_first_response_working_days,
        resolution_days=runtime.settings.complaint_resolution_working_days,
    )
    return complaint_out(complaint)


@router.get("")
def search_complaints(
    session: SessionDep,
    _operator: OperatorDep,
    state: str | None = None,
    category: str | None = None,
    township: str | None = None,
    overdue: bool | None = None,
    citizen_id: int | None = None,
    q: Annotated[str | None, Query(description="在内容、工单号、车牌、地点中查找")] = None,
    created_from: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    created_to: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ComplaintSummary]:
    now = local_now()
    found = service.search_complaints(
        session,
        state=state,
        category=category,
        township=township,
        overdue=overdue,
        citizen_id=citizen_id,
        text=q,
        created_from=created_from,
        created_to=created_to,
        limit=limit,
        offset=offset,
        now=now,
    )
    return [ComplaintSummary(**_summary_fields(c, now)) for c in found]


@router.get("/stats")
def complaint_stats(
    session: SessionDep,
    _operator: OperatorDep,
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    end = end or local_now()
    start = start or end - timedelta(days=STATS_DEFAULT_DAYS)
    return service.complaint_statistics(session, start=start, end=end)


@router.post("/escalate-overdue")
def escalate_overdue(session: SessionDep, _operator: OperatorDep) -> list[str]:
    """Escalate every open ticket past a deadline (for a scheduler); returns their ids."""
    escalated = service.escalate_overdue(session)
    for complaint in escalated:
        complaint_notices.tell_new_state(session, complaint=complaint)
    return [c.id for c in escalated]


@router.get("/{ticket_id}")
def get_complaint(ticket_id: str, session: SessionDep, _operator: OperatorDep) -> ComplaintOut:
    return complaint_out(service.get_complaint(session, ticket_id=ticket_id))


@router.post("/{ticket_id}/transitions")
def transition(
    ticket_id: str, body: TransitionIn, session: SessionDep, runtime: RuntimeDep, operator: OperatorDep
) -> ComplaintOut:
    complaint = service.transition_complaint(
        session,
        ticket_id=ticket_id,
        to_state=body.to,
        by=body.by or operator,
        note=body.note,
        assignee=body.assignee,
        resolution=body.resolution,
        resolution_days=runtime.settings.complaint_resolution_working_days,
    )
    complaint_notices.tell_new_state(session, complaint=complaint)
    return complaint_out(complaint)


@router.post("/{ticket_id}/follow-up")
def follow_up(
    ticket_id: str, body: FollowUpIn, session: SessionDep, runtime: RuntimeDep, operator: OperatorDep
) -> ComplaintOut:
    complaint = service.record_follow_up(
        session,
        ticket_id=ticket_id,
        satisfaction=body.satisfaction,
        by=body.by or operator,
        note=body.note,
        resolution_days=runtime.settings.complaint_resolution_working_days,
    )
    complaint_notices.tell_new_state(session, complaint=complaint)  # reopened when not satisfied
    return complaint_out(complaint)
