"""Agent administration for supervisors (/console/agents): the accounts with their state,
a form to add one, and per account disable / enable and a password reset. Every action
is a CSRF-checked POST, refused with 403 to an ordinary agent, done in a savepoint with
its audit line (a refusal writes neither and comes back as a red message), and never
logs or echoes a password. The account rules are `backend.services.agents.roster`'s.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Response

from backend.errors import InvalidInput
from backend.models.agents import ROLES, Agent
from backend.services.agents import accounts as agent_service
from backend.services.agents import roster, sign_in_guard
from bot.console import texts
from bot.console.actions import attempt, back
from bot.console.rendering import render
from bot.console.security import ConsoleRoute, FormDep, SupervisorDep

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

PAGE = "/console/agents"

Field = Annotated[str, Form(max_length=100)]
Secret = Annotated[str, Form(max_length=200)]
Username = Annotated[str, Path(max_length=50)]


def _same_passwords(password: str, again: str) -> None:
    if password != again:
        raise InvalidInput(texts.say("passwords_differ"), field="password_again")


@router.get("/agents")
def agent_list(console: SupervisorDep) -> Response:
    locked = {lock.username for lock in sign_in_guard.current_locks(console.db)}
    context = {
        **console.page("agents"),
        "accounts": agent_service.list_agents(console.db, active_only=False),
        "locked": locked,
        "roles": ROLES,
    }
    return render("console/agents.html", context)


@router.post("/agents")
def add(
    console: FormDep, username: Field = "", display_name: Field = "", role: Field = "agent",
    password: Secret = "", password_again: Secret = "",
) -> Response:  # fmt: skip
    console.require_supervisor()

    def act() -> Agent:
        _same_passwords(password, password_again)
        agent = roster.add_agent(
            console.db, username=username, display_name=display_name, role=role, password=password
        )
        console.audit("agent_created", f"agent:{agent.username}", role=agent.role)
        return agent

    agent = attempt(console, act)
    if agent is not None:
        role_label = texts.ROLE_LABELS[agent.role]
        console.flash(texts.say("agent_added", role=role_label, name=agent.display_name, username=agent.username))
    return back(PAGE)


@router.post("/agents/{username}/active")
def switch(username: Username, console: FormDep, active: Annotated[str, Form(max_length=5)] = "") -> Response:
    console.require_supervisor()
    on = active == "1"

    def act() -> str:
        if on:
            agent = roster.enable_agent(console.db, username=username)
            console.audit("agent_enabled", f"agent:{agent.username}")
            return texts.say("agent_enabled", name=agent.display_name, username=agent.username)
        done = roster.disable_agent(console.db, username=username, by=console.username)
        released = len(done.released)
        console.audit(
            "agent_disabled", f"agent:{done.agent.username}", sessions_ended=done.sessions_ended, released=released
        )
        return texts.say(
            "agent_disabled", name=done.agent.display_name, username=done.agent.username,
            sessions=done.sessions_ended, released=released,
        )  # fmt: skip

    message = attempt(console, act)
    if message is not None:
        console.flash(message)
    return back(PAGE)


@router.post("/agents/{username}/password")
def reset(username: Username, console: FormDep, password: Secret = "", password_again: Secret = "") -> Response:
    console.require_supervisor()

    def act() -> Agent:
        _same_passwords(password, password_again)
        agent, ended = roster.reset_password(console.db, username=username, password=password)
        console.audit("password_set", f"agent:{agent.username}", sessions_ended=ended)
        return agent

    agent = attempt(console, act)
    if agent is not None:
        console.flash(texts.say("password_reset", name=agent.display_name, username=agent.username))
    return back(PAGE)
