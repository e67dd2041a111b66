"""The dispatch engine's plain data: what is asked (`Request` rides, `Consignment` parcel
batches), what is available (`VehicleSpec`), the whole `Problem`, and the answer (`Plan`
of `Run`s, each an ordered list of `Stop`s with planned times). Times are minutes after
local midnight of the service day: whole minutes in the pilot county, fractions allowed where
travel times are short (the planner resolves 1/100 minute); places are gazetteer names. Requests and
consignments share one id space ("jobs"): a stop names the job it serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PICKUP = "pickup"
DROPOFF = "dropoff"
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Request:
    """A demand-responsive ride: `passengers` people from `pickup` to `dropoff`, picked up
    between `earliest` and `latest`. `told` is the pick-up time the riders were already
    given (None until then): a later plan keeps it within the configured tolerance.
    `arrive_by` (10点前到) is the latest drop-off, `arrive_from` the earliest; `dwell` the
    minutes boarding and alighting take at each of its two stops (None: the configured
    default); `max_ride` the longest time on board from pick-up to drop-off, dwell at the
    pick-up included (None: the configured factor x direct time + extra)."""

    id: str
    pickup: str
    dropoff: str
    earliest: float
    latest: float
    passengers: int
    told: float | None = None
    arrive_by: float | None = None
    arrive_from: float | None = None
    dwell: float | None = None
    max_ride: float | None = None


@dataclass(frozen=True)
class Consignment:
    """A batch of parcels from the county co-delivery centre or a township station to a
    village service point: loaded no earlier than `ready`, delivered no later than `due`."""

    id: str
    origin: str
    destination: str
    weight_kg: float
    volume_m3: float
    ready: float
    due: float
    dwell: float | None = None  # loading / unloading minutes at each end (None: configured)


@dataclass(frozen=True)
class VehicleSpec:
    """A vehicle and its driver for the day: it leaves its depot no earlier than
    `shift_start` and is back no later than `shift_end`; `max_duration` limits the minutes
    from leaving the depot to being back (None: only the shift)."""

    id: str
    seats: int
    cargo_kg: float
    cargo_m3: float
    depot: str
    shift_start: float
    shift_end: float
    driver: str | None = None
    max_duration: float | None = None


@dataclass(frozen=True)
class Stop:
    action: str  # pickup | dropoff
    job: str  # a request or consignment id
    place: str
    time: float  # when the vehicle serves the stop (arrival, or the end of waiting)


@dataclass
class Run:
    """One vehicle's day: leaves the depot at `start`, serves `stops` in order, is back at `end`."""

    vehicle: str
    stops: list[Stop]
    start: float
    end: float

    def jobs(self) -> set[str]:
        return {stop.job for stop in self.stops}


@dataclass
class Problem:
    requests: dict[str, Request] = field(default_factory=dict)
    consignments: dict[str, Consignment] = field(default_factory=dict)
    vehicles: dict[str, VehicleSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        shared = self.requests.keys() & self.consignments.keys()
        if shared:
            raise ValueError(f"job ids used twice: {sorted(shared)}")

    def job_ids(self) -> list[str]:
        return [*self.requests, *self.consignments]

    def places(self) -> set[str]:
        names = {v.depot for v in self.vehicles.values()}
        names.update(p for r in self.requests.values() for p in (r.pickup, r.dropoff))
        names.update(p for c in self.consignments.values() for p in (c.origin, c.destination))
        return names

    def with_request(self, request: Request) -> Problem:
        return Problem({**self.requests, request.id: request}, dict(self.consignments), dict(self.vehicles))

    def without(self, job: str) -> Problem:
        requests = {k: v for k, v in self.requests.items() if k != job}
        consignments = {k: v for k, v in self.consignments.items() if k != job}
        return Problem(requests, consignments, dict(self.vehicles))


@dataclass
class Plan:
    """Runs by vehicle id (vehicles left at the depot have none) and the jobs left out."""

    runs: dict[str, Run] = field(default_factory=dict)
    unserved: list[str] = field(default_factory=list)

    def run_of(self, job: str) -> Run | None:
        return next((run for run in self.runs.values() if job in run.jobs()), None)

    def pickup_time(self, job: str) -> float | None:
        run = self.run_of(job)
        if run is None:
            return None
        return next(stop.time for stop in run.stops if stop.job == job and stop.action == PICKUP)

    def copy(self) -> Plan:
        runs = {vid: Run(run.vehicle, list(run.stops), run.start, run.end) for vid, run in self.runs.items()}
        return Plan(runs, list(self.unserved))
