"""The Redis queue: ready / processing / delayed lists on a real Redis server
(TEST_REDIS_URL, else a local one; skipped when there is none)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from bot.outbound.base import OutboundJob
from bot.outbound.redis_queue import RedisQueue
from tests.utils.redis_server import EpochClock, redis_or_skip


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    client = redis_or_skip()
    yield client
    client.close()


@pytest.fixture
def clock() -> EpochClock:
    return EpochClock()


@pytest.fixture
def queue(client: redis.Redis, clock: EpochClock) -> Iterator[RedisQueue]:
    prefix = f"test:{uuid.uuid4().hex}:"
    yield RedisQueue(client, prefix=prefix, clock=clock)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_put_reserve_ack(queue: RedisQueue) -> None:
    queue.put(OutboundJob(1))
    queue.put(OutboundJob(2))
    first = queue.reserve(timeout_seconds=0.1)
    assert first is not None and first.record_id == 1
    assert queue.pending() == {"ready": 1, "processing": 1, "delayed": 0}
    queue.ack(first)
    assert queue.pending()["processing"] == 0


def test_delayed_jobs_wait_until_due(queue: RedisQueue, clock: EpochClock) -> None:
    queue.put(OutboundJob(5), delay_seconds=60)
    assert queue.reserve(timeout_seconds=0.05) is None
    clock.value += 61
    job = queue.reserve(timeout_seconds=0.05)
    assert job is not None and job.record_id == 5


def test_recover_returns_unacknowledged_jobs(
    queue: RedisQueue, client: redis.Redis, clock: EpochClock
) -> None:
    queue.put(OutboundJob(9))
    assert queue.reserve(timeout_seconds=0.1) is not None  # a worker took it and crashed
    other = RedisQueue(client, prefix=queue._ready.removesuffix("ready"), clock=clock)
    assert other.recover() == 1
    job = other.reserve(timeout_seconds=0.1)
    assert job is not None and job.record_id == 9
