"""Alert subscriptions: 到站提醒 (tell me when the bus nears my stop) and 停运通知 (tell me
when a line is disrupted). Places resolve through the gazetteer and lines by id or label
(`L04`, `4路`, `清三线`), so what is stored is always canonical; subscribing twice returns
the subscription already held.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from backend.errors import InvalidInput, NotFound
from backend.models import Citizen, Place, Route, Stop, StopTime, Subscription, Trip
from backend.services.bus.network import find_route
from backend.services.citizens.identities import get_citizen
from backend.services.places.gazetteer import resolve_place

logger = logging.getLogger(__name__)

KINDS = ("arrival", "disruption")
_ROUTE_NOISE = re.compile(r"(班车|公交车|公交|客车|车)$")


def resolve_route(session: Session, name: str) -> Route:
    """A line by id (`L04`), label (`4路`, `4路车`, bare `4`) or long name; NotFound otherwise."""
    return find_route(session, _ROUTE_NOISE.sub("", (name or "").strip()) or name)


def subscribe(
    session: Session,
    *,
    citizen_id: int,
    kind: str,
    place: str | None = None,
    route: str | None = None,
) -> Subscription:
    """Subscribe a citizen; `arrival` needs a place (the stop to be alerted at), optionally a
    line; `disruption` takes a line, a place, or neither (every notice of the network)."""
    if kind not in KINDS:
        raise InvalidInput(f"不支持的提醒类型“{kind}”", field="kind", value=kind)
    if kind == "arrival" and not place:
        raise InvalidInput("到站提醒需要说明在哪个站点提醒您", field="place")
    get_citizen(session, citizen_id)
    place_name = resolve_place(session, place).name if place else None
    route_id = resolve_route(session, route).route_id if route else None
    stmt = select(Subscription).where(
        Subscription.citizen_id == citizen_id,
        Subscription.kind == kind,
        _equals_or_null(Subscription.place, place_name),
        _equals_or_null(Subscription.route_id, route_id),
    )
    existing = session.scalars(stmt.order_by(Subscription.active.desc(), Subscription.id)).first()
    if existing is not None:
        existing.active = True
        session.flush()
        return existing
    subscription = Subscription(
        citizen_id=citizen_id, kind=kind, place=place_name, route_id=route_id, active=True
    )
    session.add(subscription)
    session.flush()
    logger.info("citizen %s subscribed to %s place=%s route=%s", citizen_id, kind, place_name, route_id)
    return subscription


def _equals_or_null(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def list_subscriptions(session: Session, *, citizen_id: int) -> list[Subscription]:
    stmt = select(Subscription).where(Subscription.citizen_id == citizen_id, Subscription.active.is_(True))
    return list(session.scalars(stmt.order_by(Subscription.id)))


def unsubscribe(
    session: Session,
    *,
    citizen_id: int,
    subscription_id: int | None = None,
    kind: str | None = None,
    place: str | None = None,
    route: str | None = None,
) -> list[Subscription]:
    """Switch off the citizen's active subscriptions that match every filter given (none
    given: all of them); returns those switched off, NotFound when nothing matched."""
    stmt = select(Subscription).where(Subscription.citizen_id == citizen_id, Subscription.active.is_(True))
    if subscription_id is not None:
        stmt = stmt.where(Subscription.id == subscription_id)
    if kind is not None:
        stmt = stmt.where(Subscription.kind == kind)
    if place is not None:
        stmt = stmt.where(Subscription.place == resolve_place(session, place).name)
    if route is not None:
        stmt = stmt.where(Subscription.route_id == resolve_route(session, route).route_id)
    found = list(session.scalars(stmt.order_by(Subscription.id)))
    if not found:
        raise NotFound("没有找到您要取消的提醒", citizen_id=citizen_id)
    for subscription in found:
        subscription.active = False
    session.flush()
    return found


def subscribers_for(
    session: Session, *, kind: str, route: str | None = None, place: str | None = None
) -> list[Citizen]:
    """Who must hear about an event, each citizen once.

    - `arrival` at `place` (by `route`): subscriptions for that place with no line or that line.
    - `disruption` of `route` (and/or at `place`): subscriptions for that line, for any
      place the line serves, and network-wide subscriptions (no line, no place).
    Opted-out citizens are included: whether SMS may be used is the sender's decision.
    """
    if kind not in KINDS:
        raise InvalidInput(f"不支持的提醒类型“{kind}”", field="kind", value=kind)
    route_id = resolve_route(session, route).route_id if route else None
    place_name = resolve_place(session, place).name if place else None
    conditions = []
    if kind == "arrival":
        if place_name is None:
            raise InvalidInput("到站提醒需要说明站点", field="place")
        conditions.append(
            (Subscription.place == place_name)
            & (Subscription.route_id.is_(None) | (Subscription.route_id == route_id))
        )
    else:
        conditions.append(Subscription.route_id.is_(None) & Subscription.place.is_(None))
        places = set(_places_served(session, route_id)) if route_id else set()
        if place_name:
            places.add(place_name)
        if route_id:
            conditions.append(Subscription.route_id == route_id)
        if places:
            conditions.append(Subscription.place.in_(sorted(places)) & Subscription.route_id.is_(None))
    stmt = (
        select(Citizen)
        .join(Subscription, Subscription.citizen_id == Citizen.id)
        .where(Subscription.kind == kind, Subscription.active.is_(True), or_(*conditions))
        .distinct()
        .order_by(Citizen.id)
    )
    return list(session.scalars(stmt))


def _places_served(session: Session, route_id: str) -> list[str]:
    stmt = (
        select(Place.name)
        .join(Stop, Stop.place_id == Place.id)
        .join(StopTime, StopTime.stop_id == Stop.stop_id)
        .join(Trip, Trip.trip_id == StopTime.trip_id)
        .where(Trip.route_id == route_id)
        .distinct()
    )
    return list(session.scalars(stmt))
