"""The WeChat webhook driven as the WeChat server drives it: signed queries, XML bodies,
safe mode encrypted with wechatpy's crypto, retries of the same MsgId, and a slow answer
delivered through the customer-service API of a real local HTTP server."""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.config import Settings, TwilioSettings, WeChatSettings, load_settings
from channels.messages import Button, Message, Reply
from channels.wechat import VOICE_NOT_HEARD, WeChatInput, WeChatOutput
from channels.wechat_token import WeChatApiError
from tests.utils.vendor_server import VendorServer, vendor_server
from tests.utils.wechat_push import (
    ACCOUNT,
    WeChatServer,
    event_xml,
    image_xml,
    location_xml,
    text_xml,
    voice_xml,
)

TOKEN = "qingliu-wechat-token"
APP_ID = "wx5823bf96d3bd56c7"
AES_KEY = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode().rstrip("=")
OPENID = "oQingliuVillager0001"


class Recorder:
    """The channel's only collaborator: records messages, answers after an optional delay."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[Message] = []
        self.delay = delay

    async def __call__(self, message: Message) -> list[Reply]:
        self.messages.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        if message.event == "subscribe":
            return [
                Reply(text="欢迎关注清流村通！", buttons=(Button("预约出行", "1"), Button("查快递", "2")))
            ]
        return [Reply(text=f"收到：{message.text}")]


def settings_for(**wechat: object) -> Settings:
    return load_settings(wechat=WeChatSettings(**{"token": TOKEN, **wechat}), twilio=TwilioSettings())


def app_for(settings: Settings, recorder: Recorder) -> FastAPI:
    app = FastAPI()
    app.include_router(WeChatInput.from_settings(settings).router(recorder))
    return app


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def plain(recorder: Recorder) -> Iterator[WeChatServer]:
    with TestClient(app_for(settings_for(), recorder)) as client:
        yield WeChatServer(client, token=TOKEN)


@pytest.fixture
def safe(recorder: Recorder) -> Iterator[WeChatServer]:
    with TestClient(app_for(settings_for(aes_key=AES_KEY, app_id=APP_ID), recorder)) as client:
        yield WeChatServer(client, token=TOKEN, aes_key=AES_KEY, app_id=APP_ID)


# -- server verification --------------------------------------------------------------


def test_verification_echoes_echostr(plain: WeChatServer) -> None:
    response = plain.client.get("/wechat", params={**plain.query(), "echostr": "5837397814291"})
    assert response.status_code == 200
    assert response.text == "5837397814291"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"signature": "0" * 40}, 403),
        ({"timestamp": str(int(time.time()) - 3600)}, 403),
        ({"echostr": ""}, 400),
        ({"nonce": ""}, 400),
    ],
)
def test_verification_refuses_bad_queries(plain: WeChatServer, change: dict[str, str], status: int) -> None:
    query = {**plain.query(timestamp=change.get("timestamp")), "echostr": "123"}
    query.update({k: v for k, v in change.items() if k != "timestamp"})
    assert plain.client.get("/wechat", params=query).status_code == status


def test_without_token_both_endpoints_answer_503(recorder: Recorder) -> None:
    with TestClient(
        app_for(load_settings(wechat=WeChatSettings(), twilio=TwilioSettings()), recorder)
    ) as client:
        server = WeChatServer(client, token="anything")
        assert client.get("/wechat", params={**server.query(), "echostr": "1"}).status_code == 503
        assert server.push(text_xml(OPENID, "你好", "1001")).status_code == 503
    assert recorder.messages == []


# -- messages in plain and safe mode ----------------------------------------------------


def test_text_message_gets_a_passive_reply(plain: WeChatServer, recorder: Recorder) -> None:
    response = plain.push(text_xml(OPENID, "明天8点从嵩口去县城", "24601"))
    assert response.status_code == 200
    assert plain.reply_text(response) == "收到：明天8点从嵩口去县城"
    assert f"<ToUserName><![CDATA[{OPENID}]]></ToUserName>" in response.text
    assert f"<FromUserName><![CDATA[{ACCOUNT}]]></FromUserName>" in response.text
    [message] = recorder.messages
    assert (message.channel, message.sender, message.text, message.message_id) == (
        "wechat",
        OPENID,
        "明天8点从嵩口去县城",
        "24601",
    )


def test_safe_mode_decrypts_and_encrypts(safe: WeChatServer, recorder: Recorder) -> None:
    response = safe.push(text_xml(OPENID, "查快递", "24602"))
    assert response.status_code == 200
    assert "<Encrypt>" in response.text and "查快递" not in response.text
    assert safe.reply_text(response) == "收到：查快递"
    assert recorder.messages[0].text == "查快递"


def test_safe_mode_refuses_wrong_msg_signature(safe: WeChatServer, recorder: Recorder) -> None:
    response = safe.push(text_xml(OPENID, "查快递", "24603"), msg_signature="f" * 40)
    assert response.status_code == 403
    assert recorder.messages == []


def test_safe_mode_refuses_plain_pushes_and_other_accounts(safe: WeChatServer, recorder: Recorder) -> None:
    plain_push = WeChatServer(safe.client, token=TOKEN)
    assert plain_push.push(text_xml(OPENID, "你好", "24604")).status_code == 400
    other_account = WeChatServer(safe.client, token=TOKEN, aes_key=AES_KEY, app_id="wx0000000000000000")
    assert other_account.push(text_xml(OPENID, "你好", "24605")).status_code == 403
    assert recorder.messages == []


def test_encrypted_push_without_aes_key_is_refused(plain: WeChatServer, recorder: Recorder) -> None:
    encrypting = WeChatServer(plain.client, token=TOKEN, aes_key=AES_KEY, app_id=APP_ID)
    assert encrypting.push(text_xml(OPENID, "你好", "24606")).status_code == 400
    assert recorder.messages == []


def test_voice_uses_recognition(plain: WeChatServer, recorder: Recorder) -> None:
    response = plain.push(voice_xml(OPENID, "24607", "我要去县城"))
    assert plain.reply_text(response) == "收到：我要去县城"
    assert recorder.messages[0].media[0].kind == "voice"


def test_voice_without_recognition_asks_again(plain: WeChatServer, recorder: Recorder) -> None:
    response = plain.push(voice_xml(OPENID, "24608", None))
    assert plain.reply_text(response) == VOICE_NOT_HEARD
    assert recorder.messages == []


def test_location_and_image(plain: WeChatServer, recorder: Recorder) -> None:
    plain.push(location_xml(OPENID, "24609", 26.0123, 116.8456, "清流县嵩口镇"))
    plain.push(image_xml(OPENID, "24610", "http://mmbiz.qpic.cn/abc.jpg"))
    located, pictured = recorder.messages
    assert located.event == "location" and located.location is not None
    assert (located.location.lat, located.location.lon, located.location.label) == (
        26.0123,
        116.8456,
        "清流县嵩口镇",
    )
    assert pictured.event == "image"
    assert pictured.media[0].url == "http://mmbiz.qpic.cn/abc.jpg"


def test_events_become_message_events(plain: WeChatServer, recorder: Recorder) -> None:
    created = int(time.time())
    welcome = plain.push(event_xml(OPENID, "subscribe", "qrscene_songkou", create_time=created))
    assert plain.reply_text(welcome) == "欢迎关注清流村通！\n回复1 预约出行\n回复2 查快递"
    plain.push(event_xml(OPENID, "CLICK", "BOOK_RIDE", create_time=created + 1))
    plain.push(event_xml(OPENID, "unsubscribe", create_time=created + 2))
    events = [(m.event, m.message_id) for m in recorder.messages]
    assert events == [
        ("subscribe", f"{OPENID}:{created}:subscribe"),
        ("menu:BOOK_RIDE", f"{OPENID}:{created + 1}:click"),
        ("unsubscribe", f"{OPENID}:{created + 2}:unsubscribe"),
    ]
    assert recorder.messages[0].metadata["scene"] == "songkou"


@pytest.mark.parametrize(
    "xml",
    [
        event_xml(OPENID, "VIEW", "https://example.com"),
        event_xml(OPENID, "LOCATION"),
        text_xml(OPENID, "x", "1").replace("[text]", "[shortvideo]"),
        text_xml(OPENID, "x", "1").replace("[text]", "[link]"),
    ],
)
def test_unknown_kinds_get_success_and_no_processing(
    plain: WeChatServer, recorder: Recorder, xml: str
) -> None:
    response = plain.push(xml)
    assert (response.status_code, response.text) == (200, "success")
    assert recorder.messages == []


# -- hostile and broken input --------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol3;</Content><MsgId>9</MsgId></xml>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>9</MsgId></xml>"""


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (BILLION_LAUGHS, 400),
        (EXTERNAL_ENTITY, 400),
        ("<xml><ToUserName>gh</ToUserName>", 400),
        ("not xml at all", 400),
        ("<root><MsgType>text</MsgType></root>", 400),
        (text_xml(OPENID, "缺MsgId", "1").replace("<MsgId>1</MsgId>", ""), 400),
        (location_xml(OPENID, "7", 123.0, 116.0, "x"), 400),
        ("", 400),
        (text_xml(OPENID, "长" * 40_000, "8"), 413),
    ],
)
def test_bad_bodies_are_refused_and_leave_nothing(
    plain: WeChatServer, recorder: Recorder, body: str, status: int
) -> None:
    assert plain.push(body).status_code == status
    assert recorder.messages == []


def test_bad_signature_or_stale_timestamp_is_refused(plain: WeChatServer, recorder: Recorder) -> None:
    xml = text_xml(OPENID, "你好", "24611")
    assert plain.push(xml, signature="0" * 40).status_code == 403
    assert plain.push(xml, timestamp=str(int(time.time()) - 301)).status_code == 403
    assert plain.push(xml, timestamp="yesterday").status_code == 400
    assert recorder.messages == []


def test_replayed_query_with_another_body_is_refused(plain: WeChatServer, recorder: Recorder) -> None:
    query = plain.query()
    first = plain.client.post("/wechat", params=query, content=text_xml(OPENID, "你好", "24612").encode())
    forged = plain.client.post(
        "/wechat", params=query, content=text_xml("oAttacker", "取消订单", "24613").encode()
    )
    assert first.status_code == 200
    assert forged.status_code == 403
    assert [m.sender for m in recorder.messages] == [OPENID]


# -- WeChat's retries and the 5-second window ------------------------------------------------


def test_message_retried_three_times_is_processed_once(plain: WeChatServer, recorder: Recorder) -> None:
    xml = text_xml(OPENID, "明天去县城", "30001", create_time=int(time.time()))
    answers = [plain.reply_text(plain.push(xml)) for _ in range(4)]  # the push and WeChat's three retries
    assert len(recorder.messages) == 1
    assert set(answers) == {"收到：明天去县城"}  # WeChat shows one passive reply per message


def slow_settings(server: VendorServer) -> Settings:
    return settings_for(app_id=APP_ID, app_secret="secret", api_base_url=server.url, reply_budget_seconds=0.2)


def wait_for(predicate: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_slow_answer_arrives_once_through_customer_service_api() -> None:
    recorder = Recorder(delay=0.6)
    with vendor_server() as server, TestClient(app_for(slow_settings(server), recorder)) as client:
        wechat = WeChatServer(client, token=TOKEN)
        xml = text_xml(OPENID, "县城到嵩口的车几点", "30002", create_time=int(time.time()))
        first = wechat.push(xml)
        assert first.text == "success"
        wait_for(lambda: server.calls("/cgi-bin/message/custom/send"))
        retries = [wechat.push(xml).text for _ in range(3)]
        time.sleep(0.2)
    assert retries == ["success"] * 3
    [sent] = server.calls("/cgi-bin/message/custom/send")
    assert sent.json() == {
        "touser": OPENID,
        "msgtype": "text",
        "text": {"content": "收到：县城到嵩口的车几点"},
    }
    assert sent.query["access_token"] == ["ACCESS_TOKEN_FROM_TEST_SERVER"]
    assert len(server.calls("/cgi-bin/token")) == 1
    assert len(recorder.messages) == 1


def test_no_aes_key_of_wrong_length_is_accepted() -> None:
    with pytest.raises(ValueError, match="43"):
        WeChatInput.from_settings(settings_for(aes_key=base64.b64encode(os.urandom(16)).decode()))


def test_output_refetches_a_refused_token_once_and_reports_network_trouble() -> None:
    with vendor_server() as server:
        output = WeChatOutput.from_settings(
            settings_for(app_id=APP_ID, app_secret="s", api_base_url=server.url)
        )
        assert output is not None
        server.answer(
            "/cgi-bin/message/custom/send", (200, {"errcode": 40001, "errmsg": "invalid credential"})
        )
        output.send_text(OPENID, "您的车快到了。")
        assert len(server.calls("/cgi-bin/token")) == 2
        assert len(server.calls("/cgi-bin/message/custom/send")) == 2
        server.answer(
            "/cgi-bin/message/custom/send", (200, {"errcode": 43004, "errmsg": "require subscribe"})
        )
        with pytest.raises(WeChatApiError) as unsubscribed:
            output.send_text(OPENID, "您的车快到了。")
        assert unsubscribed.value.errcode == 43004 and not unsubscribed.value.retryable
    offline = WeChatOutput.from_settings(settings_for(app_id=APP_ID, app_secret="s", api_base_url=server.url))
    assert offline is not None
    with pytest.raises(WeChatApiError) as down:
        offline.send_text(OPENID, "您的车快到了。")
    assert down.value.retryable
