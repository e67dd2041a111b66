"""车辆即将到达: when a vehicle reports its position, tell the people waiting for it.

On a scheduled trip (the position names its trip) these are the riders with a seat on
that trip and the citizens with an arrival subscription (到站提醒) at a place the trip
serves, for any line or that trip's line; each is told once the arrival estimate of
`bus_live` (from this position) at their place is within `APPROACH_MINUTES`. A vehicle on
a demand-responsive run tells its riders whose planned pick-up is near: the vehicle is
expected at the later of its planned pick-up and its driving time from where it is.

Each notice is written once: per booking, and per subscription, trip and service day
(the event keys of `notice_texts`). A position older than `FRESH_POSITION` tells nobody.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.errors import NotFound
from backend.localtime import local_now, to_local
from backend.models import Booking, Place, Stop, StopTime, Subscription, Trip, Vehicle, VehiclePosition
from backend.models.outbound import OutboundMessage
from backend.services.bus.live import DEFAULT_SPEED_KMH, FRESH_POSITION, ArrivalEstimate, estimate_arrival
from backend.services.bus.network import COUNTY_TOWN_RADIUS_KM
from backend.services.notices import texts as notice_texts
from backend.services.places.gazetteer import distance_km

logger = logging.getLogger(__name__)

APPROACH_MINUTES = 10
DETOUR_FACTOR = 1.4  # road distance over straight-line distance, as in dispatch's travel model
RIDE_PAST = timedelta(minutes=20)  # a planned pick-up this long ago is over (picked up or missed)
RIDE_AHEAD = timedelta(minutes=60)
SEAT_STATUSES = ("confirmed", "assigned")
NEAR_STOP_KM = COUNTY_TOWN_RADIUS_KM  # the widest radius at which a place means a stop


def watch_position(
    session: Session, *, position: VehiclePosition, now: datetime | None = None
) -> list[OutboundMessage]:
    """Write the 车辆即将到达 notices this position calls for; returns those written now
    or earlier for the same event (each event is written once)."""
    now = now or local_now()
    if position.recorded_at < now - FRESH_POSITION:
        return []
    moment = to_local(max(now, position.recorded_at))
    plate = session.scalars(select(Vehicle.plate).where(Vehicle.id == position.vehicle_id)).one()
    told: set[tuple[int, str]] = set()
    notices = _demand_riders(session, position, plate, moment, told)
    if position.trip_id:
        trip = session.get(Trip, position.trip_id)
        if trip is not None:
            notices += _scheduled_trip(session, trip, plate, moment, told)
    return notices


def _demand_riders(
    session: Session, position: VehiclePosition, plate: str, moment: datetime, told: set[tuple[int, str]]
) -> list[OutboundMessage]:
    bookings = list(
        session.scalars(
            select(Booking)
            .where(
                Booking.vehicle_id == position.vehicle_id,
                Booking.status == "assigned",
                Booking.planned_pickup >= moment - RIDE_PAST,
                Booking.planned_pickup <= moment + RIDE_AHEAD,
            )
            .order_by(Booking.planned_pickup, Booking.id)
        ).unique()
    )
    names = {b.origin for b in bookings}
    places = {p.name: p for p in session.scalars(select(Place).where(Place.name.in_(names)))} if names else {}
    notices = []
    for booking in bookings:
        place = places.get(booking.origin)
        if place is None or booking.planned_pickup is None:
            continue
        km = distance_km(position.lat, position.lon, place.lat, place.lon) * DETOUR_FACTOR
        driving = timedelta(hours=km / DEFAULT_SPEED_KMH)
        expected = max(moment + driving, booking.planned_pickup)
        minutes = _minutes(expected - moment)
        if minutes <= APPROACH_MINUTES:
            notices.append(
                notice_texts.vehicle_approaching(
                    session, booking=booking, minutes=minutes, plate=plate, now=moment
                )
            )
            told.add((booking.citizen_id, booking.origin))
    return notices


def _scheduled_trip(
    session: Session, trip: Trip, plate: str, moment: datetime, told: set[tuple[int, str]]
) -> list[OutboundMessage]:
    days = (moment.date() - timedelta(days=1), moment.date())
    riders = list(
        session.scalars(
            select(Booking)
            .where(
                Booking.trip_id == trip.trip_id,
                Booking.kind == "seat",
                Booking.status.in_(SEAT_STATUSES),
                Booking.service_date.in_(days),
            )
            .order_by(Booking.id)
        ).unique()
    )
    subscriptions = _subscriptions_along(session, trip)
    estimates: dict[str, ArrivalEstimate | None] = {}

    def near(place: str) -> ArrivalEstimate | None:
        if place not in estimates:
            estimates[place] = _estimate(session, trip, place, moment)
        return estimates[place]

    notices = []
    for booking in riders:
        estimate = near(booking.origin)
        if estimate is not None and (booking.citizen_id, booking.origin) not in told:
            minutes = max(1, estimate.minutes_away)
            notices.append(
                notice_texts.vehicle_approaching(
                    session, booking=booking, minutes=minutes, plate=plate, now=moment
                )
            )
            told.add((booking.citizen_id, booking.origin))
    for subscription in subscriptions:
        place = subscription.place or ""
        estimate = near(place)
        if estimate is None or (subscription.citizen_id, place) in told:
            continue
        notices.append(
            notice_texts.arrival_reminder(
                session,
                subscription=subscription,
                trip_id=trip.trip_id,
                service_date=to_local(estimate.scheduled).date(),
                line=estimate.route,
                stop=estimate.stop,
                minutes=max(1, estimate.minutes_away),
                now=moment,
            )
        )
        told.add((subscription.citizen_id, place))
    return notices


def _subscriptions_along(session: Session, trip: Trip) -> list[Subscription]:
    """Active arrival subscriptions for this trip's line (or any line) at a place near one of
    its stops; `estimate_arrival` then decides which stop the place means."""
    subscriptions = list(
        session.scalars(
            select(Subscription)
            .where(
                Subscription.kind == "arrival",
                Subscription.active.is_(True),
                Subscription.place.is_not(None),
                or_(Subscription.route_id.is_(None), Subscription.route_id == trip.route_id),
            )
            .order_by(Subscription.id)
        )
    )
    if not subscriptions:
        return []
    stops = list(
        session.scalars(
            select(Stop)
            .join(StopTime, StopTime.stop_id == Stop.stop_id)
            .where(StopTime.trip_id == trip.trip_id)
        )
    )
    names = {s.place for s in subscriptions}
    near = {
        place.name
        for place in session.scalars(select(Place).where(Place.name.in_(names)))
        if any(
            stop.place_id == place.id or distance_km(place.lat, place.lon, stop.lat, stop.lon) <= NEAR_STOP_KM
            for stop in stops
        )
    }
    return [s for s in subscriptions if s.place in near]


def _estimate(session: Session, trip: Trip, place: str, moment: datetime) -> ArrivalEstimate | None:
    """This trip's live estimate at `place` when it is within APPROACH_MINUTES, else None."""
    try:
        found = estimate_arrival(session, place=place, route=trip.route_id, now=moment, limit=50)
    except NotFound:
        logger.warning("no stops at %s for the arrival watch of trip %s", place, trip.trip_id)
        return None
    for estimate in found:
        if estimate.trip_id == trip.trip_id and estimate.source == "realtime":
            return estimate if estimate.minutes_away <= APPROACH_MINUTES else None
    return None


def _minutes(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds() / 60))
