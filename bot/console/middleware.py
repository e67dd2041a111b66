"""Lets a signed-in console session open the operator API (`/api/...`), as docs/CONTRACTS.md
§6 allows: for requests under /api/ that carry the console cookie, the session is looked
up and `request.state.console_user` set, which `bot.deps.require_operator` accepts.

A request that changes something (POST, PUT, PATCH, DELETE) must also send the session's
CSRF token in `X-CSRF-Token`; without it the cookie is ignored (the Bearer token still
works), so another site cannot drive the API through an agent's browser.
The lead adds it in `create_app`: `app.add_middleware(ConsoleSessionMiddleware)`.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.services.agents import sessions as console_sessions
from bot.console.security import SESSION_COOKIE, same_token

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"


class ConsoleSessionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith("/api/"):
            request = Request(scope)
            token = request.cookies.get(SESSION_COOKIE)
            if token:
                user = await run_in_threadpool(self._user, request, token)
                if user:
                    scope.setdefault("state", {})["console_user"] = user
        await self.app(scope, receive, send)

    @staticmethod
    def _user(request: Request, token: str) -> str | None:
        runtime = request.app.state.runtime
        with runtime.unit_of_work() as session:
            record = console_sessions.session_for_token(session, token=token)
            if record is None:
                return None
            if request.method not in SAFE_METHODS and not same_token(
                request.headers.get(CSRF_HEADER), record.csrf_token
            ):
                logger.warning(
                    "console cookie on %s %s without CSRF header ignored", request.method, request.url.path
                )
                return None
            username: str = record.agent.username
            return username
