"""The hotline IVR driven as a Twilio-compatible voice gateway drives it: signed call
webhooks, speech results and key presses, TwiML answers read back with defusedxml."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.config import Settings, TwilioSettings, WeChatSettings, load_settings
from channels.messages import Button, Message, Reply
from channels.voice import GREETING, NOT_HEARD, VoiceInput
from tests.utils.twilio_gateway import Gateway

AUTH_TOKEN = "twilio-voice-token"
AGENT = "+8659112328"
CALLER = "+8613905981234"


class Recorder:
    """Answers like a dialog would: reads back a booking, records complaints, hands off."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def __call__(self, message: Message) -> list[Reply]:
        self.messages.append(message)
        if message.event == "call_start":
            return []
        if message.event == "recording":
            return [Reply(text="您的录音已经记录，工单号C20261121001。", action="hangup")]
        if "投诉" in message.text:
            return [Reply(text="请说出您要投诉的情况。", action="record")]
        if message.event == "transcription":
            return []
        if "再见" in message.text:
            return [Reply(text="感谢使用村通，再见！", action="hangup", card={"closing": True})]
        if "谢谢" in message.text:
            return [Reply(text="不客气！", card={"closing": True})]
        if "尾号" in message.text:
            return [Reply(text="请说手机尾号。")]
        if "人工" in message.text:
            return [Reply(text="好的。", action="handoff")]
        if "预约" in message.text or "县城" in message.text:
            text = "您要11月21日 08:00从嵩口镇到清流县城，2人，对吗？"
            return [Reply(text=text, buttons=(Button("确认", "1"), Button("重新说", "2")))]
        return [Reply(text="抱歉，我没听懂。", card={"fallback": True})]


def settings_for(token: str | None = AUTH_TOKEN, agent: str | None = AGENT) -> Settings:
    return load_settings(wechat=WeChatSettings(), twilio=TwilioSettings(auth_token=token, agent_number=agent))


def app_for(settings: Settings, recorder: Recorder) -> FastAPI:
    app = FastAPI()
    app.include_router(VoiceInput.from_settings(settings).router(recorder))
    return app


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def gateway(recorder: Recorder) -> Iterator[Gateway]:
    with TestClient(app_for(settings_for(), recorder)) as client:
        yield Gateway(client, auth_token=AUTH_TOKEN)


def call(gateway: Gateway, path: str, **fields: str) -> Element:
    form = {"CallSid": "CA0001", "From": CALLER, "To": "12328", "AccountSid": "ACtest", **fields}
    response = gateway.post(path, form)
    assert response.status_code == 200, response.text
    root: Element = fromstring(response.text)
    return root


def said(root: Element) -> list[str]:
    return [say.text or "" for say in root.iter("Say")]


def test_inbound_call_greets_and_listens_for_speech_and_keys(gateway: Gateway, recorder: Recorder) -> None:
    root = call(gateway, "/voice/inbound")
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("input") == "speech dtmf"
    assert gather.get("language") == "zh-CN"
    assert gather.get("action") == "/voice/gather?stage=menu&fails=0"
    spoken = said(gather)
    assert spoken[0] == GREETING
    assert "出行预约请按一" in spoken[1] and "人工服务请按零" in spoken[1]
    assert all(say.get("language") == "zh-CN" for say in gather.iter("Say"))
    assert recorder.messages[0].event == "call_start"
    assert recorder.messages[0].sender == "13905981234"


def test_speech_is_read_back_in_words_with_keys_to_confirm(gateway: Gateway, recorder: Recorder) -> None:
    root = call(
        gateway, "/voice/gather?stage=menu&fails=0", SpeechResult="明天早上八点从嵩口去县城", Confidence="0.9"
    )
    [readback, hint] = said(root)
    assert readback == "您要十一月二十一日 早上八点从嵩口镇到清流县城，两人，对吗？确认请按一，重新说请按二。"
    assert hint == "需要人工服务请按零。"
    assert root.find("Gather").get("action") == "/voice/gather?stage=turn&fails=0"  # type: ignore[union-attr]
    assert recorder.messages[0].text == "明天早上八点从嵩口去县城"
    assert recorder.messages[0].channel == "voice"


def test_menu_keys_become_requests_and_later_keys_are_answers(gateway: Gateway, recorder: Recorder) -> None:
    call(gateway, "/voice/gather?stage=menu&fails=0", Digits="1")
    call(gateway, "/voice/gather?stage=turn&fails=0", Digits="1")
    assert [m.text for m in recorder.messages] == ["我要预约出行", "1"]


def test_zero_dials_the_agent_at_any_step(gateway: Gateway, recorder: Recorder) -> None:
    root = call(gateway, "/voice/gather?stage=turn&fails=0", Digits="0")
    assert root.findtext("Dial") == AGENT
    assert recorder.messages == []


def test_two_silent_turns_put_the_caller_through(gateway: Gateway) -> None:
    first = call(gateway, "/voice/gather?stage=menu&fails=0")
    assert said(first)[0] == NOT_HEARD
    assert first.find("Gather").get("action") == "/voice/gather?stage=menu&fails=1"  # type: ignore[union-attr]
    second = call(gateway, "/voice/gather?stage=menu&fails=1")
    assert second.findtext("Dial") == AGENT


def test_two_turns_not_understood_put_the_caller_through(gateway: Gateway, recorder: Recorder) -> None:
    first = call(gateway, "/voice/gather?stage=turn&fails=0", SpeechResult="呜呜呜")
    assert first.find("Gather").get("action") == "/voice/gather?stage=turn&fails=1"  # type: ignore[union-attr]
    second = call(gateway, "/voice/gather?stage=turn&fails=1", SpeechResult="嗯嗯嗯")
    assert second.findtext("Dial") == AGENT
    assert len(recorder.messages) == 2


def test_a_good_turn_resets_the_failure_count(gateway: Gateway) -> None:
    root = call(gateway, "/voice/gather?stage=turn&fails=1", SpeechResult="我要预约去县城")
    assert root.find("Gather").get("action") == "/voice/gather?stage=turn&fails=0"  # type: ignore[union-attr]


def test_complaint_is_recorded_and_the_recording_url_passed_on(gateway: Gateway, recorder: Recorder) -> None:
    root = call(gateway, "/voice/gather?stage=menu&fails=0", Digits="3")
    record = root.find("Record")
    assert record is not None and record.get("action") == "/voice/gather?stage=record&fails=0"
    url = "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/RE123"
    done = call(gateway, "/voice/gather?stage=record&fails=0", RecordingUrl=url, RecordingDuration="25")
    assert said(done) == ["您的录音已经记录，工单号C，二零二六，幺幺二幺，零零幺。"]
    assert done.find("Hangup") is not None
    message = recorder.messages[-1]
    assert message.event == "recording" and message.media[0].url == url


def test_handoff_reply_dials_and_without_agent_line_apologises(recorder: Recorder) -> None:
    with TestClient(app_for(settings_for(agent=None), recorder)) as client:
        root = call(
            Gateway(client, auth_token=AUTH_TOKEN), "/voice/gather?stage=turn&fails=0", SpeechResult="转人工"
        )
    assert root.find("Dial") is None
    assert "人工服务暂时无法接通" in said(root)[-1]
    assert root.find("Hangup") is not None


def test_bad_requests_are_refused(gateway: Gateway, recorder: Recorder) -> None:
    form = {"CallSid": "CA0002", "From": CALLER, "To": "12328"}
    assert gateway.post("/voice/inbound", form, signature="AAAA").status_code == 403
    signed_fails_1 = gateway.sign("/voice/gather?stage=turn&fails=1", form)
    tampered = gateway.post("/voice/gather?stage=turn&fails=0", form, signature=signed_fails_1)
    assert tampered.status_code == 403
    assert gateway.post("/voice/gather?stage=menu&fails=0", {"From": CALLER}).status_code == 400
    assert gateway.post("/voice/gather?stage=dance&fails=0", form).status_code == 400
    assert gateway.post("/voice/gather?stage=turn&fails=-1", form).status_code == 400
    assert recorder.messages == []


def test_without_auth_token_voice_answers_503(recorder: Recorder) -> None:
    with TestClient(app_for(settings_for(token=None), recorder)) as client:
        gateway = Gateway(client, auth_token="x")
        assert (
            gateway.post("/voice/inbound", {"CallSid": "CA3", "From": CALLER, "To": "1"}).status_code == 503
        )
    assert recorder.messages == []


def test_choices_take_one_key_and_numbers_end_with_the_hash_key(gateway: Gateway) -> None:
    choice = call(gateway, "/voice/gather?stage=turn&fails=0", SpeechResult="我要预约去县城").find("Gather")
    assert choice is not None and choice.get("numDigits") == "1"
    number = call(gateway, "/voice/gather?stage=turn&fails=0", SpeechResult="查尾号").find("Gather")
    assert number is not None
    assert number.get("numDigits") is None and number.get("finishOnKey") == "#"
    assert any("井号键" in text for text in said(number))
    call(gateway, "/voice/gather?stage=turn&fails=0", Digits="1234")
    call(gateway, "/voice/gather?stage=turn&fails=0", Digits="SF1234567890")


def test_goodbye_hangs_up(gateway: Gateway) -> None:
    root = call(gateway, "/voice/gather?stage=turn&fails=0", SpeechResult="好的再见")
    assert said(root) == ["感谢使用村通，再见！"]
    assert root.find("Hangup") is not None and root.find("Gather") is None and root.find("Dial") is None


def test_silence_after_a_closing_answer_ends_the_call_instead_of_dialling(gateway: Gateway) -> None:
    root = call(gateway, "/voice/gather?stage=turn&fails=0", SpeechResult="谢谢")
    assert root.find("Gather").get("action") == "/voice/gather?stage=bye&fails=0"  # type: ignore[union-attr]
    first = call(gateway, "/voice/gather?stage=bye&fails=0")
    assert first.find("Gather").get("action") == "/voice/gather?stage=bye&fails=1"  # type: ignore[union-attr]
    assert first.find("Dial") is None
    second = call(gateway, "/voice/gather?stage=bye&fails=1")
    assert second.find("Hangup") is not None and second.find("Dial") is None


def test_recordings_are_transcribed_and_the_text_passed_on(gateway: Gateway, recorder: Recorder) -> None:
    root = call(gateway, "/voice/gather?stage=menu&fails=0", Digits="3")
    record = root.find("Record")
    assert record is not None
    assert record.get("transcribe") == "true" and record.get("transcribeCallback") == "/voice/transcription"
    url = "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/RE124"
    answer = call(
        gateway, "/voice/transcription", RecordingUrl=url, RecordingSid="RE124", TranscriptionSid="TR1",
        TranscriptionText="司机开得太快了", TranscriptionStatus="completed",
    )  # fmt: skip
    assert answer.tag == "Response" and list(answer) == []
    message = recorder.messages[-1]
    assert (message.event, message.text, message.media[0].url) == ("transcription", "司机开得太快了", url)
    failed = call(gateway, "/voice/transcription", RecordingUrl=url, TranscriptionStatus="failed")
    assert list(failed) == [] and recorder.messages[-1] is message
