"""The web chat channel (GET /chat) on the whole app: the server issues a signed identity
(the browser cannot choose or forge one), turns are answered and kept, history survives a
reload, and an agent's reply reaches the chat window through the outbound worker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.models import Booking, Citizen, ConversationEvent, Handoff, OutboundMessage
from backend.models.people import ChannelIdentity
from backend.services.agents import queue as agent_queue
from backend.services.citizens import identities as citizens
from backend.services.notices import outbox as notices
from backend.services.notices.outbox import NoticePolicy
from backend.services.rides import bookings as rides
from bot.app import create_app
from bot.runtime import Runtime
from channels.webchat import COOKIE, IdentitySigner
from tests.conftest import NOW, SHANGHAI
from tests.utils.conversation import assert_plain, forget_redis_keys, make_processor, make_store, trained_nlu


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    store, prefix = make_store()
    runtime.extras.update(nlu=trained_nlu(), state_store=store, processor=make_processor(runtime, store))
    with TestClient(create_app(runtime=runtime)) as test_client:
        yield test_client
        test_client.portal.call(store.close)  # type: ignore[union-attr]
    forget_redis_keys(prefix)


def open_page(client: TestClient) -> str:
    page = client.get("/chat")
    assert page.status_code == 200
    assert "12328 村通" in page.text and "大字" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/chat" in cookie
    sender, _, _ = client.cookies[COOKIE].partition(".")
    return sender


def test_the_server_issues_a_signed_identity_once(client: TestClient) -> None:
    sender = open_page(client)
    assert sender.startswith("w") and len(sender) == 25
    again = client.get("/chat")
    assert "set-cookie" not in again.headers  # the same browser keeps its identity


def test_without_a_valid_identity_nothing_is_answered(client: TestClient) -> None:
    assert client.post("/chat/messages", json={"text": "你好"}).status_code == 401
    forged = "wdeadbeefdeadbeefdeadbeef." + "A" * 43
    client.cookies.set(COOKIE, forged, domain="testserver.local", path="/chat")
    refused = client.post("/chat/messages", json={"text": "你好"})
    assert refused.status_code == 401 and refused.json()["detail"] == "聊天身份已失效，请刷新页面。"
    assert client.get("/chat/history").status_code == 401
    # opening the page replaces the forged cookie with a new, valid one
    client.get("/chat")
    assert client.cookies[COOKIE] != forged
    assert client.post("/chat/messages", json={"text": "你好"}).status_code == 200


def test_another_secret_does_not_verify() -> None:
    sender, cookie = IdentitySigner("one").issue()
    assert IdentitySigner("one").verify(cookie) == sender
    assert IdentitySigner("two").verify(cookie) is None
    assert IdentitySigner("one").verify(sender + ".") is None


def test_a_turn_is_answered_with_buttons_and_kept_for_a_reload(client: TestClient, runtime: Runtime) -> None:
    sender = open_page(client)
    answer = client.post("/chat/messages", json={"text": "菜单", "message_id": "m1"}).json()["messages"]
    assert [line["role"] for line in answer] == ["citizen", "bot"]
    assert answer[0]["text"] == "菜单"
    titles = [b["title"] for b in answer[1]["buttons"]]
    assert "查快递" in titles
    parcel = next(b for b in answer[1]["buttons"] if b["title"] == "查快递")
    chosen = client.post(
        "/chat/messages", json={"text": parcel["payload"], "label": "查快递", "message_id": "m2"}
    ).json()["messages"]
    assert chosen[0]["text"] == "查快递"  # the citizen sees the button's words
    assert "快递单号" in chosen[1]["text"]
    history = client.get("/chat/history").json()["messages"]
    assert [line["id"] for line in history] == [line["id"] for line in answer + chosen]
    later = client.get(f"/chat/history?after={answer[1]['id']}").json()["messages"]
    assert [line["text"] for line in later][:1] == ["查快递"]
    with runtime.unit_of_work() as session:
        events = session.scalars(
            select(ConversationEvent)
            .where(ConversationEvent.conversation_id == f"web:{sender}")
            .order_by(ConversationEvent.id)
        ).all()
        assert [e.type for e in events if e.type in ("user", "bot")] == ["user", "bot", "user", "bot"]


def test_bad_posts_are_refused_clearly(client: TestClient) -> None:
    open_page(client)
    assert client.post("/chat/messages", json={"text": "  "}).status_code == 422
    assert client.post("/chat/messages", json={"text": "好" * 501}).status_code == 422
    assert client.post("/chat/messages", json={"text": "hi", "message_id": "<script>"}).status_code == 422
    assert client.get("/chat/history?after=-1").status_code == 422


def test_an_agent_reply_reaches_the_chat_window(client: TestClient, runtime: Runtime) -> None:
    sender = open_page(client)
    client.post("/chat/messages", json={"text": "转人工"})
    with runtime.unit_of_work() as session:
        handoff = session.scalars(select(Handoff).where(Handoff.conversation_id == f"web:{sender}")).one()
        citizen = session.get(Citizen, handoff.citizen_id)
        assert agent_queue.reply_route(handoff, citizen) == "web"
        agent_queue.claim(session, handoff_id=handoff.id, agent="lin")
        result = agent_queue.reply(
            session, handoff_id=handoff.id, agent="lin", text="您好，我是客服小林。", reply_key="key-12345678"
        )
        assert result.route == "web" and result.outbound is not None
    assert "sent" in runtime.extras["outbound"].worker.drain()  # a shared Redis queue may hold others too
    lines = client.get("/chat/history").json()["messages"]
    assert (lines[-1]["role"], lines[-1]["text"]) == ("agent", "您好，我是客服小林。")


def test_notices_go_to_the_web_chat_of_a_web_citizen(client: TestClient, runtime: Runtime) -> None:
    sender = open_page(client)
    client.post("/chat/messages", json={"text": "转人工"})  # the conversation now has a citizen
    with runtime.unit_of_work() as session:
        identity = session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.channel == "web", ChannelIdentity.external_id == sender)
        ).one()
        record = notices.notify(
            session, citizen_id=identity.citizen_id, event_key="t:web-notice", kind="complaint_status",
            text_short="工单已受理", text_rich="您的投诉工单已受理，我们会尽快处理。",
            policy=NoticePolicy(quiet_hours=None),
        )  # fmt: skip
        assert (record.channel, record.to, record.status) == ("web", sender, "queued")
    runtime.extras["outbound"].worker.drain()
    lines = client.get("/chat/history").json()["messages"]
    assert (lines[-1]["role"], lines[-1]["text"]) == ("notice", "您的投诉工单已受理，我们会尽快处理。")
    with runtime.unit_of_work() as session:
        sent = session.scalars(select(OutboundMessage).where(OutboundMessage.event_key == "t:web-notice")).one()
        assert sent.status == "sent" and sent.provider_id == f"web-{lines[-1]['id']}"


def test_events_stream_resumes_after_the_last_id(client: TestClient) -> None:
    open_page(client)
    first = client.post("/chat/messages", json={"text": "你好"}).json()["messages"]
    with client.stream("GET", f"/chat/events?after={first[0]['id']}") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for raw in response.iter_lines():
            if raw.startswith("data:"):
                line = json.loads(raw[5:])
                assert line["id"] == first[1]["id"] and line["role"] == "bot"
                break


OWNER = "13905983426"


def says(client: TestClient, text: str) -> str:
    answer = client.post("/chat/messages", json={"text": text})
    assert answer.status_code == 200, answer.text
    return assert_plain("\n".join(m["text"] for m in answer.json()["messages"] if m["role"] == "bot"))


def test_a_visitor_typing_someones_mobile_cannot_list_change_or_cancel_their_bookings(
    client: TestClient, runtime: Runtime
) -> None:
    """Issue 10 §1 on the web chat: a typed, unproven number is a contact only."""
    with runtime.unit_of_work() as session:
        owner = citizens.citizen_for_sender(session, channel="sms", external_id=OWNER)
        theirs = rides.book_ride(
            session, citizen_id=owner.id, origin="嵩口镇", destination="清流县城", passengers=1,
            pickup_time=datetime(2026, 11, 22, 9, 30, tzinfo=SHANGHAI), channel="sms", now=NOW,
        ).id  # fmt: skip
    open_page(client)
    assert "验证码已发到尾号3426" in says(client, f"我要订车，后天上午9点半从嵩口去县城，1个人，手机{OWNER}")
    assert "只作联系电话" in says(client, "不验证")
    mine = says(client, "1")
    assert "订单号" in mine and theirs not in mine

    for asked in ("取消预约", "我要改签", "我订的车什么时候来"):
        listing = says(client, asked)
        assert theirs not in listing, (asked, listing)
        says(client, "算了")
    assert "已取消" not in says(client, f"取消订单{theirs}") + says(client, "确认取消")
    says(client, "算了")
    assert "改好了" not in says(client, f"订单{theirs}改成2个人") + says(client, "1")
    says(client, "算了")
    with runtime.unit_of_work() as session:
        booking = session.get(Booking, theirs)
        assert booking is not None
        assert (booking.status, booking.passengers, booking.citizen_id) == ("confirmed", 1, owner.id)
        assert session.get(Citizen, owner.id).contact_mobile is None  # type: ignore[union-attr]


@pytest.mark.parametrize("after", ["99999999999999999999999", str(2**31), "-1", "x"])
def test_history_after_a_number_out_of_range_is_a_4xx(client: TestClient, after: str) -> None:
    open_page(client)
    for path in ("/chat/history", "/chat/events"):
        answer = client.get(path, params={"after": after})
        assert answer.status_code == 422, (path, answer.status_code, answer.text[:200])
        assert "请求内容无效" in answer.json()["detail"]


@pytest.mark.parametrize("last_event_id", ["²", "99999999999999999999999", "-5", "abc"])
def test_an_odd_last_event_id_starts_from_the_query_instead(client: TestClient, last_event_id: str) -> None:
    open_page(client)
    first = client.post("/chat/messages", json={"text": "你好"}).json()["messages"]
    headers = {"Last-Event-ID": last_event_id.encode("latin-1")}  # the server reads headers as latin-1
    with client.stream("GET", f"/chat/events?after={first[0]['id']}", headers=headers) as response:
        assert response.status_code == 200
        for raw in response.iter_lines():
            if raw.startswith("data:"):
                assert json.loads(raw[5:])["id"] == first[1]["id"]
                break


def test_an_event_stream_ends_by_itself_and_the_browser_resumes(runtime: Runtime) -> None:
    """A stream closes after `stream_seconds` (a forgotten tab does not poll forever); the
    page's EventSource reopens it with Last-Event-ID and nothing is lost."""
    store, prefix = make_store()
    runtime.extras.update(nlu=trained_nlu(), state_store=store, processor=make_processor(runtime, store))
    app = create_app(runtime=runtime)
    app.state.channel_inputs["web"].stream_seconds = 0.5
    try:
        with TestClient(app) as short:
            open_page(short)
            lines = short.post("/chat/messages", json={"text": "你好"}).json()["messages"]
            with short.stream("GET", "/chat/events?after=0") as response:
                ids = [json.loads(raw[5:])["id"] for raw in response.iter_lines() if raw.startswith("data:")]
            assert ids == [line["id"] for line in lines]  # everything, then the stream ended
            with short.stream("GET", "/chat/events", headers={"Last-Event-ID": str(ids[-1])}) as again:
                assert [raw for raw in again.iter_lines() if raw.startswith("data:")] == []
            short.portal.call(store.close)  # type: ignore[union-attr]
    finally:
        forget_redis_keys(prefix)
