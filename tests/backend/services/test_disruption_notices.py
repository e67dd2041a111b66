"""Announcing a disruption of 4路 (清流县汽车站—灵地镇): the line's subscribers, those at a
place it serves, network-wide subscribers and riders with a seat on it in the period hear
it once each; others do not; announcing it twice tells nobody again; bad input writes
nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.models import Booking, Citizen, Disruption
from backend.models.outbound import OutboundMessage
from backend.services.bus.disruption_notices import announce_disruption
from backend.services.notices import subscriptions
from tests.conftest import NOW

START = NOW.replace(hour=14)
END = START + timedelta(days=2)
LANDSLIDE: dict[str, Any] = {
    "route": "4路",
    "title": "4路灵地村至邓家村路段塌方",
    "description": "灵地村至邓家村路段塌方抢修，4路班车暂停邓家村站，请到灵地村站乘车。",
    "starts_at": START,
    "ends_at": END,
}


def villager(session: Session, mobile: str, *, opted_out: bool = False) -> Citizen:
    person = Citizen(name="村民", mobile=mobile, sms_opt_out=opted_out)
    session.add(person)
    session.flush()
    return person


def seat(session: Session, person: Citizen, booking_id: str, route_id: str, when: datetime) -> Booking:
    ride = Booking(
        id=booking_id, citizen_id=person.id, kind="seat", status="confirmed", origin="灵地镇",
        destination="清流县城", pickup_time=when, passengers=1, route_id=route_id, details={},
    )  # fmt: skip
    session.add(ride)
    session.flush()
    return ride


def written(session: Session) -> tuple[int, int]:
    session.flush()
    return (
        session.scalar(select(func.count()).select_from(Disruption)) or 0,
        session.scalar(select(func.count()).select_from(OutboundMessage)) or 0,
    )


def test_everyone_concerned_hears_it_once(session: Session) -> None:
    line = villager(session, "13905984001")
    subscriptions.subscribe(session, citizen_id=line.id, kind="disruption", route="L04")
    at_place = villager(session, "13905984002")
    subscriptions.subscribe(session, citizen_id=at_place.id, kind="disruption", place="邓家村")
    everything = villager(session, "13905984003")
    subscriptions.subscribe(session, citizen_id=everything.id, kind="disruption")
    other_line = villager(session, "13905984004")
    subscriptions.subscribe(session, citizen_id=other_line.id, kind="disruption", route="1路")
    rider = villager(session, "13905984005")
    seat(session, rider, "B202611200801", "L04", START + timedelta(hours=1))
    seat(session, line, "B202611200802", "L04", START + timedelta(hours=2))  # subscriber and rider: once
    seat(session, villager(session, "13905984006"), "B202611200803", "L04", END + timedelta(hours=1))
    seat(session, other_line, "B202611200804", "L01", START + timedelta(hours=1))
    opted_out = villager(session, "13905984007", opted_out=True)
    subscriptions.subscribe(session, citizen_id=opted_out.id, kind="disruption", route="4路")

    done = announce_disruption(session, now=NOW, **LANDSLIDE)
    assert done.created and done.disruption.route_id == "L04"
    told = {n.to: n for n in done.notices}
    assert set(told) == {"13905984001", "13905984002", "13905984003", "13905984005", "13905984007"}
    assert {n.channel for n in done.notices} == {"sms"}
    assert told["13905984007"].status == "suppressed"
    notice = told["13905984005"]
    assert notice.status == "queued" and notice.kind == "service_disruption"
    assert notice.body == "【村通】4路灵地村至邓家村路段塌方：11月20日14:00至11月22日14:00。请提前安排出行。"
    assert notice.event_key == f"disruption:{done.disruption.id}:{rider.id}"
    before = written(session)
    again = announce_disruption(session, now=NOW + timedelta(minutes=5), **LANDSLIDE)
    assert not again.created and again.disruption.id == done.disruption.id
    assert sorted(n.id for n in again.notices) == sorted(n.id for n in done.notices)
    assert written(session) == before


def test_a_network_wide_notice_reaches_every_disruption_subscriber(session: Session) -> None:
    line = villager(session, "13905984011")
    subscriptions.subscribe(session, citizen_id=line.id, kind="disruption", route="13路")
    rider = villager(session, "13905984012")
    seat(session, rider, "B202611200811", "L01", START + timedelta(hours=3))
    arrival_only = villager(session, "13905984013")
    subscriptions.subscribe(session, citizen_id=arrival_only.id, kind="arrival", place="嵩口镇")
    done = announce_disruption(
        session,
        title="冰冻天气全县班车停运",
        description="因道路结冰，全县班车暂停运行，恢复时间另行通知。",
        starts_at=START,
        ends_at=END,
        now=NOW,
    )
    assert done.disruption.route_id is None
    assert sorted(n.to for n in done.notices) == ["13905984011", "13905984012"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": "  "}, InvalidInput),
        ({"description": ""}, InvalidInput),
        ({"title": "停" * 101}, InvalidInput),
        ({"ends_at": START}, InvalidInput),
        ({"starts_at": NOW - timedelta(days=3), "ends_at": NOW - timedelta(days=1)}, InvalidInput),
        ({"starts_at": START.replace(tzinfo=None)}, InvalidInput),
        ({"route": "99路"}, NotFound),
    ],
)
def test_bad_announcements_write_nothing(session: Session, changes: dict[str, Any], error: type) -> None:
    subscriber = villager(session, "13905984021")
    subscriptions.subscribe(session, citizen_id=subscriber.id, kind="disruption")
    before = written(session)
    with pytest.raises(error):
        announce_disruption(session, now=NOW, **{**LANDSLIDE, **changes})
    assert written(session) == before
