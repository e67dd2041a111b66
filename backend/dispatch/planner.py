"""The day planner: OR-Tools routing with pickup-and-delivery pairs for every ride request
and parcel consignment, one route per vehicle from and back to its depot.

Hard constraints in the model: seats, cargo kg and cargo m3 as capacity dimensions (never
exceeded at any moment), pick-up windows (narrowed for riders already told a time), each
rider's maximum ride time as a cumul difference, shifts as the start and end windows of
each vehicle's route, and the same vehicle picking up and dropping off each job. The
objective is road metres plus a fixed cost per vehicle used plus a penalty for every job
left unserved (much larger for riders already told a time). The search starts from the
current plan (`initial`, with the jobs that came in since inserted greedily) or, without
one, from the greedy insertion plan or OR-Tools' own insertion, whichever costs less (`cold`:
OR-Tools' own start only),
and improves it as `search` describes until the time limit (by default growing with the
number of jobs, `DispatchConfig.search_seconds`). Times in the model are ticks of 1/100
minute; legs are rounded up, so an order the solver accepts also holds in exact minutes.
The order found is re-timed by `schedule.timetable`; the validator has the last word.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp

from backend.dispatch import portfolio
from backend.dispatch.config import DispatchConfig
from backend.dispatch.insertion import extend_plan, greedy_plan
from backend.dispatch.model import DAY_MINUTES, DROPOFF, PICKUP, Plan, Problem, Run, Stop, VehicleSpec
from backend.dispatch.schedule import JobBook, Visit, timetable
from backend.dispatch.search import Routes, Search
from backend.dispatch.travel import TravelTimes

logger = logging.getLogger(__name__)

KG_SCALE = 10  # capacities in 0.1 kg
M3_SCALE = 1000  # and in litres
COMPARE_MAX_JOBS = 150  # see `plan`: up to how many jobs OR-Tools' own start is tried too
TICKS = 100  # the solver's time unit: 1/100 minute, so fractional travel times are kept
HELPER_MIN_S, HELPER_MIN_JOBS = 2.0, 20  # a full day this long and large is searched on 2 cores
Pair = tuple[int, int]


def _up(minutes: float) -> int:
    """Minutes as whole ticks, rounded up (a leg or limit the solver may not undercut)."""
    return math.ceil(minutes * TICKS - 1e-6)


def _down(minutes: float) -> int:
    return math.floor(minutes * TICKS + 1e-6)


@dataclass
class PlannerResult:
    plan: Plan
    seconds: float
    started_from: str  # "current plan", "greedy" or "solver"
    solved: bool  # False: the solver found nothing better to return, `plan` is the start


@dataclass
class _Model:
    """Node layout: one node per distinct depot, then a pick-up and a drop-off node per job."""

    depots: list[str]
    jobs: list[str]
    vehicles: list[VehicleSpec]
    places: list[str]
    dwell: list[float]

    def pickup_node(self, k: int) -> int:
        return len(self.depots) + 2 * k

    def visit(self, node: int) -> Visit:
        k, rest = divmod(node - len(self.depots), 2)
        return (PICKUP if rest == 0 else DROPOFF, self.jobs[k])


def _layout(problem: Problem, book: JobBook) -> _Model:
    vehicles = sorted(problem.vehicles.values(), key=lambda v: v.id)
    depots = sorted({v.depot for v in vehicles})
    jobs = problem.job_ids()
    places, dwell = list(depots), [0.0] * len(depots)
    for job in jobs:
        info = book[job]
        places += [info.pickup, info.dropoff]
        dwell += [info.dwell, info.dwell]
    return _Model(depots, jobs, vehicles, places, dwell)


def plan(
    problem: Problem,
    travel: TravelTimes,
    config: DispatchConfig,
    *,
    initial: Plan | None = None,
    time_limit_s: float | None = None,
    cold: bool | None = None,
) -> PlannerResult:
    """Plan the whole problem; `initial` is the current plan to start from and stay near."""
    began = time.perf_counter()
    limit = config.search_seconds(len(problem.job_ids())) if time_limit_s is None else time_limit_s
    if initial is None and cold is None and _two_cores(len(problem.job_ids()), limit):
        portfolio.warm()  # the helper process starts while the greedy plan is built
    book, initial_given = JobBook(problem, travel, config), initial
    if initial is None:
        initial, started_from = greedy_plan(problem, travel, config), "greedy"
    else:  # the jobs that came in since are inserted first, so the search starts complete
        initial, started_from = extend_plan(problem, initial, travel, config), "current plan"
    if not problem.vehicles or not problem.job_ids():
        return PlannerResult(Plan({}, problem.job_ids()), time.perf_counter() - began, started_from, True)
    model, manager, routing, time_dim, pairs = _setup(problem, book, travel, config)
    # a full day of up to COMPARE_MAX_JOBS starts from the cheaper of greedy insertion and
    # OR-Tools' own insertion (see `Search._cheaper_start`); larger days and re-plans from
    # the current plan start warm (OR-Tools' insertion takes seconds on the pilot's 1,000)
    compare = cold is None and initial_given is None and len(model.jobs) <= COMPARE_MAX_JOBS
    helper = None
    if compare and _two_cores(len(model.jobs), limit):
        helper = portfolio.Helper(_helper_search, problem, travel, config)
    search = Search(routing, pairs, _unrelated(model, book), began + max(limit, 0.2), helper=helper)
    solution = search.run(None if cold else _routes(manager, model, initial), compare=compare)
    if search.cold:
        logger.info("the solver's own start replaced the %s (cheaper, or it did not fit)", started_from)
        started_from = "solver"
    seconds = time.perf_counter() - began
    if solution is None:
        logger.warning("planner found no solution in %.1fs; keeping the plan it started from", seconds)
        return PlannerResult(initial, seconds, started_from, False)
    result = _extract(routing, manager, model, book, solution, time_dim)
    logger.info(
        "planned %d jobs on %d vehicles in %.2fs (from %s), %d unserved, %d runs won by the helper",
        len(model.jobs),
        len(result.runs),
        seconds,
        started_from,
        len(result.unserved),
        search.helper_wins,
    )
    return PlannerResult(result, time.perf_counter() - began, started_from, True)


def _two_cores(jobs: int, seconds: float) -> bool:
    """Whether a full day is searched in two processes (`portfolio`): large and long
    enough that the helper's start-up and model copy are worth it."""
    return HELPER_MIN_JOBS <= jobs <= COMPARE_MAX_JOBS and seconds >= HELPER_MIN_S and portfolio.enabled()


def _setup(
    problem: Problem, book: JobBook, travel: TravelTimes, config: DispatchConfig
) -> tuple[
    _Model, pywrapcp.RoutingIndexManager, pywrapcp.RoutingModel, pywrapcp.RoutingDimension, list[Pair]
]:
    """The routing model of the problem and each job's (pick-up, drop-off) routing indices;
    built the same way every time, so routes found in the helper process fit it."""
    model = _layout(problem, book)
    manager = pywrapcp.RoutingIndexManager(
        len(model.places),
        len(model.vehicles),
        [model.depots.index(v.depot) for v in model.vehicles],
        [model.depots.index(v.depot) for v in model.vehicles],
    )
    routing = pywrapcp.RoutingModel(manager)
    time_dim = _build(routing, manager, model, book, travel, config)
    pairs = [
        (manager.NodeToIndex(model.pickup_node(k)), manager.NodeToIndex(model.pickup_node(k) + 1))
        for k in range(len(model.jobs))
    ]
    return model, manager, routing, time_dim, pairs


def _helper_search(
    problem: Problem,
    travel: TravelTimes,
    config: DispatchConfig,
    routes: Routes | None,
    seed: int,
    until_wall: float,
) -> tuple[Routes, int] | None:
    """Run in the helper process (`portfolio`): the same model, `Search.helper_side` from
    `routes` until the wall-clock time `until_wall`."""
    book = JobBook(problem, travel, config)
    model, _, routing, _, pairs = _setup(problem, book, travel, config)
    deadline = time.perf_counter() + (until_wall - time.time())
    return Search(routing, pairs, _unrelated(model, book), deadline, seed=seed).helper_side(routes)


def _build(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    model: _Model,
    book: JobBook,
    travel: TravelTimes,
    config: DispatchConfig,
) -> pywrapcp.RoutingDimension:
    names = sorted(set(model.places))
    where = {name: i for i, name in enumerate(names)}
    minutes = [[travel.minutes(a, b) for b in names] for a in names]
    metres = [[round(travel.km(a, b) * 1000) for b in names] for a in names]
    at = [where[p] for p in model.places]
    time_cb = routing.RegisterTransitMatrix(
        [[_up(minutes[a][b] + d) for b in at] for a, d in zip(at, model.dwell, strict=True)]
    )
    cost_cb = routing.RegisterTransitMatrix([[metres[a][b] for b in at] for a in at])
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
    routing.SetFixedCostOfAllVehicles(round(config.fixed_vehicle_cost_km * 1000))
    horizon = DAY_MINUTES * TICKS
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    seats, kg, m3 = [0] * len(model.places), [0] * len(model.places), [0] * len(model.places)
    for k, job in enumerate(model.jobs):
        info = book[job]
        p_node = model.pickup_node(k)
        p, d = manager.NodeToIndex(p_node), manager.NodeToIndex(p_node + 1)
        seats[p_node], seats[p_node + 1] = info.seats, -info.seats
        kg[p_node], kg[p_node + 1] = round(info.kg * KG_SCALE), -round(info.kg * KG_SCALE)
        m3[p_node], m3[p_node + 1] = round(info.m3 * M3_SCALE), -round(info.m3 * M3_SCALE)
        routing.AddPickupAndDelivery(p, d)  # same vehicle, pick-up first
        time_dim.CumulVar(p).SetRange(_up(info.pick_lo), _down(info.pick_hi))
        time_dim.CumulVar(d).SetRange(_up(info.drop_lo), min(_down(info.drop_hi), horizon))
        if info.max_ride is not None:  # cumul(p) >= cumul(d) - longest: the ride limit, a
            # precedence that local search filters check at once (measured much faster on
            # Cordeau than the same limit as a solver constraint, with the same plans valid)
            time_dim.AddNodePrecedence(d, p, -_down(info.max_ride))
        routing.AddDisjunction([p, d], _penalty(info.parcel, info.told is not None, config), 2)
    for name, demand, capacity in (
        ("seats", seats, [v.seats for v in model.vehicles]),
        ("kg", kg, [int(v.cargo_kg * KG_SCALE) for v in model.vehicles]),
        ("m3", m3, [int(v.cargo_m3 * M3_SCALE) for v in model.vehicles]),
    ):
        if any(demand):  # a dimension nobody loads only slows the search
            routing.AddDimensionWithVehicleCapacity(
                routing.RegisterUnaryTransitVector(demand), 0, capacity, True, name
            )
    for v, vehicle in enumerate(model.vehicles):
        shift = (_up(vehicle.shift_start), min(_down(vehicle.shift_end), horizon))
        time_dim.CumulVar(routing.Start(v)).SetRange(*shift)
        time_dim.CumulVar(routing.End(v)).SetRange(*shift)
        if vehicle.max_duration is not None:
            time_dim.SetSpanUpperBoundForVehicle(_down(vehicle.max_duration), v)
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
    return time_dim


def _unrelated(model: _Model, book: JobBook) -> Callable[[int, int], float]:
    """How far apart two jobs are, for choosing which to take out together: road km between
    their pick-ups and between their drop-offs, plus half the minutes between their windows."""

    def apart(k: int, other: int) -> float:
        a, b = book[model.jobs[k]], book[model.jobs[other]]
        near = book.km(a.pickup, b.pickup) + book.km(a.dropoff, b.dropoff)
        return near + (abs(a.pick_lo - b.pick_lo) + abs(a.drop_hi - b.drop_hi)) / 2

    return apart


def _penalty(parcel: bool, told: bool, config: DispatchConfig) -> int:
    if parcel:
        return round(config.parcel_penalty_km * 1000)
    factor = config.told_penalty_factor if told else 1
    return round(config.unserved_penalty_km * 1000) * factor


def _routes(manager: pywrapcp.RoutingIndexManager, model: _Model, initial: Plan) -> list[list[int]]:
    """The plan's stop order per vehicle as routing indices (jobs not in the model skipped)."""
    node_of = {}
    for k, job in enumerate(model.jobs):
        node_of[(PICKUP, job)] = model.pickup_node(k)
        node_of[(DROPOFF, job)] = model.pickup_node(k) + 1
    routes = []
    for vehicle in model.vehicles:
        run = initial.runs.get(vehicle.id)
        stops = run.stops if run is not None else []
        routes.append(
            [manager.NodeToIndex(node_of[(s.action, s.job)]) for s in stops if (s.action, s.job) in node_of]
        )
    return routes


def _extract(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    model: _Model,
    book: JobBook,
    solution: pywrapcp.Assignment,
    time_dim: pywrapcp.RoutingDimension,
) -> Plan:
    runs: dict[str, Run] = {}
    for v, vehicle in enumerate(model.vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        visits, solver_times = [], []
        while not routing.IsEnd(index):
            visits.append(model.visit(manager.IndexToNode(index)))
            solver_times.append(solution.Min(time_dim.CumulVar(index)))
            index = solution.Value(routing.NextVar(index))
        if not visits:
            continue
        run = timetable(vehicle, visits, book) or timetable(vehicle, visits, book, keep_told=False)
        if run is None:  # cannot happen when both time the same way; keep the solver's own times
            logger.warning("re-timing the route of %s failed; using the solver's times", vehicle.id)
            stops = [
                Stop(a, j, book.place((a, j)), t / TICKS)
                for (a, j), t in zip(visits, solver_times, strict=True)
            ]
            start = solution.Min(time_dim.CumulVar(routing.Start(v))) / TICKS
            run = Run(vehicle.id, stops, start, solution.Min(time_dim.CumulVar(routing.End(v))) / TICKS)
        runs[vehicle.id] = run
    served = {job for run in runs.values() for job in run.jobs()}
    return Plan(runs, [job for job in model.jobs if job not in served])
