"""Announcing a service disruption (停运/改线/延误): record the notice and tell everyone it
concerns, each once, on their own channel.

Told are the citizens subscribed to disruption notices (停运通知) for the line, for a
place the line serves, or for the whole network, and the riders with a seat on a bus of
that line (any line, for a network-wide notice) leaving within the disruption's period.
Announcing the same disruption again (same line, title and period) returns the notice
already recorded and tells nobody twice. Bad input is refused before anything is written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.localtime import local_now
from backend.models import Booking, Disruption, Subscription
from backend.models.outbound import OutboundMessage
from backend.services.bus.network import check_aware
from backend.services.notices import texts as notice_texts
from backend.services.notices.subscriptions import resolve_route, subscribers_for

logger = logging.getLogger(__name__)

MAX_TITLE = 100
MAX_DESCRIPTION = 1000
SEAT_STATUSES = ("confirmed", "assigned")


@dataclass
class Announcement:
    disruption: Disruption
    created: bool
    notices: list[OutboundMessage] = field(default_factory=list)


def announce_disruption(
    session: Session,
    *,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    route: str | None = None,
    now: datetime | None = None,
) -> Announcement:
    """Record a disruption of `route` (a line by id or label; None: the whole network) and
    notify its subscribers and the riders booked on it in the period."""
    now = now or local_now()
    title, description = (title or "").strip(), (description or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"标题不能为空，且不超过{MAX_TITLE}个字", field="title")
    if not description or len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"说明不能为空，且不超过{MAX_DESCRIPTION}个字", field="description")
    starts_at, ends_at = check_aware(starts_at, "开始时间"), check_aware(ends_at, "结束时间")
    if ends_at <= starts_at:
        raise InvalidInput("结束时间要晚于开始时间", field="ends_at")
    if ends_at <= now:
        raise InvalidInput("这次停运已经结束了，不用再通知", field="ends_at")
    route_id = resolve_route(session, route).route_id if route else None
    disruption = session.scalars(
        select(Disruption).where(
            Disruption.route_id.is_(None) if route_id is None else Disruption.route_id == route_id,
            Disruption.title == title,
            Disruption.starts_at == starts_at,
            Disruption.ends_at == ends_at,
        )
    ).first()
    created = disruption is None
    if disruption is None:
        disruption = Disruption(
            route_id=route_id, title=title, description=description, starts_at=starts_at, ends_at=ends_at
        )
        session.add(disruption)
        session.flush()  # the flush also moves the network version (backend/services/bus/network_cache.py)
    notices = [
        notice_texts.service_disruption(session, disruption=disruption, citizen_id=citizen_id, now=now)
        for citizen_id in concerned(session, disruption=disruption, now=now)
    ]
    logger.info("disruption %s (%s): %d notices", disruption.id, route_id or "全网", len(notices))
    return Announcement(disruption, created, notices)


def concerned(session: Session, *, disruption: Disruption, now: datetime) -> list[int]:
    """The citizens to tell about `disruption`, each once, by id."""
    if disruption.route_id is None:
        subscribed = set(
            session.scalars(
                select(Subscription.citizen_id).where(
                    Subscription.kind == "disruption", Subscription.active.is_(True)
                )
            )
        )
    else:
        subscribed = {c.id for c in subscribers_for(session, kind="disruption", route=disruption.route_id)}
    rides = select(Booking.citizen_id).where(
        Booking.kind == "seat",
        Booking.status.in_(SEAT_STATUSES),
        Booking.pickup_time >= max(disruption.starts_at, now),
        Booking.pickup_time < disruption.ends_at,
    )
    if disruption.route_id is not None:
        rides = rides.where(Booking.route_id == disruption.route_id)
    return sorted(subscribed | set(session.scalars(rides)))
