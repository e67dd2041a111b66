"""Queue outbound rows the moment the unit of work that wrote them commits.

Services write notices as rows and never see the queue (backend imports nothing of
ours). This listener, installed on the runtime's session factory, notes every new
`queued` row at flush time and puts its job on the queue after the commit (never before:
the worker must find the row), delayed until `send_after` for held notices. A rollback
forgets what was noted. When the queue cannot take a job (Redis down) the row is
committed all the same: the worker's sweep queues due rows it finds, so the failure is
logged and the request that wrote the row goes on (no 500 after a commit).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from backend.models import utcnow
from backend.models.outbound import OutboundMessage
from bot.outbound.base import OutboundJob, OutboundQueue

_KEY = "cuntong_outbound_new"
logger = logging.getLogger(__name__)


class CommitListener:
    def __init__(
        self, sessions: sessionmaker[Session], queue: OutboundQueue, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._queue = queue
        self._clock = clock

    def install(self) -> None:
        event.listen(self._sessions, "after_flush", self._after_flush)
        event.listen(self._sessions, "after_commit", self._after_commit)
        event.listen(self._sessions, "after_soft_rollback", self._after_rollback)

    def remove(self) -> None:
        event.remove(self._sessions, "after_flush", self._after_flush)
        event.remove(self._sessions, "after_commit", self._after_commit)
        event.remove(self._sessions, "after_soft_rollback", self._after_rollback)

    def _after_flush(self, session: Session, _context: Any) -> None:
        for obj in session.new:
            if isinstance(obj, OutboundMessage) and obj.status == "queued":
                session.info.setdefault(_KEY, []).append((obj.id, obj.send_after))

    def _after_commit(self, session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: the rows are not committed yet
        noted: list[tuple[int, datetime | None]] = session.info.pop(_KEY, [])
        now = self._clock()
        for record_id, send_after in noted:
            delay = (send_after - now).total_seconds() if send_after is not None else 0.0
            try:
                self._queue.put(OutboundJob(record_id), delay_seconds=max(0.0, delay))
            except Exception as exc:  # noqa: BLE001 - any queue outage; the sweep finds the row
                logger.warning("outbound %s not queued (%s): the worker's sweep will", record_id, type(exc).__name__)

    def _after_rollback(self, session: Session, _previous: Any) -> None:
        if not session.in_transaction():
            session.info.pop(_KEY, None)
