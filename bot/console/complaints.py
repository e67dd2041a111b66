"""Complaint pages: the list with filters (/console/complaints, whose rows refresh in place
from the fragment /console/complaints/live every 30 s) and one ticket
(/console/complaints/{id}) with the citizen's words, the related booking, vehicle and
driver, the deadlines with time left, the full transition log, and a form for each
step the workflow allows from the current state. Every step the citizen should hear
about is told on their channel (`complaint_notices`; resolving sends the reply); the
follow-up asks for a score on the citizen's channel and records the answer.

Closing (结案), reopening by hand and re-assigning an assigned ticket are a supervisor's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from backend.localtime import local_now
from backend.models import Booking, Complaint, Driver, Place, Vehicle
from backend.services.agents import accounts as agent_service
from backend.services.complaints import contact as complaint_contact
from backend.services.complaints import notices as complaint_notices
from backend.services.complaints import records as service
from backend.services.complaints.workflow import OPEN_STATES, STATES, allowed_next
from bot.console import texts
from bot.console.actions import attempt, back, send_soon
from bot.console.rendering import render, render_html
from bot.console.security import Console, ConsoleDep, ConsoleError, ConsoleRoute, FormDep
from bot.deps import RuntimeDep

router = APIRouter(
    prefix="/console/complaints", tags=["console"], route_class=ConsoleRoute, include_in_schema=False
)

PAGE_SIZE = 30
SUPERVISOR_STATES = frozenset({"closed", "reopened"})
OVERDUE_CHOICES = {"yes": True, "no": False}


def may_move(console: Console, complaint: Complaint, to_state: str) -> bool:
    if to_state in SUPERVISOR_STATES:
        return console.is_supervisor
    if to_state == "assigned" and complaint.state == "assigned":
        return console.is_supervisor  # 改派
    return True


@router.get("")
def complaint_list(
    console: ConsoleDep, state: str = "", category: str = "", township: str = "", overdue: str = "", q: str = "",
    mine: str = "", sort: str = "", page: int = 1,
) -> Response:  # fmt: skip
    listing = _listing(console, state, category, township, overdue, q, mine, sort, page)
    context = {**console.page("complaints"), **listing, "townships": _townships(console)}
    return render("console/complaints.html", context)


@router.get("/live")
def live_rows(
    console: ConsoleDep, state: str = "", category: str = "", township: str = "", overdue: str = "", q: str = "",
    mine: str = "", sort: str = "", page: int = 1,
) -> HTMLResponse:  # fmt: skip
    """The list's rows, count and pager for the same filters: the page refreshes them in place."""
    listing = _listing(console, state, category, township, overdue, q, mine, sort, page)
    return HTMLResponse(render_html("console/_complaint_rows.html", listing))


def _listing(
    console: Console, state: str, category: str, township: str, overdue: str, q: str, mine: str, sort: str, page: int
) -> dict[str, Any]:
    now = local_now()
    filters = {
        "state": state, "category": category, "township": township, "overdue": overdue, "q": q,
        "mine": "1" if mine == "1" else "", "sort": "deadline" if sort == "deadline" else "",
    }  # fmt: skip
    page = max(1, min(page, 1000))
    chosen = {
        "state": state if state in STATES else None,
        "category": category if category in texts.CATEGORY_LABELS else None,
        "township": township or None,
        "overdue": OVERDUE_CHOICES.get(overdue),
        "assignee": console.agent.display_name if filters["mine"] else None,
        "text": q[:100] or None,
        "now": now,
    }
    found = service.search_complaints(
        console.db, **chosen, order=filters["sort"] or "newest", limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    return {
        "complaints": found[:PAGE_SIZE],
        "has_more": len(found) > PAGE_SIZE,
        "total": service.count_complaints(console.db, **chosen),
        "page": page,
        "filters": filters,
        "query": {k: v for k, v in filters.items() if v},
        "open_states": OPEN_STATES,
        "now": now,
    }


@router.get("/{ticket_id}")
def complaint_page(ticket_id: str, console: ConsoleDep) -> Response:
    complaint = service.get_complaint(console.db, ticket_id=ticket_id)
    now = local_now()
    asked = complaint_contact.follow_up_asked(console.db, complaint=complaint)
    context = {
        **console.page("complaints"),
        "c": complaint,
        "now": now,
        "is_open": complaint.state in OPEN_STATES,
        "steps": [s for s in allowed_next(complaint.state) if s != "followed_up"],
        "may_move": lambda to_state: may_move(console, complaint, to_state),
        "can_follow_up": complaint.state == "resolved",
        "asked": asked,
        "answers": complaint_contact.answers_since(console.db, complaint=complaint, since=asked.created_at)
        if asked
        else [],
        "assignees": [*texts.DEPARTMENTS, *(a.display_name for a in agent_service.list_agents(console.db))],
        "names": console.names(),  # accounts by display name, and 群众 / 系统 for the rest
        "actions": agent_service.recent_actions(console.db, target=f"complaint:{complaint.id}", limit=50),
        "satisfaction_labels": texts.SATISFACTION_LABELS,
        **_related(console, complaint),
    }
    return render("console/complaint.html", context)


@router.post("/{ticket_id}/transition")
def transition(
    ticket_id: str,
    console: FormDep,
    runtime: RuntimeDep,
    background: BackgroundTasks,
    to_state: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
    assignee: Annotated[str, Form(max_length=50)] = "",
    resolution: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    complaint = service.get_complaint(console.db, ticket_id=ticket_id)
    if not may_move(console, complaint, to_state):
        raise ConsoleError(403, texts.say("forbidden"))

    def act() -> Complaint:
        moved = service.transition_complaint(
            console.db,
            ticket_id=complaint.id,
            to_state=to_state,
            by=console.username,
            note=note.strip() or None,
            assignee=assignee.strip() or None,
            resolution=resolution.strip() or None,
            resolution_days=runtime.settings.complaint_resolution_working_days,
        )
        console.audit("complaint_transition", f"complaint:{moved.id}", to=to_state, note=note.strip())
        return moved

    moved = attempt(console, act)
    if moved is not None:
        console.flash(texts.say("transitioned", ticket=moved.id, state=texts.STATE_LABELS[moved.state]))
        sent = complaint_notices.tell_new_state(console.db, complaint=moved)  # 办结: the reply
        if moved.state == "resolved":
            if sent is not None and sent.status != "suppressed":
                console.flash(
                    texts.say("resolution_sent", channel=texts.CHANNEL_LABELS.get(sent.channel, sent.channel))
                )
            else:
                console.flash(texts.say("resolution_unsent"), kind="warning")
        send_soon(background, runtime, sent)
    return back(f"/console/complaints/{complaint.id}")


@router.post("/{ticket_id}/follow-up/ask")
def ask_follow_up(
    ticket_id: str, console: FormDep, runtime: RuntimeDep, background: BackgroundTasks
) -> Response:
    complaint = service.get_complaint(console.db, ticket_id=ticket_id)
    if complaint.state != "resolved":
        console.flash(texts.say("follow_up_wrong_state"), kind="warning")
        return back(f"/console/complaints/{complaint.id}")
    sent = complaint_contact.ask_follow_up(console.db, complaint=complaint)
    if sent is None or sent.status == "suppressed":
        console.flash(texts.say("follow_up_unsent"), kind="warning")
    else:
        console.audit(
            "follow_up_asked", f"complaint:{complaint.id}", outbound_id=sent.id, channel=sent.channel
        )
        console.flash(
            texts.say("follow_up_sent", channel=texts.CHANNEL_LABELS.get(sent.channel, sent.channel))
        )
        send_soon(background, runtime, sent)
    return back(f"/console/complaints/{complaint.id}")


@router.post("/{ticket_id}/follow-up")
def record_follow_up(
    ticket_id: str,
    console: FormDep,
    runtime: RuntimeDep,
    background: BackgroundTasks,
    satisfaction: Annotated[str, Form(max_length=2)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    reached: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    complaint = service.get_complaint(console.db, ticket_id=ticket_id)
    if satisfaction not in {"1", "2", "3", "4", "5"}:
        console.flash(texts.say("satisfaction_missing"), kind="error")
        return back(f"/console/complaints/{complaint.id}")
    asked = complaint_contact.follow_up_asked(console.db, complaint=complaint)
    not_asked = asked is None or asked.status not in complaint_contact.ASKED_STATUSES
    if complaint.state == "resolved" and not_asked and reached != "1":
        console.flash(texts.say("follow_up_not_asked"), kind="error")
        return back(f"/console/complaints/{complaint.id}")
    score = int(satisfaction)

    def act() -> Complaint:
        done = service.record_follow_up(
            console.db,
            ticket_id=complaint.id,
            satisfaction=score,
            by=console.username,
            note=note.strip() or None,
            resolution_days=runtime.settings.complaint_resolution_working_days,
        )
        console.audit("follow_up_recorded", f"complaint:{done.id}", satisfaction=score, state=done.state)
        return done

    done = attempt(console, act)
    if done is not None:
        key = "follow_up_reopened" if done.state == "reopened" else "follow_up_recorded"
        console.flash(texts.say(key, score=score), kind="warning" if done.state == "reopened" else "success")
        send_soon(background, runtime, complaint_notices.tell_new_state(console.db, complaint=done))
    return back(f"/console/complaints/{complaint.id}")


def _townships(console: Console) -> list[str]:
    return list(console.db.scalars(select(Place.name).where(Place.kind == "township").order_by(Place.name)))


def _related(console: Console, complaint: Complaint) -> dict[str, Any]:
    db = console.db
    booking = db.get(Booking, complaint.booking_id) if complaint.booking_id else None
    vehicle = booking.vehicle if booking and booking.vehicle else None
    if vehicle is None and complaint.plate:
        vehicle = db.scalars(select(Vehicle).where(Vehicle.plate == complaint.plate)).first()
    drivers: list[Driver] = []
    if booking is not None and booking.driver is not None:
        drivers = [booking.driver]
    elif vehicle is not None:
        drivers = list(
            db.scalars(select(Driver).where(Driver.vehicle_id == vehicle.id).order_by(Driver.code))
        )
    return {"booking": booking, "vehicle": vehicle, "drivers": drivers}
