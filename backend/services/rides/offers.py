"""Which rides to offer for a wished time, before anything is booked: the real scheduled
departures around it (the nearest before and after, each with its stop, arrival and
fare) and, when none is within `NEAR` (30 min) and demand-responsive vehicles run, a
demand-responsive ride at the wished time.

An arrive-by wish (10点前到 / 8点要到县医院, `arrive_by=True`) looks at arrivals instead:
the latest departures arriving by then, and a demand ride planned to arrive by then
(`pickup_for_arrival`: the direct driving time plus the longest detour a shared ride may
take). The dialog reads the offers back as numbered choices and books exactly the one the
citizen confirmed (`rides.book_ride(trip_id=…)`), so nothing moves after 确认.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.localtime import to_local
from backend.models import Driver, Vehicle
from backend.services.bus.departures import Departure, next_departures
from backend.services.dispatch import plans as dispatch_plans

NEAR = timedelta(minutes=30)  # a departure (or arrival) this close to the wish is the proposal
AROUND = timedelta(hours=4)  # departures further than this from the wish are not offered
SEARCH = 40
RIDE_SLACK_MINUTES = 10  # a shared ride may take 1.5 x direct + 10 min (dispatch rules)
DEMAND_KINDS = ("minibus", "car")


@dataclass(frozen=True)
class RideOffers:
    """`departures`: offered buses by time; `proposed`: the one read back first, if any;
    `demand`: a demand ride is offered (then it is the proposal)."""

    departures: tuple[Departure, ...]
    proposed: Departure | None
    demand: bool

    @property
    def scheduled(self) -> bool:
        """A scheduled line serves the trip near the wished time."""
        return bool(self.departures)


def ride_offers(
    session: Session,
    *,
    origin: str,
    destination: str,
    wished: datetime,
    arrive_by: bool = False,
    now: datetime | None = None,
) -> RideOffers:
    """The departures around `wished` (see module doc); no line between the places, or
    none within `AROUND`, gives no departures and a demand ride where one runs. A bus that
    has left by `now` is not offered."""
    around = [d for d in _around(session, origin, destination, wished) if now is None or d.departure >= now]
    if arrive_by:
        chosen = [d for d in around if d.arrival <= wished][-2:]
        near = sorted((d for d in chosen if wished - d.arrival <= NEAR), key=lambda d: wished - d.arrival)
    else:
        chosen = [d for d in around if d.departure < wished][-1:] + [
            d for d in around if d.departure >= wished
        ][:1]
        near = sorted(
            (d for d in chosen if abs(d.departure - wished) <= NEAR),
            key=lambda d: (abs(d.departure - wished), d.departure < wished),
        )
    proposed = near[0] if near else None
    demand = proposed is None and demand_service(session)
    return RideOffers(departures=tuple(chosen), proposed=proposed, demand=demand)


def _around(session: Session, origin: str, destination: str, wished: datetime) -> list[Departure]:
    try:
        found = next_departures(
            session, origin=origin, destination=destination, after=wished - AROUND, limit=SEARCH
        )
    except (NotFound, InvalidInput):
        return []
    return [d for d in found if abs(d.departure - wished) <= AROUND or abs(d.arrival - wished) <= AROUND]


def find_departure(
    session: Session, *, origin: str, destination: str, trip_id: str, departure: datetime
) -> Departure | None:
    """The departure of `trip_id` leaving at `departure`, if the timetable still has it."""
    try:
        found = next_departures(
            session, origin=origin, destination=destination, after=departure - timedelta(minutes=1), limit=10
        )
    except (NotFound, InvalidInput):
        return None
    return next((d for d in found if d.trip_id == trip_id and d.departure == departure), None)


def demand_service(session: Session) -> bool:
    """Demand-responsive vehicles (minibuses, cars) are in service in the county."""
    stmt = select(Vehicle.id).where(Vehicle.status == "in_service", Vehicle.kind.in_(DEMAND_KINDS)).limit(1)
    return session.scalars(stmt).first() is not None


def demand_hours(session: Session) -> tuple[time, time] | None:
    """The hours demand-responsive rides run: from the earliest shift start to the latest
    shift end of the drivers of in-service minibuses and cars; None when none runs."""
    stmt = (
        select(Driver.shift_start, Driver.shift_end)
        .join(Vehicle, Driver.vehicle_id == Vehicle.id)
        .where(Vehicle.status == "in_service", Vehicle.kind.in_(DEMAND_KINDS))
    )
    shifts = [(time.fromisoformat(start), time.fromisoformat(end)) for start, end in session.execute(stmt)]
    if not shifts:
        return None
    return min(start for start, _ in shifts), max(end for _, end in shifts)


def demand_off_hours(session: Session, pickup: datetime) -> bool:
    """Demand rides run in the county but not at `pickup` (local clock outside `demand_hours`)."""
    hours = demand_hours(session)
    return hours is not None and not hours[0] <= to_local(pickup).time() <= hours[1]


def pickup_for_arrival(session: Session, *, origin: str, destination: str, arrive_by: datetime) -> datetime:
    """The pick-up time of a demand ride that arrives by `arrive_by` even on its longest
    allowed detour, rounded down to 5 minutes. A deadline after the vehicles stop that day
    (22:00前到 when they run until 19:05) is met by the last ride that ends by then."""
    direct = dispatch_plans.direct_minutes(session, origin, destination)
    longest = timedelta(minutes=direct * 1.5 + RIDE_SLACK_MINUTES)
    deadline, hours = to_local(arrive_by), demand_hours(session)
    if hours is not None:
        deadline = min(deadline, datetime.combine(deadline.date(), hours[1], deadline.tzinfo))
    pickup = deadline - longest
    return pickup.replace(minute=pickup.minute - pickup.minute % 5, second=0, microsecond=0)
