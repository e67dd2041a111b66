"""Redis lost mid-run (issue 11 §6), with a real Redis the test kills and starts again:
REST answers 503 with Retry-After (not a bare 500), WeChat answers `success` and sends the
answer through the customer-service queue once Redis is back, `/health` tells liveness
from readiness, and everything works again when Redis returns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import OutboundMessage
from bot.app import create_app
from bot.config import WeChatSettings
from bot.runtime import Runtime
from tests.utils.own_redis import OwnRedis
from tests.utils.wechat_push import WeChatServer, text_xml

WECHAT_TOKEN = "outage-wechat-token"
OPENID = "oOutageVillager000000000001"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def say(client: TestClient, text: str, message_id: str):  # type: ignore[no-untyped-def]
    return client.post("/webhooks/rest/webhook", json={"sender": "outage-test", "message": text, "message_id": message_id})


def test_redis_outage_and_recovery(runtime: Runtime, own_redis: OwnRedis, session: Session) -> None:
    runtime.settings = runtime.settings.model_copy(
        update={"redis_url": own_redis.url, "wechat": WeChatSettings(token=WECHAT_TOKEN, reply_budget_seconds=0.5)}
    )
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as client:
        assert say(client, "你好", "o1").status_code == 200
        ready = client.get("/health").json()
        assert (ready["status"], ready["database"], ready["redis"]) == ("ok", "ok", "ok")

        own_redis.kill()
        down = say(client, "明天去县城", "o2")
        assert down.status_code == 503 and down.headers["Retry-After"] == "5"
        assert "稍后" in down.json()["detail"] or "秒后" in down.json()["detail"]
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["redis"] == "unavailable"
        assert health.json()["database"] == "ok" and "Retry-After" in health.headers
        assert client.get("/health/live").status_code == 200

        pushed = WeChatServer(client, token=WECHAT_TOKEN).push(text_xml(OPENID, "查一下班车", "71001"))
        assert pushed.status_code == 200 and pushed.text == "success"

        own_redis.start()
        assert say(client, "明天去县城", "o2").status_code == 200
        assert client.get("/health").status_code == 200
        deadline = time.monotonic() + 30
        late: list[OutboundMessage] = []
        while time.monotonic() < deadline and not late:
            time.sleep(0.5)
            session.expire_all()
            late = list(session.scalars(select(OutboundMessage).where(OutboundMessage.to == OPENID)))
        assert late and late[0].channel == "wechat" and late[0].body
