"""Redis configured but unreachable (issue 11 §6): the phone channels still answer the
citizen in their own protocol — TwiML `<Message>` for SMS, `<Say>` for the hotline, the
provider's "received" answer for domestic SMS — with a clear Chinese sentence, never a
503; nothing of the turn is written. Web/REST answer 503 with a Chinese JSON error."""

from __future__ import annotations

from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import ConversationEvent, OutboundMessage
from bot.app import create_app
from bot.config import SmsSettings, TwilioSettings, WeChatSettings
from bot.runtime import Runtime
from channels.sms_domestic import SORRY
from tests.utils.service_process import free_port
from tests.utils.twilio_gateway import Gateway

TWILIO_TOKEN = "no-redis-twilio-token"
SMS_TOKEN = "no-redis-sms-token"
CALLER = "+8613900139077"


def without_redis(runtime: Runtime) -> Runtime:
    runtime.settings = runtime.settings.model_copy(
        update={
            "redis_url": f"redis://127.0.0.1:{free_port()}/9",  # nothing listens there
            "twilio": TwilioSettings(auth_token=TWILIO_TOKEN),
            "wechat": WeChatSettings(),
            "sms": SmsSettings(provider="aliyun", callback_token=SMS_TOKEN),
        }
    )
    runtime.extras.pop("state_store", None)
    return runtime


def answers(session: Session, to: str) -> list[OutboundMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboundMessage).where(OutboundMessage.to == to)))


def events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ConversationEvent)) or 0


def test_phone_channels_answer_in_their_protocol_when_redis_is_down(runtime: Runtime, session: Session) -> None:
    without_redis(runtime)
    before = events(session)
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as client:
        gateway = Gateway(client, auth_token=TWILIO_TOKEN)
        sms = gateway.sms(CALLER, "明天有去县城的车吗", "SMnoredis0001")
        assert sms.status_code == 200, sms.text
        [message] = fromstring(sms.text).findall("Message")
        assert "没有办理" in (message.text or "") and "再发" in (message.text or "")

        call = gateway.post("/voice/inbound", {"CallSid": "CAnoredis01", "From": CALLER, "To": "+8659112328"})
        assert call.status_code == 200, call.text
        said = "".join(s.text or "" for s in fromstring(call.text).iter("Say"))
        assert "办理不了" in said and "按零" in said

        spoken = gateway.post(
            "/voice/gather?stage=turn&fails=0",
            {"CallSid": "CAnoredis01", "From": CALLER, "To": "+8659112328", "SpeechResult": "明天去县城"},
        )
        assert spoken.status_code == 200, spoken.text
        assert "办理不了" in "".join(s.text or "" for s in fromstring(spoken.text).iter("Say"))

        uplink = [{"phone_number": "13905982469", "send_time": "2026-11-20 10:00:00", "content": "你好",
                   "sign_name": "村通", "dest_code": "1234", "sequence_id": 42}]  # fmt: skip
        domestic = client.post(f"/sms/aliyun/uplink?token={SMS_TOKEN}", json=uplink)
        assert domestic.status_code == 200 and domestic.json() == {"code": 0, "msg": "接收成功"}
        [apology] = answers(session, "13905982469")
        assert (apology.status, apology.body) == ("queued", SORRY)  # sent by the worker's sweep

        rest = client.post("/webhooks/rest/webhook", json={"sender": "no-redis", "message": "你好", "message_id": "r1"})
        assert rest.status_code == 503 and "秒后重试" in rest.json()["detail"]
        assert rest.headers["Retry-After"] == "5"
        assert client.get("/chat").status_code == 200  # the web chat page gives an identity
        chat = client.post("/chat/messages", json={"text": "你好"})
        assert chat.status_code == 503 and "秒后重试" in chat.json()["detail"]
    session.expire_all()
    assert events(session) == before  # no turn ran: nothing half-written
    assert answers(session, CALLER.removeprefix("+86")) == [] and answers(session, CALLER) == []
