"""Actions beside a conversation in the queue page: internal notes, a supervisor's
assignment to an agent, and turning the conversation into a complaint ticket pre-filled
with the citizen's words (the ticket page opens next)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from backend.errors import InvalidInput
from backend.models import Citizen, Complaint
from backend.models.conversations import Handoff
from backend.services.agents import accounts as agent_service
from backend.services.agents import contact_card
from backend.services.agents import queue as agent_queue
from backend.services.citizens import conversations
from backend.services.complaints import records as complaint_service
from bot.console import texts
from bot.console.actions import attempt, back
from bot.console.params import RowId
from bot.console.security import ConsoleRoute, FormDep
from bot.deps import RuntimeDep

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)


@router.post("/handoffs/{handoff_id}/notes")
def add_note(handoff_id: RowId, console: FormDep, text: Annotated[str, Form(max_length=1200)] = "") -> Response:
    def act() -> object:
        handoff = conversations.get_handoff(console.db, handoff_id=handoff_id)
        note = contact_card.add_note(
            console.db, conversation_id=handoff.conversation_id, author=console.username, text=text
        )
        console.audit("note_added", f"handoff:{handoff_id}")
        return note

    if attempt(console, act) is not None:
        console.flash(texts.say("note_added"))
    return back(f"/console?h={handoff_id}")


@router.post("/handoffs/{handoff_id}/assign")
def assign(handoff_id: RowId, console: FormDep, agent: Annotated[str, Form(max_length=50)] = "") -> Response:
    console.require_supervisor()

    def act() -> Handoff:
        target = agent_service.find_agent(console.db, username=agent) if agent else None
        if target is None or not target.active:
            raise InvalidInput(texts.say("assign_pick"), field="agent")
        handoff = agent_queue.assign(console.db, handoff_id=handoff_id, agent=target.username, by=console.username)
        console.audit("assign_handoff", f"handoff:{handoff_id}", to=target.username)
        return handoff

    if attempt(console, act) is not None:
        console.flash(texts.say("assigned_to", name=console.names().get(agent, agent)))
    return back(f"/console?h={handoff_id}")


@router.post("/handoffs/{handoff_id}/complaint")
def make_complaint(
    handoff_id: RowId,
    console: FormDep,
    runtime: RuntimeDep,
    category: Annotated[str, Form(max_length=20)] = "",
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def act() -> Complaint:
        handoff = conversations.get_handoff(console.db, handoff_id=handoff_id)
        citizen = console.db.get(Citizen, handoff.citizen_id) if handoff.citizen_id else None
        complaint = complaint_service.open_complaint(
            console.db, category=category, description=description, citizen_id=handoff.citizen_id,
            contact_phone=citizen.mobile if citizen else None, channel=handoff.channel, by=console.username,
            first_response_days=runtime.settings.complaint_first_response_working_days,
            resolution_days=runtime.settings.complaint_resolution_working_days,
        )  # fmt: skip
        console.audit("complaint_from_conversation", f"complaint:{complaint.id}", handoff=handoff_id)
        return complaint

    complaint = attempt(console, act)
    if complaint is None:
        return back(f"/console?h={handoff_id}")
    console.flash(texts.say("complaint_made", ticket=complaint.id))
    return back(f"/console/complaints/{complaint.id}")
