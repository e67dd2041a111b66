"""One body limit for every route (issue 11 §2): 64 KB by default, MAX_BODY_BYTES to
change it, 413 for a declared or a chunked body above it, before the route runs."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.runtime import Runtime


def big_rest_body(size: int) -> bytes:
    return json.dumps({"sender": "limit-test", "message": "你好", "metadata": {"blob": "x" * size}}).encode()


def chunks(body: bytes, size: int = 4096) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize(
    "path",
    ["/webhooks/rest/webhook", "/model/parse", "/api/bookings", "/console/login", "/wechat", "/sms/inbound"],
)
def test_a_megabyte_is_refused_everywhere(client: TestClient, path: str) -> None:
    response = client.post(
        path, content=big_rest_body(1_000_000), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "上限 65536 字节" in response.json()["detail"]


def test_a_chunked_body_is_counted_as_it_arrives(client: TestClient) -> None:
    response = client.post(
        "/webhooks/rest/webhook",
        content=chunks(big_rest_body(200_000)),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


def test_a_body_under_the_limit_passes(client: TestClient) -> None:
    response = client.post(
        "/webhooks/rest/webhook", content=big_rest_body(30_000), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200 and response.json()


def test_the_limit_is_a_setting(runtime: Runtime) -> None:
    runtime.settings = runtime.settings.model_copy(update={"max_body_bytes": 2048})
    with TestClient(create_app(runtime=runtime)) as small:
        assert (
            small.post(
                "/webhooks/rest/webhook",
                content=big_rest_body(4000),
                headers={"content-type": "application/json"},
            ).status_code
            == 413
        )
        assert (
            small.post(
                "/webhooks/rest/webhook",
                content=chunks(big_rest_body(4000), 512),
                headers={"content-type": "application/json"},
            ).status_code
            == 413
        )
        assert (
            small.post("/webhooks/rest/webhook", json={"sender": "s", "message": "你好"}).status_code == 200
        )
