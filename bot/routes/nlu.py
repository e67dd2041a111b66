"""`POST /model/parse`: the NLU over HTTP, in Rasa's request and response shape.

Body `{"text": "...", "now": "2026-11-20T09:00:00+08:00"}` (`now` optional: the current
time; a time without offset is Asia/Shanghai). Empty or blank text, and text longer than
`MAX_TEXT_CHARS` characters, answer 422 with pydantic's error detail; a running service
without a loaded model answers 503. The pipeline is `request.app.state.nlu`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, field_validator

from bot.routes.moments import Moment

router = APIRouter(tags=["nlu"])

MAX_TEXT_CHARS = 1000
"""Longest text accepted over HTTP; a chat message is far shorter."""


class ParseRequest(BaseModel):
    """What Rasa's `/model/parse` takes (extra fields such as message_id are ignored)."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    now: Moment | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


@router.post("/model/parse")
def parse_message(body: ParseRequest, request: Request) -> dict[str, Any]:
    """Intent, ranking and entities of one message (docs/CONTRACTS.md §1)."""
    pipeline = getattr(request.app.state, "nlu", None)
    if pipeline is None:
        raise HTTPException(status_code=503, detail="NLU model not loaded")
    result: dict[str, Any] = pipeline.parse(body.text, now=body.now)
    return result
