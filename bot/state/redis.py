"""Redis state store: trackers, de-duplication answers and sender locks shared by every
process of the service (REDIS_URL set).

Keys live under one prefix (`cuntong:` by default; tests give each test its own):
`<prefix>tracker:<conversation>` and `<prefix>answer:<message key>` hold JSON with a
millisecond expiry (PX), `<prefix>lock:<sender>` is a redis-py lock with a lease, so a
crashed process cannot block a sender forever.

Any failure to reach Redis (refused, reset, timed out after `SOCKET_TIMEOUT_SECONDS`)
becomes `StoreUnavailable`; redis-py reconnects by itself on the next call, so the
service recovers as soon as Redis is back.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from bot.state.base import JsonDict, LockTimeout, StateStore, StoreUnavailable, TurnStart

LOCK_LEASE_SECONDS = 60.0
LOCK_POLL_SECONDS = 0.01
SOCKET_TIMEOUT_SECONDS = 3.0

T = TypeVar("T")

# A turn's Redis work in two scripts (one round trip each): BEGIN answers from the cached
# answer, or takes the sender's lock (the same key and token scheme as `lock`) and reads
# the tracker; FINISH saves the tracker and the answer and releases the lock if still ours.
# KEYS: lock, tracker[, answer]
BEGIN = """
if #KEYS == 3 then
  local answer = redis.call('GET', KEYS[3])
  if answer then return {1, answer} end
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0, redis.call('GET', KEYS[2])}
end
return {2}
"""
# ARGV: token, tracker JSON ('' = keep), its expiry in ms, answer JSON, its expiry in ms
FINISH = """
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
if #KEYS == 3 then redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[5]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""


async def reach(call: Awaitable[T]) -> T:
    """Await a Redis call; `StoreUnavailable` when Redis cannot be reached."""
    try:
        return await call
    except (RedisError, OSError) as exc:
        raise StoreUnavailable(f"Redis: {type(exc).__name__}") from None


class RedisStateStore(StateStore):
    def __init__(self, client: Redis, *, prefix: str = "cuntong:") -> None:
        self._client = client
        self._prefix = prefix
        self._begin = client.register_script(BEGIN)
        self._finish = client.register_script(FINISH)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "cuntong:") -> RedisStateStore:
        client = Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=SOCKET_TIMEOUT_SECONDS
        )
        return cls(client, prefix=prefix)

    async def load_tracker(self, conversation_id: str) -> JsonDict | None:
        raw = await reach(self._client.get(self._key("tracker", conversation_id)))
        return None if raw is None else dict(json.loads(raw))

    async def save_tracker(self, conversation_id: str, tracker: JsonDict, *, ttl_seconds: float) -> None:
        await reach(
            self._client.set(
                self._key("tracker", conversation_id),
                json.dumps(tracker, ensure_ascii=False),
                px=max(1, int(ttl_seconds * 1000)),
            )
        )

    async def delete_tracker(self, conversation_id: str) -> None:
        await reach(self._client.delete(self._key("tracker", conversation_id)))

    async def cached_answer(self, key: str) -> list[JsonDict] | None:
        raw = await reach(self._client.get(self._key("answer", key)))
        return None if raw is None else list(json.loads(raw))

    async def cache_answer(self, key: str, answer: list[JsonDict], *, ttl_seconds: float) -> None:
        await reach(
            self._client.set(
                self._key("answer", key),
                json.dumps(answer, ensure_ascii=False),
                px=max(1, int(ttl_seconds * 1000)),
            )
        )

    @asynccontextmanager
    async def lock(self, sender_key: str, *, timeout_seconds: float = 30.0) -> AsyncIterator[None]:
        lock = self._client.lock(
            self._key("lock", sender_key),
            timeout=LOCK_LEASE_SECONDS,
            sleep=LOCK_POLL_SECONDS,
            blocking_timeout=timeout_seconds,
            thread_local=False,
        )
        if not await reach(lock.acquire()):
            raise LockTimeout(f"lock {sender_key} busy for {timeout_seconds}s")
        try:
            yield
        finally:
            try:
                await lock.release()
            except LockError:  # the lease ran out while the turn was running
                pass
            except (RedisError, OSError):  # Redis went away mid-turn: the lease frees it
                pass

    async def begin_turn(self, conversation_id: str, answer_key: str | None, *, timeout_seconds: float) -> TurnStart:
        keys = [self._key("lock", conversation_id), self._key("tracker", conversation_id)]
        if answer_key is not None:
            keys.append(self._key("answer", answer_key))
        token = uuid.uuid4().hex
        lease_ms = int(LOCK_LEASE_SECONDS * 1000)
        give_up = time.monotonic() + timeout_seconds
        while True:
            found = await reach(self._begin(keys=keys, args=[token, lease_ms]))
            if found[0] == 1:
                return TurnStart(answer=list(json.loads(found[1])))
            if found[0] == 0:
                tracker = None if len(found) < 2 or found[1] is None else dict(json.loads(found[1]))
                return TurnStart(tracker=tracker, hold=(keys, token))
            if time.monotonic() >= give_up:
                raise LockTimeout(f"lock {conversation_id} busy for {timeout_seconds}s")
            await asyncio.sleep(LOCK_POLL_SECONDS)

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
        hold, start.hold = start.hold, None
        if hold is None:
            return
        keys, token = hold
        args = [
            token,
            "" if tracker is None else json.dumps(tracker, ensure_ascii=False),
            max(1, int(tracker_ttl_seconds * 1000)),
            json.dumps(answer, ensure_ascii=False),
            max(1, int(answer_ttl_seconds * 1000)),
        ]
        await reach(self._finish(keys=keys if answer_key is not None else keys[:2], args=args))

    async def release_turn(self, start: TurnStart) -> None:
        hold, start.hold = start.hold, None
        if hold is None:
            return
        keys, token = hold
        try:
            await self._finish(keys=keys[:2], args=[token, "", 1, "", 1])
        except (RedisError, OSError):  # Redis went away mid-turn: the lease frees it
            pass

    async def ping(self) -> None:
        await reach(self._client.ping())

    async def close(self) -> None:
        await self._client.aclose()

    def _key(self, kind: str, name: str) -> str:
        return f"{self._prefix}{kind}:{name}"
