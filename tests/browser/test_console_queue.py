"""In Chromium: an agent signs in, sees a waiting SMS conversation (and a new one arrive
without reloading), claims it, replies, and the reply reaches the citizen's phone through
the SMS gateway; the citizen's next message appears in the transcript by itself."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from backend.localtime import local_now
from backend.models.conversations import Handoff
from backend.models.outbound import OutboundMessage
from backend.services.agents import accounts as agents
from backend.services.citizens import conversations
from backend.services.citizens.identities import citizen_for_sender
from tests.browser.conftest import LiveServer, sign_in

PASSWORD = "qingliu-12328"


def citizen_texts(
    live: LiveServer, mobile: str, text: str, *, hand_off: bool = False, minutes_ago: int = 0
) -> int:
    """What the turn pipeline writes when a citizen texts in (and asks for a person)."""
    with live.runtime.unit_of_work() as session:
        citizen = citizen_for_sender(session, channel="sms", external_id=mobile)
        moment = local_now() - timedelta(minutes=minutes_ago)
        conversation_id = f"sms:{mobile}"
        conversations.record_event(
            session,
            conversation_id=conversation_id,
            channel="sms",
            sender=mobile,
            type="user",
            text=text,
            ts=moment,
        )
        if not hand_off:
            return 0
        conversations.record_event(
            session,
            conversation_id=conversation_id,
            channel="sms",
            sender=mobile,
            type="bot",
            text="好的，正在为您转人工客服，请稍等。",
            ts=moment,
        )
        handoff = conversations.open_handoff(
            session,
            conversation_id=conversation_id,
            channel="sms",
            sender=mobile,
            reason="群众要求转人工",
            citizen_id=citizen.id,
            now=moment,
        )
        return handoff.id


def test_claim_a_waiting_conversation_and_reply_by_sms(page: Page, live: LiveServer) -> None:
    with live.runtime.unit_of_work() as session:
        agents.create_agent(session, username="lin", password=PASSWORD, role="agent", display_name="林小梅")
    handoff_id = citizen_texts(
        live, "13905981234", "我的快递三天了还没到嵩口，转人工", hand_off=True, minutes_ago=12
    )

    sign_in(page, live, "lin", PASSWORD)
    queue = page.locator("#queue-lists")
    expect(queue).to_contain_text("13905981234")
    expect(queue).to_contain_text("已等待 12分钟")
    expect(queue).to_contain_text("短信")

    # a second citizen asks for a person while the page is open: it appears by itself
    citizen_texts(live, "13805990001", "人工客服", hand_off=True)
    expect(queue).to_contain_text("13805990001", timeout=15_000)
    assert page.url == f"{live.url}/console"  # no reload, no navigation

    queue.locator("a.entry-link", has_text="13905981234").click()
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("我的快递三天了还没到嵩口")
    page.locator(".conversation").get_by_role("button", name="认领").click()
    expect(page.locator(".flash")).to_contain_text("已认领")

    reply = "您好，您的快递在嵩口镇服务点，取件码稍后短信发给您。"
    page.get_by_label("回复群众").fill(reply)
    page.get_by_role("button", name="发送回复").click()
    expect(page.locator(".flash")).to_contain_text("已通过短信发出")
    expect(transcript).to_contain_text(reply)

    sent = live.gateway.wait_for("+8613905981234", "取件码稍后短信发给您")
    assert sent["From"] == "+8610690012328" and sent["path"].endswith("/Accounts/ACqingliu/Messages.json")
    with live.runtime.unit_of_work() as session:
        record = session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "reply")).one()
        assert (record.channel, record.to, record.body) == ("sms", "13905981234", reply)

    # the citizen answers; the open transcript shows it without a reload
    citizen_texts(live, "13905981234", "好的，谢谢你们")
    expect(transcript).to_contain_text("好的，谢谢你们", timeout=15_000)

    page.get_by_role("button", name="交还机器人").click()
    expect(page.locator(".flash")).to_contain_text("已交还机器人")
    # gone from the conversation lists (a ring-back task may stand in the callbacks panel after hours)
    expect(queue.locator("a.entry-link", has_text="13905981234")).to_have_count(0, timeout=15_000)
    with live.runtime.unit_of_work() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None and (handoff.status, handoff.claimed_by) == ("returned", "lin")
