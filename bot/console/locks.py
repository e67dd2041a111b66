"""Supervisors lift sign-in lock-outs from the console (issue 11 §5), not only with
`cuntong agents unlock`: GET /console/locks lists the (account, client address) pairs
locked right now; POST /console/locks/unlock lifts every lock of one account name (known
or not: probers lock names that do not exist too) and writes it to the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response
from fastapi.responses import RedirectResponse

from backend.services.agents import accounts as agent_service
from backend.services.agents import sign_in_guard
from bot.console import texts
from bot.console.rendering import render
from bot.console.security import ConsoleRoute, FormDep, SupervisorDep

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)


@router.get("/locks")
def locks_page(console: SupervisorDep) -> Response:
    context = {**console.page("locks"), "locks": sign_in_guard.current_locks(console.db)}
    return render("console/locks.html", context)


@router.post("/locks/unlock")
def unlock(console: FormDep, username: Annotated[str, Form(max_length=100)] = "") -> Response:
    console.require_supervisor()
    name = sign_in_guard.normalized(username)
    if agent_service.find_agent(console.db, username=name) is not None:
        agent_service.unlock_agent(console.db, username=name)
    else:
        sign_in_guard.clear(console.db, username=name)
    console.audit("unlock_agent", target=name)
    console.flash(texts.say("unlocked", name=name))
    return RedirectResponse("/console/locks", status_code=303)
