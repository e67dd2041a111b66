from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import DuplicateRequest, InvalidInput, UnknownPlace
from backend.models import Booking, Citizen, DailyCounter
from backend.services.citizens import identities as citizens
from backend.services.places.gazetteer import resolve_place
from backend.services.rides import charters
from tests.conftest import NOW

TOMORROW_9 = NOW + timedelta(days=1)


@pytest.fixture
def organiser(session: Session) -> Citizen:
    return citizens.citizen_for_mobile(session, mobile="13905984001", name="村委会")


def written(session: Session) -> tuple[int, int]:
    session.flush()
    return (
        session.scalar(select(func.count()).select_from(Booking)) or 0,
        session.scalar(select(func.coalesce(func.sum(DailyCounter.value), 0))) or 0,
    )


def test_charter_is_requested_with_an_indicative_quote(session: Session, organiser: Citizen) -> None:
    booking = charters.book_charter(
        session,
        citizen_id=organiser.id,
        origin="李家村",
        destination="三明",
        pickup_time=TOMORROW_9,
        passengers=12,
        return_time=TOMORROW_9 + timedelta(hours=8),
        note="村里老人去三明体检",
        now=NOW,
    )
    assert (booking.kind, booking.status, booking.destination) == ("charter", "requested", "三明市")
    quote = booking.details["quote"]
    assert quote["vehicle_kind"] == "minibus" and quote["indicative"] is True
    assert quote["price"] % 10 == 0 and booking.fare_total == Decimal(quote["price"])
    assert booking.details["return_time"] == (TOMORROW_9 + timedelta(hours=8)).isoformat()
    assert booking.note == "村里老人去三明体检" and booking.contact_phone == "13905984001"


def test_quote_grows_with_distance_kind_and_waiting(session: Session) -> None:
    lijia, sanming, town = (resolve_place(session, n) for n in ("李家村", "三明市", "清流县城"))
    near = charters.quote(lijia, town, "minibus", None)["price"]
    far = charters.quote(lijia, sanming, "minibus", None)["price"]
    big = charters.quote(lijia, sanming, "bus", None)["price"]
    waiting = charters.quote(lijia, sanming, "minibus", timedelta(hours=5))
    assert near < far < big
    assert waiting["price"] > far and waiting["waiting_hours"] == 4.0


@pytest.mark.parametrize(("passengers", "kind"), [(1, "minibus"), (19, "minibus"), (20, "bus"), (45, "bus")])
def test_smallest_passenger_kind_is_chosen(session: Session, passengers: int, kind: str) -> None:
    assert charters.choose_kind(session, passengers, None) == kind


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"passengers": 0}, InvalidInput, "至少是1人"),
        ({"passengers": 46}, InvalidInput, "最多预约45人"),
        ({"vehicle_kind": "van", "passengers": 5}, InvalidInput, "坐不下5人"),
        ({"vehicle_kind": "helicopter"}, InvalidInput, "没有“helicopter”这种车型"),
        ({"pickup_time": NOW - timedelta(hours=1)}, InvalidInput, "已经过去了"),
        ({"return_time": TOMORROW_9 + timedelta(minutes=30)}, InvalidInput, "返程时间"),
        ({"destination": "李家"}, InvalidInput, "都是李家乡"),
        ({"origin": "李家乡", "destination": "火星"}, UnknownPlace, "找不到地点"),
        ({"note": "很长" * 300}, InvalidInput, "备注太长"),
    ],
)
def test_bad_charters_write_nothing(
    session: Session, organiser: Citizen, fields: dict[str, object], error: type[Exception], message: str
) -> None:
    args: dict[str, object] = {
        "origin": "李家乡",
        "destination": "三明市",
        "pickup_time": TOMORROW_9,
        "passengers": 10,
        "now": NOW,
        **fields,
    }
    before = written(session)
    with pytest.raises(error, match=message):
        charters.book_charter(session, citizen_id=organiser.id, **args)  # type: ignore[arg-type]
    assert written(session) == before


def test_duplicate_charter_and_retried_message(session: Session, organiser: Citizen) -> None:
    args: dict[str, object] = {
        "origin": "李家乡",
        "destination": "三明市",
        "pickup_time": TOMORROW_9,
        "passengers": 10,
        "now": NOW,
    }
    first = charters.book_charter(session, citizen_id=organiser.id, request_key="sms-SM123", **args)  # type: ignore[arg-type]
    before = written(session)
    assert (
        charters.book_charter(session, citizen_id=organiser.id, request_key="sms-SM123", **args).id
        == first.id
    )  # type: ignore[arg-type]
    with pytest.raises(DuplicateRequest):
        charters.book_charter(session, citizen_id=organiser.id, **args)  # type: ignore[arg-type]
    assert written(session) == before


def test_van_on_request(session: Session, organiser: Citizen) -> None:
    booking = charters.book_charter(
        session,
        citizen_id=organiser.id,
        origin="姚坊村",
        destination="清流县城",
        pickup_time=TOMORROW_9,
        passengers=2,
        vehicle_kind="van",
        note="运两筐笋干",
        now=NOW,
    )
    assert booking.details["vehicle_kind"] == "van"
