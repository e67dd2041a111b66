"""Domestic SMS end to end on the real app: a citizen's reply pushed by Aliyun or Tencent
Cloud (their documented callback payloads) goes through the turn processor, the answer
through the outbox and the worker to the provider's API (a local HTTP server, called by
the providers' own SDKs with their real request signing) as a registered template; the
delivery receipt then marks the row delivered or failed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from backend.db import session_scope
from backend.models import Citizen
from backend.models.outbound import OutboundMessage, OutboundPart
from backend.services.agents import queue as agent_queue
from backend.services.citizens import conversations
from backend.services.notices.outbox import notify
from bot.app import create_app
from bot.config import SmsSettings, load_settings
from bot.outbound.base import Outgoing
from bot.outbound.hook import Outbound
from bot.outbound.setup import build_senders
from bot.runtime import Runtime, build_runtime
from channels.sms_templates import TemplateRegistry
from tests.utils.conversation import make_store, trained_nlu
from tests.utils.vendor_server import VendorServer, vendor_server

TOKEN = "sms-callback-secret"
MOBILE = "13905982468"
# the providers' documented samples (Aliyun SmsUp / SmsReport HTTP push, SendSms answer;
# Tencent Cloud 短信回复 / 短信下发状态 callbacks, SendSms answer)
ALIYUN_UPLINK_SAMPLE = [
    {"phone_number": "1381111****", "send_time": "2017-09-01 00:00:00", "content": "内容",
     "sign_name": "签名", "dest_code": "1234", "sequence_id": 1234567890}
]  # fmt: skip
ALIYUN_SEND_OK = {"Code": "OK", "Message": "OK", "BizId": "9006197469364984400",
                  "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}  # fmt: skip
ALIYUN_REPORT_SAMPLE = [
    {"send_time": "2017-08-30 00:00:00", "report_time": "2017-08-30 00:00:00", "success": True,
     "err_msg": "用户接收成功", "err_code": "DELIVERED", "phone_number": "18612345678", "sms_size": "1",
     "biz_id": "932702304080415357^0", "out_id": "1184585343"}
]  # fmt: skip
TENCENT_UPLINK_SAMPLE = {"extend": "扩展码", "mobile": "13xxxxxxxxx", "nationcode": "86", "sign": "短信签名",
                         "text": "用户回复的内容", "time": 1457336869}  # fmt: skip
TENCENT_SEND_OK = {"Response": {"SendStatusSet": [{
    "SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": "+8613711112222", "Fee": 1,
    "SessionContext": "test", "Code": "Ok", "Message": "send success", "IsoCode": "CN"}],
    "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}}  # fmt: skip
TENCENT_REPORT_SAMPLE = [
    {"user_receive_time": "2015-10-17 08:03:04", "nationcode": "86", "mobile": "13xxxxxxxxx",
     "report_status": "SUCCESS", "errmsg": "DELIVRD", "description": "用户短信送达成功", "sid": "xxxxxxx"}
]  # fmt: skip
SEND_OK = {"aliyun": ALIYUN_SEND_OK, "tencent": TENCENT_SEND_OK}
PROVIDER_ID = {"aliyun": ALIYUN_SEND_OK["BizId"], "tencent": "5000:1045710669157053657849499619"}
OK = {"aliyun": {"code": 0, "msg": "接收成功"}, "tencent": {"result": 0, "errmsg": "OK"}}
PROVIDERS = ["aliyun", "tencent"]


def uplink(provider: str, text: str, at: str, sequence: int) -> Any:
    if provider == "aliyun":
        return [{"phone_number": MOBILE, "send_time": at, "content": text, "sign_name": "村通",
                 "dest_code": "1234", "sequence_id": sequence}]  # fmt: skip
    return {"extend": "", "mobile": MOBILE, "nationcode": "86", "sign": "村通", "text": text, "time": sequence}


def report(provider: str, provider_id: str, *, delivered: bool) -> Any:
    if provider == "aliyun":
        item = {**ALIYUN_REPORT_SAMPLE[0], "phone_number": MOBILE, "biz_id": f"{provider_id}^0", "success": delivered}
        if not delivered:
            item.update(err_code="MK:0001", err_msg="用户关机")
        return [item]
    item = {**TENCENT_REPORT_SAMPLE[0], "mobile": MOBILE, "sid": provider_id}
    if not delivered:
        item.update(report_status="FAIL", errmsg="MK:0001", description="用户关机")
    return [item]


def credentials(provider: str, server: VendorServer) -> dict[str, Any]:
    host = server.url.removeprefix("http://")
    found: dict[str, Any] = {
        "aliyun": {"aliyun_access_key_id": "LTAItest", "aliyun_access_key_secret": "secret",
                   "aliyun_sign_name": "村通", "aliyun_endpoint": host, "aliyun_protocol": "http"},
        "tencent": {"tencent_secret_id": "AKIDtest", "tencent_secret_key": "secret", "tencent_sdk_app_id": "1400000001",
                    "tencent_sign_name": "村通", "tencent_endpoint": host, "tencent_protocol": "http"},
    }[provider]  # fmt: skip
    return found


def sms_settings(provider: str, server: VendorServer | None, **more: Any) -> SmsSettings:
    given = credentials(provider, server) if server else {}
    return SmsSettings(provider=provider, callback_token=TOKEN, **{**given, **more})


def make_runtime(engine: Engine, sessions: sessionmaker[Session], sms: SmsSettings) -> Runtime:
    settings = load_settings(
        database_url=str(engine.url.render_as_string(hide_password=False)),
        seed_on_empty=False,
        redis_url=None,
        sms=sms,
    )
    runtime = build_runtime(settings, engine=engine, sessions=sessions, prepare_database=False)
    runtime.extras["nlu"] = trained_nlu()
    runtime.extras["state_store"] = make_store("memory")[0]
    return runtime


@pytest.fixture
def server() -> Iterator[VendorServer]:
    with vendor_server() as server:
        yield server


def outbound(runtime: Runtime) -> Outbound:
    found: Outbound = runtime.extras["outbound"]
    return found


def drain(runtime: Runtime, seconds: float = 10.0) -> list[str | None]:
    deadline = time.monotonic() + seconds
    while len(outbound(runtime).queue) == 0 and time.monotonic() < deadline:  # type: ignore[arg-type]
        time.sleep(0.02)
    time.sleep(0.1)
    return outbound(runtime).worker.drain()


def rows(sessions: sessionmaker[Session]) -> list[OutboundMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboundMessage).where(OutboundMessage.to == MOBILE)))


def sent_template(provider: str, call: Any) -> tuple[str, dict[str, str] | list[str]]:
    if provider == "aliyun":
        assert call.headers["x-acs-action"] == "SendSms"
        assert call.headers["Authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAItest,")
        assert call.query["SignName"] == ["村通"] and call.query["PhoneNumbers"] == [MOBILE]
        return call.query["TemplateCode"][0], json.loads(call.query["TemplateParam"][0])
    assert call.headers["X-TC-Action"] == "SendSms"
    assert call.headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")
    body = call.json()
    assert body["SmsSdkAppId"] == "1400000001" and body["SignName"] == "村通"
    assert body["PhoneNumberSet"] == [f"+86{MOBILE}"]
    return body["TemplateId"], body["TemplateParamSet"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_reply_is_answered_through_the_provider_as_a_template_and_the_receipt_recorded(
    provider: str, engine: Engine, sessions: sessionmaker[Session], server: VendorServer
) -> None:
    runtime = make_runtime(engine, sessions, sms_settings(provider, server))
    registry = TemplateRegistry.load()
    server.answer("/", *[(200, SEND_OK[provider])] * 20)
    with TestClient(create_app(runtime=runtime)) as client:
        url = f"/sms/{provider}/uplink?token={TOKEN}"
        payload = uplink(provider, "明天嵩口到县城的班车", "2026-11-20 10:00:00", 1001)
        response = client.post(url, json=payload)
        assert response.status_code == 200 and response.json() == OK[provider]
        assert drain(runtime) == ["sent"]
        assert client.post(url, json=payload).json() == OK[provider]  # the provider's retry
        assert drain(runtime, seconds=0.3) == []
        [row] = rows(sessions)
        assert (row.kind, row.status, row.provider_id) == ("answer", "sent", PROVIDER_ID[provider])
        uses = registry.compose(row.body)  # each template its own SMS, in order
        assert uses is not None and "bus_times" in [use.template.kind for use in uses]
        calls = server.calls("/")
        assert len(calls) == len(uses)
        for call, use in zip(calls, uses, strict=True):
            code, values = sent_template(provider, call)
            assert code == use.template.codes[provider]
            assert values == (use.values if provider == "aliyun" else use.ordered_values())
        assert any(" 1路" in use.values.get("line_1", use.values.get("lines", "")) for use in uses)
        receipt = client.post(f"/sms/{provider}/report?token={TOKEN}", json=report(provider, row.provider_id or "", delivered=True))
        assert receipt.json() == OK[provider]
        assert rows(sessions)[0].status == "delivered"
        client.post(f"/sms/{provider}/report?token={TOKEN}", json=report(provider, row.provider_id or "", delivered=False))
        failed = rows(sessions)[0]
        assert failed.status == "failed" and "用户关机" in (failed.error or "")


@pytest.mark.parametrize(
    ("provider", "sample"), [("aliyun", ALIYUN_UPLINK_SAMPLE), ("tencent", TENCENT_UPLINK_SAMPLE)]
)
def test_the_documented_samples_are_accepted_and_answered_in_the_providers_shape(
    provider: str, sample: Any, engine: Engine, sessions: sessionmaker[Session], server: VendorServer
) -> None:
    runtime = make_runtime(engine, sessions, sms_settings(provider, server))
    with TestClient(create_app(runtime=runtime)) as client:
        assert client.post(f"/sms/{provider}/uplink?token={TOKEN}", json=sample).json() == OK[provider]
        reports = ALIYUN_REPORT_SAMPLE if provider == "aliyun" else TENCENT_REPORT_SAMPLE
        assert client.post(f"/sms/{provider}/report?token={TOKEN}", json=reports).json() == OK[provider]
    with sessions() as session:
        answers = session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "answer")).all()
        assert answers and all(a.channel == "sms" for a in answers)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_callbacks_need_the_token(provider: str, engine: Engine, sessions: sessionmaker[Session]) -> None:
    runtime = make_runtime(engine, sessions, sms_settings(provider, None))
    with TestClient(create_app(runtime=runtime)) as client:
        for kind in ("uplink", "report"):
            assert client.post(f"/sms/{provider}/{kind}", json=[]).status_code == 403
            assert client.post(f"/sms/{provider}/{kind}?token=wrong", json=[]).status_code == 403
            bad = client.post(f"/sms/{provider}/{kind}?token={TOKEN}", content=b"not json")
            assert bad.status_code == 400 and bad.json()["detail"]
        missing = client.post(f"/sms/{provider}/uplink?token={TOKEN}", json=[{"content": "你好"}])
        assert missing.status_code == 400
    closed = make_runtime(engine, sessions, SmsSettings(provider=provider))
    with TestClient(create_app(runtime=closed)) as client:
        assert client.post(f"/sms/{provider}/uplink?token=x", json=[]).status_code == 503


@pytest.mark.parametrize("provider", PROVIDERS)
def test_missing_credentials_fail_the_message_with_a_reason_but_start_up_goes_on(
    provider: str, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    runtime = make_runtime(engine, sessions, sms_settings(provider, None))
    with TestClient(create_app(runtime=runtime)) as client:
        client.post(f"/sms/{provider}/uplink?token={TOKEN}", json=uplink(provider, "你好", "2026-11-20 10:01:00", 1002))
        assert drain(runtime) == ["failed"]
    [row] = rows(sessions)
    assert row.status == "failed" and "未配置" in (row.error or "") and "SMS_" in (row.error or "")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_td_stops_notices_but_answers_still_go(
    provider: str, engine: Engine, sessions: sessionmaker[Session], server: VendorServer
) -> None:
    runtime = make_runtime(engine, sessions, sms_settings(provider, server))
    with TestClient(create_app(runtime=runtime)) as client:
        server.answer("/", *[(200, SEND_OK[provider])] * 10)
        client.post(f"/sms/{provider}/uplink?token={TOKEN}", json=uplink(provider, "TD", "2026-11-20 10:02:00", 1003))
        assert drain(runtime) == ["sent"]
        with sessions() as session:
            citizen = session.scalars(select(Citizen).where(Citizen.mobile == MOBILE)).one()
            assert citizen.sms_opt_out is True
            notify(session, citizen_id=citizen.id, event_key="booking_confirmed:B202611200099",
                   kind="booking_confirmed", text_short="【村通】预约成功。", text_rich="预约成功")  # fmt: skip
            session.commit()
        assert drain(runtime, seconds=0.5) in ([], ["suppressed"])
    statuses = {row.kind: row.status for row in rows(sessions)}
    assert statuses["answer"] == "sent"
    assert statuses.get("booking_confirmed", "suppressed") == "suppressed"
    assert "退订" in next(r.body for r in rows(sessions) if r.kind == "answer")


def test_with_both_providers_an_answer_goes_back_through_the_one_the_reply_came_in_on(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with vendor_server() as aliyun, vendor_server() as tencent:
        sms = sms_settings("aliyun", aliyun, **credentials("tencent", tencent))
        runtime = make_runtime(engine, sessions, sms)
        aliyun.answer("/", *[(200, ALIYUN_SEND_OK)] * 20)
        tencent.answer("/", *[(200, TENCENT_SEND_OK)] * 20)
        with TestClient(create_app(runtime=runtime)) as client:
            sent = client.post(f"/sms/tencent/uplink?token={TOKEN}", json=uplink("tencent", "你好", "1763604000", 2001))
            assert sent.json() == OK["tencent"] and drain(runtime) == ["sent"]
            first = len(tencent.calls("/"))
            assert first >= 1 and len(aliyun.calls("/")) == 0
            sent_template("tencent", tencent.calls("/")[0])
            sent = client.post(f"/sms/aliyun/uplink?token={TOKEN}", json=uplink("aliyun", "谢谢", "2026-11-20 10:05:00", 2002))
            assert sent.json() == OK["aliyun"] and drain(runtime) == ["sent"]
            second = len(aliyun.calls("/"))
            assert len(tencent.calls("/")) == first and second >= 1
            sent_template("aliyun", aliyun.calls("/")[0])
        answers = sorted((row.event_key.split(":")[1], row.provider_id) for row in rows(sessions))
        assert answers == [("aliyun", PROVIDER_ID["aliyun"]), ("tencent", PROVIDER_ID["tencent"])]
        # a notice is nobody's answer: it goes through SMS_PROVIDER's (Aliyun)
        sender = build_senders(load_settings(redis_url=None, sms=sms))["sms"]
        notice = "【村通】预约成功：11月21日08:00从嵩口镇到清流县城，2人。要取消请回复“取消B202611200099”。"
        sender.send(Outgoing(channel="sms", to=MOBILE, body=notice, kind="booking_confirmed", event_key="booking_confirmed:B202611200099"))
        assert (len(tencent.calls("/")), len(aliyun.calls("/"))) == (first, second + 1)
        code, _ = sent_template("aliyun", aliyun.calls("/")[-1])
        assert code == TemplateRegistry.load().templates["notice_booking_confirmed"].codes["aliyun"]


def test_with_one_provider_configured_every_answer_goes_through_it(
    engine: Engine, sessions: sessionmaker[Session], server: VendorServer
) -> None:
    runtime = make_runtime(engine, sessions, sms_settings("aliyun", server))
    server.answer("/", *[(200, ALIYUN_SEND_OK)] * 20)
    with TestClient(create_app(runtime=runtime)) as client:
        client.post(f"/sms/tencent/uplink?token={TOKEN}", json=uplink("tencent", "你好", "1763604000", 2003))
        assert drain(runtime) == ["sent"]
    sent_template("aliyun", server.calls("/")[0])


def test_a_refusal_from_tencent_fails_the_row_with_the_reason_in_chinese(
    engine: Engine, sessions: sessionmaker[Session], server: VendorServer
) -> None:
    runtime = make_runtime(engine, sessions, sms_settings("tencent", server))
    [status] = TENCENT_SEND_OK["Response"]["SendStatusSet"]
    refused = {**status, "Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "phone number format error"}
    server.answer("/", (200, {"Response": {**TENCENT_SEND_OK["Response"], "SendStatusSet": [refused]}}))
    with TestClient(create_app(runtime=runtime)) as client:
        client.post(f"/sms/tencent/uplink?token={TOKEN}", json=uplink("tencent", "你好", "1763604000", 2004))
        assert drain(runtime) == ["failed"]
    [row] = rows(sessions)
    assert row.error == "腾讯云拒绝 InvalidParameterValue.IncorrectPhoneNumber：手机号格式错误"


@pytest.mark.parametrize("default", PROVIDERS)
def test_an_agents_reply_goes_through_the_provider_the_citizen_last_wrote_through(
    default: str, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with vendor_server() as aliyun, vendor_server() as tencent:
        other = "tencent" if default == "aliyun" else "aliyun"
        servers = {"aliyun": aliyun, "tencent": tencent}
        sms = sms_settings(default, servers[default], **credentials(other, servers[other]))
        runtime = make_runtime(engine, sessions, sms)
        aliyun.answer("/", *[(200, ALIYUN_SEND_OK)] * 40)
        tencent.answer("/", *[(200, TENCENT_SEND_OK)] * 40)
        template = TemplateRegistry.load().templates["agent_reply"]
        moments = {"aliyun": "2026-11-20 10:05:00", "tencent": "1763604000"}
        with TestClient(create_app(runtime=runtime)) as client:
            for number, wrote_via in enumerate(["tencent", "aliyun"]):
                url = f"/sms/{wrote_via}/uplink?token={TOKEN}"
                assert client.post(url, json=uplink(wrote_via, "你好", moments[wrote_via], 3001 + number)).json() == OK[wrote_via]
                assert drain(runtime) == ["sent"]
                before = {p: len(s.calls("/")) for p, s in servers.items()}
                with session_scope(sessions) as session:
                    handoff = conversations.open_handoff(
                        session, conversation_id=f"sms:{MOBILE}", channel="sms", sender=MOBILE, reason="群众要求人工"
                    )
                    agent_queue.claim(session, handoff_id=handoff.id, agent="lin")
                    text = "您好，我是客服小林。" + "明天早班车六点半从嵩口发车，" * 25
                    reply = agent_queue.reply(session, handoff_id=handoff.id, agent="lin", text=text, reply_key=f"k{number}abcdef")
                    assert reply.route == "sms" and reply.outbound is not None and reply.outbound.via == wrote_via
                    conversations.close_handoff(session, handoff_id=handoff.id, agent="lin")
                assert drain(runtime) == ["sent"]
                after = {p: len(s.calls("/")) for p, s in servers.items()}
                parts = TemplateRegistry.load().agent_reply(text)  # 客服回复, then 客服回复（2/n）…
                assert after == {p: before[p] + (len(parts) if p == wrote_via else 0) for p in PROVIDERS}
                sent = [sent_template(wrote_via, call) for call in servers[wrote_via].calls("/")[before[wrote_via]:]]
                assert [code for code, _ in sent] == [use.template.codes[wrote_via] for use in parts]
                assert sent[0][0] == template.codes[wrote_via]
                contents = [(v if isinstance(v, dict) else dict(zip(use.template.variables, v, strict=True)))["content"]
                            for (_, v), use in zip(sent, parts, strict=True)]  # fmt: skip
                assert "".join(contents) == text and all(len(c) <= template.params["content"] for c in contents)


def test_an_answer_whose_second_sms_is_refused_fails_without_sending_the_first_again(
    engine: Engine, sessions: sessionmaker[Session], server: VendorServer
) -> None:
    runtime = make_runtime(engine, sessions, sms_settings("tencent", server))
    [status] = TENCENT_SEND_OK["Response"]["SendStatusSet"]
    refused = {**status, "Code": "LimitExceeded.DeliveryFrequencyLimit", "Message": "too often"}
    server.answer("/", (200, TENCENT_SEND_OK), (200, {"Response": {**TENCENT_SEND_OK["Response"], "SendStatusSet": [refused]}}))
    with TestClient(create_app(runtime=runtime)) as client:
        client.post(f"/sms/tencent/uplink?token={TOKEN}", json=uplink("tencent", "你好", "1763604000", 2005))
        assert drain(runtime) == ["failed"]
    [row] = rows(sessions)
    uses = TemplateRegistry.load().compose(row.body)
    assert uses is not None and len(uses) >= 2  # the greeting, then its numbered choices
    assert len(server.calls("/")) == 2  # the first went out, the second was refused: no retry
    assert row.error is not None and row.error.startswith("已发出前 1 条，第 2 条失败：腾讯云拒绝 LimitExceeded.DeliveryFrequencyLimit")


def distinct_ids(provider: str, count: int) -> list[tuple[int, Any]]:
    """The documented send answer, with a provider id of its own for each SMS."""
    if provider == "aliyun":
        return [(200, {**ALIYUN_SEND_OK, "BizId": f"90061974693649{n:05d}"}) for n in range(count)]
    [status] = TENCENT_SEND_OK["Response"]["SendStatusSet"]
    return [
        (200, {"Response": {**TENCENT_SEND_OK["Response"], "SendStatusSet": [{**status, "SerialNo": f"5000:10457{n:05d}"}]}})
        for n in range(count)
    ]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_answer_sent_as_several_sms_is_delivered_when_every_part_is_and_failed_if_one_is(
    provider: str, engine: Engine, sessions: sessionmaker[Session], server: VendorServer
) -> None:
    runtime = make_runtime(engine, sessions, sms_settings(provider, server))
    server.answer("/", *distinct_ids(provider, 10))
    with TestClient(create_app(runtime=runtime)) as client:
        client.post(f"/sms/{provider}/uplink?token={TOKEN}", json=uplink(provider, "你好", "2026-11-20 10:00:00", 4001))
        assert drain(runtime) == ["sent"]
        [row] = rows(sessions)
        with sessions() as session:
            parts = list(session.scalars(select(OutboundPart).where(OutboundPart.message_id == row.id).order_by(OutboundPart.position)))
        uses = TemplateRegistry.load().compose(row.body)
        assert uses is not None and len(uses) >= 2  # the greeting, then its numbered choices
        assert [p.position for p in parts] == list(range(1, len(uses) + 1))
        assert len({p.provider_id for p in parts}) == len(uses) and row.provider_id == parts[0].provider_id

        def post(part: OutboundPart, delivered: bool) -> None:
            sent = client.post(f"/sms/{provider}/report?token={TOKEN}", json=report(provider, part.provider_id, delivered=delivered))
            assert sent.json() == OK[provider]

        for part in reversed(parts[1:]):  # receipts come in any order
            post(part, True)
            assert rows(sessions)[0].status == "sent"  # the first SMS is not delivered yet
        post(parts[0], True)
        assert rows(sessions)[0].status == "delivered"
        post(parts[1], False)
        failed = rows(sessions)[0]
        assert failed.status == "failed" and failed.error == f"第2/{len(parts)}条未送达：MK:0001 用户关机"
        post(parts[1], True)  # the carrier's later word on that part
        assert rows(sessions)[0].status == "delivered"
