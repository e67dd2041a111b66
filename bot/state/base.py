"""The contract of a conversation state store (STYLE.md §3, like wechatpy's
`SessionStorage`): one JSON document per conversation that expires when idle, a
de-duplication record per inbound message id holding the answer already given, and a
lock per sender so one person's turns run one at a time while different people's run
in parallel. `memory.py` keeps it in the process, `redis.py` shares it between processes.
"""

from __future__ import annotations

import abc
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class TurnStart:
    """What a turn begins with: the answer already given to its message (then nothing is
    held and the turn does not run), or the sender's lock held and the saved tracker."""

    answer: list[JsonDict] | None = None
    tracker: JsonDict | None = None
    hold: Any = None  # what the store needs to give the lock back


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

    async def begin_turn(self, conversation_id: str, answer_key: str | None, *, timeout_seconds: float) -> TurnStart:
        """The cached answer to `answer_key`, else the sender's lock and tracker: the answer
        is looked at before waiting for the lock and again once it is held (the first
        delivery may have finished meanwhile). Raises `LockTimeout` or `StoreUnavailable`.
        Stores that can do it in fewer round trips override this and the two below."""
        if answer_key is not None:
            cached = await self.cached_answer(answer_key)
            if cached is not None:
                return TurnStart(answer=cached)
        stack = AsyncExitStack()
        await stack.enter_async_context(self.lock(conversation_id, timeout_seconds=timeout_seconds))
        try:
            if answer_key is not None:
                cached = await self.cached_answer(answer_key)
                if cached is not None:
                    await stack.aclose()
                    return TurnStart(answer=cached)
            return TurnStart(tracker=await self.load_tracker(conversation_id), hold=stack)
        except BaseException:
            await stack.aclose()
            raise

    async def finish_turn(
        self,
        start: TurnStart,
        conversation_id: str,
        *,
        tracker: JsonDict | None,
        tracker_ttl_seconds: float,
        answer_key: str | None,
        answer: list[JsonDict],
        answer_ttl_seconds: float,
    ) -> None:
        """Save the tracker (unless None) and the answer (when there is a key), then give the
        lock back (also when saving failed: `StoreUnavailable` is raised after)."""
        try:
            if tracker is not None:
                await self.save_tracker(conversation_id, tracker, ttl_seconds=tracker_ttl_seconds)
            if answer_key is not None:
                await self.cache_answer(answer_key, answer, ttl_seconds=answer_ttl_seconds)
        finally:
            await self.release_turn(start)

    async def release_turn(self, start: TurnStart) -> None:
        """Give the lock of `begin_turn` back (once; later calls do nothing)."""
        hold, start.hold = start.hold, None
        if hold is not None:
            await hold.aclose()

    async def ping(self) -> None:  # noqa: B027 (the in-process store is always there)
        """Raise `StoreUnavailable` when the store cannot be reached (for readiness checks)."""

    async def close(self) -> None:  # noqa: B027 (optional hook)
        """Release connections; the in-process store has nothing to release."""


class StoreUnavailable(Exception):
    """The store cannot be reached (Redis down or unreachable); nothing was read or written."""


class LockTimeout(Exception):
    """Another turn of the same sender held the lock for too long."""
