"""Opting back in on a domestic gateway: the 退订 answer names a Chinese word (恢复通知), and
that word (or 恢复) resumes notices through Aliyun / Tencent; through Twilio only Twilio's own
words (START, YES, UNSTOP) do, and 恢复 there is ordinary text (tests/channels/test_sms.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from backend.models import Citizen
from bot.app import create_app
from channels.sms_keywords import keyword_event
from tests.channels.test_sms_domestic import (
    MOBILE,
    PROVIDERS,
    SEND_OK,
    TOKEN,
    drain,
    make_runtime,
    rows,
    sms_settings,
    uplink,
)
from tests.utils.vendor_server import vendor_server


def opted_out(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        return session.scalars(select(Citizen).where(Citizen.mobile == MOBILE)).one().sms_opt_out


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("word", ["恢复通知", "恢复"])
def test_td_then_the_chinese_word_resumes_notices(
    provider: str, word: str, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with vendor_server() as server:
        runtime = make_runtime(engine, sessions, sms_settings(provider, server))
        server.answer("/", *[(200, SEND_OK[provider])] * 10)
        with TestClient(create_app(runtime=runtime)) as client:
            for number, text in enumerate(["退订", word]):
                at = f"2026-11-20 10:0{number}:00"
                client.post(
                    f"/sms/{provider}/uplink?token={TOKEN}", json=uplink(provider, text, at, 2001 + number)
                )
                drain(runtime)
                assert opted_out(sessions) is (text == "退订")
    answers = [r.body for r in rows(sessions) if r.kind == "answer"]
    assert "如需恢复请回复“恢复通知”" in answers[0] and "START" not in answers[0]
    assert "已恢复短信通知" in answers[1]


@pytest.mark.parametrize("text", ["恢复", "恢复通知"])
def test_on_twilio_the_chinese_word_is_ordinary_text(text: str) -> None:
    assert keyword_event(text) is None and keyword_event(text, domestic=True) == "opt_in"
    assert keyword_event("START") == keyword_event("START", domestic=True) == "opt_in"
    assert keyword_event("恢复一下班车") is None and keyword_event("恢复一下班车", domestic=True) is None
