"""Start-up hook (bot/registry.py RUNTIME_HOOKS) for outbound sending.

Builds the queue, senders and outbox; installs the commit listener that queues new
outbound rows; puts the outbox where channels look for it (`app.state.outbox`) and
everything on `runtime.extras["outbound"]`. Without REDIS_URL the worker runs in a thread
of this process, after one sweep for rows left from an earlier run. With REDIS_URL the
workers run separately (`cuntong worker`). When the session factory is bound to a single
connection (the test fixtures' rolled-back transaction) no thread is started, because one
connection must not be used from two threads: the test calls `worker.drain()` instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from bot.outbound.base import OutboundQueue, Sender
from bot.outbound.commit_listener import CommitListener
from bot.outbound.outbox import DatabaseOutbox
from bot.outbound.setup import build_queue, build_senders, configure_policy, load_templates
from bot.outbound.webchat_sender import WebChatSender
from bot.outbound.worker import OutboundWorker
from bot.runtime import Runtime
from channels.outbox import OUTBOX_STATE_KEY

logger = logging.getLogger(__name__)


@dataclass
class Outbound:
    queue: OutboundQueue
    senders: dict[str, Sender]
    outbox: DatabaseOutbox
    listener: CommitListener
    worker: OutboundWorker
    threaded: bool


def attach(runtime: Runtime, app: Any = None) -> None:
    settings = runtime.settings
    configure_policy(settings)
    templates = load_templates(settings)  # a broken SMS template registry stops start-up here
    queue = build_queue(settings)
    senders = build_senders(settings, templates)
    senders["web"] = WebChatSender(unit_of_work=runtime.unit_of_work)
    listener = CommitListener(runtime.sessions, queue)
    listener.install()
    worker = OutboundWorker(unit_of_work=runtime.unit_of_work, queue=queue, senders=senders)
    single_connection = isinstance(runtime.sessions.kw.get("bind"), Connection)
    threaded = not settings.redis_url and not single_connection
    if threaded:
        worker.sweep()
        worker.start()
        logger.info("outbound worker running in this process (no REDIS_URL)")
    outbox = DatabaseOutbox(unit_of_work=runtime.unit_of_work)
    runtime.extras["outbound"] = Outbound(queue, senders, outbox, listener, worker, threaded)
    if app is not None:
        setattr(app.state, OUTBOX_STATE_KEY, outbox)


def detach(runtime: Runtime, app: Any = None) -> None:
    outbound: Outbound | None = runtime.extras.pop("outbound", None)
    if outbound is None:
        return
    outbound.listener.remove()
    if outbound.threaded:
        outbound.worker.stop()
    for sender in outbound.senders.values():
        sender.close()
    outbound.queue.close()
