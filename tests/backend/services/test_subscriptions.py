from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound, UnknownPlace
from backend.models import Citizen, Subscription
from backend.services.citizens import identities as citizens
from backend.services.notices import subscriptions


@pytest.fixture
def villager(session: Session) -> Citizen:
    return citizens.citizen_for_mobile(session, mobile="13905983001")


@pytest.fixture
def neighbour(session: Session) -> Citizen:
    return citizens.citizen_for_mobile(session, mobile="13905983002")


def count(session: Session) -> int:
    session.flush()
    return session.scalar(select(func.count()).select_from(Subscription)) or 0


@pytest.mark.parametrize(
    ("name", "route_id"), [("4路", "L04"), ("4路车", "L04"), ("4", "L04"), ("L04", "L04"), ("清三线", "C01")]
)
def test_resolve_route_by_label_or_id(session: Session, name: str, route_id: str) -> None:
    assert subscriptions.resolve_route(session, name).route_id == route_id


def test_subscribe_stores_canonical_names_and_twice_returns_the_same(
    session: Session, villager: Citizen
) -> None:
    sub = subscriptions.subscribe(
        session, citizen_id=villager.id, kind="arrival", place="邓家", route="4路车"
    )
    assert (sub.kind, sub.place, sub.route_id, sub.active) == ("arrival", "邓家村", "L04", True)
    before = count(session)
    assert (
        subscriptions.subscribe(
            session, citizen_id=villager.id, kind="arrival", place="邓家村", route="L04"
        ).id
        == sub.id
    )
    assert count(session) == before


def test_unsubscribed_then_subscribed_again_is_reactivated(session: Session, villager: Citizen) -> None:
    sub = subscriptions.subscribe(session, citizen_id=villager.id, kind="disruption", route="4路")
    assert subscriptions.unsubscribe(session, citizen_id=villager.id, route="4路") == [sub]
    assert subscriptions.list_subscriptions(session, citizen_id=villager.id) == []
    before = count(session)
    again = subscriptions.subscribe(session, citizen_id=villager.id, kind="disruption", route="4路")
    assert again.id == sub.id and again.active and count(session) == before


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "weather"}, InvalidInput),
        ({"kind": "arrival"}, InvalidInput),  # arrival needs a place
        ({"kind": "arrival", "place": "火星村"}, UnknownPlace),
        ({"kind": "disruption", "route": "99路"}, NotFound),
    ],
)
def test_bad_subscriptions_write_nothing(
    session: Session, villager: Citizen, fields: dict[str, str], error: type[Exception]
) -> None:
    before = count(session)
    with pytest.raises(error):
        subscriptions.subscribe(session, citizen_id=villager.id, **fields)  # type: ignore[arg-type]
    assert count(session) == before


def test_unknown_citizen_and_nothing_to_unsubscribe(session: Session, villager: Citizen) -> None:
    with pytest.raises(NotFound):
        subscriptions.subscribe(session, citizen_id=8888888, kind="disruption")
    with pytest.raises(NotFound, match="没有找到您要取消的提醒"):
        subscriptions.unsubscribe(session, citizen_id=villager.id)


def test_subscribers_for_a_disruption(session: Session, villager: Citizen, neighbour: Citizen) -> None:
    everywhere = citizens.citizen_for_mobile(session, mobile="13905983003")
    elsewhere = citizens.citizen_for_mobile(session, mobile="13905983004")
    subscriptions.subscribe(session, citizen_id=villager.id, kind="disruption", route="4路")
    subscriptions.subscribe(session, citizen_id=neighbour.id, kind="disruption", place="邓家村")
    subscriptions.subscribe(session, citizen_id=everywhere.id, kind="disruption")
    subscriptions.subscribe(session, citizen_id=elsewhere.id, kind="disruption", route="1路")
    subscriptions.subscribe(session, citizen_id=elsewhere.id, kind="arrival", place="邓家村")
    told = subscriptions.subscribers_for(session, kind="disruption", route="4路")
    assert [c.id for c in told] == sorted([villager.id, neighbour.id, everywhere.id])
    assert [c.id for c in subscriptions.subscribers_for(session, kind="disruption", route="1路")] == sorted(
        [everywhere.id, elsewhere.id]
    )


def test_subscribers_for_an_arrival(session: Session, villager: Citizen, neighbour: Citizen) -> None:
    subscriptions.subscribe(session, citizen_id=villager.id, kind="arrival", place="邓家村")
    subscriptions.subscribe(session, citizen_id=neighbour.id, kind="arrival", place="邓家村", route="13路")
    assert [
        c.id for c in subscriptions.subscribers_for(session, kind="arrival", place="邓家村", route="4路")
    ] == [villager.id]
    assert subscriptions.subscribers_for(session, kind="arrival", place="灵地村", route="4路") == []
    subscriptions.unsubscribe(session, citizen_id=villager.id, kind="arrival")
    assert subscriptions.subscribers_for(session, kind="arrival", place="邓家村", route="4路") == []
    with pytest.raises(InvalidInput):
        subscriptions.subscribers_for(session, kind="arrival", route="4路")
