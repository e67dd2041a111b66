"""A REST chat through the real app whose processor's clock is set by the test: for
conversations at several hours of the day (03:00, 09:00, 21:00 …)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.runtime import Runtime
from tests.utils.conversation import assert_plain, forget_redis_keys, make_processor, make_store, trained_nlu


class ClockedChat:
    """Posts to the REST channel; remembers the last replies."""

    def __init__(self, client: TestClient, now: datetime) -> None:
        self.client = client
        self.now = now
        self.last: list[dict[str, Any]] = []

    def send(self, sender: str, text: str) -> str:
        response = self.client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        assert response.status_code == 200, response.text
        self.last = response.json()
        return assert_plain("\n".join(r["text"] for r in self.last))

    def buttons(self) -> list[str]:
        return [b["title"] for reply in self.last for b in reply.get("buttons", [])]


ChatAt = Callable[[datetime], ClockedChat]


@pytest.fixture
def chat_at(runtime: Runtime) -> Iterator[ChatAt]:
    """`chat_at(now)`: a chat on the test's runtime with the clock stopped at `now`."""
    made: list[tuple[TestClient, str]] = []

    def start(now: datetime) -> ClockedChat:
        store, prefix = make_store()
        runtime.extras["nlu"] = trained_nlu()
        runtime.extras["state_store"] = store
        runtime.extras["processor"] = make_processor(runtime, store, now=now)
        client = TestClient(create_app(runtime=runtime))
        client.__enter__()
        made.append((client, prefix))
        return ClockedChat(client, now)

    yield start
    for client, prefix in made:
        client.__exit__(None, None, None)
        forget_redis_keys(prefix)
