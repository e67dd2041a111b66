"""The turn pipeline on the real backend: dedup, per-sender locking, idle expiry, write
first / answer second, hand-off silence, the conversation log, and channel styles.
Stores: in-process, and Redis when TEST_REDIS_URL is set."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Booking, Citizen, Complaint, ConversationEvent, Handoff
from backend.services.citizens import conversations
from bot.processor import Processor
from bot.runtime import Runtime
from bot.state.base import StateStore
from channels.messages import Location, Media, Message, Reply
from tests.utils.conversation import citizen_of, forget_redis_keys, make_processor, make_store, redis_url

pytestmark = pytest.mark.anyio
KINDS = [
    "memory",
    pytest.param("redis", marks=pytest.mark.skipif(not redis_url(), reason="TEST_REDIS_URL not set")),
]
SMS_LIMIT = 134  # two concatenated Chinese SMS segments of 67 characters


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest) -> AsyncIterator[StateStore]:
    made, prefix = make_store(request.param)
    yield made
    await made.close()
    forget_redis_keys(prefix)


def serialised(runtime: Runtime):  # type: ignore[no-untyped-def]
    """The test database is one connection: turns may interleave, their SQL may not."""
    guard = threading.Lock()

    @contextmanager
    def unit_of_work() -> Iterator[Session]:
        with guard, runtime.unit_of_work() as session:
            yield session

    return unit_of_work


@pytest.fixture
def processor(runtime: Runtime, store: StateStore) -> Processor:
    return make_processor(runtime, store, unit_of_work=serialised(runtime))


def msg(
    sender: str, text: str, *, channel: str = "rest", message_id: str | None = None, **more: object
) -> Message:
    return Message(
        channel=channel,  # type: ignore[arg-type]
        sender=sender,
        text=text,
        received_at=datetime.now(UTC),
        message_id=message_id,
        **more,  # type: ignore[arg-type]
    )


def said(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def test_two_people_at_once_keep_their_own_conversations(
    processor: Processor, session: Session
) -> None:
    ana = ["我要订车", "嵩口", "县城", "明天早上八点", "俩", "13905986001", "不验证", "1"]
    bo = ["我要订车", "灵地", "嵩口", "后天下午3点", "3个人", "13905986002", "收不到", "1"]
    for a_text, b_text in zip(ana, bo, strict=True):
        a_replies, b_replies = await asyncio.gather(
            processor.handle(msg("ana", a_text)), processor.handle(msg("bo", b_text))
        )
        assert a_replies and b_replies
    a_tracker = await processor.store.load_tracker("rest:ana")
    b_tracker = await processor.store.load_tracker("rest:bo")
    assert a_tracker is not None and b_tracker is not None
    assert a_tracker["citizen_id"] != b_tracker["citizen_id"]
    session.expire_all()
    a = session.scalars(
        select(Booking).where(Booking.citizen_id == citizen_of(session, channel="rest", sender="ana"))
    )
    b = session.scalars(
        select(Booking).where(Booking.citizen_id == citizen_of(session, channel="rest", sender="bo"))
    )
    (a_booking,), (b_booking,) = a.all(), b.all()
    assert (a_booking.origin, a_booking.destination, a_booking.passengers) == ("嵩口镇", "清流县城", 2)
    assert (b_booking.origin, b_booking.destination, b_booking.passengers) == ("灵地镇", "嵩口镇", 3)
    assert a_booking.contact_phone == "13905986001" and b_booking.contact_phone == "13905986002"


async def test_the_same_message_twice_gets_one_answer_and_one_record(
    processor: Processor, session: Session
) -> None:
    await processor.handle(msg("cai", "我要订车，明天早上8点从嵩口去县城，两个人，手机13905986003"))
    await processor.handle(msg("cai", "不验证"))  # the typed number stays a contact
    confirm = msg("cai", "1", message_id="wx-20261120-001")
    first, second = await asyncio.gather(processor.handle(confirm), processor.handle(confirm))
    third = await processor.handle(confirm)
    assert "订单号" in said(first)
    assert first == second == third
    session.expire_all()
    citizen = citizen_of(session, channel="rest", sender="cai")
    assert session.scalar(select(func.count()).select_from(Booking).where(Booking.citizen_id == citizen)) == 1
    logged = (
        select(func.count())
        .select_from(ConversationEvent)
        .where(ConversationEvent.conversation_id == "rest:cai", ConversationEvent.type == "user")
    )
    assert session.scalar(logged) == 3  # the booking request, 不验证 and one "1"


async def test_an_idle_conversation_starts_afresh(runtime: Runtime, store: StateStore) -> None:
    processor = make_processor(runtime, store, idle_minutes=0.004)  # 0.24 s
    assert "从哪里出发" in said(await processor.handle(msg("dai", "我要订车")))
    assert "要去哪里" in said(await processor.handle(msg("dai", "嵩口")))
    await asyncio.sleep(0.4)
    assert await store.load_tracker("rest:dai") is None
    after = said(await processor.handle(msg("dai", "县城")))
    assert "要去哪里" not in after and "什么时候出发" not in after


async def test_a_failed_turn_apologises_and_changes_nothing(
    runtime: Runtime, store: StateStore, session: Session
) -> None:
    @contextmanager
    def broken_commit() -> Iterator[Session]:
        with runtime.unit_of_work() as s:
            yield s
            raise RuntimeError("database went away at commit")

    working = make_processor(runtime, store)
    await working.handle(msg("eve", "我要订车，明天早上8点从嵩口去县城，两个人，手机13905986004"))
    await working.handle(msg("eve", "不验证"))
    before = await store.load_tracker("rest:eve")
    failing = make_processor(runtime, store, unit_of_work=broken_commit)
    replies = await failing.handle(msg("eve", "1", message_id="m-1"))
    assert "没有办成" in said(replies)
    assert await store.load_tracker("rest:eve") == before
    assert await store.cached_answer("rest:eve:m-1") is None  # a retry is processed again
    session.expire_all()
    assert (
        session.scalar(
            select(func.count()).select_from(Booking).where(Booking.contact_phone == "13905986004")
        )
        == 0
    )
    assert "订单号" in said(await working.handle(msg("eve", "1", message_id="m-1")))


async def test_handed_off_conversation_stays_quiet_until_returned(
    processor: Processor, session: Session
) -> None:
    replies = await processor.handle(msg("fan", "转人工"))
    assert replies[-1].action == "handoff"
    session.expire_all()
    handoff = session.scalars(select(Handoff).where(Handoff.conversation_id == "rest:fan")).one()
    assert handoff.status == "waiting" and handoff.citizen_id is not None
    assert await processor.handle(msg("fan", "我的快递到哪了")) == []
    conversations.claim_handoff(session, handoff_id=handoff.id, agent="agent-1")
    session.commit()
    assert await processor.handle(msg("fan", "喂？")) == []
    conversations.return_handoff(session, handoff_id=handoff.id, agent="agent-1")
    session.commit()
    back = said(await processor.handle(msg("fan", "我的快递到哪了")))
    assert "继续为您服务" in back and "快递单号" in back
    texts = [
        e.text for e in conversations.transcript(session, conversation_id="rest:fan") if e.type == "user"
    ]
    assert texts == ["转人工", "我的快递到哪了", "喂？", "我的快递到哪了"]


async def test_the_conversation_log_holds_messages_answers_and_actions(
    processor: Processor, session: Session
) -> None:
    await processor.handle(msg("gao", "我要订车，明天早上8点从嵩口去县城，两个人，手机13905986005"))
    await processor.handle(msg("gao", "不验证"))
    await processor.handle(msg("gao", "1", message_id="r-9"))
    session.expire_all()
    events = conversations.transcript(session, conversation_id="rest:gao")
    kinds = [(e.type, e.action) for e in events]
    assert kinds[0] == ("user", None) and events[0].intent == "book_ride"
    assert ("action", "booking_created") in kinds
    assert events[-1].type == "bot" and "订单号" in (events[-1].text or "")
    user_turn = next(e for e in events if e.type == "user" and e.text == "1")
    assert user_turn.data["message_id"] == "r-9"


async def test_sms_booking_knows_the_number_and_fits_two_segments(
    processor: Processor, session: Session
) -> None:
    turns = ["我要订车", "嵩口", "县城", "明天早上八点", "俩", "1"]
    for text in turns:
        replies = await processor.handle(msg("+8613905986006", text, channel="sms"))
        for reply in replies:
            options = " ".join(f"回复{b.payload}{b.title}" for b in reply.buttons)
            assert len(reply.text) + len(options) <= SMS_LIMIT, reply
            assert "手机号" not in reply.text
    assert "订单号" in said(replies)
    session.expire_all()
    booking = session.scalars(select(Booking).where(Booking.contact_phone == "13905986006")).one()
    assert (booking.origin, booking.passengers, booking.channel) == ("嵩口镇", 2, "sms")


async def test_sms_opt_out_and_back_in(processor: Processor, session: Session) -> None:
    replies = await processor.handle(msg("13905986007", "退订", channel="sms", event="opt_out"))
    assert "退订" in said(replies)
    session.expire_all()
    citizen = session.scalars(select(Citizen).where(Citizen.mobile == "13905986007")).one()
    assert citizen.sms_opt_out is True
    assert "任意短信" not in said(replies)
    await processor.handle(msg("13905986007", "你好", channel="sms"))
    session.expire_all()
    assert session.get(Citizen, citizen.id).sms_opt_out is True  # other text does not opt back in
    replies = await processor.handle(msg("13905986007", "START", channel="sms", event="opt_in"))
    assert "恢复" in said(replies)
    session.expire_all()
    assert session.get(Citizen, citizen.id).sms_opt_out is False  # type: ignore[union-attr]


async def test_yes_from_someone_who_never_opted_out_is_an_ordinary_answer(processor: Processor) -> None:
    replies = await processor.handle(msg("13905986017", "YES", channel="sms", event="opt_in"))
    assert "恢复" not in said(replies)


async def test_voice_marks_turns_that_went_nowhere_and_puts_through_after_two(processor: Processor) -> None:
    await processor.handle(msg("13905986008", "我要订车", channel="voice"))
    first = await processor.handle(msg("13905986008", "啊啊啊", channel="voice"))
    assert all((r.card or {}).get("fallback") for r in first)
    second = await processor.handle(msg("13905986008", "呃呃呃", channel="voice"))
    assert second[-1].action == "handoff"


async def test_voice_texts_are_spoken_words(processor: Processor) -> None:
    await processor.handle(msg("13905986009", "我要订车，明天早上8点半从嵩口去县城，两个人", channel="voice"))
    tracker = await processor.store.load_tracker("voice:13905986009")
    assert tracker is not None and tracker["active"]["awaiting"] == "confirm"
    replies = await processor.handle(msg("13905986009", "不对，是后天", channel="voice"))
    assert "后天11月22日上午8点半" in said(replies) and "→" not in said(replies)


async def test_wechat_events_location_and_picture(processor: Processor) -> None:
    welcome = await processor.handle(msg("oWx1", "", channel="wechat", event="subscribe"))
    assert "欢迎" in said(welcome) and welcome[0].buttons
    clicked = await processor.handle(msg("oWx1", "", channel="wechat", event="menu:track_parcel"))
    assert "快递单号" in said(clicked)
    here = Location(lat=26.0915, lon=116.6740, label="嵩口镇")
    located = await processor.handle(msg("oWx1", "嵩口镇", channel="wechat", event="location", location=here))
    assert "嵩口" in said(located) and "要去哪里" in said(located)
    await processor.handle(msg("oWx1", "我要投诉，司机开车一直打电话，太危险了", channel="wechat"))
    photo = Media(kind="image", url="https://mmbiz.example/pic1.jpg")
    shown = await processor.handle(msg("oWx1", "", channel="wechat", event="image", media=(photo,)))
    assert "图片收到了" in said(shown)
    tracker = await processor.store.load_tracker("wechat:oWx1")
    assert tracker is not None and tracker["active"]["slots"]["_media"] == [
        {"kind": "image", "url": "https://mmbiz.example/pic1.jpg"}
    ]


async def test_a_wechat_location_far_outside_the_county_is_not_near_a_village(processor: Processor) -> None:
    fuzhou = Location(lat=30.2741, lon=120.1551, label="杭州市西湖区")  # some 450 km away
    far = await processor.handle(msg("oWx2", "杭州市西湖区", channel="wechat", event="location", location=fuzhou))
    assert "附近" not in said(far) and "不在村通服务范围" in said(far)
    await processor.handle(msg("oWx2", "我要订车", channel="wechat"))
    asked = await processor.handle(msg("oWx2", "", channel="wechat", event="location", location=fuzhou))
    assert "不在村通服务范围" in said(asked) and "从哪里出发" in said(asked)
    tracker = await processor.store.load_tracker("wechat:oWx2")
    assert tracker is not None and "origin" not in tracker["active"]["slots"]


async def test_the_clock_is_the_processors(processor: Processor) -> None:
    await processor.handle(msg("hu", "我要订车，明天早上8点从嵩口去县城，两个人"))
    tracker = await processor.store.load_tracker("rest:hu")
    assert tracker is not None
    assert tracker["active"]["slots"]["time"]["value"] == "2026-11-21T08:00:00+08:00"


async def test_a_phone_recording_goes_onto_the_complaint(processor: Processor, session: Session) -> None:
    caller = "13905986010"
    assert await processor.handle(msg(caller, "", channel="voice", event="call_start")) == []
    await processor.handle(msg(caller, "我要投诉", channel="voice"))
    tape = Media(kind="recording", url="https://gateway.example/Recordings/RE1")
    heard = await processor.handle(msg(caller, "", channel="voice", event="recording", media=(tape,)))
    assert "属于哪一类" in said(heard)
    for answer in ("2", "不记得", "没有"):
        await processor.handle(msg(caller, answer, channel="voice"))
    done = said(await processor.handle(msg(caller, "1", channel="voice")))
    assert "工单号" in done
    session.expire_all()
    ticket = session.scalars(select(Complaint).where(Complaint.contact_phone == caller)).one()
    assert (ticket.category, ticket.recording_url, ticket.channel) == ("vehicle", tape.url, "voice")


async def test_pictures_sent_during_a_complaint_go_onto_the_ticket(
    processor: Processor, session: Session
) -> None:
    await processor.handle(msg("oWx2", "我要投诉，司机开车一直打电话，太危险了", channel="wechat"))
    photo = Media(kind="image", url="http://mmbiz.qpic.cn/abc.jpg", media_id="media_img_1")
    await processor.handle(msg("oWx2", "", channel="wechat", event="image", media=(photo,)))
    for answer in ("不记得", "没有", "不留"):
        await processor.handle(msg("oWx2", answer, channel="wechat"))
    done = said(await processor.handle(msg("oWx2", "1", channel="wechat")))
    assert "工单号" in done
    session.expire_all()
    citizen = citizen_of(session, channel="wechat", sender="oWx2")
    ticket = session.scalars(select(Complaint).where(Complaint.citizen_id == citizen)).one()
    assert ticket.category == "safety"
    assert ticket.media == [
        {"kind": "image", "url": "http://mmbiz.qpic.cn/abc.jpg", "media_id": "media_img_1"}
    ]


async def test_voice_goodbye_hangs_up_and_thanks_may_close(processor: Processor) -> None:
    replies = await processor.handle(msg("13905986031", "再见", channel="voice"))
    assert replies[-1].action == "hangup"
    rest = await processor.handle(msg("13905986031", "再见", channel="rest"))
    assert rest[-1].action is None and rest[-1].card is None


async def test_voice_complaint_story_is_recorded_and_its_transcription_kept(
    processor: Processor, session: Session
) -> None:
    caller = "13905986032"
    asked = await processor.handle(msg(caller, "我要投诉", channel="voice"))
    assert asked[-1].action == "record"
    tape = (Media(kind="recording", url="https://api.twilio.com/Recordings/RE900"),)
    await processor.handle(msg(caller, "", channel="voice", event="recording", media=tape))
    await processor.handle(msg(caller, "司机开车太快还骂人", channel="voice", event="transcription", media=tape))
    tracker = await processor.store.load_tracker(f"voice:{caller}")
    assert tracker is not None
    assert tracker["active"]["slots"]["description"] == "司机开车太快还骂人"
    assert tracker["active"]["slots"]["_recording"] == tape[0].url


async def test_sms_departure_times_stand_apart_from_route_names(processor: Processor) -> None:
    replies = await processor.handle(msg("13905986033", "明天嵩口到县城的班车几点", channel="sms"))
    text = said(replies)
    assert re.search(r"\d{2}:\d{2} \d+路", text), text
    assert not re.search(r"\d{2}:\d{2}\d", text), text
