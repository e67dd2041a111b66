"""The Redis ledger on a real server (TEST_REDIS_URL, else a local one; skipped without)."""

from __future__ import annotations

import asyncio
import uuid

from channels.ledger.redis import RedisLedger
from tests.utils.redis_server import REDIS_URL, redis_or_skip


def test_first_value_wins_across_clients() -> None:
    redis_or_skip().close()
    prefix = f"test:{uuid.uuid4().hex}:"

    async def run() -> list[str | None]:
        one, two = (
            RedisLedger.from_url(REDIS_URL, prefix=prefix),
            RedisLedger.from_url(REDIS_URL, prefix=prefix),
        )
        results = [
            await one.put_if_absent("deferred:1", "a", ttl_seconds=0.2),
            await two.put_if_absent("deferred:1", "b", ttl_seconds=0.2),
            await two.get("deferred:1"),
        ]
        await asyncio.sleep(0.3)
        results.append(await one.get("deferred:1"))
        return results

    assert asyncio.run(run()) == ["a", "a", "a", None]
