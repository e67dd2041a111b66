"""Console sign-in and sign-out.

GET /console/login shows the form with a fresh double-submit CSRF token; POST checks it,
then the password (`backend.services.agents.authenticate`: failures are counted and
committed, five in a row lock the account for 15 minutes), starts a server-side session
and sets the cookie. Every attempt, good or bad, is written to the audit log.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from backend.services import agents as agent_service
from backend.services import console_sessions
from bot.console import texts
from bot.console.rendering import local, render
from bot.console.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    ConsoleRoute,
    FormDep,
    clear_session_cookie,
    new_token,
    safe_next,
    same_token,
    set_login_cookie,
    set_session_cookie,
)
from bot.deps import SessionDep

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)


def _login_page(
    request: Request, *, next_path: str, message: str | None = None, status_code: int = 200
) -> Response:
    token = new_token()
    context = {"next": next_path, "message": message, "csrf_token": token}
    response = render("console/login.html", context, status_code=status_code)
    set_login_cookie(response, request, token)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/console") -> Response:
    return _login_page(request, next_path=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/console",
) -> Response:
    next_path = safe_next(next)
    if not same_token(csrf_token, request.cookies.get(LOGIN_COOKIE)):
        return _login_page(request, next_path=next_path, message=texts.say("login_csrf"), status_code=403)
    tried = username.strip().lower()[:50] or "?"
    result = agent_service.authenticate(session, username=username, password=password)
    if result.agent is None:
        reason = result.reason or "bad_credentials"
        agent_service.record_action(session, agent=tried, action="sign_in_failed", detail={"reason": reason})
        if reason == "locked" and result.locked_until is not None:
            message = texts.say("locked", until=local(result.locked_until, "%H:%M"))
        else:
            message = texts.say(reason)
        logger.info("console sign-in refused for %s (%s)", tried, reason)
        return _login_page(request, next_path=next_path, message=message, status_code=401)
    started = console_sessions.start_session(session, agent=result.agent)
    agent_service.record_action(session, agent=result.agent.username, action="sign_in")
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, request, started.token)
    response.delete_cookie(LOGIN_COOKIE, path="/console/login")
    return response


@router.post("/logout")
def logout(request: Request, console: FormDep) -> Response:
    console.audit("sign_out")
    console_sessions.end_session(console.db, token=request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/console/login", status_code=303)
    clear_session_cookie(response, request)
    return response
