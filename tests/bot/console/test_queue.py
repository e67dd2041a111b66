"""The live queue page: waiting conversations with channel, waiting time and transcript;
claim, reply on the citizen's own channel, hand back, close, and the callbacks owed to
hotline callers. Everything an agent does is in the audit log under their name."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models.agents import Agent, AgentAction, CallbackTask
from backend.models.conversations import ConversationEvent, Handoff
from backend.models.outbound import OutboundMessage
from backend.services.citizens import conversations
from backend.services.citizens.identities import citizen_for_mobile
from tests.bot.console.forms import flash, sign_in

POLL = {"X-Console-Poll": "1"}


def waiting(
    session: Session,
    channel: str,
    sender: str,
    words: str,
    *,
    minutes_ago: int = 0,
    citizen_id: int | None = None,
) -> Handoff:
    conversation_id = f"{channel}:{sender}"
    moment = local_now() - timedelta(minutes=minutes_ago)
    conversations.record_event(
        session,
        conversation_id=conversation_id,
        channel=channel,
        sender=sender,
        type="user",
        text=words,
        ts=moment,
    )
    conversations.record_event(
        session,
        conversation_id=conversation_id,
        channel=channel,
        sender=sender,
        type="bot",
        text="好的，正在为您转接人工客服。",
        ts=moment,
    )
    handoff = conversations.open_handoff(
        session,
        conversation_id=conversation_id,
        channel=channel,
        sender=sender,
        reason="群众要求转人工",
        citizen_id=citizen_id,
        now=moment,
    )
    session.commit()
    return handoff


def reply_key(html: str) -> str:
    found = re.search(r'name="reply_key" value="([^"]+)"', html)
    assert found, "no reply form on the page"
    return found.group(1)


def test_the_queue_shows_who_waits_on_which_channel_and_for_how_long(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    waiting(session, "sms", "13805990001", "我想问下明天去嵩口的车几点", minutes_ago=25)
    waiting(session, "wechat", "oQl_openid_77", "人工客服", minutes_ago=3)
    sign_in(client, "lin")
    page = client.get("/console").text
    first, second = page.index("13805990001"), page.index("oQl_openid_77")
    assert first < second  # longest waiting first
    assert "短信" in page and "微信" in page
    assert re.search(r"已等待 2[56]分钟", page)
    assert "我想问下明天去嵩口的车几点" in page
    assert 'data-poll="/console/live/queue"' in page


def test_the_queue_fragment_picks_up_new_conversations_without_a_reload(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    sign_in(client, "lin")
    before = client.get("/console/live/queue", headers=POLL)
    assert 'data-waiting-count="0"' in before.text
    waiting(session, "voice", "13905981234", "转人工")
    after = client.get("/console/live/queue", headers=POLL)
    assert 'data-waiting-count="1"' in after.text and "13905981234" in after.text
    assert "<html" not in after.text  # a fragment, not a page


def test_claim_and_reply_by_sms_goes_to_the_senders_number(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session, "sms", "13805990001", "我的快递三天没到")
    token = sign_in(client, "lin")
    page = client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": token})
    assert "已认领" in flash(page.text)
    key = reply_key(page.text)
    answer = client.post(
        f"/console/handoffs/{handoff.id}/reply",
        data={"csrf_token": token, "text": "您好，快递在嵩口服务点，取件码已发给您。", "reply_key": key},
    )
    assert flash(answer.text) == "已通过短信发出"
    sent = session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "reply")).one()
    assert (sent.channel, sent.to, sent.body) == (
        "sms",
        "13805990001",
        "您好，快递在嵩口服务点，取件码已发给您。",
    )
    # the same form sent twice (a double click) sends once
    client.post(
        f"/console/handoffs/{handoff.id}/reply", data={"csrf_token": token, "text": "您好", "reply_key": key}
    )
    assert len(session.scalars(select(OutboundMessage)).all()) == 1
    transcript = client.get(f"/console/live/handoffs/{handoff.id}", headers=POLL).text
    assert "取件码已发给您" in transcript and "坐席 林小梅" in transcript
    event = session.scalars(select(ConversationEvent).where(ConversationEvent.type == "agent")).one()
    assert event.data["by"] == "lin" and event.data["outbound_id"] == sent.id
    audit = session.scalars(select(AgentAction).order_by(AgentAction.id)).all()
    assert [(a.agent, a.action, a.target) for a in audit][-2:] == [
        ("lin", "claim_handoff", f"handoff:{handoff.id}"),
        ("lin", "reply", f"handoff:{handoff.id}"),
    ]


def test_a_wechat_reply_is_a_customer_service_message_to_the_openid(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session, "wechat", "oQl_openid_77", "转人工")
    token = sign_in(client, "lin")
    page = client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": token})
    answer = client.post(
        f"/console/handoffs/{handoff.id}/reply",
        data={"csrf_token": token, "text": "您好，请问有什么可以帮您？", "reply_key": reply_key(page.text)},
    )
    assert flash(answer.text) == "已作为微信客服消息发出"
    sent = session.scalars(select(OutboundMessage)).one()
    assert (sent.channel, sent.to, sent.kind) == ("wechat", "oQl_openid_77", "reply")


def test_a_voice_reply_becomes_a_callback_task(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session, "voice", "+8613905981234", "我要投诉")
    token = sign_in(client, "lin")
    page = client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": token})
    answer = client.post(
        f"/console/handoffs/{handoff.id}/reply",
        data={
            "csrf_token": token,
            "text": "已登记投诉，明天上午回电告知处理结果。",
            "reply_key": reply_key(page.text),
        },
    )
    assert "回电任务" in flash(answer.text)
    assert session.scalars(select(OutboundMessage)).all() == []
    task = session.scalars(select(CallbackTask)).one()
    assert (task.phone, task.status, task.created_by) == ("+8613905981234", "open", "lin")
    assert "已登记投诉" in answer.text  # listed under 待回电
    done = client.post(
        f"/console/callbacks/{task.id}/done", data={"csrf_token": token, "outcome": "已回电，群众知悉"}
    )
    assert flash(done.text) == "已记录回电。"
    session.refresh(task)
    assert (task.status, task.done_by, task.outcome) == ("done", "lin", "已回电，群众知悉")


def test_a_web_chat_reply_goes_by_sms_when_the_citizen_has_a_mobile(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    citizen = citizen_for_mobile(session, mobile="13905980000", name="王大伯")
    with_mobile = waiting(session, "rest", "web-1", "你好", citizen_id=citizen.id)
    without = waiting(session, "rest", "web-2", "你好")
    token = sign_in(client, "lin")
    for handoff, expected in ((with_mobile, "已通过短信发出"), (without, "只记入了对话记录")):
        page = client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": token})
        assert "王大伯" in page.text or handoff is without
        answer = client.post(
            f"/console/handoffs/{handoff.id}/reply",
            data={"csrf_token": token, "text": "您好，已收到。", "reply_key": reply_key(page.text)},
        )
        assert expected in flash(answer.text)
    sent = session.scalars(select(OutboundMessage)).one()
    assert (sent.channel, sent.to) == ("sms", "13905980000")


def test_only_the_holder_or_a_supervisor_may_answer_or_release(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    handoff = waiting(session, "sms", "13805990001", "转人工")
    chen_token = sign_in(client, "chen")
    client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": chen_token})
    token = sign_in(client, "lin")
    page = client.get(f"/console?h={handoff.id}").text
    assert 'name="reply_key"' not in page  # no reply form for someone else's conversation
    refused = client.post(
        f"/console/handoffs/{handoff.id}/reply",
        data={"csrf_token": token, "text": "您好", "reply_key": "k" * 20},
    )
    assert "由 chen 接待" in flash(refused.text)
    refused = client.post(f"/console/handoffs/{handoff.id}/close", data={"csrf_token": token})
    assert "由 chen 接待" in flash(refused.text)
    assert session.scalars(select(OutboundMessage)).all() == []
    session.refresh(handoff)
    assert handoff.status == "claimed"
    # a second claim of a claimed conversation is refused politely
    refused = client.post(f"/console/handoffs/{handoff.id}/claim", data={"csrf_token": token})
    assert flash(refused.text) == "这条对话已由 chen 认领"


def test_hand_back_to_the_bot_and_close(
    client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    first = waiting(session, "sms", "13805990001", "转人工")
    second = waiting(session, "wechat", "oQl_openid_77", "转人工")
    token = sign_in(client, "lin")
    client.post(f"/console/handoffs/{first.id}/claim", data={"csrf_token": token})
    back = client.post(f"/console/handoffs/{first.id}/return", data={"csrf_token": token, "note": "已解答"})
    assert "交还机器人" in flash(back.text)
    closed = client.post(
        f"/console/handoffs/{second.id}/close", data={"csrf_token": token, "note": "群众已挂断"}
    )
    assert flash(closed.text) == "对话已结束。"
    session.refresh(first)
    session.refresh(second)
    assert (first.status, second.status) == ("returned", "closed")
    assert conversations.active_handoff(session, conversation_id=first.conversation_id) is None
    again = client.post(f"/console/handoffs/{first.id}/close", data={"csrf_token": token})
    assert "已交还机器人" in flash(again.text)
    notes = [e.text for e in conversations.transcript(session, conversation_id=first.conversation_id)]
    assert "已解答" in notes

