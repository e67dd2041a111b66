"""The Redis ledger on a real server (TEST_REDIS_URL, else a local one; skipped without)."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import redis

from channels.ledger.redis import RedisLedger

URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


def test_first_value_wins_across_clients() -> None:
    try:
        redis.Redis.from_url(URL).ping()
    except redis.RedisError:
        pytest.skip("no Redis server")
    prefix = f"test:{uuid.uuid4().hex}:"

    async def run() -> list[str | None]:
        one, two = RedisLedger.from_url(URL, prefix=prefix), RedisLedger.from_url(URL, prefix=prefix)
        results = [
            await one.put_if_absent("deferred:1", "a", ttl_seconds=0.2),
            await two.put_if_absent("deferred:1", "b", ttl_seconds=0.2),
            await two.get("deferred:1"),
        ]
        await asyncio.sleep(0.3)
        results.append(await one.get("deferred:1"))
        return results

    assert asyncio.run(run()) == ["a", "a", "a", None]
