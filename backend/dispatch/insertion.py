"""Live changes to a plan without re-planning the day: insert one new job at the cheapest
feasible place, or take one out and shorten its run.

Insertion tries every vehicle (its current run, or a new run from its depot) and every
pair of positions for the pick-up and the drop-off that the run's current times allow,
cheapest added road-km first (a new vehicle also costs the configured fixed cost), and
takes the first order that `schedule.timetable` can time. Riders already told a pick-up
time keep it within the tolerance because their windows are narrowed to it; stops before
`frozen_before` (already served) are never moved. With `validate`, the changed plan must
also pass the independent validator before it is accepted. `greedy_plan` inserts a whole
day one job at a time, riders first and parcels into the space left: the baseline the
planner is compared with, and its warm start.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from backend.dispatch.config import DispatchConfig
from backend.dispatch.model import DROPOFF, PICKUP, Plan, Problem, Run, Stop, VehicleSpec
from backend.dispatch.schedule import EPSILON, JobBook, JobInfo, Visit, run_km, timetable, visits_of
from backend.dispatch.travel import TravelTimes
from backend.dispatch.validator import validate

logger = logging.getLogger(__name__)

COST_TIE_KM = 1e-6  # orders whose added km differ by less than this are equally cheap


@dataclass
class Insertion:
    plan: Plan
    vehicle: str
    pickup_time: float
    added_km: float


def _fits_vehicle(vehicle: VehicleSpec, info: JobInfo) -> bool:
    return info.seats <= vehicle.seats and info.kg <= vehicle.cargo_kg and info.m3 <= vehicle.cargo_m3


def _candidates(
    vehicle: VehicleSpec,
    run: Run | None,
    info: JobInfo,
    book: JobBook,
    config: DispatchConfig,
    frozen_before: int | None,
) -> Iterator[tuple[float, int, int]]:
    """(added km, pick-up position, drop-off position) for every order worth timing: the
    vehicle has room all the way from pick-up to drop-off, and neither the new pick-up nor
    the stop after it would be served too late, given that stops can only move later."""
    stops = run.stops if run is not None else []
    n = len(stops)
    places = [vehicle.depot, *(s.place for s in stops), vehicle.depot]
    times = [s.time for s in stops]
    infos = [book[s.job] for s in stops]
    deadline = [_deadline(i, s.action) for i, s in zip(infos, stops, strict=True)] + [10**6]
    for k in range(n - 1, -1, -1):
        deadline[k] = min(deadline[k], deadline[k + 1])
    room = _room(vehicle, stops, infos, info)
    first = next(k for k, d in enumerate(deadline) if d >= info.pick_lo)
    if frozen_before is not None:
        first = max(first, next((k for k, t in enumerate(times) if t >= frozen_before), n))
    base = 0.0 if stops else config.fixed_vehicle_cost_km
    latest_drop = info.drop_hi
    km, minutes, dwell = book.km, book.minutes, info.dwell
    for i in range(first, n + 1):
        if i > 0 and times[i - 1] > info.pick_hi + EPSILON:
            break
        if not room[i]:
            continue
        before, after = places[i], places[i + 1]
        ready = times[i - 1] + infos[i - 1].dwell if i > 0 else vehicle.shift_start
        pick = max(info.pick_lo, ready + minutes(before, info.pickup))
        if pick > info.pick_hi + EPSILON:
            continue
        pick_cost = km(before, info.pickup) + km(info.pickup, after) - km(before, after)
        for j in range(i, n + 1):
            if j > i and (times[j - 1] > latest_drop + EPSILON or not room[j]):
                break
            if j == i:
                drop = pick + dwell + minutes(info.pickup, info.dropoff)
                if drop + dwell + minutes(info.dropoff, after) > deadline[i] + EPSILON:
                    continue
                added = km(before, info.pickup) + km(info.pickup, info.dropoff) + km(info.dropoff, after)
                added -= km(before, after)
            else:
                if pick + dwell + minutes(info.pickup, after) > deadline[i] + EPSILON:
                    break
                d_before, d_after = places[j], places[j + 1]
                added = (
                    pick_cost + km(d_before, info.dropoff) + km(info.dropoff, d_after) - km(d_before, d_after)
                )
            yield base + added, i, j


def _room(vehicle: VehicleSpec, stops: list[Stop], infos: list[JobInfo], info: JobInfo) -> list[bool]:
    """room[k]: the new job fits on board between stop k-1 and stop k (k = 0: before the first)."""
    seats, kg, m3 = 0, 0.0, 0.0
    room = [True] * (len(stops) + 1)
    for k, (stop, other) in enumerate(zip(stops, infos, strict=True)):
        sign = 1 if stop.action == PICKUP else -1
        seats, kg, m3 = seats + sign * other.seats, kg + sign * other.kg, m3 + sign * other.m3
        room[k + 1] = (
            seats + info.seats <= vehicle.seats
            and kg + info.kg <= vehicle.cargo_kg + 1e-9
            and m3 + info.m3 <= vehicle.cargo_m3 + 1e-9
        )
    return room


def _deadline(info: JobInfo, action: str) -> float:
    """The latest a stop could ever be served, however its run is re-timed (the drop-off
    window is already narrowed by the pick-up window and the ride limit)."""
    return info.pick_hi if action == PICKUP else info.drop_hi


def _with_job(run: Run | None, job: str, i: int, j: int) -> list[Visit]:
    visits = visits_of(run) if run is not None else []
    visits.insert(j, (DROPOFF, job))
    visits.insert(i, (PICKUP, job))
    return visits


def _keeps_past(old: Run | None, new: Run, frozen_before: int | None) -> bool:
    if old is None or frozen_before is None:
        return True
    past = [(s.job, s.action, s.time) for s in old.stops if s.time < frozen_before]
    return past == [(s.job, s.action, s.time) for s in new.stops[: len(past)]]


def insert(
    problem: Problem,
    plan: Plan,
    job: str,
    travel: TravelTimes,
    config: DispatchConfig,
    *,
    book: JobBook | None = None,
    frozen_before: int | None = None,
    validate_result: bool = True,
) -> Insertion | None:
    """`plan` with `job` (already in `problem`) inserted at the cheapest feasible place, or
    None when no vehicle can take it. `plan` itself is not changed."""
    book = book or JobBook(problem, travel, config)
    info = book[job]
    options: list[tuple[float, str, int, int]] = []
    for vehicle in problem.vehicles.values():
        if not _fits_vehicle(vehicle, info):
            continue
        run = plan.runs.get(vehicle.id)
        options.extend(
            (cost, vehicle.id, i, j)
            for cost, i, j in _candidates(vehicle, run, info, book, config, frozen_before)
        )
    options.sort(key=lambda option: (option[0], option[1], option[2], option[3]))
    best: tuple[int, Insertion] | None = None
    for cost, vid, i, j in options:
        if best is not None and cost > best[1].added_km + COST_TIE_KM:
            break
        vehicle, old = problem.vehicles[vid], plan.runs.get(vid)
        new = timetable(vehicle, _with_job(old, job, i, j), book)
        if new is None or not _keeps_past(old, new, frozen_before):
            continue
        if validate_result:  # the other runs are untouched: check the one that changed
            problems = validate(problem, Plan({vid: new}), travel, config)
            if problems:
                logger.warning("insertion of %s on %s refused by the validator: %s", job, vid, problems[0])
                continue
        moved = _told_moved(old, new)
        if best is None or moved < best[0]:
            result = plan.copy()
            result.runs[vid] = new
            result.unserved = [u for u in result.unserved if u != job]
            pickup = next(s.time for s in new.stops if s.job == job and s.action == PICKUP)
            best = (moved, Insertion(result, vid, pickup, cost))
        if moved == 0:
            break
    return best[1] if best is not None else None


def _told_moved(old: Run | None, new: Run) -> int:
    """Minutes the riders already on the run are moved, summed (ties go to the calmest)."""
    if old is None:
        return 0
    before = {s.job: s.time for s in old.stops if s.action == PICKUP}
    return sum(abs(s.time - before[s.job]) for s in new.stops if s.action == PICKUP and s.job in before)


def remove(problem: Problem, plan: Plan, job: str, travel: TravelTimes, config: DispatchConfig) -> Plan:
    """`plan` without `job`: its stops go, its run is re-timed (and dropped when empty)."""
    result = plan.copy()
    result.unserved = [u for u in result.unserved if u != job]
    run = result.run_of(job)
    if run is None:
        return result
    result.runs[run.vehicle] = Run(run.vehicle, [s for s in run.stops if s.job != job], run.start, run.end)
    return retime(problem, result, run.vehicle, travel, config)


def retime(
    problem: Problem, plan: Plan, vehicle_id: str, travel: TravelTimes, config: DispatchConfig
) -> Plan:
    """`plan` with the run of `vehicle_id` timed afresh (shorter after a stop went away);
    an empty run is dropped, and a run that cannot be re-timed keeps its times."""
    result = plan.copy()
    run = result.runs.get(vehicle_id)
    if run is None:
        return result
    if not run.stops:
        del result.runs[vehicle_id]
        return result
    shorter = timetable(problem.vehicles[vehicle_id], visits_of(run), JobBook(problem, travel, config))
    if shorter is not None:
        result.runs[vehicle_id] = shorter
    return result


def greedy_plan(problem: Problem, travel: TravelTimes, config: DispatchConfig) -> Plan:
    """Insert the riders in order of their earliest pick-up, then the parcels."""
    return extend_plan(problem, Plan(), travel, config)


def extend_plan(problem: Problem, plan: Plan, travel: TravelTimes, config: DispatchConfig) -> Plan:
    """`plan` (jobs of `problem` only) with every job it does not serve yet inserted where it
    fits best, riders by earliest pick-up first, then parcels; the rest left unserved."""
    book = JobBook(problem, travel, config)
    known = set(problem.job_ids())
    result = Plan()
    for vid, run in plan.runs.items():
        kept = [s for s in run.stops if s.job in known]
        if kept and vid in problem.vehicles:
            result.runs[vid] = Run(vid, kept, run.start, run.end)
    served = {job for run in result.runs.values() for job in run.jobs()}
    riders = sorted(
        (r for r in problem.requests.values() if r.id not in served), key=lambda r: (r.earliest, r.id)
    )
    parcels = sorted(
        (c for c in problem.consignments.values() if c.id not in served), key=lambda c: (c.ready, c.id)
    )
    for job in [r.id for r in riders] + [c.id for c in parcels]:
        done = insert(problem, result, job, travel, config, book=book, validate_result=False)
        if done is None:
            result.unserved.append(job)
        else:
            result = done.plan
    return result


def plan_km(problem: Problem, plan: Plan, travel: TravelTimes) -> float:
    return sum(run_km(run, problem.vehicles[vid], travel) for vid, run in plan.runs.items())
