"""派车通知 from dispatch: after a plan is written, tell each rider whose vehicle, driver or
planned pick-up time is new or changed (vehicle and driver assigned, or 派车有变动 when
they were told a placement before). A pick-up moved by more than `MOVE_TOLERANCE` (10
min) from the time the rider was told is announced as such, with a free cancellation; a
rider a re-plan takes off every run (assigned -> requested) is told so and that they are
being placed again.

The dispatch writers take a `snapshot` of their bookings before they change them and
call `tell_assignments` once the new plan is flushed; a rider whose placement is the
same as before hears nothing, so re-planning a day that changes nothing sends nothing.
Riders the caller tells itself (the booking dialog names the vehicle in its own reply)
are passed as `told`. The notice's event key names the booking, vehicle, driver and
pick-up time, so the same placement is never announced twice.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Booking
from backend.models.outbound import OutboundMessage
from backend.services.notices import texts as notice_texts

logger = logging.getLogger(__name__)

Placement = tuple[str, int | None, int | None, datetime | None]
MOVE_TOLERANCE = timedelta(minutes=10)
Snapshot = dict[str, Placement]


def _placement(booking: Booking) -> Placement:
    return booking.status, booking.vehicle_id, booking.driver_id, booking.planned_pickup


def snapshot(bookings: Iterable[Booking]) -> Snapshot:
    """Each booking's status, vehicle, driver and planned pick-up, before a plan is written."""
    return {booking.id: _placement(booking) for booking in bookings}


def tell_assignments(
    session: Session,
    *,
    before: Snapshot,
    bookings: Iterable[Booking],
    told: Collection[str] = (),
    now: datetime | None = None,
) -> list[OutboundMessage]:
    """Write a 派车 notice for every assigned booking whose placement differs from `before`."""
    sent = []
    for booking in bookings:
        earlier = before.get(booking.id)
        was = earlier[3] if earlier is not None and earlier[0] == "assigned" else None
        if booking.status == "requested" and was is not None and booking.id not in told:
            sent.append(notice_texts.ride_dropped(session, booking=booking, was=was, now=now))
            continue
        if booking.status != "assigned" or booking.planned_pickup is None or booking.id in told:
            continue
        if earlier is not None and earlier == _placement(booking):
            continue
        session.expire(booking, ["vehicle", "driver"])  # the ids were set, not the relationships
        if was is not None and abs(booking.planned_pickup - was) > MOVE_TOLERANCE:
            notice = notice_texts.pickup_moved(session, booking=booking, was=was, now=now)
            if notice is not None:
                sent.append(notice)
            continue
        changed = was is not None or _told_before(session, booking.id)
        notice = notice_texts.vehicle_assigned(session, booking=booking, changed=changed, now=now)
        if notice is not None:
            sent.append(notice)
    if sent:
        logger.info("told %d riders their vehicle: %s", len(sent), ", ".join(n.event_key for n in sent))
    return sent


def _told_before(session: Session, booking_id: str) -> bool:
    """Was this rider already told a placement (a ride changed is taken off its run first)?"""
    stmt = select(OutboundMessage.id).where(
        OutboundMessage.event_key.startswith(f"vehicle_assigned:{booking_id}:", autoescape=True)
    )
    return session.scalars(stmt.limit(1)).first() is not None
