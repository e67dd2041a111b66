"""The Rasa-compatible REST channel (docs/CONTRACTS.md §2), for web chat widgets, tests and
`cuntong chat`.

`POST /webhooks/rest/webhook` takes `{"sender": "...", "message": "..."}` (optionally a
`message_id` for de-duplication, also accepted as `metadata.message_id`; `sender` may be
left out and is then "default", as in Rasa) and answers the list of replies
`[{"recipient_id", "text", "buttons": [{"title", "payload"}]}]` (no `buttons` key when a reply
has none, as Rasa), with card data and requested actions under `custom` as Rasa does for
custom payloads.
`GET /webhooks/rest/` answers `{"status": "ok"}` like Rasa's health check.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from channels.messages import Message, OnMessage, Reply

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
WEBHOOK_PATH = "/webhooks/rest/webhook"
DEFAULT_SENDER = "default"
"""Rasa's sender id for a REST post without one."""


class RestButton(BaseModel):
    title: str
    payload: str


class RestRequest(BaseModel):
    sender: str = Field(default=DEFAULT_SENDER, min_length=1, max_length=128, pattern=r"\S")
    message: str = Field(max_length=MAX_MESSAGE_CHARS)
    message_id: str | None = Field(default=None, max_length=128)
    metadata: dict[str, Any] | None = None


class RestReply(BaseModel):
    recipient_id: str
    text: str
    buttons: list[RestButton] | None = None
    custom: dict[str, Any] | None = None


class RestOutput:
    """Renders channel-neutral replies as the Rasa REST channel does."""

    @staticmethod
    def render(recipient_id: str, reply: Reply) -> RestReply:
        custom: dict[str, Any] = {}
        if reply.card is not None:
            custom["card"] = reply.card
        if reply.action is not None:
            custom["action"] = reply.action
        return RestReply(
            recipient_id=recipient_id,
            text=reply.text,
            buttons=[RestButton(title=b.title, payload=b.payload) for b in reply.buttons] or None,
            custom=custom or None,
        )


class RestInput:
    """Turns REST posts into `Message`s for the `on_message` callback."""

    name = "rest"

    @classmethod
    def from_settings(cls, settings: object) -> RestInput:
        """The REST channel needs no credentials (STYLE.md §10: same constructor as the others)."""
        return cls()

    def router(self, on_message: OnMessage) -> APIRouter:
        router = APIRouter(tags=["channels"])

        @router.get("/webhooks/rest/")
        async def health() -> dict[str, str]:
            return {"status": "ok"}

        @router.post(WEBHOOK_PATH, response_model_exclude_none=True)
        async def receive(payload: RestRequest) -> list[RestReply]:
            message_id = payload.message_id or (payload.metadata or {}).get("message_id")
            message = Message(
                channel="rest",
                sender=payload.sender.strip(),
                text=payload.message,
                received_at=datetime.now(UTC),
                message_id=str(message_id)[:128] if message_id else None,
                metadata=payload.metadata or {},
            )
            replies = await on_message(message)
            return [RestOutput.render(payload.sender, reply) for reply in replies]

        return router
