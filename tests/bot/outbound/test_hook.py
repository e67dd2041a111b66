"""Outbound sending wired into the real app: a WeChat answer that misses the window goes
through the outbox, the queue and the worker to the customer-service API (a real local
HTTP server) exactly once; a notice committed by any unit of work is queued at commit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from backend.models import Citizen
from backend.models.outbound import OutboundMessage
from backend.services.notices.outbox import notify
from bot.app import create_app
from bot.config import TwilioSettings, WeChatSettings, load_settings
from bot.outbound.hook import Outbound
from bot.runtime import Runtime, build_runtime
from channels.messages import Message, Reply
from tests.conftest import NOW
from tests.utils.conversation import make_processor, make_store, trained_nlu
from tests.utils.vendor_server import VendorServer, vendor_server
from tests.utils.wechat_push import WeChatServer, text_xml

TOKEN = "hook-test-token"


class Slow:
    """The real turn processor behind a delay, as when the database or NLU is slow."""

    def __init__(self, processor: Any, delay: float) -> None:
        self.processor = processor
        self.delay = delay
        self.calls = 0

    async def handle(self, message: Message) -> list[Reply]:
        self.calls += 1
        await asyncio.sleep(self.delay)
        replies: list[Reply] = await self.processor.handle(message)
        return replies


@pytest.fixture
def server() -> Iterator[VendorServer]:
    with vendor_server() as server:
        yield server


@pytest.fixture
def app_runtime(engine: Engine, sessions: sessionmaker[Session], server: VendorServer) -> Runtime:
    settings = load_settings(
        database_url=str(engine.url.render_as_string(hide_password=False)),
        seed_on_empty=False,
        redis_url=None,
        wechat=WeChatSettings(
            token=TOKEN, app_id="wxhook", app_secret="s", api_base_url=server.url, reply_budget_seconds=0.3
        ),
        twilio=TwilioSettings(
            auth_token="t", account_sid="ACtest", from_number="+8659112328", api_base_url=server.url
        ),
    )
    runtime = build_runtime(settings, engine=engine, sessions=sessions, prepare_database=False)
    store, _ = make_store("memory")
    runtime.extras["nlu"] = trained_nlu()
    runtime.extras["state_store"] = store
    return runtime


def outbound(runtime: Runtime) -> Outbound:
    found: Outbound = runtime.extras["outbound"]
    return found


def wait_for_job(runtime: Runtime, seconds: float = 10.0) -> None:
    queue = outbound(runtime).queue
    deadline = time.monotonic() + seconds
    while len(queue) == 0:  # type: ignore[arg-type]
        assert time.monotonic() < deadline, "no outbound job queued"
        time.sleep(0.02)
    time.sleep(0.1)  # let the committing thread finish closing its session


def test_late_wechat_answer_goes_once_through_queue_and_customer_service_api(
    app_runtime: Runtime, server: VendorServer, sessions: sessionmaker[Session]
) -> None:
    slow = Slow(make_processor(app_runtime, app_runtime.extras["state_store"]), delay=0.8)
    app_runtime.extras["processor"] = slow
    with TestClient(create_app(runtime=app_runtime)) as client:
        assert not outbound(app_runtime).threaded  # one shared test connection: the test drives the worker
        wechat = WeChatServer(client, token=TOKEN)
        xml = text_xml("oHookVillager", "你好", "77001", create_time=int(time.time()))
        assert wechat.push(xml).text == "success"
        assert [wechat.push(xml).text for _ in range(3)] == ["success"] * 3  # WeChat's retries
        wait_for_job(app_runtime)
        assert outbound(app_runtime).worker.drain() == ["sent"]
        assert outbound(app_runtime).worker.drain() == []
    [sent] = server.calls("/cgi-bin/message/custom/send")
    assert sent.json()["touser"] == "oHookVillager"
    assert sent.json()["text"]["content"]
    assert slow.calls == 1
    with sessions() as session:
        rows = session.scalars(select(OutboundMessage).where(OutboundMessage.to == "oHookVillager")).all()
        assert [(r.kind, r.status, r.event_key) for r in rows] == [("reply", "sent", "wechat-reply:77001")]


def test_notice_committed_anywhere_is_queued_and_sent(
    app_runtime: Runtime, server: VendorServer, sessions: sessionmaker[Session]
) -> None:
    app_runtime.extras["processor"] = make_processor(app_runtime, app_runtime.extras["state_store"])
    with TestClient(create_app(runtime=app_runtime)):
        with app_runtime.unit_of_work() as session:
            person = Citizen(mobile="13905981299", sms_opt_out=False)
            session.add(person)
            session.flush()
            notify(
                session,
                citizen_id=person.id,
                event_key="complaint_followup:C20261120001",
                kind="complaint_followup",
                text_short="【村通】工单C20261120001已办结。请回复1到5打分。",
                text_rich="满意度回访\n工单号：C20261120001",
                now=NOW,  # daytime: not held for quiet hours whenever the suite runs
            )
            assert len(outbound(app_runtime).queue) == 0  # type: ignore[arg-type]  # not before the commit
        assert len(outbound(app_runtime).queue) == 1  # type: ignore[arg-type]
        assert outbound(app_runtime).worker.drain() == ["sent"]
    [sms] = server.calls("/2010-04-01/Accounts/ACtest/Messages.json")
    assert sms.form()["Body"] == "【村通】工单C20261120001已办结。请回复1到5打分。"
