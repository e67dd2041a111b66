"""A re-plan keeps its word to riders: a pick-up moved more than 10 minutes from the time
the rider was told is announced with the new time and a free cancellation, and a rider
taken off every run hears so (through the outbound queue) instead of nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.localtime import to_local
from backend.models import Driver
from backend.models.outbound import OutboundMessage
from backend.services.dispatch import plans as dispatch_plans
from backend.services.rides import assignment_notices
from tests.backend.services.test_assignment_notices import assigned_notices, book
from tests.conftest import NOW


def replanned(session: Session) -> list[OutboundMessage]:
    session.flush()
    stmt = (
        select(OutboundMessage).where(OutboundMessage.kind == "ride_replanned").order_by(OutboundMessage.id)
    )
    return list(session.scalars(stmt))


def test_a_pick_up_moved_more_than_ten_minutes_offers_a_free_cancel(session: Session) -> None:
    booking = book(session, "13905982101")
    dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    assert booking.planned_pickup is not None
    told = booking.planned_pickup
    before = assignment_notices.snapshot([booking])
    booking.planned_pickup = told + timedelta(minutes=25)
    session.flush()
    [moved] = assignment_notices.tell_assignments(session, before=before, bookings=[booking], now=NOW)
    assert moved.kind == "ride_replanned" and moved.to == "13905982101"
    assert (
        f"由11月21日{to_local(told):%H:%M}调整为11月21日{to_local(booking.planned_pickup):%H:%M}"
        in moved.body
    )
    assert f"取消{booking.id}" in moved.body and "免费取消" in moved.body
    assert len(assigned_notices(session, booking)) == 1  # no second 派车 notice besides it


def test_a_small_move_is_an_ordinary_change(session: Session) -> None:
    booking = book(session, "13905982102")
    dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    assert booking.planned_pickup is not None
    before = assignment_notices.snapshot([booking])
    booking.planned_pickup += timedelta(minutes=8)
    session.flush()
    [change] = assignment_notices.tell_assignments(session, before=before, bookings=[booking], now=NOW)
    assert change.kind == "vehicle_assigned" and "派车有变动" in change.body
    assert replanned(session) == []


def test_a_rider_dropped_by_a_replan_is_told(session: Session) -> None:
    booking = book(session, "13905982103")
    dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW)
    assert booking.planned_pickup is not None
    told = booking.planned_pickup
    before = assignment_notices.snapshot([booking])
    booking.status, booking.vehicle_id, booking.driver_id, booking.planned_pickup = (
        "requested",
        None,
        None,
        None,
    )
    session.flush()
    [dropped] = assignment_notices.tell_assignments(session, before=before, bookings=[booking], now=NOW)
    assert dropped.kind == "ride_replanned" and dropped.status == "queued"
    assert f"原定11月21日{to_local(told):%H:%M}" in dropped.body and "重新安排" in dropped.body
    again = assignment_notices.tell_assignments(session, before=before, bookings=[booking], now=NOW)
    assert again == [dropped]  # the same event once


def test_a_day_replan_that_cannot_keep_a_rider_tells_them(session: Session) -> None:
    booking = book(session, "13905982104")
    assert dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=NOW).placed
    session.execute(update(Driver).values(shift_start="13:00"))  # no driver works the morning any more
    result = dispatch_plans.plan_day(session, day=to_local(booking.pickup_time).date(), now=NOW)
    assert booking.id in result.unserved
    session.refresh(booking)
    assert (booking.status, booking.vehicle_id, booking.planned_pickup) == ("requested", None, None)
    [dropped] = replanned(session)
    assert dropped.to == "13905982104" and "重新安排" in dropped.body and f"取消{booking.id}" in dropped.body
