"""In-process state store: the embedded default when REDIS_URL is unset.

Trackers and cached answers are kept as JSON text (so what comes back is a copy, exactly
as from Redis) with an expiry instant on a monotonic clock; expired entries vanish on
read and are swept now and then; at most `max_answers` answers are kept (oldest dropped
first), so a busy day cannot grow the process without bound. Sender locks are `asyncio.Lock`s that exist only while
someone holds or waits for them. Good for one process; several processes need Redis.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.state.base import JsonDict, LockTimeout, StateStore

SWEEP_EVERY_SECONDS = 60.0
MAX_ANSWERS = 2_000  # cached answers kept; the oldest go first (each is a few KB)


class _LockEntry:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class MemoryStateStore(StateStore):
    def __init__(self, *, timer: Callable[[], float] = time.monotonic, max_answers: int = MAX_ANSWERS) -> None:
        self._timer = timer
        self._max_answers = max_answers
        self._trackers: dict[str, tuple[float, str]] = {}
        self._answers: dict[str, tuple[float, str]] = {}
        self._locks: dict[str, _LockEntry] = {}
        self._last_sweep = timer()

    async def load_tracker(self, conversation_id: str) -> JsonDict | None:
        value = self._get(self._trackers, conversation_id)
        return None if value is None else dict(json.loads(value))

    async def save_tracker(self, conversation_id: str, tracker: JsonDict, *, ttl_seconds: float) -> None:
        self._put(self._trackers, conversation_id, json.dumps(tracker, ensure_ascii=False), ttl_seconds)

    async def delete_tracker(self, conversation_id: str) -> None:
        self._trackers.pop(conversation_id, None)

    async def cached_answer(self, key: str) -> list[JsonDict] | None:
        value = self._get(self._answers, key)
        return None if value is None else list(json.loads(value))

    async def cache_answer(self, key: str, answer: list[JsonDict], *, ttl_seconds: float) -> None:
        self._put(self._answers, key, json.dumps(answer, ensure_ascii=False), ttl_seconds)
        while len(self._answers) > self._max_answers:  # dicts keep insertion order: oldest first
            del self._answers[next(iter(self._answers))]

    @asynccontextmanager
    async def lock(self, sender_key: str, *, timeout_seconds: float = 30.0) -> AsyncIterator[None]:
        entry = self._locks.get(sender_key)
        if entry is None:
            entry = self._locks[sender_key] = _LockEntry()
        entry.users += 1
        try:
            try:
                await asyncio.wait_for(entry.lock.acquire(), timeout_seconds)
            except TimeoutError:
                raise LockTimeout(f"lock {sender_key} busy for {timeout_seconds}s") from None
            try:
                yield
            finally:
                entry.lock.release()
        finally:
            entry.users -= 1
            if entry.users == 0 and self._locks.get(sender_key) is entry:
                del self._locks[sender_key]

    def _get(self, table: dict[str, tuple[float, str]], key: str) -> str | None:
        item = table.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= self._timer():
            table.pop(key, None)
            return None
        return value

    def _put(self, table: dict[str, tuple[float, str]], key: str, value: str, ttl_seconds: float) -> None:
        now = self._timer()
        table[key] = (now + ttl_seconds, value)
        if now - self._last_sweep >= SWEEP_EVERY_SECONDS:
            self._last_sweep = now
            for each in (self._trackers, self._answers):
                for stale in [k for k, (expires, _) in each.items() if expires <= now]:
                    del each[stale]
