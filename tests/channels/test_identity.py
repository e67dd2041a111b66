"""Who may see and change what, through the real app on its real channels (signed
Twilio SMS webhooks, signed WeChat pushes, the REST channel): a stranger who types
someone's mobile on WeChat or REST is not that person, sees none of their bookings,
cannot cancel them, gets no pickup code and cannot look parcels up by their phone tail;
the number's owner who proves it with the texted code is joined to it on every channel.
Runs on SQLite and in-process state, or on PostgreSQL and Redis (TEST_* variables)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from backend.models import Booking, ChannelIdentity, OutboundMessage
from bot.app import create_app
from bot.config import TwilioSettings, WeChatSettings, load_settings
from bot.runtime import Runtime, build_runtime
from tests.utils.conversation import (
    assert_plain,
    forget_redis_keys,
    make_processor,
    make_store,
    sent_code,
    trained_nlu,
)
from tests.utils.twilio_gateway import Gateway
from tests.utils.vendor_server import vendor_server
from tests.utils.wechat_push import WeChatServer, text_xml

TOKEN = "identity-wechat-token"
AUTH = "identity-twilio-token"
OWNER = "13759803426"  # the recipient of parcel JT4678203589049 (pickup code 733750) in the pilot data
PARCEL, PICKUP_CODE = "JT4678203589049", "733750"
STRANGER_OPENID = "oStrangerWang"
THEIR_TRIP = "灵地镇→清流县城"  # the owner's booking, as a listing shows it


class Channels:
    """Senders on the three written channels of one running app."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.wechat = WeChatServer(client, token=TOKEN)
        self.gateway = Gateway(client, auth_token=AUTH)
        self.count = 0

    def _next(self) -> str:
        self.count += 1
        return f"{int(time.time() * 1000)}{self.count:03d}"

    def sms(self, mobile: str, text: str) -> str:
        response = self.gateway.sms(f"+86{mobile}", text, f"SM{self._next()}")
        assert response.status_code == 200, response.text
        return assert_plain("\n".join(m.text or "" for m in fromstring(response.text).findall("Message")))

    def wechat_says(self, openid: str, text: str) -> str:
        response = self.wechat.push(text_xml(openid, text, self._next()))
        assert response.status_code == 200, response.text
        answer = self.wechat.reply_text(response)
        assert answer is not None, "no passive reply within the budget"
        return assert_plain(answer)

    def rest(self, sender: str, text: str) -> str:
        response = self.client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        assert response.status_code == 200, response.text
        return assert_plain("\n".join(reply["text"] for reply in response.json()))


@pytest.fixture
def channels(engine: Engine, sessions: sessionmaker[Session]) -> Iterator[Channels]:
    store, prefix = make_store()
    with vendor_server() as server:
        settings = load_settings(
            database_url=str(engine.url.render_as_string(hide_password=False)),
            seed_on_empty=False,
            redis_url=os.environ.get("TEST_REDIS_URL") or None,
            wechat=WeChatSettings(
                token=TOKEN,
                app_id="wxidentity",
                app_secret="s",
                api_base_url=server.url,
                reply_budget_seconds=20,
            ),
            twilio=TwilioSettings(auth_token=AUTH, sms_max_parts=5),
        )
        runtime: Runtime = build_runtime(settings, engine=engine, sessions=sessions, prepare_database=False)
        runtime.extras["nlu"] = trained_nlu()
        runtime.extras["state_store"] = store
        runtime.extras["processor"] = make_processor(runtime, store)
        with TestClient(create_app(runtime=runtime)) as client:
            yield Channels(client)
    forget_redis_keys(prefix)


def owner_books_by_sms(channels: Channels) -> str:
    assert "回复1 确认" in channels.sms(OWNER, "订车，明天早上8点从灵地去县城，2个人")
    booked = channels.sms(OWNER, "1")
    found = re.search(r"B\d{12}", booked)
    assert found is not None, booked
    return found.group(0)


def status_of(sessions: sessionmaker[Session], booking_id: str) -> str:
    with sessions() as session:
        booking = session.get(Booking, booking_id)
        assert booking is not None
        return booking.status


def pickup_of(sessions: sessionmaker[Session], booking_id: str) -> tuple[object, ...]:
    with sessions() as session:
        booking = session.get(Booking, booking_id)
        assert booking is not None
        return booking.pickup_time, booking.passengers, booking.status


def test_a_stranger_typing_someones_mobile_on_wechat_gets_none_of_their_records(
    channels: Channels, sessions: sessionmaker[Session]
) -> None:
    theirs = owner_books_by_sms(channels)

    # the stranger books on WeChat giving the owner's number: the code goes to the owner's phone
    asked = channels.wechat_says(STRANGER_OPENID, f"我要订车，后天上午9点半从嵩口去县城，1个人，手机{OWNER}")
    assert "验证码已发到尾号3426" in asked
    with sessions() as session:
        code = sent_code(session, OWNER)
    assert code not in asked
    assert "验证码不对" in channels.wechat_says(STRANGER_OPENID, "111111" if code != "111111" else "222222")
    readback = channels.wechat_says(STRANGER_OPENID, "收不到")
    assert "只作联系电话" in readback and "后天" in readback
    mine = re.search(r"B\d{12}", channels.wechat_says(STRANGER_OPENID, "1"))
    assert mine is not None and mine.group(0) != theirs

    # ... and sees, changes and cancels only that booking of their own
    listing = channels.wechat_says(STRANGER_OPENID, "我订的车什么时候来")
    assert theirs not in listing and THEIR_TRIP not in listing and mine.group(0) in listing
    cancelling = channels.wechat_says(STRANGER_OPENID, "取消预约")
    assert theirs not in cancelling and THEIR_TRIP not in cancelling
    channels.wechat_says(STRANGER_OPENID, "不取消")
    refused = channels.wechat_says(STRANGER_OPENID, f"取消订单{theirs}")
    assert theirs in refused and "已取消" not in refused
    changing = channels.wechat_says(STRANGER_OPENID, "我要改签")
    assert theirs not in changing and THEIR_TRIP not in changing
    channels.wechat_says(STRANGER_OPENID, "算了")
    before = pickup_of(sessions, theirs)
    channels.wechat_says(STRANGER_OPENID, f"订单{theirs}改成2个人")
    assert "改好了" not in channels.wechat_says(STRANGER_OPENID, "1")
    channels.wechat_says(STRANGER_OPENID, "算了")
    assert pickup_of(sessions, theirs) == before
    assert status_of(sessions, theirs) == "confirmed" or status_of(sessions, theirs) == "assigned"

    # no pickup code for the owner's parcel, no look-up by the owner's phone tail
    tracked = channels.wechat_says(STRANGER_OPENID, f"查快递{PARCEL}")
    assert PICKUP_CODE not in tracked and "取件码已短信发送到收件人尾号3426" in tracked
    by_tail = channels.wechat_says(STRANGER_OPENID, "查快递 尾号3426")
    assert PARCEL not in by_tail and "本人验证过的号码" in by_tail

    with sessions() as session:
        sent = session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "pickup_code")).all()
        assert [(m.to, PICKUP_CODE in m.body) for m in sent] == [(OWNER, True)]
        owner_ids = {
            i.citizen_id
            for i in session.scalars(select(ChannelIdentity).where(ChannelIdentity.external_id == OWNER))
        }
        stranger_ids = {
            i.citizen_id
            for i in session.scalars(
                select(ChannelIdentity).where(ChannelIdentity.external_id == STRANGER_OPENID)
            )
        }
        assert owner_ids and stranger_ids and not owner_ids & stranger_ids

    # the owner still has their booking, and hears their own pickup code by SMS
    assert theirs in channels.sms(OWNER, "取消预约")
    assert PICKUP_CODE in channels.sms(OWNER, f"查快递{PARCEL}")


def owner_complains_by_sms(channels: Channels) -> str:
    channels.sms(OWNER, "投诉：司机开车一直打电话，太危险了")
    for answer in ("不记得", "没有"):
        channels.sms(OWNER, answer)
    opened = channels.sms(OWNER, "1")
    found = re.search(r"C\d{11}", opened)
    assert found is not None, opened
    return found.group(0)


def test_a_stranger_on_rest_cannot_cancel_or_follow_the_owners_records(
    channels: Channels, sessions: sessionmaker[Session]
) -> None:
    theirs = owner_books_by_sms(channels)
    ticket = owner_complains_by_sms(channels)

    asked = channels.rest("intruder", f"我要订车，后天上午9点半从嵩口去县城，1个人，手机{OWNER}")
    assert "验证码已发到尾号3426" in asked
    assert "只作联系电话" in channels.rest("intruder", "不验证")
    assert "订单号" in channels.rest("intruder", "1")

    cancelling = channels.rest("intruder", "取消预约")
    assert theirs not in cancelling and THEIR_TRIP not in cancelling
    channels.rest("intruder", "不取消")
    assert "已取消" not in channels.rest("intruder", f"取消订单{theirs}")
    channels.rest("intruder", "算了")
    assert status_of(sessions, theirs) in ("confirmed", "assigned")
    before = pickup_of(sessions, theirs)
    changing = channels.rest("intruder", f"把订单{theirs}改到后天下午3点")
    assert "改好了" not in changing + channels.rest("intruder", "1")
    channels.rest("intruder", "算了")
    assert pickup_of(sessions, theirs) == before

    progress = channels.rest("intruder", f"查一下投诉{ticket}的进度")
    assert "没有找到您的工单" in progress and "受理" not in progress
    assert PICKUP_CODE not in channels.rest("intruder", f"查快递{PARCEL}")


def test_the_owner_proving_the_number_on_wechat_is_joined_to_it(
    channels: Channels, sessions: sessionmaker[Session]
) -> None:
    theirs = owner_books_by_sms(channels)
    openid = "oOwnerLin"
    assert "验证码已发到尾号3426" in channels.wechat_says(
        openid, f"我要订车，后天上午9点半从嵩口去县城，1个人，手机{OWNER}"
    )
    with sessions() as session:
        code = sent_code(session, OWNER)
    readback = channels.wechat_says(openid, code)
    assert "手机号验证好了" in readback and "后天" in readback
    assert "订单号" in channels.wechat_says(openid, "1")

    # WeChat now sees the SMS booking, and the pickup code of the owner's parcel
    listing = channels.wechat_says(openid, "取消预约")
    assert THEIR_TRIP in listing and "您有2个预约" in listing
    channels.wechat_says(openid, "算了")
    assert theirs in channels.wechat_says(openid, f"取消订单{theirs}")
    assert "已取消" in channels.wechat_says(openid, "确认取消")
    assert status_of(sessions, theirs) == "cancelled"
    assert PICKUP_CODE in channels.wechat_says(openid, f"查快递{PARCEL}")
    assert PARCEL in channels.wechat_says(openid, "查快递 尾号3426")
    with sessions() as session:
        citizens_of = {
            i.channel: i.citizen_id
            for i in session.scalars(
                select(ChannelIdentity).where(ChannelIdentity.external_id.in_([OWNER, openid]))
            )
        }
        assert citizens_of["sms"] == citizens_of["wechat"]
        assert not session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "pickup_code")).all()


def test_failed_lookups_are_limited_per_sender(channels: Channels) -> None:
    for n in range(10):
        assert "没有查到" in channels.rest("guesser", f"查快递JT00000000{n:05d}")
    assert "查询的次数太多了" in channels.rest("guesser", f"查快递{PARCEL}")
    assert "查询的次数太多了" in channels.rest("guesser", "查快递 尾号3426")
    # another sender is not held back
    assert PARCEL in channels.rest("someone-else", f"查快递{PARCEL}")
