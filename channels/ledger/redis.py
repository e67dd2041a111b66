"""Redis ledger shared by every web process (REDIS_URL set): `SET key value NX PX ttl`,
under a prefix (`cuntong:ledger:` by default)."""

from __future__ import annotations

from redis.asyncio import Redis

from channels.ledger.base import Ledger


class RedisLedger(Ledger):
    def __init__(self, client: Redis, *, prefix: str = "cuntong:ledger:") -> None:
        self._client = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "cuntong:ledger:") -> RedisLedger:
        return cls(Redis.from_url(url), prefix=prefix)

    async def get(self, key: str) -> str | None:
        raw = await self._client.get(self._prefix + key)
        return None if raw is None else raw.decode() if isinstance(raw, bytes) else str(raw)

    async def put_if_absent(self, key: str, value: str, *, ttl_seconds: float) -> str:
        stored = await self._client.set(
            self._prefix + key, value, nx=True, px=max(1, int(ttl_seconds * 1000))
        )
        if stored:
            return value
        current = await self.get(key)
        return value if current is None else current
