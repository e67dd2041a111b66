from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.models import Booking, Citizen, Complaint, ComplaintTransition, DailyCounter
from backend.services.complaints.records import (
    add_transcription,
    complaints_of_citizen,
    get_complaint,
    normalise_plate,
    open_complaint,
    search_complaints,
    transition_complaint,
)
from tests.conftest import NOW, SHANGHAI


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def written(session: Session) -> tuple[int, int, int]:
    counters = session.scalar(select(func.coalesce(func.sum(DailyCounter.value), 0))) or 0
    return count(session, Complaint), count(session, ComplaintTransition), counters


@pytest.fixture
def citizen(session: Session) -> Citizen:
    person = Citizen(name="罗秀兰", mobile="13905981234", home_place="嵩口镇")
    session.add(person)
    session.flush()
    return person


def test_open_complaint_writes_ticket_deadlines_and_first_transition(
    session: Session, citizen: Citizen
) -> None:
    complaint = open_complaint(
        session,
        category="driver",
        description="今天早上7点嵩口开往县城的班车，司机一路打电话，还骂乘客",
        citizen_id=citizen.id,
        channel="wechat",
        plate="闽g·12345",
        place="嵩口",
        occurred_at=NOW - timedelta(hours=2),
        now=NOW,
    )
    assert re.fullmatch(r"C20261120\d{3}", complaint.id)
    assert complaint.state == "received"
    assert complaint.plate == "闽G12345"
    assert (complaint.place, complaint.township) == ("嵩口镇", "嵩口镇")
    assert complaint.contact_phone == "13905981234"
    assert complaint.first_response_due == datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    assert complaint.resolution_due == datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
    [first] = complaint.transitions
    assert (first.from_state, first.to_state, first.by, first.at) == (None, "received", "citizen", NOW)
    assert get_complaint(session, ticket_id=complaint.id.lower()) is complaint


def test_pictures_and_a_recording_are_kept_on_the_ticket(session: Session) -> None:
    photo = {"kind": "image", "url": " https://mmbiz.example/pic1.jpg ", "media_id": "media_img_1"}
    complaint = open_complaint(
        session,
        category="vehicle",
        description="车上座椅坏了",
        channel="voice",
        media=[photo, {"kind": "image", "media_id": "media_img_2"}],
        recording_url="https://gateway.example/Recordings/RE1",
        now=NOW,
    )
    assert complaint.media == [
        {"kind": "image", "url": "https://mmbiz.example/pic1.jpg", "media_id": "media_img_1"},
        {"kind": "image", "media_id": "media_img_2"},
    ]
    assert complaint.recording_url == "https://gateway.example/Recordings/RE1"
    plain = open_complaint(session, category="vehicle", description="车上座椅坏了", now=NOW)
    assert (plain.media, plain.recording_url) == ([], None)


def test_a_recording_transcription_is_kept_on_its_ticket(session: Session) -> None:
    tape = "https://gateway.example/Recordings/RE7"
    spoken = open_complaint(
        session, category="driver", description="（电话录音留言，见录音）", channel="voice", recording_url=tape, now=NOW
    )
    assert add_transcription(session, recording_url=tape, text="司机骂人", placeholder="（电话录音留言，见录音）") is spoken
    assert spoken.description == "司机骂人"
    add_transcription(session, recording_url=tape, text="还抽烟", placeholder="（电话录音留言，见录音）")
    assert spoken.description == "司机骂人\n录音转写：还抽烟"
    assert add_transcription(session, recording_url="https://gateway.example/Recordings/RE8", text="x") is None
    assert add_transcription(session, recording_url=tape, text="  ") is None


def test_ticket_numbers_follow_each_other(session: Session) -> None:
    first = open_complaint(session, category="fare", description="票价多收了两块钱", now=NOW)
    second = open_complaint(session, category="票价", description="没有给找零", now=NOW)
    assert int(second.id[-3:]) == int(first.id[-3:]) + 1
    assert second.category == "fare"


def test_village_place_gives_its_township_and_unknown_place_is_kept(session: Session) -> None:
    village = open_complaint(session, category="schedule", description="班车没来", place="溪源村", now=NOW)
    assert (village.place, village.township) == ("溪源村", "嵩口镇")
    unknown = open_complaint(session, category="schedule", description="班车没来", place="后山坳", now=NOW)
    assert (unknown.place, unknown.township) == ("后山坳", None)


def test_township_comes_from_the_booking_origin(session: Session, citizen: Citizen) -> None:
    booking = Booking(
        id="B202611190001",
        citizen_id=citizen.id,
        kind="seat",
        status="completed",
        origin="灵地村",
        destination="清流县城",
        pickup_time=NOW - timedelta(days=1),
        passengers=1,
    )
    session.add(booking)
    session.flush()
    complaint = open_complaint(
        session, category="schedule", description="车晚到了四十分钟", booking_id="b202611190001", now=NOW
    )
    assert complaint.booking_id == "B202611190001"
    assert complaint.township == "灵地镇"


def test_suggestion(session: Session) -> None:
    suggestion = open_complaint(
        session, category="建议", kind="suggestion", description="希望周末加开一班到县城的车", now=NOW
    )
    assert (suggestion.kind, suggestion.category, suggestion.state) == (
        "suggestion",
        "suggestion",
        "received",
    )


@pytest.mark.parametrize(
    ("changes", "error", "text"),
    [
        ({"description": "   "}, InvalidInput, "具体情况"),
        ({"description": "很" * 2001}, InvalidInput, "2000 字以内"),
        ({"plate": "G12345"}, InvalidInput, "闽G12345"),
        ({"plate": "闽G123"}, InvalidInput, "车牌号"),
        ({"category": "态度差"}, InvalidInput, "投诉类别"),
        ({"category": "suggestion"}, InvalidInput, "建议"),
        ({"kind": "praise"}, InvalidInput, "类型"),
        ({"booking_id": "B202611199999"}, NotFound, "找不到订单"),
        ({"citizen_id": 999999}, NotFound, "找不到用户"),
        ({"contact_phone": "0598-1234"}, InvalidInput, "手机号码"),
        ({"occurred_at": NOW + timedelta(days=1)}, InvalidInput, "发生时间"),
        ({"by": " "}, InvalidInput, "登记人"),
        ({"recording_url": "ftp://gateway.example/RE1"}, InvalidInput, "recording_url"),
        ({"recording_url": "https://gateway.example/" + "r" * 500}, InvalidInput, "500"),
        ({"media": "https://mmbiz.example/pic1.jpg"}, InvalidInput, "附件应是列表"),
        ({"media": ["https://mmbiz.example/pic1.jpg"]}, InvalidInput, "kind、url、media_id"),
        ({"media": [{"kind": "image", "url": "https://x.example/a.jpg", "size": "1"}]}, InvalidInput, "三项"),
        ({"media": [{"kind": "sticker", "url": "https://x.example/a.gif"}]}, InvalidInput, "附件类型"),
        ({"media": [{"kind": "image"}]}, InvalidInput, "url 或 media_id"),
        ({"media": [{"kind": "image", "url": "javascript:alert(1)"}]}, InvalidInput, "http"),
        ({"media": [{"kind": "image", "media_id": "m" * 501}]}, InvalidInput, "media_id"),
        ({"media": [{"kind": "image", "media_id": "m"}] * 21}, InvalidInput, "最多 20 个"),
    ],
)
def test_refused_complaints_write_nothing(
    session: Session, changes: dict[str, object], error: type[Exception], text: str
) -> None:
    before = written(session)
    params: dict[str, object] = {"category": "driver", "description": "司机态度很差", "now": NOW, **changes}
    with pytest.raises(error, match=text):
        open_complaint(session, **params)  # type: ignore[arg-type]
    assert written(session) == before


@pytest.mark.parametrize(
    ("raw", "plate"), [("闽G12345", "闽G12345"), ("闽 g 1234 5", "闽G12345"), ("闽G.D12345", "闽GD12345")]
)
def test_plate_forms(raw: str, plate: str) -> None:
    assert normalise_plate(raw) == plate


def test_get_complaint_errors(session: Session) -> None:
    with pytest.raises(InvalidInput, match="C 加 11 位数字"):
        get_complaint(session, ticket_id="12345")
    with pytest.raises(NotFound, match="C20261120999"):
        get_complaint(session, ticket_id="C20261120999")


def test_search_filters(session: Session, citizen: Citizen) -> None:
    mine = open_complaint(
        session, category="driver", description="司机开车太快", citizen_id=citizen.id, place="嵩口镇", now=NOW
    )
    other = open_complaint(session, category="parcel", description="快递丢了", place="灵地村", now=NOW)
    older = open_complaint(session, category="fare", description="多收钱", now=NOW - timedelta(days=10))
    transition_complaint(
        session, ticket_id=other.id, to_state="assigned", by="王坐席", assignee="灵地站", now=NOW
    )

    ours = {mine.id, other.id, older.id}

    def ids(**filters: object) -> list[str]:
        """Our tickets among the matches, in order (the database may hold other tickets)."""
        found = search_complaints(session, limit=200, **filters)  # type: ignore[arg-type]
        return [c.id for c in found if c.id in ours]

    assert {c.state for c in search_complaints(session, state="assigned")} == {"assigned"}
    assert ids(state="assigned") == [other.id]
    assert ids(category="司机服务") == [mine.id]
    assert ids(township="灵地镇") == [other.id]
    assert ids(citizen_id=citizen.id) == [mine.id]
    assert ids(text="快递") == [other.id]
    assert ids(text=mine.id.lower()) == [mine.id]
    assert set(ids(created_from=NOW - timedelta(hours=1))) == {mine.id, other.id}
    assert ids(created_to=NOW - timedelta(days=1)) == [older.id]
    # four days on: `older` is past its resolution deadline, `mine` was never answered,
    # `other` was answered (assigned) and is still within its five working days
    assert set(ids(overdue=True, now=NOW + timedelta(days=4))) == {older.id, mine.id}
    assert ids(overdue=False, now=NOW + timedelta(days=4)) == [other.id]
    assert len(search_complaints(session, limit=2)) == 2
    assert [c.id for c in complaints_of_citizen(session, citizen_id=citizen.id)] == [mine.id]


@pytest.mark.parametrize(
    "filters", [{"state": "done"}, {"category": "态度"}, {"limit": 0}, {"limit": 500}, {"offset": -1}]
)
def test_search_refuses_bad_filters(session: Session, filters: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        search_complaints(session, **filters)  # type: ignore[arg-type]
