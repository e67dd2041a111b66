"""The outbound worker against real senders and a real local HTTP server: one send per
row, retries with backoff, final failures and opt-outs recorded, quiet-hour holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.db import session_scope
from backend.models import ChannelIdentity, Citizen
from backend.models.outbound import OutboundMessage
from backend.services.notices.outbox import NoticePolicy, notify, queue_reply
from bot.config import TwilioSettings, WeChatSettings, load_settings
from bot.outbound.memory import MemoryQueue
from bot.outbound.twilio_sender import TwilioRestSender
from bot.outbound.wechat_sender import WeChatSender
from bot.outbound.worker import OutboundWorker
from channels.wechat import WeChatOutput
from tests.bot.outbound.conftest import Clock
from tests.utils.vendor_server import VendorServer, vendor_server

SMS_PATH = "/2010-04-01/Accounts/ACtest/Messages.json"
UnitOfWork = Callable[[], AbstractContextManager[Session]]
POLICY = NoticePolicy(wechat_enabled=True)


@pytest.fixture
def server() -> Iterator[VendorServer]:
    with vendor_server() as server:
        yield server


@pytest.fixture
def worker(unit_of_work: UnitOfWork, server: VendorServer, clock: Clock) -> Iterator[OutboundWorker]:
    sms = TwilioRestSender(
        account_sid="ACtest", auth_token="secret", from_number="+8659112328", api_base_url=server.url
    )
    settings = load_settings(
        wechat=WeChatSettings(token="t", app_id="wxapp", app_secret="s", api_base_url=server.url),
        twilio=TwilioSettings(),
    )
    output = WeChatOutput.from_settings(settings)
    assert output is not None
    senders = {"sms": sms, "wechat": WeChatSender(output, notice_template_id="TPL-notice")}
    queue = MemoryQueue(timer=lambda: clock.now.timestamp())
    yield OutboundWorker(unit_of_work=unit_of_work, queue=queue, senders=senders, clock=clock)
    sms.close()


def write_notice(sessions: sessionmaker[Session], citizen_id: int, key: str, *, at: datetime) -> int:
    with session_scope(sessions) as session:
        row = notify(
            session,
            citizen_id=citizen_id,
            event_key=key,
            kind="booking_confirmed",
            text_short="【村通】预约成功：11月21日08:00从嵩口镇到清流县城，1人。",
            text_rich="预约成功\n行程：11月21日08:00从嵩口镇到清流县城，1人",
            now=at,
            policy=POLICY,
        )
        return row.id


def row(sessions: sessionmaker[Session], record_id: int) -> OutboundMessage:
    with session_scope(sessions) as session:
        found = session.get(OutboundMessage, record_id)
        assert found is not None
        session.expunge(found)
        return found


def test_a_notice_is_sent_once_and_recorded(
    worker: OutboundWorker,
    sessions: sessionmaker[Session],
    villager: Citizen,
    server: VendorServer,
    clock: Clock,
) -> None:
    record_id = write_notice(sessions, villager.id, "booking_confirmed:B202611200001", at=clock.now)
    assert worker.sweep() == 1
    assert worker.drain() == ["sent"]
    worker.enqueue(record_id)  # a duplicate job (a second sweep, a second worker) sends nothing
    worker._recently_queued.clear()
    worker.enqueue(record_id)
    assert worker.drain() == [None]
    [call] = server.calls(SMS_PATH)
    assert call.form()["To"] == "+8613905981234"
    sent = row(sessions, record_id)
    assert (sent.status, sent.attempts, sent.provider_id) == ("sent", 1, "SM0123456789abcdef0123456789abcdef")
    assert sent.sent_at == clock.now


def test_failures_are_retried_with_backoff_then_sent(
    worker: OutboundWorker,
    sessions: sessionmaker[Session],
    villager: Citizen,
    server: VendorServer,
    clock: Clock,
) -> None:
    server.answer(SMS_PATH, (503, {"message": "gateway busy"}))
    record_id = write_notice(sessions, villager.id, "booking_confirmed:B202611200002", at=clock.now)
    worker.sweep()
    assert worker.drain() == ["queued"]
    waiting = row(sessions, record_id)
    assert waiting.error is not None and "503" in waiting.error
    assert waiting.send_after == clock.now + timedelta(seconds=10)
    assert worker.drain() == []  # not due yet
    clock.advance(10)
    assert worker.drain() == ["sent"]
    sent = row(sessions, record_id)
    assert (sent.status, sent.attempts, sent.error) == ("sent", 2, None)
    assert len(server.calls(SMS_PATH)) == 2


def test_refusals_and_exhausted_retries_fail_for_good(
    worker: OutboundWorker,
    sessions: sessionmaker[Session],
    villager: Citizen,
    server: VendorServer,
    clock: Clock,
) -> None:
    server.answer(SMS_PATH, (400, {"message": "Invalid 'To' number"}))
    refused = write_notice(sessions, villager.id, "booking_confirmed:B202611200003", at=clock.now)
    worker.sweep()
    assert worker.drain() == ["failed"]
    assert "Invalid 'To' number" in (row(sessions, refused).error or "")

    server.answer(SMS_PATH, *[(500, {"message": "down"})] * 5)
    down = write_notice(sessions, villager.id, "booking_confirmed:B202611200004", at=clock.now)
    worker.sweep()
    results = []
    for _ in range(5):
        results += worker.drain()
        clock.advance(3600)
    assert results == ["queued"] * 4 + ["failed"]
    assert (row(sessions, down).status, row(sessions, down).attempts) == ("failed", 5)


def test_sms_to_a_number_that_opted_out_is_suppressed(
    worker: OutboundWorker,
    sessions: sessionmaker[Session],
    villager: Citizen,
    server: VendorServer,
    clock: Clock,
) -> None:
    record_id = write_notice(sessions, villager.id, "booking_confirmed:B202611200005", at=clock.now)
    with session_scope(sessions) as session:
        session.get(Citizen, villager.id).sms_opt_out = True  # type: ignore[union-attr]
    worker.sweep()
    assert worker.drain() == ["suppressed"]
    assert server.calls(SMS_PATH) == []
    assert row(sessions, record_id).error == "已退订短信"


def test_answers_to_the_citizens_own_message_still_reach_a_number_that_opted_out(
    worker: OutboundWorker,
    sessions: sessionmaker[Session],
    villager: Citizen,
    server: VendorServer,
) -> None:
    with session_scope(sessions) as session:
        session.get(Citizen, villager.id).sms_opt_out = True  # type: ignore[union-attr]
        answer = queue_reply(
            session, channel="sms", to="13905981234", text="已退订短信通知。", event_key="sms-answer:x:0", kind="answer"
        ).id
    worker.sweep()
    assert worker.drain() == ["sent"]
    assert len(server.calls(SMS_PATH)) == 1 and row(sessions, answer).status == "sent"


def test_quiet_hours_hold_a_notice_until_morning(
    worker: OutboundWorker,
    sessions: sessionmaker[Session],
    villager: Citizen,
    server: VendorServer,
    clock: Clock,
) -> None:
    clock.now = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 23:30 in Qingliu
    record_id = write_notice(sessions, villager.id, "booking_confirmed:B202611200006", at=clock.now)
    assert row(sessions, record_id).send_after == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # 07:00 local
    assert worker.sweep() == 0
    clock.now = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    assert worker.sweep() == 1
    assert worker.drain() == ["sent"]


def test_an_expired_lease_is_freed_by_the_sweep(
    worker: OutboundWorker, sessions: sessionmaker[Session], villager: Citizen, clock: Clock
) -> None:
    record_id = write_notice(sessions, villager.id, "booking_confirmed:B202611200007", at=clock.now)
    with session_scope(sessions) as session:
        stuck = session.get(OutboundMessage, record_id)
        assert stuck is not None
        stuck.status, stuck.send_after = (
            "sending",
            clock.now + timedelta(minutes=10),
        )  # a worker died mid-send
    assert worker.sweep() == 0
    clock.advance(601)
    assert worker.sweep() == 1
    assert worker.drain() == ["sent"]


def test_wechat_notice_falls_back_to_template_outside_48_hours(
    worker: OutboundWorker,
    sessions: sessionmaker[Session],
    villager: Citizen,
    server: VendorServer,
    clock: Clock,
) -> None:
    with session_scope(sessions) as session:
        session.add(ChannelIdentity(citizen_id=villager.id, channel="wechat", external_id="oVillager42"))
    server.answer(
        "/cgi-bin/message/custom/send", (200, {"errcode": 45015, "errmsg": "response out of time limit"})
    )
    record_id = write_notice(sessions, villager.id, "booking_confirmed:B202611200008", at=clock.now)
    worker.sweep()
    assert worker.drain() == ["sent"]
    [template] = server.calls("/cgi-bin/message/template/send")
    assert template.json()["touser"] == "oVillager42"
    assert template.json()["template_id"] == "TPL-notice"
    assert template.json()["data"]["first"] == {"value": "预约成功"}
    assert row(sessions, record_id).provider_id == "200228332"
    with session_scope(sessions) as session:
        channels = session.scalars(
            select(OutboundMessage.channel).where(OutboundMessage.id == record_id)
        ).all()
    assert channels == ["wechat"]
