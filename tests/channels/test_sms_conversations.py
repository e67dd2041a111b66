"""Whole conversations over the SMS webhook as a Twilio-compatible gateway sends them, with
the clock at several hours of the day (issue 19): a blank SMS and a photo alone are
answered, a photo sent during a complaint is kept on the ticket, a journey with a change
is planned and booked, another slot is corrected while a phone number is asked for, and
cancelling words end a form at the confirmation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from backend.models import Booking, Complaint
from backend.services.citizens import identities as citizens
from bot.app import create_app
from bot.config import TwilioSettings, load_settings
from bot.runtime import build_runtime
from tests.conftest import SHANGHAI
from tests.utils.conversation import assert_plain, forget_redis_keys, make_processor, make_store, trained_nlu
from tests.utils.twilio_gateway import Gateway

AUTH = "sms-conversation-token"
HOURS = {"morning": (7, 40), "evening": (19, 30), "late_night": (23, 45)}
PHOTO = "https://api.twilio.example/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"


class Texter:
    def __init__(self, client: TestClient, mobile: str) -> None:
        self.gateway = Gateway(client, auth_token=AUTH)
        self.mobile = mobile
        self.count = 0

    def sends(self, body: str = "", *, photos: tuple[str, ...] = ()) -> str:
        self.count += 1
        form = {"From": f"+86{self.mobile}", "To": "+8659112328", "Body": body,
                "MessageSid": f"SM{self.mobile}{self.count:04d}", "NumMedia": str(len(photos))}  # fmt: skip
        for index, url in enumerate(photos):
            form[f"MediaUrl{index}"] = url
            form[f"MediaContentType{index}"] = "image/jpeg"
        response = self.gateway.post("/sms/inbound", form)
        assert response.status_code == 200, response.text
        return assert_plain("\n".join(m.text or "" for m in fromstring(response.text).findall("Message")))


@pytest.fixture(params=list(HOURS), ids=list(HOURS))
def clock(request: pytest.FixtureRequest) -> datetime:
    hour, minute = HOURS[request.param]
    return datetime(2026, 11, 20, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def client(engine: Engine, sessions: sessionmaker[Session], clock: datetime) -> Iterator[TestClient]:
    settings = load_settings(
        database_url=str(engine.url.render_as_string(hide_password=False)),
        seed_on_empty=False,
        twilio=TwilioSettings(auth_token=AUTH, sms_max_parts=6),
    )
    runtime = build_runtime(settings, engine=engine, sessions=sessions, prepare_database=False)
    store, prefix = make_store()
    runtime.extras["nlu"] = trained_nlu()
    runtime.extras["state_store"] = store
    runtime.extras["processor"] = make_processor(runtime, store, now=clock)
    with TestClient(create_app(runtime=runtime)) as test_client:
        yield test_client
        test_client.portal.call(store.close)  # type: ignore[union-attr]
    forget_redis_keys(prefix)


def test_blank_sms_and_a_photo_alone_are_answered(client: TestClient) -> None:
    person = Texter(client, "13905987001")
    assert "请用文字告诉我您要办什么" in person.sends("")
    assert "请用文字告诉我您要办什么" in person.sends(photos=(PHOTO,))
    assert "几个人" not in person.sends("   ")
    person.sends("订车，明天从嵩口去县城")
    answer = person.sends("")  # blank while a question is open: asked again
    assert "请用文字告诉我您要办什么" in answer and "几点" in answer


def test_a_photo_during_a_complaint_is_kept_on_the_ticket(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = Texter(client, "13905987002")
    person.sends("我要投诉，司机开车一直打电话，太危险了")
    assert "图片已收到" in person.sends(photos=(PHOTO,))
    said = [person.sends("不记得")]
    while "工单号" not in said[-1] and len(said) < 5:
        said.append(person.sends("1" if "回复1" in said[-1] else "没有"))
    assert "工单号" in said[-1], said
    with sessions() as session:
        citizen = citizens.find_by_mobile(session, mobile="13905987002")
        assert citizen is not None
        ticket = session.scalars(select(Complaint).where(Complaint.citizen_id == citizen.id)).one()
        assert ticket.media == [{"kind": "image", "url": PHOTO}]


def test_a_journey_with_a_change_is_planned_and_booked(client: TestClient, sessions: sessionmaker[Session]) -> None:
    person = Texter(client, "13905987003")
    plan = person.sends("从嵩溪怎么去灵地")
    assert "换乘1次" in plan and "2路" in plan and "4路" in plan and "共21元" in plan and "回复1" in plan
    assert "几个人" in person.sends("1")
    assert "确认" in person.sends("2个人")
    assert "订单号" in person.sends("1")
    with sessions() as session:
        legs = session.scalars(
            select(Booking).where(Booking.contact_phone == "13905987003").order_by(Booking.pickup_time)
        ).all()
        assert [b.route_id for b in legs] == ["L02", "L04"] and {b.journey_id for b in legs} == {legs[0].id}


def test_corrections_and_cancelling_words_by_sms(client: TestClient) -> None:
    person = Texter(client, "13905987004")
    assert "清流县城" in person.sends("订车，后天早上8点从嵩口去县城，1个人")
    changed = person.sends("不去县城了，改去县医院")
    assert "已改" in changed and "清流县医院" in changed
    assert "已取消订车" in person.sends("算了")


def test_a_village_booking_by_sms_is_told_back_with_its_village(client: TestClient) -> None:
    """The assigned booking's SMS answer names where the car comes (it said only 预计…到)."""
    person = Texter(client, "13905987005")
    read_back = person.sends("订车，11月23日下午3点从嵩口镇上坪村去县医院，1个人")
    assert "嵩口镇上坪村" in read_back, read_back
    booked = person.sends("1")
    assert "嵩口镇上坪村" in booked, booked
    mine = person.sends("查我的预约")
    assert "嵩口镇上坪村接您" in mine and "车牌" in mine, mine
