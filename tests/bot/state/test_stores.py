"""The state-store contract, run on the in-process store and (with TEST_REDIS_URL) on
Redis: trackers expire when idle, cached answers come back, a sender's lock is exclusive
while different senders' locks are independent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.state.base import LockTimeout, StateStore
from bot.state.memory import MemoryStateStore
from tests.utils.conversation import forget_redis_keys, make_store, redis_url

pytestmark = pytest.mark.anyio
KINDS = [
    "memory",
    pytest.param("redis", marks=pytest.mark.skipif(not redis_url(), reason="TEST_REDIS_URL not set")),
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest) -> AsyncIterator[StateStore]:
    made, prefix = make_store(request.param)
    yield made
    await made.close()
    forget_redis_keys(prefix)


async def test_tracker_round_trip_and_delete(store: StateStore) -> None:
    assert await store.load_tracker("rest:a") is None
    await store.save_tracker("rest:a", {"active": {"name": "book_ride"}, "slots": ["嵩口镇"]}, ttl_seconds=60)
    assert await store.load_tracker("rest:a") == {"active": {"name": "book_ride"}, "slots": ["嵩口镇"]}
    assert await store.load_tracker("rest:b") is None
    await store.delete_tracker("rest:a")
    assert await store.load_tracker("rest:a") is None


async def test_tracker_expires_when_idle(store: StateStore) -> None:
    await store.save_tracker("rest:a", {"turns": 1}, ttl_seconds=0.2)
    assert await store.load_tracker("rest:a") == {"turns": 1}
    await asyncio.sleep(0.3)
    assert await store.load_tracker("rest:a") is None


async def test_saving_again_renews_the_idle_time(store: StateStore) -> None:
    await store.save_tracker("rest:a", {"turns": 1}, ttl_seconds=0.3)
    await asyncio.sleep(0.2)
    await store.save_tracker("rest:a", {"turns": 2}, ttl_seconds=0.3)
    await asyncio.sleep(0.2)
    assert await store.load_tracker("rest:a") == {"turns": 2}


async def test_cached_answer(store: StateStore) -> None:
    assert await store.cached_answer("sms:1390:SM1") is None
    answer = [{"text": "预约成功", "buttons": [{"title": "确认", "payload": "1"}]}]
    await store.cache_answer("sms:1390:SM1", answer, ttl_seconds=60)
    assert await store.cached_answer("sms:1390:SM1") == answer
    assert await store.cached_answer("sms:1390:SM2") is None


async def test_lock_is_exclusive_per_sender(store: StateStore) -> None:
    order: list[str] = []

    async def turn(name: str, sender: str, pause: float) -> None:
        async with store.lock(sender):
            order.append(f"{name}+")
            await asyncio.sleep(pause)
            order.append(f"{name}-")

    await asyncio.gather(turn("a1", "rest:a", 0.15), turn("a2", "rest:a", 0.0))
    assert order in (["a1+", "a1-", "a2+", "a2-"], ["a2+", "a2-", "a1+", "a1-"])


async def test_different_senders_do_not_wait_for_each_other(store: StateStore) -> None:
    inside: list[str] = []

    async def turn(sender: str) -> None:
        async with store.lock(sender):
            inside.append(sender)
            await asyncio.sleep(0.2)

    started = asyncio.get_running_loop().time()
    await asyncio.gather(turn("rest:a"), turn("rest:b"))
    assert sorted(inside) == ["rest:a", "rest:b"]
    assert asyncio.get_running_loop().time() - started < 0.35


async def test_lock_times_out(store: StateStore) -> None:
    async with store.lock("rest:a"):
        with pytest.raises(LockTimeout):
            async with store.lock("rest:a", timeout_seconds=0.1):
                pass  # pragma: no cover


async def test_lock_is_released_after_an_error(store: StateStore) -> None:
    with pytest.raises(ValueError):
        async with store.lock("rest:a"):
            raise ValueError("turn failed")
    async with store.lock("rest:a", timeout_seconds=0.5):
        pass


async def test_memory_store_sweeps_expired_entries() -> None:
    clock = [0.0]
    store = MemoryStateStore(timer=lambda: clock[0])
    await store.save_tracker("rest:old", {"turns": 1}, ttl_seconds=10)
    clock[0] = 100.0
    await store.save_tracker("rest:new", {"turns": 1}, ttl_seconds=10)
    assert "rest:old" not in store._trackers
    assert await store.load_tracker("rest:new") == {"turns": 1}
