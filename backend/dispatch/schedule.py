"""One run's timetable: given a vehicle and the order of its stops, the earliest times that
respect every window (pick-up, and drop-off for arrive-by rides), dwell, travel leg, maximum
ride time, the driver's shift and the vehicle's route-duration limit, or None when that
order cannot work. The planner (to time the order OR-Tools found), insertion,
offers and the greedy baseline all time runs here; the validator checks independently.

Times are the least solution of a system of difference constraints, found by relaxation:
forward along the run (a stop cannot be served before the vehicle gets there), then each
pick-up is pushed later when its rider would otherwise ride too long, and the first stop
(so the departure from the depot) when the run would last too long; repeat until nothing
moves. The run leaves its depot as late as its first stop allows. Riders already told a time are never served earlier than told (`keep_told`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backend.dispatch.config import DispatchConfig
from backend.dispatch.model import DAY_MINUTES, DROPOFF, PICKUP, Problem, Request, Run, Stop, VehicleSpec
from backend.dispatch.travel import TravelTimes

EPSILON = 1e-6  # times may be fractional: sums of float legs are compared with this slack
Visit = tuple[str, str]  # (action, job)


@dataclass(frozen=True)
class JobInfo:
    """What timing and loading need to know about one request or consignment."""

    id: str
    parcel: bool
    pickup: str
    dropoff: str
    pick_lo: float
    pick_hi: float
    drop_lo: float
    drop_hi: float
    told: float | None
    dwell: float
    seats: int
    kg: float
    m3: float
    max_ride: float | None


def effective_window(request: Request, config: DispatchConfig) -> tuple[float, float]:
    """The pick-up window, narrowed to the told time +- tolerance once riders were told."""
    if request.told is None:
        return request.earliest, request.latest
    tol = config.told_tolerance_min
    lo, hi = max(request.earliest, request.told - tol), min(request.latest, request.told + tol)
    return (lo, hi) if lo <= hi else (request.told - tol, request.told + tol)


class JobBook:
    """JobInfo for every job of a problem, computed once."""

    def __init__(self, problem: Problem, travel: TravelTimes, config: DispatchConfig) -> None:
        self.problem, self.travel, self.config = problem, travel, config
        self._info: dict[str, JobInfo] = {}
        self._km: dict[str, dict[str, float]] = {}
        self._minutes: dict[str, dict[str, float]] = {}

    def __getitem__(self, job: str) -> JobInfo:
        info = self._info.get(job)
        if info is None:
            info = self._make(job)
            self._info[job] = info
        return info

    def _make(self, job: str) -> JobInfo:
        cfg = self.config
        request = self.problem.requests.get(job)
        if request is not None:
            lo, hi = effective_window(request, cfg)
            direct = self.travel.minutes(request.pickup, request.dropoff)
            dwell = cfg.dwell_min if request.dwell is None else request.dwell
            longest = cfg.max_ride(direct) if request.max_ride is None else request.max_ride
            drop_lo = 0 if request.arrive_from is None else request.arrive_from
            drop_hi = DAY_MINUTES if request.arrive_by is None else request.arrive_by
            lo, hi, drop_lo, drop_hi = _tighten(lo, hi, drop_lo, drop_hi, dwell + direct, longest)
            return JobInfo(
                job,
                False,
                request.pickup,
                request.dropoff,
                lo,
                hi,
                drop_lo,
                drop_hi,
                request.told,
                dwell,
                request.passengers,
                0.0,
                0.0,
                longest,
            )
        c = self.problem.consignments[job]
        return JobInfo(
            job,
            True,
            c.origin,
            c.destination,
            c.ready,
            c.due,
            c.ready,
            c.due,
            None,
            cfg.parcel_dwell_min if c.dwell is None else c.dwell,
            0,
            c.weight_kg,
            c.volume_m3,
            None,
        )

    def km(self, a: str, b: str) -> float:
        row = self._km.get(a)
        if row is None:
            row = self._km[a] = {}
        value = row.get(b)
        if value is None:
            value = row[b] = self.travel.km(a, b)
        return value

    def minutes(self, a: str, b: str) -> float:
        row = self._minutes.get(a)
        if row is None:
            row = self._minutes[a] = {}
        value = row.get(b)
        if value is None:
            value = row[b] = self.travel.minutes(a, b)
        return value

    def place(self, visit: Visit) -> str:
        info = self[visit[1]]
        return info.pickup if visit[0] == PICKUP else info.dropoff


def _tighten(
    pick_lo: float, pick_hi: float, drop_lo: float, drop_hi: float, shortest: float, longest: float
) -> tuple[float, float, float, float]:
    """Both windows of a ride narrowed by each other: the drop-off comes at least `shortest`
    (dwell + direct time) and at most `longest` (the ride limit) after the pick-up. A pair
    that cannot meet is left as given; timing it then fails on its own."""
    p_lo, p_hi = max(pick_lo, drop_lo - longest), min(pick_hi, drop_hi - shortest)
    d_lo, d_hi = max(drop_lo, pick_lo + shortest), min(drop_hi, pick_hi + longest)
    if p_lo > p_hi + EPSILON or d_lo > d_hi + EPSILON:
        return pick_lo, pick_hi, drop_lo, drop_hi
    return p_lo, p_hi, d_lo, d_hi


def fits(vehicle: VehicleSpec, visits: Sequence[Visit], book: JobBook) -> bool:
    """Seats and cargo never exceeded, and each job picked up once before its drop-off."""
    seats, kg, m3 = 0, 0.0, 0.0
    aboard: set[str] = set()
    done: set[str] = set()
    for action, job in visits:
        info = book[job]
        sign = 1 if action == PICKUP else -1
        if action == PICKUP:
            if job in aboard or job in done:
                return False
            aboard.add(job)
        else:
            if job not in aboard:
                return False
            aboard.discard(job)
            done.add(job)
        seats += sign * info.seats
        kg += sign * info.kg
        m3 += sign * info.m3
        if seats > vehicle.seats or kg > vehicle.cargo_kg + 1e-9 or m3 > vehicle.cargo_m3 + 1e-9:
            return False
    return not aboard


def timetable(
    vehicle: VehicleSpec, visits: Sequence[Visit], book: JobBook, *, keep_told: bool = True
) -> Run | None:
    """The earliest feasible times for these stops in this order, or None."""
    if not visits:
        return Run(vehicle.id, [], vehicle.shift_start, vehicle.shift_start)
    if not fits(vehicle, visits, book):
        return None
    infos = [book[job] for _, job in visits]
    places = [book.place(v) for v in visits]
    lo, hi, dwell = [], [], []
    for (action, _), info in zip(visits, infos, strict=True):
        if action == PICKUP:
            low = info.pick_lo
            if keep_told and info.told is not None:
                low = max(low, min(info.told, info.pick_hi))
            lo.append(low)
            hi.append(info.pick_hi)
        else:
            lo.append(info.drop_lo)
            hi.append(info.drop_hi)
        dwell.append(info.dwell)
    legs = [0] + [book.minutes(places[i - 1], places[i]) for i in range(1, len(visits))]
    pick_at = {job: i for i, (action, job) in enumerate(visits) if action == PICKUP}
    rides = [
        (pick_at[job], i, info.max_ride)
        for i, ((action, job), info) in enumerate(zip(visits, infos, strict=True))
        if action == DROPOFF and info.max_ride is not None
    ]
    out, back = book.minutes(vehicle.depot, places[0]), book.minutes(places[-1], vehicle.depot)
    if vehicle.max_duration is not None:  # back - departure <= limit, as a "ride" of the whole run
        rides.append((0, len(visits) - 1, vehicle.max_duration - out - back - dwell[-1]))
    times = list(lo)
    times[0] = max(times[0], vehicle.shift_start + out)
    for _ in range(4 * len(visits) + 8):
        for i in range(1, len(visits)):
            times[i] = max(times[i], times[i - 1] + dwell[i - 1] + legs[i])
        if any(t > h + EPSILON for t, h in zip(times, hi, strict=True)):
            return None
        moved = False
        for p, d, longest in rides:
            if times[d] - times[p] > longest + EPSILON:
                times[p] = times[d] - longest
                moved = True
        if not moved:
            break
    else:
        return None
    end = times[-1] + dwell[-1] + back
    if end > vehicle.shift_end + EPSILON:
        return None
    stops = [Stop(a, j, p, t) for (a, j), p, t in zip(visits, places, times, strict=True)]
    return Run(vehicle.id, stops, times[0] - out, end)


def visits_of(run: Run) -> list[Visit]:
    return [(stop.action, stop.job) for stop in run.stops]


def run_km(run: Run, vehicle: VehicleSpec, travel: TravelTimes) -> float:
    """Road km from the depot through every stop and back."""
    if not run.stops:
        return 0.0
    places = [vehicle.depot, *(stop.place for stop in run.stops), vehicle.depot]
    return sum(travel.km(a, b) for a, b in zip(places, places[1:], strict=False))
