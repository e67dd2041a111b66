"""A sender for development and demos: writes the message to the log instead of sending
it (at INFO only the recipient, masked, and the length: an SMS body holds personal
details; the text itself at DEBUG), and answers with a made-up provider id so the record looks like a real send."""

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
        logger.info("[%s -> %s] %d 字（正文只记在 DEBUG 日志）", self._channel, message.to, len(message.body))
        logger.debug("[%s -> %s] %s", self._channel, message.to, message.body)
        return f"log-{uuid.uuid4().hex[:12]}"
