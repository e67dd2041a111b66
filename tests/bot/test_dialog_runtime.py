"""The start-up hook that builds the conversation store and the turn processor."""

from __future__ import annotations

import anyio
import pytest

from bot import dialog_runtime
from bot.processor import Processor
from bot.runtime import Runtime
from bot.state.memory import MemoryStateStore
from bot.state.redis import RedisStateStore
from tests.utils.conversation import forget_redis_keys, redis_url, trained_nlu


def test_builds_an_in_process_store_and_a_processor(runtime: Runtime) -> None:
    runtime.settings = runtime.settings.model_copy(
        update={"redis_url": None, "conversation_idle_minutes": 45}
    )
    runtime.extras["nlu"] = trained_nlu()
    dialog_runtime.attach(runtime)
    processor = runtime.extras["processor"]
    assert isinstance(runtime.extras["state_store"], MemoryStateStore)
    assert isinstance(processor, Processor) and processor.idle_seconds == 45 * 60
    assert processor.store is runtime.extras["state_store"] and processor.nlu is runtime.extras["nlu"]
    dialog_runtime.detach(runtime)
    assert "processor" not in runtime.extras and "state_store" not in runtime.extras


def test_keeps_what_a_test_brought(runtime: Runtime) -> None:
    store = MemoryStateStore()
    runtime.extras.update(nlu=trained_nlu(), state_store=store)
    dialog_runtime.attach(runtime)
    assert runtime.extras["processor"].store is store
    dialog_runtime.detach(runtime)
    assert runtime.extras["state_store"] is store  # not ours to close


@pytest.mark.skipif(not redis_url(), reason="TEST_REDIS_URL not set")
def test_uses_redis_under_the_given_prefix(runtime: Runtime) -> None:
    runtime.settings = runtime.settings.model_copy(update={"redis_url": redis_url()})
    runtime.extras.update(nlu=trained_nlu(), state_prefix="cuntong-test:hook:")
    dialog_runtime.attach(runtime)
    store = runtime.extras["state_store"]
    assert isinstance(store, RedisStateStore)

    async def round_trip() -> object:
        await store.save_tracker("rest:x", {"turns": 1}, ttl_seconds=5)
        found = await store.load_tracker("rest:x")
        await store.close()
        return found

    assert anyio.run(round_trip) == {"turns": 1}
    forget_redis_keys("cuntong-test:hook:")
