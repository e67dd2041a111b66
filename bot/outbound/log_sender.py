"""A sender for development and demos: writes the message to the log instead of sending
it, and answers with a made-up provider id so the record looks like a real send."""

from __future__ import annotations

import logging
import uuid

from bot.outbound.base import Outgoing, Sender

logger = logging.getLogger(__name__)


class LogSender(Sender):
    channel = "log"

    def __init__(self, channel: str) -> None:
        self._channel = channel

    def send(self, message: Outgoing) -> str:
        logger.info("[%s -> %s] %s", self._channel, message.to, message.body)
        return f"log-{uuid.uuid4().hex[:12]}"
