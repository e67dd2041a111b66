"""The concrete runs of the scheduled trips: a timed trip runs once on each of its service
days, a frequency-based trip (frequencies.txt, 流水班) once per headway within each period.

A frequency trip's stop times are a pattern: a run leaving the first stop at `start_s`
shifts every call by `start_s` minus the pattern's first departure. Runs start at
start_time, start_time + headway, ... while before end_time, for exact_times 1 (exactly
then) and 0 (about that often: `exact` is False and answers say 约). `trip_runs` yields
every run of a service day with its calls (for timetables, journey planning); `run_shifts`
gives just the shifts, for callers that already hold the calls they need.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Frequency, StopTime, Trip
from backend.services.bus.network import running_services
from backend.services.bus.network_data import STOP_CALL_COLUMNS

NO_BOARDING = 1  # pickup_type / drop_off_type: 0 regular, 1 none, 2 phone agency, 3 ask the driver


@dataclass(frozen=True)
class Shift:
    """One run of a trip: its stored times plus `offset` seconds."""

    offset: int = 0
    start_s: int | None = None  # the run's first departure; None for a timed trip
    exact: bool = True
    headway_s: int | None = None


TIMED = (Shift(),)


@dataclass(frozen=True)
class RunCall:
    stop_sequence: int
    stop_id: str
    arrival_s: int
    departure_s: int
    pickup_type: int = 0
    drop_off_type: int = 0

    @property
    def boarding(self) -> bool:
        return self.pickup_type != NO_BOARDING

    @property
    def alighting(self) -> bool:
        return self.drop_off_type != NO_BOARDING


@dataclass(frozen=True)
class Run:
    """One concrete run of a trip on a service day; times are seconds after its midnight."""

    trip: Trip
    service_date: date
    shift: Shift
    calls: tuple[RunCall, ...]

    @property
    def trip_id(self) -> str:
        return self.trip.trip_id

    @property
    def start_s(self) -> int | None:
        return self.shift.start_s


def frequency_starts(period: Frequency) -> range:
    """The first departures of the runs of one frequency period (end time excluded)."""
    return range(period.start_s, period.end_s, period.headway_s)


def run_shifts(session: Session, trip_ids: Iterable[str]) -> dict[str, tuple[Shift, ...]]:
    """The runs of each trip as shifts of its stored times (a timed trip: one, unshifted)."""
    ids = list(set(trip_ids))
    shifts: dict[str, tuple[Shift, ...]] = dict.fromkeys(ids, TIMED)
    periods: dict[str, list[Frequency]] = defaultdict(list)
    for period in session.scalars(select(Frequency).where(Frequency.trip_id.in_(ids))):
        periods[period.trip_id].append(period)
    if not periods:
        return shifts
    first = {
        trip_id: departure
        for trip_id, departure in session.execute(
            select(StopTime.trip_id, func.min(StopTime.departure_s))
            .where(StopTime.trip_id.in_(list(periods)))
            .group_by(StopTime.trip_id)
        )
    }
    for trip_id, trip_periods in periods.items():
        base = int(first.get(trip_id) or 0)
        shifts[trip_id] = tuple(
            Shift(start - base, start, p.exact_times, p.headway_s)
            for p in sorted(trip_periods, key=lambda p: p.start_s)
            for start in frequency_starts(p)
        )
    return shifts


def trip_runs(
    session: Session, day: date, *, route_id: str | None = None, trip_ids: Iterable[str] | None = None
) -> Iterator[Run]:
    """Every run on service day `day` (optionally of one line or some trips), with its calls."""
    stmt = select(Trip).where(Trip.service_id.in_(running_services(session, day)))
    if route_id is not None:
        stmt = stmt.where(Trip.route_id == route_id)
    if trip_ids is not None:
        stmt = stmt.where(Trip.trip_id.in_(list(trip_ids)))
    trips = {t.trip_id: t for t in session.scalars(stmt)}
    if not trips:
        return
    calls: dict[str, list[RunCall]] = defaultdict(list)
    rows = session.execute(
        select(*STOP_CALL_COLUMNS)
        .where(StopTime.trip_id.in_(list(trips)))
        .order_by(StopTime.trip_id, StopTime.stop_sequence)
    )
    for trip_id, *values in rows:
        calls[trip_id].append(RunCall(*values))
    shifts = run_shifts(session, trips)
    for trip_id, trip in trips.items():
        pattern = calls.get(trip_id)
        if not pattern:
            continue
        for shift in shifts[trip_id]:
            yield Run(trip, day, shift, tuple(_shifted(call, shift.offset) for call in pattern))


def _shifted(call: RunCall, offset: int) -> RunCall:
    if offset == 0:
        return call
    return RunCall(
        call.stop_sequence,
        call.stop_id,
        call.arrival_s + offset,
        call.departure_s + offset,
        call.pickup_type,
        call.drop_off_type,
    )
