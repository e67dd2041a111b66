"""The contract of a conversation state store (STYLE.md §3, like wechatpy's
`SessionStorage`): one JSON document per conversation that expires when idle, a
de-duplication record per inbound message id holding the answer already given, and a
lock per sender so one person's turns run one at a time while different people's run
in parallel. `memory.py` keeps it in the process, `redis.py` shares it between processes.
"""

from __future__ import annotations

import abc
from contextlib import AbstractAsyncContextManager
from typing import Any

JsonDict = dict[str, Any]


class StateStore(abc.ABC):
    """Where trackers, de-duplication answers and sender locks live."""

    @abc.abstractmethod
    async def load_tracker(self, conversation_id: str) -> JsonDict | None:
        """The saved tracker, or None when there is none or it expired."""

    @abc.abstractmethod
    async def save_tracker(self, conversation_id: str, tracker: JsonDict, *, ttl_seconds: float) -> None:
        """Save the tracker; it expires after `ttl_seconds` without another save."""

    @abc.abstractmethod
    async def delete_tracker(self, conversation_id: str) -> None: ...

    @abc.abstractmethod
    async def cached_answer(self, key: str) -> list[JsonDict] | None:
        """The answer already given to the inbound message `key`, if any."""

    @abc.abstractmethod
    async def cache_answer(self, key: str, answer: list[JsonDict], *, ttl_seconds: float) -> None: ...

    @abc.abstractmethod
    def lock(self, sender_key: str, *, timeout_seconds: float = 30.0) -> AbstractAsyncContextManager[None]:
        """Hold while one turn of this sender runs; raises `LockTimeout` when it cannot be had."""

    async def ping(self) -> None:  # noqa: B027 (the in-process store is always there)
        """Raise `StoreUnavailable` when the store cannot be reached (for readiness checks)."""

    async def close(self) -> None:  # noqa: B027 (optional hook)
        """Release connections; the in-process store has nothing to release."""


class StoreUnavailable(Exception):
    """The store cannot be reached (Redis down or unreachable); nothing was read or written."""


class LockTimeout(Exception):
    """Another turn of the same sender held the lock for too long."""
