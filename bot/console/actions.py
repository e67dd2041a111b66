"""What every console action does around its service call: run it in a savepoint so a
refusal writes nothing (the refusal becomes the flash message on the next page), go back
with a 303, and hand a written outbound message to the send queue once the request's
unit of work has committed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from fastapi import BackgroundTasks
from fastapi.responses import RedirectResponse

from backend.errors import BackendError
from backend.models.outbound import OutboundMessage
from bot.console.security import Console
from bot.outbound.base import OutboundJob
from bot.runtime import Runtime

logger = logging.getLogger(__name__)

T = TypeVar("T")


def attempt(console: Console, action: Callable[[], T]) -> T | None:
    """Run `action` in a savepoint; on a refusal roll it back, flash why, return None."""
    try:
        with console.db.begin_nested():
            return action()
    except BackendError as exc:
        console.flash(exc.message, kind="error")
        return None


def back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def send_soon(background: BackgroundTasks, runtime: Runtime, message: OutboundMessage | None) -> None:
    """Queue the message's send job after the commit (the worker's sweep would also find it)."""
    if message is None or message.status != "queued" or message.send_after is not None:
        return
    record_id = message.id
    background.add_task(_enqueue, runtime, record_id)


def _enqueue(runtime: Runtime, record_id: int) -> None:
    outbound = runtime.extras.get("outbound")
    if outbound is None:
        logger.info("no outbound queue attached; outbound %s waits for a worker's sweep", record_id)
        return
    outbound.queue.put(OutboundJob(record_id))
