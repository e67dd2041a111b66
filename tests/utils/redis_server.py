"""The Redis server Redis-backed tests run on (TEST_REDIS_URL, else a local one; such
tests are skipped when there is none), and a clock in epoch seconds the test moves by hand
(what the Redis queue and the access-token cache read the time from)."""

from __future__ import annotations

import os

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_or_skip() -> redis.Redis:
    """A client of the test Redis server; skips the test when the server does not answer."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis server")
    return client


class EpochClock:
    """Seconds since the epoch, fixed until the test changes `value`."""

    def __init__(self) -> None:
        self.value = 1_795_000_000.0

    def __call__(self) -> float:
        return self.value
