"""Dispatch as services (客货邮 runs): plan a whole service day with the OR-Tools planner,
place one demand-responsive booking into the day's runs live (the confirmation names
the planned pick-up, vehicle and driver), check a ride before booking it, accept a
counter-offer, change a ride (改签: it is placed again, or the change is refused with the
nearest times) and cancel one so that its run gets shorter. `change_ride` and
`cancel_ride` take any booking, so the dialogs and the operator API call only them.

Everything goes through `backend.dispatch`; the runs are stored as DispatchRun /
DispatchStop rows and bookings become `assigned` with their planned pick-up. Refusals
write nothing. `configure` sets the rules and the travel model once at start-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from backend.dispatch.config import DispatchConfig
from backend.dispatch.insertion import retime
from backend.dispatch.model import Request
from backend.dispatch.offers import Offers, place_request
from backend.dispatch.planner import plan as plan_problem
from backend.dispatch.store import Day, load_day, minute_of, moment_at, save_day, travel_for
from backend.dispatch.travel import TravelTimes
from backend.dispatch.validator import validate
from backend.errors import CapacityExceeded, Conflict, IllegalTransition, InvalidInput
from backend.localtime import local_now, to_local
from backend.models import Booking, DispatchRun
from backend.services.places.gazetteer import resolve_place
from backend.services.rides import bookings as rides

logger = logging.getLogger(__name__)

_settings: dict[str, object] = {"config": DispatchConfig(), "source": "great_circle", "table": None}
_TRAVEL_KEY = "dispatch_travel"


def configure(
    *, config: DispatchConfig | None = None, travel_source: str = "great_circle", table: str | None = None
) -> None:
    """Dispatch rules and travel model (great_circle, or table with a CSV path)."""
    _settings.update(config=config or DispatchConfig(), source=travel_source, table=table)


def _config() -> DispatchConfig:
    config = _settings["config"]
    assert isinstance(config, DispatchConfig)
    return config


def direct_minutes(session: Session, origin: str, destination: str) -> int:
    """Driving time between two gazetteer places on the configured travel model."""
    return _travel(session).minutes(origin, destination)


def _travel(session: Session) -> TravelTimes:
    travel = session.info.get(_TRAVEL_KEY)
    if travel is None:
        table = _settings["table"]
        travel = travel_for(session, source=str(_settings["source"]), table=str(table) if table else None)
        session.info[_TRAVEL_KEY] = travel
    return travel  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Placement:
    """Where a booking went: its planned pick-up, vehicle and driver, or (not placed) the
    nearest pick-up times that could be served instead."""

    booking_id: str
    placed: bool
    pickup_time: datetime | None = None
    vehicle_plate: str | None = None
    driver_name: str | None = None
    driver_phone: str | None = None
    offer_before: datetime | None = None
    offer_after: datetime | None = None


@dataclass(frozen=True)
class RideCheck:
    feasible: bool
    pickup_time: datetime | None = None
    offer_before: datetime | None = None
    offer_after: datetime | None = None


@dataclass(frozen=True)
class DayPlan:
    day: date
    runs: list[DispatchRun]
    unserved: list[str]
    seconds: float


def _now_minute(day: date, now: datetime) -> int | None:
    today = to_local(now).date()
    if day < today:
        raise InvalidInput(f"{day:%m月%d日}已经过去了，不能再派车", field="date")
    return minute_of(day, now) if day == today else None


def plan_day(
    session: Session,
    *,
    day: date,
    time_limit_s: float | None = None,
    created_by: str = "system",
    now: datetime | None = None,
) -> DayPlan:
    """Re-plan the whole day, starting from its current runs; riders already told a time
    keep it within the tolerance. Refused (Conflict) if the result fails validation."""
    now = now or local_now()
    _now_minute(day, now)
    config, travel = _config(), _travel(session)
    current = load_day(session, day=day, config=config, travel=travel, lock=True)
    # a day with no runs yet (its bookings all requested) is planned afresh: the whole-day
    # search (iterated descent, on two cores when free) rather than a re-plan of nothing
    initial = current.plan if current.plan.runs else None
    result = plan_problem(current.problem, travel, config, initial=initial, time_limit_s=time_limit_s)
    problems = validate(current.problem, result.plan, travel, config)
    if problems:
        logger.error("plan for %s failed validation: %s", day, problems[:5])
        raise Conflict("排班结果没有通过校验，已保留原来的安排，请联系管理员", violations=problems[:5])
    runs = save_day(session, current, current.problem, result.plan, created_by=created_by, now=now)
    return DayPlan(day, runs, list(result.plan.unserved), result.seconds)


def _placement(booking: Booking) -> Placement:
    driver = booking.driver
    return Placement(
        booking.id, True, booking.planned_pickup, booking.vehicle.plate if booking.vehicle else None,
        driver.name if driver else None, driver.phone if driver else None,
    )  # fmt: skip


def _offers(day: Day, offers: Offers, booking_id: str) -> Placement:
    def at(minute: int | None) -> datetime | None:
        return moment_at(day.day, minute) if minute is not None else None

    return Placement(booking_id, False, offer_before=at(offers.before), offer_after=at(offers.after))


def dispatch_booking(
    session: Session, *, booking_id: str, now: datetime | None = None, tell_rider: bool = True
) -> Placement:
    """Insert a `requested` demand booking into its day's runs and mark it `assigned`; when
    it cannot be served in its window, nothing is written and the counter-offers come back.
    The rider gets a 派车 notice unless `tell_rider` is False (the caller tells them);
    riders whose pick-up moved to make room always get one."""
    now = now or local_now()
    booking = rides.get_booking(session, booking_id)
    if booking.kind != "demand":
        raise InvalidInput(f"订单{booking.id}不是需求响应出行，不需要派车", booking_id=booking.id)
    if booking.status == "assigned":
        return _placement(booking)
    if booking.status != "requested":
        raise IllegalTransition(
            f"订单{booking.id}已经{_STATUS_WORDS.get(booking.status, '结束')}，不能再派车",
            booking_id=booking.id,
        )
    day = to_local(booking.pickup_time).date()
    now_minute = _now_minute(day, now)
    config, travel = _config(), _travel(session)
    current = load_day(session, day=day, config=config, travel=travel, lock=True)
    request = current.problem.requests[booking.id]
    outcome = place_request(
        current.problem.without(booking.id), current.plan, request, travel, config, now=now_minute
    )
    if isinstance(outcome, Offers):
        logger.info("booking %s does not fit its window; offers %s", booking.id, outcome)
        return _offers(current, outcome, booking.id)
    save_day(
        session,
        current,
        outcome.problem,
        outcome.plan,
        vehicles={outcome.vehicle},
        created_by="live",
        now=now,
        told=() if tell_rider else (booking.id,),
    )
    session.expire(booking, ["vehicle", "driver"])
    logger.info("booking %s placed on %s at %s", booking.id, outcome.vehicle, booking.planned_pickup)
    return _placement(booking)


_STATUS_WORDS = {"cancelled": "取消", "completed": "完成"}


def confirm_ride(
    session: Session, *, booking_id: str, now: datetime | None = None, tell_rider: bool = False
) -> Placement:
    """`dispatch_booking` for the booking dialog: a ride that cannot be served in its window
    is refused with CapacityExceeded (field "time", the offers in ISO) whose message names
    the nearest times that can be, so the dialog asks again: 8点的车满了，8点40可以吗?
    The dialog's reply names the vehicle, so no 派车 notice unless `tell_rider`."""
    placement = dispatch_booking(session, booking_id=booking_id, now=now, tell_rider=tell_rider)
    if placement.placed:
        return placement
    booking = rides.get_booking(session, booking_id)
    wished = f"{to_local(booking.pickup_time):%H:%M}"
    times = [f"{to_local(t):%H:%M}" for t in (placement.offer_before, placement.offer_after) if t is not None]
    if times:
        message = f"{wished}的车都排满了，可以改到{'或'.join(times)}出发，您看可以吗？"
    else:
        message = f"{wished}前后几个小时的车都排满了，请换一天或者换个时间。"
    offers = [t.isoformat() for t in (placement.offer_before, placement.offer_after) if t is not None]
    raise CapacityExceeded(message, field="time", booking_id=booking_id, offers=offers)


def ride_offers(
    session: Session,
    *,
    origin: str,
    destination: str,
    pickup_time: datetime,
    passengers: int,
    now: datetime | None = None,
) -> RideCheck:
    """Could a demand-responsive ride be served at `pickup_time`? If not, the nearest
    times that could. Writes nothing."""
    now = now or local_now()
    if not isinstance(pickup_time, datetime) or pickup_time.tzinfo is None:
        raise InvalidInput("出发时间需要带时区", field="pickup_time")
    start, end = resolve_place(session, origin), resolve_place(session, destination)
    day = to_local(pickup_time).date()
    now_minute = _now_minute(day, now)
    config, travel = _config(), _travel(session)
    current = load_day(session, day=day, config=config, travel=travel)
    wished = minute_of(day, pickup_time)
    request = Request(
        "新预约",
        start.name,
        end.name,
        max(0, wished - config.window_before_min),
        wished + config.window_after_min,
        passengers,
    )
    outcome = place_request(current.problem, current.plan, request, travel, config, now=now_minute)
    if isinstance(outcome, Offers):
        at = _offers(current, outcome, request.id)
        return RideCheck(False, offer_before=at.offer_before, offer_after=at.offer_after)
    return RideCheck(True, pickup_time=moment_at(day, outcome.pickup))


def accept_offer(
    session: Session,
    *,
    booking_id: str,
    pickup_time: datetime,
    citizen_id: int | None = None,
    now: datetime | None = None,
) -> Placement:
    """Move a not-yet-placed booking to the offered time and place it."""
    now = now or local_now()
    rides.change_booking(
        session, booking_id=booking_id, citizen_id=citizen_id, pickup_time=pickup_time, now=now
    )
    return dispatch_booking(session, booking_id=booking_id, now=now)


def change_ride(
    session: Session,
    *,
    booking_id: str,
    citizen_id: int | None = None,
    pickup_time: datetime | None = None,
    passengers: int | None = None,
    trip_id: str | None = None,
    arrive_by: datetime | None = None,
    now: datetime | None = None,
    tell_rider: bool = True,
) -> Booking:
    """Change any booking's time or head count (rides.change_booking). A demand ride that
    was on a run is taken off it (the run is re-timed) and placed again, and one still
    waiting for a vehicle (`requested`, e.g. booked through the operator API) is placed
    now rather than at the next day plan, so the booking names its new planned pick-up (a 派车 notice unless `tell_rider` is False: the dialog
    says it); when it cannot be placed, CapacityExceeded (field "time", the offers in
    ISO, as from `confirm_ride`) and the change is undone."""
    now = now or local_now()
    booking = rides.get_booking(session, booking_id)
    was_on = _run_of(booking)
    waiting = booking.kind == "demand" and booking.status == "requested"
    with session.begin_nested():
        changed = rides.change_booking(
            session, booking_id=booking_id, citizen_id=citizen_id, pickup_time=pickup_time,
            passengers=passengers, trip_id=trip_id, arrive_by=arrive_by, now=now,
        )  # fmt: skip
        if was_on is not None:
            _shorten(session, *was_on, now=now)
        if was_on is not None or waiting:
            confirm_ride(session, booking_id=changed.id, now=now, tell_rider=tell_rider)
    return changed


def cancel_ride(
    session: Session,
    *,
    booking_id: str,
    citizen_id: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Cancel any booking (rides.cancel_booking frees its seats); a demand ride that was on
    a run is taken off it and the run is re-timed, so it gets shorter."""
    now = now or local_now()
    booking = rides.get_booking(session, booking_id)
    was_on = _run_of(booking)
    cancelled = rides.cancel_booking(
        session, booking_id=booking_id, citizen_id=citizen_id, reason=reason, now=now
    )
    if was_on is not None:
        _shorten(session, *was_on, now=now)
    return cancelled


def _run_of(booking: Booking) -> tuple[date, str] | None:
    """(service day, vehicle plate) of the run a demand ride is on, or None."""
    if booking.kind != "demand" or booking.status != "assigned" or booking.vehicle is None:
        return None
    return to_local(booking.pickup_time).date(), booking.vehicle.plate


def _shorten(session: Session, day: date, plate: str, *, now: datetime) -> None:
    """Re-time the run of `plate` on `day` after a rider left it."""
    config, travel = _config(), _travel(session)
    current = load_day(session, day=day, config=config, travel=travel, lock=True)
    if plate in current.plan.runs:
        shorter = retime(current.problem, current.plan, plate, travel, config)
        save_day(session, current, current.problem, shorter, vehicles={plate}, created_by="live", now=now)
