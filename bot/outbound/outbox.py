"""The application's `Outbox` (channels/outbox.py): a late answer is written as an
`OutboundMessage`, once per key, in its own unit of work; the commit listener puts its
job on the queue once the row is committed."""

from __future__ import annotations

import logging

from backend.services.notices.outbox import queue_reply
from bot.outbound.worker import UnitOfWork

logger = logging.getLogger(__name__)


class DatabaseOutbox:
    def __init__(self, *, unit_of_work: UnitOfWork) -> None:
        self._uow = unit_of_work

    def deliver_later(self, *, channel: str, to: str, text: str, key: str, kind: str = "reply") -> None:
        with self._uow() as session:
            record = queue_reply(session, channel=channel, to=to, text=text, event_key=key, kind=kind)
            logger.info("late %s answer %s recorded as outbound %s", channel, key, record.id)
