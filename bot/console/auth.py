"""Console sign-in and sign-out.

GET /console/login shows the form with a fresh double-submit CSRF token; POST checks it,
then the rate limits (per client address and in total: 429 with Retry-After), then the
password in three steps: read the hash and this (name, client)'s lock-out, check the hash
in its own bounded pool outside any transaction (`sign_in_limits`), record the outcome
(failures lock that pair for growing times, `sign_in_guard`). A success starts a
server-side session and sets the cookie. Every attempt is written to the audit log.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from backend.localtime import local_now
from backend.services.agents import accounts as agent_service
from backend.services.agents import handoff_watch
from backend.services.agents import sessions as console_sessions
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
from bot.console.sign_in_limits import HASHING, RETRY_AFTER_SECONDS, PoolFull, client_of, limiter_for
from bot.runtime import Runtime

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)


def _login_page(
    request: Request, *, next_path: str, message: str | None = None, status_code: int = 200
) -> Response:
    earlier = request.cookies.get(LOGIN_COOKIE, "")
    # keep the browser's token: a second tab, or answers racing each other, stay valid
    token = earlier if 32 <= len(earlier) <= 64 and earlier.replace("-", "").replace("_", "").isalnum() else new_token()
    context = {"next": next_path, "message": message, "csrf_token": token}
    response = render("console/login.html", context, status_code=status_code)
    set_login_cookie(response, request, token)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/console") -> Response:
    return _login_page(request, next_path=safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/console",
) -> Response:
    next_path = safe_next(next)
    if not same_token(csrf_token, request.cookies.get(LOGIN_COOKIE)):
        return _login_page(request, next_path=next_path, message=texts.say("login_csrf"), status_code=403)
    client = client_of(request)
    if not limiter_for(request).allow(client):
        return _too_many(request, next_path)
    runtime: Runtime = request.app.state.runtime
    attempt = await run_in_threadpool(_begin, runtime, username, client)
    ok = False
    if attempt.locked_until is None:
        try:
            ok = await HASHING.verify(attempt.password_hash, password)
        except PoolFull:
            return _too_many(request, next_path)
    result, token = await run_in_threadpool(_finish, runtime, attempt, ok, password)
    if result.agent is None or token is None:
        reason = result.reason or "bad_credentials"
        if reason == "locked" and result.locked_until is not None:
            message = texts.say("locked", until=local(result.locked_until, "%H:%M"))
        else:
            message = texts.say(reason)
        logger.info("console sign-in refused for %s (%s)", attempt.username, reason)
        return _login_page(request, next_path=next_path, message=message, status_code=401)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, request, token)
    response.delete_cookie(LOGIN_COOKIE, path="/console/login")
    return response


def _too_many(request: Request, next_path: str) -> Response:
    message = texts.say("too_many", seconds=RETRY_AFTER_SECONDS)
    response = _login_page(request, next_path=next_path, message=message, status_code=429)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _begin(runtime: Runtime, username: str, client: str) -> agent_service.Attempt:
    with runtime.unit_of_work() as session:
        return agent_service.begin_sign_in(session, username=username, client=client)


def _finish(
    runtime: Runtime, attempt: agent_service.Attempt, ok: bool, password: str
) -> tuple[agent_service.SignIn, str | None]:
    """Record the outcome and the audit line; the new session's token on success."""
    with runtime.unit_of_work() as session:
        result = agent_service.finish_sign_in(session, attempt, password_ok=ok, password=password)
        if result.agent is None:
            detail = {"reason": result.reason or "bad_credentials", "client": attempt.client}
            agent_service.record_action(session, agent=attempt.username, action="sign_in_failed", detail=detail)
            return result, None
        started = console_sessions.start_session(session, agent=result.agent)
        agent_service.record_action(session, agent=result.agent.username, action="sign_in")
        return result, started.token


@router.post("/logout")
def logout(request: Request, console: FormDep) -> Response:
    console.audit("sign_out")
    handoff_watch.release_agent(console.db, agent=console.username, now=local_now())  # back to the queue
    console_sessions.end_session(console.db, token=request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/console/login", status_code=303)
    clear_session_cookie(response, request)
    return response
