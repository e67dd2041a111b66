"""The in-process answer cache has a size cap (issue 11 §10): thousands of messages keep
at most `max_answers` answers, the newest ones, and the newest still de-duplicate."""

from __future__ import annotations

import asyncio

from bot.state.memory import MAX_ANSWERS, MemoryStateStore


def test_the_answer_cache_keeps_only_the_newest() -> None:
    store = MemoryStateStore(max_answers=100)

    async def run() -> None:
        for i in range(3000):
            await store.cache_answer(f"sender{i}:msg{i}", [{"text": "好的" * 50}], ttl_seconds=86400)
        assert await store.cached_answer("sender2999:msg2999") == [{"text": "好的" * 50}]
        assert await store.cached_answer("sender0:msg0") is None

    asyncio.run(run())
    assert len(store._answers) == 100


def test_the_default_cap_is_bounded() -> None:
    store = MemoryStateStore()

    async def run() -> None:
        for i in range(MAX_ANSWERS + 500):
            await store.cache_answer(f"k{i}", [], ttl_seconds=86400)

    asyncio.run(run())
    assert len(store._answers) == MAX_ANSWERS
