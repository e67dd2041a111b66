"""The demand-responsive dispatch heuristic, free of the database: requests in, runs out.

Greedy insertion, requests taken in order of their wished pick-up time:
1. try to pool the request into a run already planned in this pass (not a charter's):
   every insertion position of its pick-up and drop-off is scheduled and checked; the
   feasible one adding the least time (vehicle time plus the pick-ups' deviation from
   the wished times) wins;
2. else open a new run on the free vehicle + driver pair that fits best: minibuses
   before vans before buses, then the fewest seats that take the party, then the
   shortest empty drive from the depot;
3. else the request stays unassigned.
A schedule is feasible when the load never exceeds the seats, every pick-up is within
±`PICKUP_WINDOW` of the wished time (the first one may be brought forward in 10-minute
steps, later ones are never early), pooled pick-ups were wished within `GROUP_SPAN` of
each other, nobody rides longer than 1.5 × the direct time + 15 min, the driver's shift
covers the run including the drives from and back to the depot, and neither the vehicle
nor the driver has another run overlapping it. Travel times come from `travel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from backend.services.places.travel import Located, travel_time

PICKUP_WINDOW = timedelta(minutes=20)
GROUP_SPAN = timedelta(minutes=30)
STOP_DWELL = timedelta(minutes=2)
MAX_RIDE_FACTOR = 1.5
MAX_RIDE_EXTRA = timedelta(minutes=15)
START_OFFSETS = (timedelta(0), timedelta(minutes=-10), timedelta(minutes=-20))
KIND_PREFERENCE = {"minibus": 0, "van": 1, "bus": 2}


@dataclass(frozen=True)
class Request:
    booking_id: str
    origin: Located
    origin_name: str
    destination: Located
    destination_name: str
    wished: datetime
    passengers: int
    charter: bool = False
    return_time: datetime | None = None
    vehicle_kind: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A vehicle with one of its drivers, and when each of them is already busy."""

    vehicle_id: int
    driver_id: int
    kind: str
    seats: int
    depot: Located | None
    shift: tuple[datetime, datetime]
    busy: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Stop:
    action: str  # pickup | dropoff
    request: Request
    place: Located
    place_name: str
    wished: datetime | None  # pick-ups only


@dataclass(frozen=True)
class Timed:
    stop: Stop
    time: datetime
    load: int


@dataclass
class RunPlan:
    candidate: Candidate
    timed: list[Timed]
    exclusive: bool = False
    requests: list[Request] = field(default_factory=list)

    @property
    def span(self) -> tuple[datetime, datetime]:
        return busy_span(self.candidate.depot, self.timed)


def busy_span(depot: Located | None, timed: Sequence[Timed]) -> tuple[datetime, datetime]:
    """From leaving the depot for the first stop to being back at the depot."""
    first, last = timed[0], timed[-1]
    return span_between(depot, (first.stop.place, first.time), (last.stop.place, last.time))


def span_between(
    depot: Located | None, first: tuple[Located | None, datetime], last: tuple[Located | None, datetime]
) -> tuple[datetime, datetime]:
    (first_place, first_time), (last_place, last_time) = first, last
    out = travel_time(depot, first_place) if depot is not None and first_place is not None else timedelta(0)
    back = travel_time(last_place, depot) if depot is not None and last_place is not None else timedelta(0)
    return first_time - out, last_time + back


def stops_for(request: Request) -> list[Stop]:
    there = [
        Stop("pickup", request, request.origin, request.origin_name, request.wished),
        Stop("dropoff", request, request.destination, request.destination_name, None),
    ]
    if request.return_time is None:
        return there
    back = replace(request, wished=request.return_time)
    return there + [
        Stop("pickup", back, request.destination, request.destination_name, request.return_time),
        Stop("dropoff", back, request.origin, request.origin_name, None),
    ]


def max_ride(request: Request) -> timedelta:
    direct = travel_time(request.origin, request.destination)
    return direct * MAX_RIDE_FACTOR + MAX_RIDE_EXTRA


def schedule(stops: Sequence[Stop], seats: int) -> list[Timed] | None:
    """Planned times and loads for stops in this order, or None if infeasible."""
    for offset in START_OFFSETS:
        timed = _schedule_from(stops, seats, offset)
        if timed is not None:
            return timed
    return None


def _schedule_from(stops: Sequence[Stop], seats: int, offset: timedelta) -> list[Timed] | None:
    timed: list[Timed] = []
    picked: dict[tuple[str, datetime], datetime] = {}
    load = 0
    for stop in stops:
        if not timed:
            if stop.wished is None:
                return None
            at = stop.wished + offset
        else:
            at = timed[-1].time + STOP_DWELL + travel_time(timed[-1].stop.place, stop.place)
        key = (stop.request.booking_id, stop.request.wished)
        if stop.action == "pickup":
            assert stop.wished is not None
            at = max(at, stop.wished) if timed else at
            if abs(at - stop.wished) > PICKUP_WINDOW:
                return None
            load += stop.request.passengers
            if load > seats:
                return None
            picked[key] = at
        else:
            if key not in picked or at - picked[key] > max_ride(stop.request):
                return None
            load -= stop.request.passengers
        timed.append(Timed(stop, at, load))
    return timed


def lateness(timed: Sequence[Timed]) -> timedelta:
    """How far, in total, pick-ups are planned from the wished times."""
    return sum((abs(t.time - t.stop.wished) for t in timed if t.stop.wished is not None), timedelta(0))


def is_free(
    candidate: Candidate, span: tuple[datetime, datetime], others: Sequence[tuple[datetime, datetime]]
) -> bool:
    start, end = span
    if start < candidate.shift[0] or end > candidate.shift[1]:
        return False
    return all(end <= b_start or start >= b_end for b_start, b_end in (*candidate.busy, *others))


class Planner:
    """One dispatch pass over a window; `plan(request)` returns the run it went to, or None."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = list(candidates)
        self.runs: list[RunPlan] = []

    def _other_spans(self, candidate: Candidate, skip: RunPlan | None) -> list[tuple[datetime, datetime]]:
        return [
            run.span
            for run in self.runs
            if run is not skip
            and (
                run.candidate.vehicle_id == candidate.vehicle_id
                or run.candidate.driver_id == candidate.driver_id
            )
        ]

    def plan(self, request: Request) -> RunPlan | None:
        if not request.charter:
            pooled = self._pool(request)
            if pooled is not None:
                return pooled
        return self._open(request)

    def _pool(self, request: Request) -> RunPlan | None:
        best: tuple[timedelta, RunPlan, list[Timed]] | None = None
        pickup, dropoff = stops_for(request)
        for run in self.runs:
            if run.exclusive or any(abs(r.wished - request.wished) > GROUP_SPAN for r in run.requests):
                continue
            old_start, old_end = run.span
            stops = [t.stop for t in run.timed]
            for i in range(len(stops) + 1):
                for j in range(i + 1, len(stops) + 2):
                    trial = [*stops[:i], pickup, *stops[i:]]
                    trial.insert(j, dropoff)
                    timed = schedule(trial, run.candidate.seats)
                    if timed is None:
                        continue
                    span = busy_span(run.candidate.depot, timed)
                    if not is_free(run.candidate, span, self._other_spans(run.candidate, run)):
                        continue
                    cost = (span[1] - span[0]) - (old_end - old_start) + lateness(timed) - lateness(run.timed)
                    if best is None or cost < best[0]:
                        best = (cost, run, timed)
        if best is None:
            return None
        _cost, run, timed = best
        run.timed = timed
        run.requests.append(request)
        return run

    def _open(self, request: Request) -> RunPlan | None:
        stops = stops_for(request)
        fitting = [
            c
            for c in self.candidates
            if c.seats >= request.passengers and (request.vehicle_kind in (None, c.kind))
        ]
        fitting.sort(
            key=lambda c: (KIND_PREFERENCE.get(c.kind, 9), c.seats, _deadhead(c, request), c.vehicle_id)
        )
        for candidate in fitting:
            timed = schedule(stops, candidate.seats)
            if timed is None:
                continue
            if not is_free(candidate, busy_span(candidate.depot, timed), self._other_spans(candidate, None)):
                continue
            run = RunPlan(candidate, timed, exclusive=request.charter, requests=[request])
            self.runs.append(run)
            return run
        return None


def _deadhead(candidate: Candidate, request: Request) -> timedelta:
    return travel_time(candidate.depot, request.origin) if candidate.depot is not None else timedelta(0)
