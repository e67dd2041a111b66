"""The citizens' web chat (CONTRACTS.md §2, `GET /chat`): 12328's web channel.

- `GET /chat` serves the page (mobile first, no outside resources) and, when the browser
  has no valid identity yet, issues one: a random sender id in a cookie signed with
  HMAC-SHA256, HttpOnly, SameSite=Lax. The browser never chooses its sender id, and a
  cookie whose signature does not match is replaced, not trusted.
- `POST /chat/messages` (JSON `{"text", "message_id"?, "label"?}`) writes the citizen's
  words to the mailbox, hands the message to `on_message` and writes the answers; it
  returns the new lines so the page shows them at once.
- `GET /chat/events` streams later lines (agent replies, notices, follow-up questions)
  as Server-Sent Events (`sse-starlette`), resuming after `Last-Event-ID`;
  `GET /chat/history?after=N` is the same data for the first load and for the page's
  polling fallback.

The mailbox (what the chat window shows) is a `WebChatMailbox` the application puts on
`app.state.webchat_mailbox`; this module knows the protocol and nothing of the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Protocol

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from channels.messages import Message, OnMessage, Reply

logger = logging.getLogger(__name__)

COOKIE = "cuntong_chat"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAILBOX_STATE_KEY = "webchat_mailbox"
MAX_EVENT_ID = 2**31 - 1  # line ids are database integers: a larger number is bad input, not a query
EventId = Annotated[int, Query(ge=0, le=MAX_EVENT_ID)]
EVENT_ID_RE = re.compile(r"[0-9]{1,9}")  # Last-Event-ID as the browser sends it back
# An event stream ends after this long; the browser's EventSource reconnects by itself with
# Last-Event-ID, so nothing is missed, and a forgotten tab does not poll the database forever.
STREAM_SECONDS = 300.0
MAX_MESSAGE_CHARS = 500
PAGE_DIR = Path(__file__).resolve().parent / "webchat_page"
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


class WebChatMailbox(Protocol):
    """What one chat window shows; every method blocks (run it in a worker thread).
    A line is a dict `{"id", "role", "text", "buttons": [{"title", "payload"}], "at"}`."""

    def register(self, sender: str) -> None: ...

    def append(self, sender: str, role: str, text: str, buttons: list[dict[str, str]]) -> dict[str, Any]: ...

    def after(self, sender: str, after_id: int) -> list[dict[str, Any]]: ...


class ChatPost(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=r"\S")
    message_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    label: str | None = Field(default=None, max_length=100)


class IdentitySigner:
    """Issues and checks the identity cookie: `<sender>.<signature>`."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("cuntong-webchat:" + secret).encode()).digest()

    def issue(self) -> tuple[str, str]:
        sender = "w" + secrets.token_hex(12)
        return sender, f"{sender}.{self._sign(sender)}"

    def verify(self, cookie: str | None) -> str | None:
        if not cookie or "." not in cookie or len(cookie) > 200:
            return None
        sender, _, signature = cookie.partition(".")
        if not sender.startswith("w") or not hmac.compare_digest(signature, self._sign(sender)):
            return None
        return sender

    def _sign(self, sender: str) -> str:
        digest = hmac.new(self._key, sender.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class WebChatOutput:
    """Renders channel-neutral replies as chat lines (buttons kept as buttons)."""

    @staticmethod
    def lines(reply: Reply) -> tuple[str, list[dict[str, str]]]:
        return reply.text, [{"title": b.title, "payload": b.payload} for b in reply.buttons]


class WebChatInput:
    name = "web"

    def __init__(
        self,
        *,
        signer: IdentitySigner,
        secure_cookie: bool,
        poll_seconds: float = 1.0,
        stream_seconds: float = STREAM_SECONDS,
    ) -> None:
        self.signer = signer
        self.secure_cookie = secure_cookie
        self.poll_seconds = poll_seconds
        self.stream_seconds = stream_seconds

    @classmethod
    def from_settings(cls, settings: Any) -> WebChatInput:
        secret = getattr(settings, "webchat_secret", None)
        if not secret:
            logger.warning("WEBCHAT_SECRET not set: web chat identities last only while this process runs")
            secret = secrets.token_urlsafe(32)
        public = (getattr(settings, "public_base_url", None) or "").lower()
        return cls(signer=IdentitySigner(secret), secure_cookie=public.startswith("https://"))

    def router(self, on_message: OnMessage) -> APIRouter:
        router = APIRouter(tags=["channels"])
        signer = self.signer

        def mailbox(request: Request) -> WebChatMailbox:
            box: WebChatMailbox = getattr(request.app.state, MAILBOX_STATE_KEY)
            return box

        def known(request: Request) -> str | None:
            return signer.verify(request.cookies.get(COOKIE))

        @router.get("/chat", response_class=HTMLResponse)
        async def page(request: Request) -> Response:
            html = await anyio.Path(PAGE_DIR / "chat.html").read_text(encoding="utf-8")
            response = HTMLResponse(html, headers=SECURITY_HEADERS)
            if known(request) is None:
                sender, cookie = signer.issue()
                await run_in_threadpool(mailbox(request).register, sender)
                secure = self.secure_cookie or request.url.scheme == "https"
                response.set_cookie(
                    COOKIE, cookie, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax", secure=secure, path="/chat"
                )
            return response

        @router.get("/chat/history")
        async def history(request: Request, after: EventId = 0) -> Response:
            sender = known(request)
            if sender is None:
                return _refused()
            lines = await run_in_threadpool(mailbox(request).after, sender, after)
            return JSONResponse({"messages": lines}, headers={"Cache-Control": "no-store"})

        @router.post("/chat/messages")
        async def post(request: Request, payload: ChatPost) -> Response:
            sender = known(request)
            if sender is None:
                return _refused()
            box = mailbox(request)
            shown = (payload.label or "").strip() or payload.text.strip()
            lines = [await run_in_threadpool(box.append, sender, "citizen", shown, [])]
            message = Message(
                channel="web",
                sender=sender,
                text=payload.text.strip(),
                received_at=datetime.now(UTC),
                message_id=payload.message_id,
            )
            for reply in await on_message(message):
                text, buttons = WebChatOutput.lines(reply)
                lines.append(await run_in_threadpool(box.append, sender, "bot", text, buttons))
            return JSONResponse({"messages": lines}, headers={"Cache-Control": "no-store"})

        @router.get("/chat/events")
        async def events(request: Request, after: EventId = 0) -> Response:
            sender = known(request)
            if sender is None:
                return _refused()
            resume = request.headers.get("last-event-id", "")
            start = int(resume) if EVENT_ID_RE.fullmatch(resume) else after
            box = mailbox(request)
            ends_at = anyio.current_time() + self.stream_seconds

            async def stream() -> AsyncIterator[ServerSentEvent]:
                last = start
                while anyio.current_time() < ends_at and not await request.is_disconnected():
                    for line in await run_in_threadpool(box.after, sender, last):
                        last = max(last, int(line["id"]))
                        yield ServerSentEvent(data=json.dumps(line, ensure_ascii=False), id=str(line["id"]))
                    await anyio.sleep(self.poll_seconds)

            return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})

        router.mount("/chat/static", StaticFiles(directory=PAGE_DIR), name="chat-static")
        return router


def _refused() -> JSONResponse:
    return JSONResponse({"detail": "聊天身份已失效，请刷新页面。"}, status_code=401)
