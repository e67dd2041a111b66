from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.routes.nlu import MAX_TEXT_CHARS, router
from tests.nlu.trained import trained_model


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.nlu = trained_model(tmp_path_factory.mktemp("route-model"))[0]
    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client


def test_parse_returns_the_contract_result(client: TestClient) -> None:
    response = client.post(
        "/model/parse", json={"text": "明天8点从嵩口去县城", "now": "2026-11-20T09:00:00+08:00"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["intent"]["name"] == "book_ride"
    assert [(e["entity"], e["value"], e["start"], e["end"]) for e in body["entities"]] == [
        ("time", "2026-11-21T08:00:00+08:00", 0, 4),
        ("origin", "嵩口镇", 5, 7),
        ("destination", "清流县城", 8, 10),
    ]


def test_now_is_optional(client: TestClient) -> None:
    response = client.post("/model/parse", json={"text": "转人工", "message_id": "m1"})
    assert response.status_code == 200
    assert response.json()["intent"]["name"] == "human_agent"


@pytest.mark.parametrize("text", ["", "   \n", "长" * (MAX_TEXT_CHARS + 1)])
def test_empty_or_oversized_text_is_422(client: TestClient, text: str) -> None:
    response = client.post("/model/parse", json={"text": text})
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"text": 5}, {"text": "你好", "now": "soon"}])
def test_malformed_body_is_422(client: TestClient, body: dict) -> None:  # type: ignore[type-arg]
    assert client.post("/model/parse", json=body).status_code == 422


@pytest.mark.parametrize("text", ["😀😀", "\x00\x01\x02", "I want 去 嵩口", "长" * MAX_TEXT_CHARS])
def test_odd_text_gets_a_valid_parse(client: TestClient, text: str) -> None:
    response = client.post("/model/parse", json={"text": text})
    assert response.status_code == 200
    assert response.json()["text"] == text


def test_without_a_model_the_route_answers_503() -> None:
    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as bare:
        assert bare.post("/model/parse", json={"text": "你好"}).status_code == 503
