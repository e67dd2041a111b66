"""The channel-neutral message types both sides share (STYLE.md §1, §13).

A channel turns its protocol into a `Message` and hands it to the `on_message` callback;
it gets back `Reply` objects and renders them in its own format, degrading what it cannot
show (buttons become "回复1…" lines on SMS, are read out on voice).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ChannelName = Literal["wechat", "sms", "voice", "rest", "web"]


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    label: str | None = None


@dataclass(frozen=True)
class Media:
    kind: Literal["image", "voice", "recording", "video", "file"]
    url: str | None = None
    media_id: str | None = None


@dataclass(frozen=True)
class Message:
    """One inbound message, whatever channel it came by."""

    channel: ChannelName
    sender: str  # WeChat openid, phone number (+86…/11 digits), REST sender id, or web chat id
    text: str
    received_at: datetime
    message_id: str | None = None  # for de-duplication of platform retries
    location: Location | None = None
    media: tuple[Media, ...] = ()
    event: str | None = None  # subscribe / unsubscribe / menu:<key> / call_start
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def conversation_id(self) -> str:
        return f"{self.channel}:{self.sender}"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str  # what the citizen's answer means, e.g. "1" or "/affirm"


@dataclass(frozen=True)
class Reply:
    """One thing to say back. `text` is already in the channel's style (short for SMS and
    voice); `buttons` are numbered options; `action` asks the channel for something more:
    "handoff" (a person takes over: voice dials the agent line), "record" (voice: record a
    message for a complaint), "hangup"."""

    text: str
    buttons: tuple[Button, ...] = ()
    card: dict[str, Any] | None = None
    action: Literal["handoff", "record", "hangup"] | None = None


OnMessage = Callable[[Message], Awaitable[list[Reply]]]


class TryLater(Exception):
    """`on_message` could not run the turn now (a shared store is down); nothing happened.
    The channel answers "try again in `retry_after_seconds`" in its own protocol."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"try again in {retry_after_seconds}s")
        self.retry_after_seconds = retry_after_seconds
