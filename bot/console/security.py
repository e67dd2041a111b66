"""Who is signed in, and what they may do: the session cookie, CSRF tokens, roles, and
the route class that turns refusals into pages.

- The cookie holds a random token (see `backend.services.agents.sessions`): HttpOnly,
  SameSite=Lax, Secure whenever the request or PUBLIC_BASE_URL is https, path `/` so the
  operator API also accepts a signed-in console (see `bot.console.middleware`).
- Every POST form carries the session's CSRF token (`csrf_token`), compared in constant
  time; the sign-in form, which has no session yet, uses a double-submit cookie.
- Pages without a session redirect to the sign-in page; fragments and actions answer 401.
- `ConsoleRoute` renders `ConsoleError` (and backend refusals) as HTML and adds the
  security headers (CSP without inline script, no framing, no caching) to every answer.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from backend.errors import BackendError, Conflict, InvalidInput, NotFound
from backend.models.agents import Agent, ConsoleSession
from backend.services.agents import accounts as agent_service
from backend.services.agents import sessions as console_sessions
from bot.console import texts
from bot.console.rendering import render
from bot.deps import SessionDep

logger = logging.getLogger(__name__)

SESSION_COOKIE = "cuntong_console"
LOGIN_COOKIE = "cuntong_login_csrf"
POLL_HEADER = "x-console-poll"
FLASH_KINDS = ("success", "warning", "error")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
STATUS_BY_ERROR: tuple[tuple[type[BackendError], int], ...] = (
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
)


class ConsoleError(Exception):
    """A refusal shown as a page (or a redirect to `location`)."""

    def __init__(self, status_code: int, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.location = location


@dataclass
class Console:
    """The signed-in agent of one request, with their database session."""

    agent: Agent
    record: ConsoleSession
    db: Session

    @property
    def username(self) -> str:
        return self.agent.username

    @property
    def is_supervisor(self) -> bool:
        return self.agent.is_supervisor

    @property
    def csrf_token(self) -> str:
        return self.record.csrf_token

    def flash(self, message: str, kind: str = "success") -> None:
        """Add a line to the message shown on the next page; `kind` (success, warning,
        error) picks its colour."""
        line = f"{kind if kind in FLASH_KINDS else 'success'}\t{message}"
        earlier = self.record.flash
        console_sessions.set_flash(self.record, f"{earlier}\n{line}" if earlier else line)

    def audit(self, action: str, target: str | None = None, **detail: Any) -> None:
        agent_service.record_action(self.db, agent=self.username, action=action, target=target, detail=detail)

    def names(self) -> dict[str, str]:
        """Display names by account (and the words for the system, the bot, the citizen)."""
        accounts = agent_service.list_agents(self.db, active_only=False)
        return {**texts.ACTOR_LABELS, **{a.username: a.display_name for a in accounts}}

    def require_supervisor(self) -> None:
        if not self.is_supervisor:
            raise ConsoleError(403, texts.say("forbidden"))

    def page(self, active: str) -> dict[str, Any]:
        """What every full page needs: the agent, the CSRF token, the flash, the nav."""
        return {
            "agent": self.agent,
            "csrf_token": self.csrf_token,
            "flash": console_sessions.take_flash(self.record),
            "active": active,
        }


def is_https(request: Request) -> bool:
    public = request.app.state.runtime.settings.public_base_url or ""
    return request.url.scheme == "https" or public.lower().startswith("https://")


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=is_https(request), path="/")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def set_login_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/console/login",
    )


def same_token(given: object, expected: str | None) -> bool:
    if not isinstance(given, str) or not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def safe_next(value: object) -> str:
    """Only a path inside the console, never another site (`//evil`, `/\\evil`)."""
    if isinstance(value, str) and value.startswith("/console") and "\\" not in value and "//" not in value:
        return value
    return "/console"


def signed_in(request: Request, session: SessionDep) -> Console:
    record = console_sessions.session_for_token(session, token=request.cookies.get(SESSION_COOKIE))
    if record is None:
        wants_page = request.method == "GET" and POLL_HEADER not in request.headers
        if wants_page:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise ConsoleError(303, texts.say("signed_out"), location=f"/console/login?next={quote(target)}")
        raise ConsoleError(401, texts.say("signed_out"))
    request.state.console_user = record.agent.username
    return Console(agent=record.agent, record=record, db=session)


ConsoleDep = Annotated[Console, Depends(signed_in)]


async def form_checked(request: Request, console: ConsoleDep) -> Console:
    """A signed-in agent whose form carries this session's CSRF token."""
    form = await request.form()
    if not same_token(form.get("csrf_token"), console.csrf_token):
        logger.warning("console form without a valid CSRF token from %s", console.username)
        raise ConsoleError(403, texts.say("csrf"))
    return console


FormDep = Annotated[Console, Depends(form_checked)]


def supervisor(console: ConsoleDep) -> Console:
    console.require_supervisor()
    return console


SupervisorDep = Annotated[Console, Depends(supervisor)]


def error_page(status_code: int, message: str) -> Response:
    return render(
        "console/error.html", {"message": message, "status_code": status_code}, status_code=status_code
    )


class ConsoleRoute(APIRoute):
    """Console refusals as pages, and security headers on every console answer."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def console_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except ConsoleError as exc:
                response = (
                    RedirectResponse(exc.location, status_code=303)
                    if exc.location
                    else error_page(exc.status_code, exc.message)
                )
            except BackendError as exc:
                status = next((code for cls, code in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
                response = error_page(status, exc.message)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return console_handler
