"""Fixtures for conversation tests: the app with a turn processor on a fixed clock
(2026-11-20 09:00) and a state store of the test's own, and a `chat` helper that posts
to the REST channel as a web chat widget does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.runtime import Runtime
from bot.state.base import StateStore
from tests.utils.clocked_chat import chat_at  # noqa: F401  (conversations at any hour)
from tests.utils.conversation import (
    assert_plain,
    forget_redis_keys,
    make_processor,
    make_store,
    sent_code,
    trained_nlu,
)


class Chat:
    """Talks to the REST channel; remembers the last replies."""

    def __init__(self, client: TestClient, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime
        self.last: list[dict[str, Any]] = []

    def send(self, sender: str, text: str, *, message_id: str | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": text}
        if message_id:
            body["message_id"] = message_id
        response = self.client.post("/webhooks/rest/webhook", json=body)
        assert response.status_code == 200, response.text
        self.last = response.json()
        for reply in self.last:
            assert_plain(reply.get("text") or "")
        return self.last

    def code(self, mobile: str | None = None) -> str:
        """The newest one-time code texted (to `mobile`)."""
        with self.runtime.sessions() as session:
            return sent_code(session, mobile)

    def text(self) -> str:
        return "\n".join(reply["text"] for reply in self.last)

    def tracker(self, sender: str) -> dict[str, Any] | None:
        store: StateStore = self.runtime.extras["state_store"]
        result: dict[str, Any] | None = self.client.portal.call(store.load_tracker, f"rest:{sender}")  # type: ignore[union-attr]
        return result


@pytest.fixture
def store() -> Iterator[StateStore]:
    made, prefix = make_store()
    yield made
    forget_redis_keys(prefix)


@pytest.fixture
def chat(runtime: Runtime, store: StateStore) -> Iterator[Chat]:
    runtime.extras["nlu"] = trained_nlu()
    runtime.extras["state_store"] = store
    runtime.extras["processor"] = make_processor(runtime, store)
    with TestClient(create_app(runtime=runtime)) as client:
        yield Chat(client, runtime)
        client.portal.call(store.close)  # type: ignore[union-attr]
