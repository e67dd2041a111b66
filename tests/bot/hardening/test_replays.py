"""Replays after a restart without Redis (issue 11 §7): the answer to a message and the
body each WeChat (timestamp, nonce) came with are kept in the database, so a new process
(same database, fresh memory: what kill -9 and a restart leave) neither runs the same
SMS MessageSid twice nor accepts a used nonce with another body."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import ConversationEvent
from bot.app import create_app
from bot.config import TwilioSettings, WeChatSettings
from bot.runtime import Runtime
from tests.utils.twilio_gateway import Gateway
from tests.utils.wechat_push import WeChatServer, text_xml

TWILIO_TOKEN = "replay-twilio-token"
WECHAT_TOKEN = "replay-wechat-token"


def restartable(runtime: Runtime) -> Runtime:
    runtime.settings = runtime.settings.model_copy(
        update={
            "redis_url": None,
            "twilio": TwilioSettings(auth_token=TWILIO_TOKEN),
            "wechat": WeChatSettings(token=WECHAT_TOKEN, reply_budget_seconds=20),
        }
    )
    return runtime


def user_turns(session: Session, conversation_id: str) -> int:
    stmt = select(func.count()).where(
        ConversationEvent.conversation_id == conversation_id, ConversationEvent.type == "user"
    )
    return session.scalar(stmt) or 0


def test_the_same_message_sid_runs_once_across_a_restart(runtime: Runtime, session: Session) -> None:
    restartable(runtime)
    with TestClient(create_app(runtime=runtime)) as first:
        answer = Gateway(first, auth_token=TWILIO_TOKEN).sms("+8613900139001", "明天有去县城的车吗", "SMreplay0001")
    assert answer.status_code == 200
    with TestClient(create_app(runtime=runtime)) as second:  # a new process: empty memory
        again = Gateway(second, auth_token=TWILIO_TOKEN).sms("+8613900139001", "明天有去县城的车吗", "SMreplay0001")
    assert again.status_code == 200 and again.text == answer.text
    [conversation] = session.scalars(
        select(ConversationEvent.conversation_id).where(ConversationEvent.data["message_id"].as_string() == "SMreplay0001")
    ).all()
    assert user_turns(session, conversation) == 1


def test_a_used_wechat_nonce_is_refused_with_another_body_after_a_restart(runtime: Runtime) -> None:
    restartable(runtime)
    timestamp, nonce = str(int(time.time())), "replaynonce01"
    with TestClient(create_app(runtime=runtime)) as first:
        ok = WeChatServer(first, token=WECHAT_TOKEN).push(
            text_xml("oReplayVillager0000000000001", "你好", "61001"), timestamp=timestamp, nonce=nonce
        )
    assert ok.status_code == 200
    with TestClient(create_app(runtime=runtime)) as second:
        server = WeChatServer(second, token=WECHAT_TOKEN)
        forged = server.push(
            text_xml("oReplayVillager0000000000001", "取消我的订单", "61002"), timestamp=timestamp, nonce=nonce
        )
        fresh = server.push(text_xml("oReplayVillager0000000000001", "谢谢", "61003"))
    assert forged.status_code == 403
    assert fresh.status_code == 200
