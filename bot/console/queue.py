"""The live queue page (/console): conversations waiting for a person, the ones this agent
holds, a conversation's transcript and the latest messages sent to the citizen with their
delivery status (why an SMS failed), and the actions on it (claim, reply on the citizen's
channel, hand back to the bot, close), plus the callbacks owed to hotline callers.

The waiting list and the open transcript are HTML fragments under /console/live/ that
bot/static/console.js fetches every few seconds, so the page updates without a reload.
Only the agent holding a conversation, or a supervisor, may answer or release it.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, BackgroundTasks, Form
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.localtime import local_now
from backend.models import Citizen
from backend.models.conversations import Handoff
from backend.services.agents import accounts as agent_service
from backend.services.agents import contact_card
from backend.services.agents import queue as agent_queue
from backend.services.citizens import conversations
from backend.services.notices.outbox import MAX_SHORT, recent_outbound
from bot.console import texts
from bot.console.actions import attempt, back, send_soon
from bot.console.params import RowId, SelectedRowId
from bot.console.rendering import render, render_html
from bot.console.security import Console, ConsoleDep, ConsoleRoute, FormDep
from bot.deps import RuntimeDep

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

NoteField = Annotated[str, Form(max_length=500)]
OUTBOUND_SHOWN = 8  # latest messages sent to the citizen, with their delivery status


class EndHandoff(Protocol):
    """`conversations.return_handoff` or `conversations.close_handoff`."""

    def __call__(
        self, session: Session, *, handoff_id: int, agent: str, note: str | None = None
    ) -> Handoff: ...


def _lists(console: Console) -> dict[str, Any]:
    now = local_now()
    db = console.db
    claimed = agent_queue.queue_entries(db, statuses=("claimed",), now=now)
    return {
        "waiting": agent_queue.queue_entries(db, statuses=("waiting",), now=now),
        "mine": [e for e in claimed if e.handoff.claimed_by == console.username],
        "others": [e for e in claimed if e.handoff.claimed_by != console.username],
        "csrf_token": console.csrf_token,
        "names": console.names(),
        "now": now,
        "callbacks": agent_queue.list_callbacks(db),
    }


def _conversation(console: Console, handoff_id: int) -> dict[str, Any]:
    handoff = conversations.get_handoff(console.db, handoff_id=handoff_id)
    holder = handoff.status == "claimed" and (handoff.claimed_by == console.username or console.is_supervisor)
    citizen = console.db.get(Citizen, handoff.citizen_id) if handoff.citizen_id else None
    card = contact_card.contact_card(console.db, handoff=handoff)
    return {
        "handoff": handoff,
        "citizen": citizen,
        "card": card,
        "notes": contact_card.notes(console.db, conversation_id=handoff.conversation_id),
        "complaint_text": contact_card.citizen_words(console.db, conversation_id=handoff.conversation_id),
        "agents": agent_service.list_agents(console.db) if console.is_supervisor else [],
        "categories": texts.CATEGORY_LABELS,
        "unreachable": agent_queue.reply_route(handoff, citizen) == "transcript",
        "events": conversations.transcript(console.db, conversation_id=handoff.conversation_id),
        "outbound": recent_outbound(console.db, citizen_id=handoff.citizen_id, address=handoff.sender, limit=OUTBOUND_SHOWN),
        "can_claim": handoff.status == "waiting",
        "can_reply": holder,
        "can_release": holder or handoff.status == "waiting",
        "reply_key": secrets.token_urlsafe(16),
        "reply_max": MAX_SHORT,
    }


@router.get("")
def queue_page(console: ConsoleDep, h: SelectedRowId = None) -> Response:
    context = {**console.page("queue"), **_lists(console)}
    context["selected"] = _conversation(console, h) if h is not None else None
    context["selected_id"] = h
    return render("console/queue.html", context)


@router.get("/live/queue")
def live_queue(console: ConsoleDep, h: SelectedRowId = None) -> HTMLResponse:
    return HTMLResponse(render_html("console/_queue_lists.html", {**_lists(console), "selected_id": h}))


@router.get("/live/handoffs/{handoff_id}")
def live_transcript(handoff_id: RowId, console: ConsoleDep) -> HTMLResponse:
    handoff = conversations.get_handoff(console.db, handoff_id=handoff_id)
    events = conversations.transcript(console.db, conversation_id=handoff.conversation_id)
    context = {"events": events, "handoff": handoff, "names": console.names()}
    return HTMLResponse(render_html("console/_transcript.html", context))


@router.post("/handoffs/{handoff_id}/claim")
def claim(handoff_id: RowId, console: FormDep) -> Response:
    def act() -> Handoff:
        handoff = agent_queue.claim(console.db, handoff_id=handoff_id, agent=console.username)
        console.audit("claim_handoff", f"handoff:{handoff_id}", conversation=handoff.conversation_id)
        return handoff

    if attempt(console, act) is not None:
        console.flash(texts.say("claimed"))
    return back(f"/console?h={handoff_id}")


@router.post("/handoffs/{handoff_id}/reply")
def reply(
    handoff_id: RowId,
    console: FormDep,
    runtime: RuntimeDep,
    background: BackgroundTasks,
    text: Annotated[str, Form(max_length=MAX_SHORT + 100)] = "",
    reply_key: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    def act() -> agent_queue.AgentReply:
        result = agent_queue.reply(
            console.db,
            handoff_id=handoff_id,
            agent=console.username,
            text=text,
            reply_key=reply_key,
            may_override=console.is_supervisor,
        )
        if not result.duplicate:
            outbound_id = result.outbound.id if result.outbound else None
            console.audit("reply", f"handoff:{handoff_id}", route=result.route, outbound_id=outbound_id)
        return result

    result = attempt(console, act)
    if result is not None:
        console.flash(texts.ROUTE_LABELS[result.route], kind=texts.ROUTE_FLASH_KINDS.get(result.route, "success"))
        send_soon(background, runtime, result.outbound)
    return back(f"/console?h={handoff_id}")


@router.post("/handoffs/{handoff_id}/return")
def hand_back(handoff_id: RowId, console: FormDep, note: NoteField = "") -> Response:
    return _release(console, handoff_id, note, conversations.return_handoff, "return_handoff", "returned")


@router.post("/handoffs/{handoff_id}/close")
def close(handoff_id: RowId, console: FormDep, note: NoteField = "") -> Response:
    return _release(console, handoff_id, note, conversations.close_handoff, "close_handoff", "closed")


def _release(
    console: Console, handoff_id: int, note: str, end: EndHandoff, action: str, done: str
) -> Response:
    """Give a conversation back to the bot or close it (`end`), audited as `action`."""

    def act() -> Handoff:
        _check_release(console, handoff_id)
        handoff = end(console.db, handoff_id=handoff_id, agent=console.username, note=note.strip() or None)
        console.audit(action, f"handoff:{handoff_id}", note=note.strip())
        return handoff

    if attempt(console, act) is not None:
        console.flash(texts.say(done))
    return back("/console")


@router.post("/callbacks/{callback_id}/done")
def callback_done(callback_id: RowId, console: FormDep, outcome: NoteField = "") -> Response:
    def act() -> object:
        task = agent_queue.complete_callback(
            console.db, callback_id=callback_id, agent=console.username, outcome=outcome
        )
        console.audit("callback_done", f"callback:{callback_id}", outcome=outcome.strip())
        return task

    if attempt(console, act) is not None:
        console.flash(texts.say("callback_done"))
    return back("/console")


def _check_release(console: Console, handoff_id: int) -> None:
    """A waiting conversation may be released by anyone; a claimed one by its holder or a supervisor."""
    handoff = conversations.get_handoff(console.db, handoff_id=handoff_id)
    if handoff.status == "claimed":
        agent_queue.check_holder(handoff, agent=console.username, may_override=console.is_supervisor)
    elif handoff.status != "waiting":
        status = texts.HANDOFF_STATUS_LABELS.get(handoff.status, handoff.status)
        raise Conflict(texts.say("handoff_over", status=status))
