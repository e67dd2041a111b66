"""The Rasa-compatible REST channel (docs/CONTRACTS.md §2), on the whole app: request and
answer shapes, bad requests refused before any turn runs, and de-duplication by id."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import ConversationEvent
from bot.app import create_app
from bot.runtime import Runtime
from channels.messages import Button, Message, Reply
from channels.rest import RestInput, RestOutput
from tests.utils.conversation import forget_redis_keys, make_processor, make_store, trained_nlu

URL = "/webhooks/rest/webhook"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    store, prefix = make_store()
    runtime.extras.update(nlu=trained_nlu(), state_store=store, processor=make_processor(runtime, store))
    with TestClient(create_app(runtime=runtime)) as test_client:
        yield test_client
        test_client.portal.call(store.close)  # type: ignore[union-attr]
    forget_redis_keys(prefix)


def test_a_turn_answers_in_rasa_shape(client: TestClient) -> None:
    response = client.post(
        URL, json={"sender": "web-1", "message": "我要订车，明天早上8点半从嵩口去县城，两个人"}
    )
    assert response.status_code == 200
    (reply,) = response.json()
    assert reply["recipient_id"] == "web-1"
    assert reply["text"] == "请留一个手机号，方便司机联系您。"
    assert "buttons" not in reply  # Rasa leaves the key out when a reply has no buttons
    (asked,) = client.post(URL, json={"sender": "web-1", "message": "13905987001"}).json()
    assert asked["text"].startswith("验证码已发到尾号7001，请回复6位数字")
    (reply,) = client.post(URL, json={"sender": "web-1", "message": "不验证"}).json()
    assert reply["text"].endswith("请确认：明天(11月21日)08:30 嵩口镇→清流县城 2人，村通约车，派好车后告诉您车牌和司机")
    assert reply["buttons"][:2] == [{"title": "确认", "payload": "1"}, {"title": "修改", "payload": "2"}]
    assert [b["title"] for b in reply["buttons"][2:]] == ["改坐07:39的1路", "改坐09:34的1路"]
    (done,) = client.post(URL, json={"sender": "web-1", "message": "1"}).json()
    assert done["custom"]["card"]["type"] == "booking"
    assert done["custom"]["card"]["origin"] == "嵩口镇"


def test_the_button_payload_works_as_the_answer(client: TestClient) -> None:
    (menu,) = client.post(URL, json={"sender": "web-2", "message": "菜单"}).json()
    parcel = next(b for b in menu["buttons"] if b["title"] == "查快递")
    (asked,) = client.post(URL, json={"sender": "web-2", "message": parcel["payload"]}).json()
    assert "快递单号" in asked["text"]


def test_health(client: TestClient) -> None:
    assert client.get("/webhooks/rest/").json() == {"status": "ok"}


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "web-3"},
        {"sender": "", "message": "你好"},
        {"sender": "   ", "message": "你好"},
        {"sender": "web-3", "message": "长" * 2001},
        {"sender": "x" * 129, "message": "你好"},
        {"sender": "web-3", "message": 12},
    ],
)
def test_bad_requests_are_refused_and_leave_nothing(client: TestClient, session: Session, body: dict) -> None:
    before = session.scalar(select(func.count()).select_from(ConversationEvent))
    assert client.post(URL, json=body).status_code == 422
    assert session.scalar(select(func.count()).select_from(ConversationEvent)) == before


def test_not_json_is_refused(client: TestClient) -> None:
    response = client.post(URL, content=b"sender=a&message=b", headers={"content-type": "text/plain"})
    assert response.status_code == 422


def test_a_repeated_message_id_is_answered_once(client: TestClient, session: Session) -> None:
    body = {"sender": "web-4", "message": "我要投诉", "metadata": {"message_id": "widget-77"}}
    first = client.post(URL, json=body).json()
    second = client.post(URL, json=body).json()
    assert first == second
    session.expire_all()
    count = (
        select(func.count())
        .select_from(ConversationEvent)
        .where(ConversationEvent.conversation_id == "rest:web-4", ConversationEvent.type == "user")
    )
    assert session.scalar(count) == 1


def test_the_channel_alone_hands_messages_to_on_message() -> None:
    seen: list[Message] = []

    async def on_message(message: Message) -> list[Reply]:
        seen.append(message)
        return [Reply(text="请确认", buttons=(Button("确认", "1"),), card={"id": "B1"}, action="handoff")]

    app = FastAPI()
    app.include_router(RestInput.from_settings(object()).router(on_message))
    with TestClient(app) as test_client:
        body = {"sender": "w", "message": "你好", "message_id": "m-1", "metadata": {"page": "home"}}
        answer = test_client.post(URL, json=body).json()
    assert answer == [
        {
            "recipient_id": "w",
            "text": "请确认",
            "buttons": [{"title": "确认", "payload": "1"}],
            "custom": {"card": {"id": "B1"}, "action": "handoff"},
        }
    ]
    (message,) = seen
    assert (message.channel, message.sender, message.text, message.message_id) == ("rest", "w", "你好", "m-1")
    assert message.metadata == {"page": "home"} and message.received_at.tzinfo is not None
    assert message.received_at <= datetime.now(UTC)


def test_output_without_extras() -> None:
    rendered = RestOutput.render("w", Reply(text="好的"))
    assert rendered.model_dump(exclude_none=True) == {"recipient_id": "w", "text": "好的"}


def test_sender_is_optional_as_in_rasa(client: TestClient) -> None:
    (reply,) = client.post(URL, json={"message": "你好"}).json()
    assert reply["recipient_id"] == "default" and reply["text"]
