from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, IllegalTransition, InvalidInput, NotFound, UnknownPlace
from backend.models import Citizen, Parcel, ParcelEvent, SendRequest, ServicePoint
from backend.services.parcels.shipments import (
    add_event,
    latest_status_text,
    parcels_for_phone,
    pickup_code,
    request_send,
    track_parcel,
)
from backend.services.parcels.tracking_numbers import validate_tracking_no
from tests.conftest import NOW, SHANGHAI

WAITING = "JT1000000000017"
IN_TRANSIT = "EA123456785CN"
PICKED_UP = "YT1000000000019"
RECIPIENT = "13800135151"


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _parcel(
    number: str, carrier: str, point: ServicePoint, status: str, events: list[tuple[int, str, str]]
) -> Parcel:
    parcel = Parcel(
        tracking_no=number, carrier=carrier, recipient_phone=RECIPIENT, service_point=point, status=status
    )
    parcel.events = [
        ParcelEvent(at=NOW + timedelta(hours=h), status=s, location=None, description=d) for h, s, d in events
    ]
    return parcel


@pytest.fixture(autouse=True)
def parcels(session: Session) -> None:
    """Two village pickup points and three parcels, independent of the seed data."""
    yangyuan = ServicePoint(code="SPT1", name="杨源村便民代收点", place="杨源村", hours="08:00-18:00")
    dafeng = ServicePoint(code="SPT2", name="大丰村便民代收点", place="大丰村", hours="07:30-19:00")
    collected = (-30, "collected", "中国邮政广州市网点已揽收")
    left = (-20, "in_transit", "快件已离开广州市转运中心，发往三明转运中心")
    waiting = _parcel(
        WAITING, "极兔", yangyuan, "at_service_point", [collected, left, (-2, "at_service_point", "已到站")]
    )
    waiting.pickup_code = "541317"
    picked = _parcel(
        PICKED_UP, "圆通", yangyuan, "picked_up", [collected, (-5, "at_service_point", "已到站")]
    )
    picked.events.append(
        ParcelEvent(
            at=datetime(2026, 11, 20, 8, 15, tzinfo=SHANGHAI), status="picked_up", description="已取件"
        )
    )
    picked.recipient_phone = "13900007777"
    session.add_all(
        [waiting, picked, _parcel(IN_TRANSIT, "中国邮政", dafeng, "in_transit", [collected, left])]
    )
    session.flush()


@pytest.fixture
def citizen(session: Session) -> Citizen:
    person = Citizen(name="罗秀兰", mobile="13905981234", home_place="嵩口镇")
    session.add(person)
    session.flush()
    return person


def test_every_seeded_parcel_number_is_valid_for_its_carrier(session: Session) -> None:
    seeded = session.execute(select(Parcel.tracking_no, Parcel.carrier)).all()
    assert len(seeded) > 3
    for number, carrier in seeded:
        assert validate_tracking_no(number) == (number, carrier)


def test_track_parcel_normalises_the_number(session: Session) -> None:
    parcel = track_parcel(session, tracking_no=" jt 1000 0000 00017 ")
    assert parcel.tracking_no == WAITING
    assert parcel.carrier == "极兔"
    assert parcel.status == "at_service_point"


def test_malformed_number_says_what_a_valid_one_looks_like(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        track_parcel(session, tracking_no="SF12345")
    assert "SF 加 12 到 15 位数字" in caught.value.message


def test_well_formed_but_unknown_number_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound) as caught:
        track_parcel(session, tracking_no="sf1234567890123")
    assert "顺丰单号 SF1234567890123" in caught.value.message


def test_status_text_for_a_parcel_waiting_at_a_village_station(session: Session) -> None:
    parcel = track_parcel(session, tracking_no=WAITING)
    assert latest_status_text(parcel) == "已到达杨源村便民代收点，取件码 541317，营业时间 08:00-18:00"


def test_status_text_in_transit_and_picked_up(session: Session) -> None:
    moving = latest_status_text(track_parcel(session, tracking_no=IN_TRANSIT))
    assert (
        moving
        == "运输中：快件已离开广州市转运中心，发往三明转运中心（11月19日 13:00），将送到大丰村便民代收点"
    )
    done = latest_status_text(track_parcel(session, tracking_no=PICKED_UP))
    assert done == "已于11月20日 08:15在杨源村便民代收点取件"


@pytest.mark.parametrize("phone", [RECIPIENT, "+86 138-0013-5151", "5151", " 5151 "])
def test_parcels_for_full_phone_or_tail(session: Session, phone: str) -> None:
    found = parcels_for_phone(session, phone=phone)
    assert {WAITING, IN_TRANSIT} <= {p.tracking_no for p in found}
    assert PICKED_UP not in {p.tracking_no for p in found}
    assert all((p.recipient_phone or "").endswith("5151") for p in found)


def test_phone_tail_with_no_parcels_gives_an_empty_list(session: Session) -> None:
    assert parcels_for_phone(session, phone="0000") == []


@pytest.mark.parametrize("phone", ["123", "12345", "abcd", "12759803000", "尾号3000", ""])
def test_bad_phone_is_refused(session: Session, phone: str) -> None:
    with pytest.raises(InvalidInput, match="11位手机号，或手机号后4位"):
        parcels_for_phone(session, phone=phone)


def test_pickup_code_checks_the_recipient(session: Session) -> None:
    assert pickup_code(session, tracking_no=WAITING, phone="5151") == "541317"
    assert pickup_code(session, tracking_no=WAITING, phone=RECIPIENT) == "541317"
    with pytest.raises(Conflict, match="对不上"):
        pickup_code(session, tracking_no=WAITING, phone="1234")


def test_no_pickup_code_while_in_transit(session: Session) -> None:
    with pytest.raises(Conflict, match="运输中"):
        pickup_code(session, tracking_no=IN_TRANSIT)


def test_arrival_issues_a_pickup_code_and_pickup_spends_it(session: Session) -> None:
    arrived = add_event(
        session,
        tracking_no=IN_TRANSIT,
        status="at_service_point",
        location="大丰村便民代收点",
        description="快件已到达大丰村便民代收点，请凭取件码取件",
        at=NOW,
    )
    parcel = arrived.parcel
    assert parcel.status == "at_service_point"
    assert re.fullmatch(r"\d{6}", parcel.pickup_code or "")
    assert parcel.events[-1].description.startswith("快件已到达大丰村")
    assert latest_status_text(parcel).startswith(f"已到达大丰村便民代收点，取件码 {parcel.pickup_code}")

    add_event(
        session,
        tracking_no=IN_TRANSIT,
        status="picked_up",
        location="大丰村便民代收点",
        description="已取件",
        at=NOW + timedelta(hours=2),
    )
    assert parcel.status == "picked_up"
    assert parcel.pickup_code is None


def test_arrival_at_another_station_reroutes_the_parcel(session: Session) -> None:
    event = add_event(
        session,
        tracking_no=IN_TRANSIT,
        status="at_service_point",
        location="spt1",
        description="改投杨源村代收点",
    )
    assert event.parcel.service_point is not None
    assert event.parcel.service_point.name == "杨源村便民代收点"


def test_no_event_after_pickup_and_nothing_written(session: Session) -> None:
    before = count(session, ParcelEvent)
    with pytest.raises(IllegalTransition, match="已取件"):
        add_event(
            session, tracking_no=PICKED_UP, status="in_transit", location="三明", description="再次发出"
        )
    assert count(session, ParcelEvent) == before
    assert track_parcel(session, tracking_no=PICKED_UP).status == "picked_up"


@pytest.mark.parametrize(("status", "description"), [("lost", "丢了"), ("in_transit", "  ")])
def test_bad_events_write_nothing(session: Session, status: str, description: str) -> None:
    before = count(session, ParcelEvent)
    with pytest.raises(InvalidInput):
        add_event(session, tracking_no=IN_TRANSIT, status=status, location="三明", description=description)
    assert count(session, ParcelEvent) == before
    assert track_parcel(session, tracking_no=IN_TRANSIT).status == "in_transit"


def test_arrival_at_an_unknown_location_uses_the_planned_station(session: Session) -> None:
    event = add_event(
        session, tracking_no=IN_TRANSIT, status="at_service_point", location="村口小卖部", description="到站"
    )
    assert event.parcel.service_point is not None
    assert event.parcel.service_point.code == "SPT2"


def test_request_send_resolves_the_origin(session: Session, citizen: Citizen) -> None:
    request = request_send(
        session,
        citizen_id=citizen.id,
        origin="嵩口",
        destination=" 福州市 ",
        pickup_time=NOW + timedelta(days=1),
        goods="笋干两箱",
        weight_kg=12.5,
        now=NOW,
    )
    assert request.id is not None
    assert (request.origin, request.destination, request.status) == ("嵩口镇", "福州市", "requested")
    assert request.contact_phone == "13905981234"
    assert request.pickup_time == NOW + timedelta(days=1)


@pytest.mark.parametrize(
    ("changes", "error", "text"),
    [
        ({"origin": "火星"}, UnknownPlace, "找不到地点"),
        ({"destination": "  "}, InvalidInput, "寄到哪里"),
        ({"weight_kg": 0}, InvalidInput, "不超过50公斤"),
        ({"weight_kg": 60}, InvalidInput, "不超过50公斤"),
        ({"pickup_time": NOW - timedelta(hours=1)}, InvalidInput, "已经过了"),
        ({"contact_phone": "12345"}, InvalidInput, "手机号码"),
        ({"citizen_id": 999999}, NotFound, "找不到用户"),
    ],
)
def test_bad_send_requests_write_nothing(
    session: Session, citizen: Citizen, changes: dict[str, object], error: type[Exception], text: str
) -> None:
    before = count(session, SendRequest)
    params: dict[str, object] = {
        "citizen_id": citizen.id,
        "origin": "嵩口镇",
        "destination": "福州市",
        "pickup_time": NOW + timedelta(hours=3),
        "weight_kg": 5.0,
        "now": NOW,
        **changes,
    }
    with pytest.raises(error, match=text):
        request_send(session, **params)  # type: ignore[arg-type]
    assert count(session, SendRequest) == before
