"""Redis ledger shared by every web process (REDIS_URL set): `SET key value NX PX ttl`,
under a prefix (`cuntong:ledger:` by default).

While Redis cannot be reached the ledger carries on in process memory (a `MemoryLedger`)
and says so in the log: a WeChat push is then still checked against the nonces this
process saw, and the service keeps answering instead of failing every push.
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from channels.ledger.base import Ledger
from channels.ledger.memory import MemoryLedger

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT_SECONDS = 3.0


class RedisLedger(Ledger):
    def __init__(self, client: Redis, *, prefix: str = "cuntong:ledger:") -> None:
        self._client = client
        self._prefix = prefix
        self._fallback = MemoryLedger()

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "cuntong:ledger:") -> RedisLedger:
        client = Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=SOCKET_TIMEOUT_SECONDS
        )
        return cls(client, prefix=prefix)

    async def get(self, key: str) -> str | None:
        try:
            raw = await self._client.get(self._prefix + key)
        except (RedisError, OSError) as exc:
            self._warn(exc)
            return await self._fallback.get(key)
        if raw is None:
            return await self._fallback.get(key)
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    async def put_if_absent(self, key: str, value: str, *, ttl_seconds: float) -> str:
        try:
            stored = await self._client.set(self._prefix + key, value, nx=True, px=max(1, int(ttl_seconds * 1000)))
            if stored:
                return value
            current = await self._client.get(self._prefix + key)
        except (RedisError, OSError) as exc:
            self._warn(exc)
            return await self._fallback.put_if_absent(key, value, ttl_seconds=ttl_seconds)
        if current is None:
            return value
        return current.decode() if isinstance(current, bytes) else str(current)

    @staticmethod
    def _warn(exc: BaseException) -> None:
        logger.warning("Redis ledger unreachable (%s): keeping records in this process", type(exc).__name__)
