"""The SMS webhook driven as a Twilio-compatible gateway drives it: form posts signed
with the twilio package's validator, TwiML answers split into Chinese SMS parts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from defusedxml.ElementTree import fromstring
from fastapi import FastAPI
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.config import Settings, TwilioSettings, WeChatSettings, load_settings
from channels.messages import Button, Message, Reply
from channels.sms import SmsInput
from channels.sms_keywords import is_opt_out, keyword_event
from channels.sms_segments import units
from tests.utils.twilio_gateway import Gateway

AUTH_TOKEN = "twilio-test-auth-token"
PUBLIC = "https://cuntong.example.cn"
LONG_ANSWER = (
    "您好，明天从嵩口镇到清流县城的班车有三班：早上七点、上午十点和下午两点半。"
    "票价十二元，可以在车上付现金或者扫码。"
    "如果要预约座位，请回复1；如果想查别的线路，请回复2；需要人工服务，请回复0。"
    "另外，本周六因道路施工，下午班次可能晚点二十分钟，请您提前到站等候。"
)


class Recorder:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def __call__(self, message: Message) -> list[Reply]:
        self.messages.append(message)
        if message.event == "opt_out":
            return [Reply(text="已退订短信通知。如需恢复请回复START。")]
        if message.text == "长":
            return [Reply(text=LONG_ANSWER)]
        return [Reply(text="请确认您的预约。", buttons=(Button("确认", "1"), Button("修改", "2")))]


def settings_for(token: str | None = AUTH_TOKEN, public: str | None = None) -> Settings:
    return load_settings(
        wechat=WeChatSettings(),
        twilio=TwilioSettings(auth_token=token, sms_max_parts=3),
        public_base_url=public,
    )


def app_for(settings: Settings, recorder: Recorder) -> FastAPI:
    app = FastAPI()
    app.include_router(SmsInput.from_settings(settings).router(recorder))
    return app


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def gateway(recorder: Recorder) -> Iterator[Gateway]:
    with TestClient(app_for(settings_for(), recorder)) as client:
        yield Gateway(client, auth_token=AUTH_TOKEN)


def messages_in(twiml: str) -> list[str]:
    root = fromstring(twiml)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


def test_signed_sms_gets_twiml_answer(gateway: Gateway, recorder: Recorder) -> None:
    response = gateway.sms("+8613905981234", "明天8点嵩口到县城", "SM0001")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert messages_in(response.text) == ["请确认您的预约。\n回复1 确认\n回复2 修改"]
    [message] = recorder.messages
    assert (message.channel, message.sender, message.text, message.message_id) == (
        "sms",
        "13905981234",
        "明天8点嵩口到县城",
        "SM0001",
    )


def test_an_answer_within_the_segments_is_one_whole_message(gateway: Gateway) -> None:
    assert messages_in(gateway.sms("13905981234", "长", "SM0002").text) == [LONG_ANSWER]


def test_a_longer_answer_is_one_message_shortened_at_a_sentence(recorder: Recorder) -> None:
    settings = load_settings(
        wechat=WeChatSettings(), twilio=TwilioSettings(auth_token=AUTH_TOKEN, sms_max_parts=1)
    )
    with TestClient(app_for(settings, recorder)) as client:
        [body] = messages_in(Gateway(client, auth_token=AUTH_TOKEN).sms("13905981234", "长", "SM0012").text)
    assert units(body) <= 70  # one segment
    assert body.endswith("…") and body.rstrip("…").endswith(("。", "；"))
    assert LONG_ANSWER.startswith(body.rstrip("…"))


@pytest.mark.parametrize(
    "word",
    ["退订", "TD", "td", "STOP", "Stop", "ＳＴＯＰ", "退订。", " T ", "STOPALL", "unsubscribe", "CANCEL",
     "end", "QUIT", "OPTOUT", "revoke"],
)  # fmt: skip
def test_opt_out_words(gateway: Gateway, recorder: Recorder, word: str) -> None:
    response = gateway.sms("13905981234", word, "SM0003")
    assert messages_in(response.text) == ["已退订短信通知。如需恢复请回复START。"]
    assert recorder.messages[0].event == "opt_out"


@pytest.mark.parametrize("word", ["START", "yes", "Unstop", "ＳＴＡＲＴ"])
def test_opt_in_words(gateway: Gateway, recorder: Recorder, word: str) -> None:
    gateway.sms("13905981234", word, "SM0013")
    assert recorder.messages[0].event == "opt_in"


@pytest.mark.parametrize("text", ["退订了吗", "我不想退订", "stop的车在哪", "1", "你好", "恢复", "start the bus"])
def test_ordinary_texts_are_neither_opt_outs_nor_opt_ins(text: str) -> None:
    assert not is_opt_out(text)
    assert keyword_event(text) is None


@pytest.mark.parametrize(("body", "kind", "event"), [("停止", "STOP", "opt_out"), ("开始", "START", "opt_in"),
                                                     ("STOP", "HELP", None)])  # fmt: skip
def test_opt_out_type_from_the_gateway_decides(
    gateway: Gateway, recorder: Recorder, body: str, kind: str, event: str | None
) -> None:
    form = {"From": "13905981234", "To": "12328", "Body": body, "MessageSid": "SM0014", "OptOutType": kind}
    assert gateway.post("/sms/inbound", form).status_code == 200
    assert recorder.messages[0].event == event


def test_bad_or_missing_signature_is_403_and_nothing_processed(gateway: Gateway, recorder: Recorder) -> None:
    form = {"From": "13905981234", "To": "12328", "Body": "你好", "MessageSid": "SM0004"}
    assert gateway.post("/sms/inbound", form, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    assert gateway.client.post("/sms/inbound", data=form).status_code == 403
    other = RequestValidator("someone-elses-token").compute_signature("http://testserver/sms/inbound", form)
    assert gateway.post("/sms/inbound", form, signature=other).status_code == 403
    signed = gateway.sign("/sms/inbound", form)
    tampered = {**form, "Body": "取消B202611210007"}
    assert gateway.post("/sms/inbound", tampered, signature=signed).status_code == 403
    assert recorder.messages == []


@pytest.mark.parametrize("missing", ["From", "To", "Body", "MessageSid"])
def test_missing_fields_are_400(gateway: Gateway, recorder: Recorder, missing: str) -> None:
    form = {"From": "13905981234", "To": "12328", "Body": "你好", "MessageSid": "SM0005"}
    del form[missing]
    response = gateway.post("/sms/inbound", form)
    assert response.status_code == 400
    assert missing in response.text
    assert recorder.messages == []


def test_other_content_types_and_oversized_posts_are_refused(gateway: Gateway, recorder: Recorder) -> None:
    signature = gateway.sign("/sms/inbound", {})
    as_json = gateway.client.post(
        "/sms/inbound", json={"From": "1", "Body": "x"}, headers={"X-Twilio-Signature": signature}
    )
    assert as_json.status_code == 415
    huge = gateway.post(
        "/sms/inbound", {"From": "13905981234", "To": "1", "Body": "很" * 20_000, "MessageSid": "SM6"}
    )
    assert huge.status_code == 413
    assert recorder.messages == []


def test_without_auth_token_the_endpoint_answers_503(recorder: Recorder) -> None:
    with TestClient(app_for(settings_for(token=None), recorder)) as client:
        response = Gateway(client, auth_token="whatever").sms("13905981234", "你好", "SM0007")
    assert response.status_code == 503
    assert recorder.messages == []


def test_signature_is_checked_against_public_base_url(recorder: Recorder) -> None:
    with TestClient(app_for(settings_for(public=PUBLIC), recorder)) as client:
        public = Gateway(client, auth_token=AUTH_TOKEN, public_base_url=PUBLIC)
        internal = Gateway(client, auth_token=AUTH_TOKEN)
        assert public.sms("13905981234", "你好", "SM0008").status_code == 200
        assert internal.sms("13905981234", "你好", "SM0009").status_code == 403
    assert [m.message_id for m in recorder.messages] == ["SM0008"]


def test_sha256_signatures_named_in_settings_header_are_accepted(
    gateway: Gateway, recorder: Recorder
) -> None:
    form = {"From": "13905981234", "To": "12328", "Body": "你好", "MessageSid": "SM0010"}
    signature = gateway.validator.compute_signature("http://testserver/sms/inbound", form, "HMAC_SHA256")
    headers = {
        "X-Twilio-Signature": signature,
        "X-Twilio-Webhooks-Signature-Settings": "algorithm=HMAC_SHA256",
    }
    assert gateway.client.post("/sms/inbound", data=form, headers=headers).status_code == 200
    assert len(recorder.messages) == 1


def test_a_blank_body_is_the_empty_event_and_is_answered(gateway: Gateway, recorder: Recorder) -> None:
    response = gateway.sms("13905981234", "  ", "SM0011")
    assert response.status_code == 200
    assert messages_in(response.text) != []
    [message] = recorder.messages
    assert (message.text, message.event, message.media) == ("", "empty", ())


def test_an_mms_brings_its_pictures(gateway: Gateway, recorder: Recorder) -> None:
    form = {"From": "+8613905981234", "To": "+8659112328", "Body": "", "MessageSid": "MM0012", "NumMedia": "3",
            "MediaUrl0": "https://media.example/ME0", "MediaContentType0": "image/jpeg",
            "MediaUrl1": "javascript:alert(1)", "MediaContentType1": "image/png",
            "MediaUrl2": "https://media.example/ME2", "MediaContentType2": "video/mp4"}  # fmt: skip
    assert gateway.post("/sms/inbound", form).status_code == 200
    [message] = recorder.messages
    assert message.event is None and [(m.kind, m.url) for m in message.media] == [
        ("image", "https://media.example/ME0"), ("video", "https://media.example/ME2"),
    ]  # fmt: skip
    bad = gateway.post("/sms/inbound", {**form, "MessageSid": "MM0013", "NumMedia": "many"})
    assert bad.status_code == 400
