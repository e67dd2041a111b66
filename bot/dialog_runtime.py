"""Start-up hook (bot/registry.py RUNTIME_HOOKS): the conversation state store and the
turn processor that every channel's `on_message` calls.

The store is Redis when REDIS_URL is set (keys under REDIS_PREFIX, default `cuntong:`, or under
`extras["state_prefix"]` when given, so tests sharing one Redis stay apart), else
in-process. Both go on the runtime extras (`state_store`, `processor`); ones already
there (a test's store, a processor with a fixed clock) are kept. Needs the NLU hook first.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio.from_thread

from bot.config import Settings
from bot.processor import Processor
from bot.runtime import Runtime
from bot.state.base import StateStore
from bot.state.memory import MemoryStateStore
from bot.state.redis import RedisStateStore

logger = logging.getLogger(__name__)


def make_state_store(settings: Settings, *, prefix: str | None = None) -> StateStore:
    if settings.redis_url:
        return RedisStateStore.from_url(settings.redis_url, prefix=prefix or settings.redis_prefix)
    return MemoryStateStore()


def attach(runtime: Runtime, app: Any = None) -> None:
    store = runtime.extras.get("state_store")
    if store is None:
        prefix = runtime.extras.get("state_prefix", runtime.settings.redis_prefix)
        store = runtime.extras["state_store"] = make_state_store(runtime.settings, prefix=prefix)
        runtime.extras["_own_state_store"] = True
    if "processor" not in runtime.extras:
        runtime.extras["processor"] = Processor(
            nlu=runtime.extras["nlu"],
            unit_of_work=runtime.unit_of_work,
            store=store,
            idle_minutes=runtime.settings.conversation_idle_minutes,
        )
    logger.info("conversations kept in %s", type(store).__name__)


def detach(runtime: Runtime, app: Any = None) -> None:
    """Close the store this hook made (called from a worker thread of the event loop)."""
    if runtime.extras.pop("_own_state_store", False):
        store = runtime.extras.pop("state_store")
        runtime.extras.pop("processor", None)
        try:
            anyio.from_thread.run(store.close)
        except RuntimeError:  # not called from an event loop's worker thread
            logger.debug("state store closed without an event loop")
