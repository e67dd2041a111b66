"""The conversation page lists the latest messages sent to the citizen with their
delivery status in Chinese (已发送 / 发送失败 / 待发送) and, for a failed SMS, the
provider's reason, so an agent knows whether the citizen got the answer."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models.agents import Agent
from backend.models.outbound import OutboundMessage
from tests.bot.console.forms import sign_in
from tests.bot.console.test_queue import waiting

MOBILE = "13805990042"


def outbound(session: Session, index: int, status: str, body: str, error: str | None = None) -> None:
    session.add(OutboundMessage(
        channel="sms", to=MOBILE, kind="answer", body=body, event_key=f"sms-answer:aliyun:seq:{index}:0",
        status=status, error=error, created_at=local_now() - timedelta(minutes=10 - index),
    ))  # fmt: skip


def panel(html: str) -> list[tuple[str, str]]:
    found = re.search(r"<ul class=\"notes\" data-outbound>(.*?)</ul>", html, re.S)
    assert found, "no outbound panel on the page"
    return re.findall(r'<li data-status="(\w+)">(.*?)</li>', found.group(1), re.S)


def test_the_conversation_shows_what_was_sent_and_why_an_sms_failed(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session, "sms", MOBILE, "我的车怎么还没来")
    outbound(session, 1, "delivered", "【村通】预约成功：嵩口→县城。")
    outbound(session, 2, "failed", "【村通】单号B1，已派车：车牌闽G12345。", "阿里云拒绝 isv.MOBILE_NUMBER_ILLEGAL：非法手机号")
    outbound(session, 3, "sent", "嵩口→县城班车：07:39 1路")
    outbound(session, 4, "queued", "正在转人工客服，请稍候，客服会回复您。")
    session.add(OutboundMessage(channel="sms", to="13900000000", kind="answer", body="别人的短信",
                                event_key="sms-answer:aliyun:seq:9:0", status="sent"))  # fmt: skip
    session.commit()
    sign_in(client, "lin")
    rows = panel(client.get(f"/console?h={handoff.id}").text)
    assert [status for status, _ in rows] == ["queued", "sent", "failed", "delivered"]  # newest first
    words = [re.sub(r"<[^>]+>", "", text) for _, text in rows]
    assert "待发送" in words[0] and "已发送" in words[1] and "已送达" in words[3]
    assert "发送失败" in words[2] and "非法手机号" in words[2] and "已派车" in words[2]
    assert all("非法手机号" not in w for w in (words[0], words[1], words[3]))
    assert not any("别人的短信" in w for w in words)


def test_nothing_sent_yet_says_so(client: TestClient, session: Session, accounts: dict[str, Agent]) -> None:
    handoff = waiting(session, "sms", MOBILE, "人工")
    sign_in(client, "lin")
    rows = client.get(f"/console?h={handoff.id}").text
    assert "还没有发给这位群众的消息。" in rows
