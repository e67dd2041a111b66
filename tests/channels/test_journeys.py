"""Whole journeys through the real app, each channel driven as its platform drives it:
one person books over WeChat (proving the mobile they give with a one-time code) and
cancels by SMS, books by SMS and cancels on the
hotline, books on the hotline and cancels over WeChat; the same citizen throughout.
A complaint made by SMS is resolved, the follow-up question goes out by SMS and the
texted score lands on the ticket."""

from __future__ import annotations

import time
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.models import Booking, ChannelIdentity, Citizen, Complaint, ConversationEvent
from backend.models.outbound import OutboundMessage
from backend.services.complaints import contact as complaint_contact
from backend.services.complaints import records as complaints
from bot.app import create_app
from bot.config import TwilioSettings, WeChatSettings, load_settings
from bot.runtime import Runtime, build_runtime
from tests.conftest import NOW
from tests.utils.conversation import assert_plain, make_processor, make_store, sent_code, trained_nlu
from tests.utils.twilio_gateway import Gateway
from tests.utils.vendor_server import vendor_server
from tests.utils.wechat_push import WeChatServer, text_xml

TOKEN = "journey-wechat-token"
AUTH = "journey-twilio-token"
OPENID = "oJourneyZhang"
MOBILE = "13905981288"


class Person:
    """One villager, reachable on three channels of one running app."""

    def __init__(self, client: TestClient) -> None:
        self.wechat = WeChatServer(client, token=TOKEN)
        self.gateway = Gateway(client, auth_token=AUTH)
        self.count = 0

    def _next(self) -> str:
        self.count += 1
        return f"{int(time.time() * 1000)}{self.count:03d}"

    def wechat_says(self, text: str) -> str:
        response = self.wechat.push(text_xml(OPENID, text, self._next()))
        assert response.status_code == 200, response.text
        answer = self.wechat.reply_text(response)
        assert answer is not None, "no passive reply within the budget"
        return assert_plain(answer)

    def texts(self, text: str) -> str:
        response = self.gateway.sms(f"+86{MOBILE}", text, f"SM{self._next()}")
        assert response.status_code == 200, response.text
        return assert_plain("\n".join(m.text or "" for m in fromstring(response.text).findall("Message")))

    def calls(self) -> Element:
        return self._voice("/voice/inbound")

    def speaks(self, words: str, stage: str = "turn") -> Element:
        return self._voice(f"/voice/gather?stage={stage}&fails=0", SpeechResult=words, Confidence="0.92")

    def presses(self, digit: str, stage: str = "turn") -> Element:
        return self._voice(f"/voice/gather?stage={stage}&fails=0", Digits=digit)

    def _voice(self, path: str, **fields: str) -> Element:
        form = {"CallSid": f"CA{self.count}", "From": f"+86{MOBILE}", "To": "12328", **fields}
        response = self.gateway.post(path, form)
        assert response.status_code == 200, response.text
        root: Element = fromstring(response.text)
        return root


def heard(root: Element) -> str:
    return assert_plain(" ".join(say.text or "" for say in root.iter("Say")))


@pytest.fixture
def runtime_all_channels(engine: Engine, sessions: sessionmaker[Session]) -> Iterator[Runtime]:
    with vendor_server() as server:
        settings = load_settings(
            database_url=str(engine.url.render_as_string(hide_password=False)),
            seed_on_empty=False,
            redis_url=None,
            wechat=WeChatSettings(
                token=TOKEN,
                app_id="wxjourney",
                app_secret="s",
                api_base_url=server.url,
                reply_budget_seconds=20,
            ),
            twilio=TwilioSettings(auth_token=AUTH, agent_number="+8659112328", sms_max_parts=5),
        )
        runtime = build_runtime(settings, engine=engine, sessions=sessions, prepare_database=False)
        store, _ = make_store("memory")
        runtime.extras["nlu"] = trained_nlu()
        runtime.extras["state_store"] = store
        runtime.extras["processor"] = make_processor(runtime, store)
        yield runtime


@pytest.fixture
def person(runtime_all_channels: Runtime) -> Iterator[Person]:
    with TestClient(create_app(runtime=runtime_all_channels)) as client:
        yield Person(client)


def bookings(sessions: sessionmaker[Session]) -> list[tuple[str, str, str, int]]:
    with sessions() as session:
        rows = session.scalars(
            select(Booking).where(Booking.contact_phone == MOBILE).order_by(Booking.created_at)
        )
        return [(b.channel or "", b.status, b.origin, b.passengers) for b in rows]


def test_one_person_books_and_cancels_across_three_channels(
    person: Person, sessions: sessionmaker[Session]
) -> None:
    # WeChat: the whole request in one message, confirmed with 1; the mobile it gives is
    # proven with the code texted to it, which links the openid to that number
    asked = person.wechat_says(f"我要订车，明天上午9点半从嵩口去县城，3个人，手机{MOBILE}")
    assert f"验证码已发到尾号{MOBILE[-4:]}" in asked
    with sessions() as session:
        code = sent_code(session, MOBILE)
    assert "明天(11月21日)09:34 1路 嵩口镇→清流县城 3人" in person.wechat_says(code)
    assert "订单号B202611200001" in person.wechat_says("1")
    assert bookings(sessions) == [("wechat", "confirmed", "嵩口镇", 3)]

    # SMS from that mobile: the same citizen cancels it, numbered answers throughout
    question = person.texts("取消预约")
    assert "B202611200001" in question and "回复1 确认取消" in question
    assert "已取消订单B202611200001" in person.texts("1")
    assert bookings(sessions)[0][1] == "cancelled"

    # SMS: a new booking
    assert "回复1 确认" in person.texts("订车，明天早上8点从灵地去县城，2个人")
    assert "订单号B202611200002" in person.texts("1")

    # the hotline, from the same number: read back in words, cancelled with key 1
    assert "出行预约请按一" in heard(person.calls())
    readback = heard(person.speaks("我要取消预约", stage="menu"))
    assert "B，二零二六，幺幺二零，零零零二" in readback and "确认取消请按一" in readback
    assert "已经取消" in heard(person.presses("1"))
    assert bookings(sessions)[1] == ("sms", "cancelled", "灵地镇", 2)

    # the hotline: a booking by speech, confirmed with key 1
    person.calls()
    readback = heard(person.speaks("明天下午3点从林畲去县城，1个人", stage="menu"))
    assert "下午三点" in readback and "林畲镇" in readback and "确认请按一" in readback
    assert "预约成功" in heard(person.presses("1"))
    assert bookings(sessions)[2] == ("voice", "confirmed", "林畲镇", 1)

    # WeChat again: the hotline booking is cancelled there
    assert "B202611200003" in person.wechat_says("取消预约")
    assert "已取消订单B202611200003" in person.wechat_says("1")
    assert [status for _, status, _, _ in bookings(sessions)] == ["cancelled"] * 3

    with sessions() as session:
        identities = session.execute(select(ChannelIdentity.channel, ChannelIdentity.citizen_id)).all()
    assert {channel for channel, _ in identities} == {"wechat", "sms", "voice"}
    assert len({citizen for _, citizen in identities}) == 1


def test_a_complaint_by_sms_is_followed_up_by_sms_and_the_texted_score_recorded(
    person: Person, sessions: sessionmaker[Session]
) -> None:
    person.texts("投诉：司机开车一直打电话，太危险了")
    for answer in ("不记得", "没有"):
        person.texts(answer)
    assert "工单号" in person.texts("1")
    with sessions() as session:
        ticket = session.scalars(select(Complaint).where(Complaint.contact_phone == MOBILE)).one()
        complaints.transition_complaint(
            session,
            ticket_id=ticket.id,
            to_state="resolved",
            by="agent-lin",
            resolution="已约谈司机",
            now=NOW,
        )
        asked = complaint_contact.ask_follow_up(session, complaint=ticket, now=NOW)
        assert asked is not None and (asked.channel, asked.to) == ("sms", MOBILE)
        session.commit()
    assert f"工单{ticket.id}已记录5分" in person.texts("5")
    with sessions() as session:
        done = session.get(Complaint, ticket.id)
        assert done is not None and (done.state, done.satisfaction) == ("followed_up", 5)


def table_counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Citizen, ChannelIdentity, ConversationEvent, Booking, OutboundMessage)
        }


def test_bad_input_on_every_endpoint_is_refused_and_leaves_nothing(
    person: Person, sessions: sessionmaker[Session]
) -> None:
    before = table_counts(sessions)
    client = person.wechat.client
    good_xml = text_xml(OPENID, "我要订车", "990001")
    wechat_answers = [
        person.wechat.push(good_xml, signature="0" * 40).status_code,
        person.wechat.push(good_xml, timestamp=str(int(time.time()) - 3600)).status_code,
        person.wechat.push("<xml><MsgType>text</MsgType>").status_code,
        person.wechat.push('<!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>').status_code,
        person.wechat.push(good_xml.replace("[text]", "[video]")).text,
    ]
    assert wechat_answers == [403, 403, 400, 400, "success"]
    sms = {"From": f"+86{MOBILE}", "To": "12328", "Body": "我要订车", "MessageSid": "SMbad1"}
    sms_answers = [
        person.gateway.post("/sms/inbound", sms, signature="forged").status_code,
        client.post("/sms/inbound", data=sms).status_code,
        person.gateway.post("/sms/inbound", {k: v for k, v in sms.items() if k != "Body"}).status_code,
    ]
    assert sms_answers == [403, 403, 400]
    call = {"CallSid": "CAbad", "From": f"+86{MOBILE}", "To": "12328", "SpeechResult": "我要订车"}
    voice_answers = [
        person.gateway.post("/voice/inbound", call, signature="forged").status_code,
        person.gateway.post("/voice/gather?stage=turn&fails=0", {"SpeechResult": "订车"}).status_code,
        person.gateway.post("/voice/gather?stage=nowhere&fails=0", call).status_code,
    ]
    assert voice_answers == [403, 400, 400]
    assert table_counts(sessions) == before
