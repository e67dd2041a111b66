"""An independent check of every hard constraint of a plan, written apart from the planner
and the scheduler so that a plan is never trusted on the solver's word: each served job
picked up once and dropped off once, by the same vehicle, pick-up first, at the right
places; seats, cargo kg and cargo m3 never exceeded (nor negative) at any moment; pick-up
windows (and the told time +- tolerance); drop-off windows of arrive-by rides; parcels not
loaded before ready nor delivered after due; every rider's ride time within the request's
own limit or factor x direct + extra; travel and dwell times (the job's own, or the
configured) between consecutive stops; the run inside the driver's shift, from and back to
the depot, and no longer than the vehicle's duration limit. Times may be fractional minutes:
comparisons allow EPSILON.
Returns the violations found, as short sentences; an empty list means the plan is valid.
"""

from __future__ import annotations

from backend.dispatch.config import DispatchConfig
from backend.dispatch.model import DROPOFF, PICKUP, Plan, Problem, Run
from backend.dispatch.travel import TravelTimes

EPSILON = 1e-6


def validate(
    problem: Problem,
    plan: Plan,
    travel: TravelTimes,
    config: DispatchConfig,
    *,
    ignore_unplanned: bool = True,
) -> list[str]:
    """Violations of `plan` against `problem`; with `ignore_unplanned` False, every job must
    also be either in a run or listed as unserved."""
    found: list[str] = []
    seen: dict[str, str] = {}
    for key, run in plan.runs.items():
        if key != run.vehicle or run.vehicle not in problem.vehicles:
            found.append(f"run {key}: unknown vehicle {run.vehicle}")
            continue
        for job in {s.job for s in run.stops}:
            if job in seen:
                found.append(f"{job} served by both {seen[job]} and {key}")
            seen[job] = key
        found += _check_run(problem, run, travel, config)
    for job in plan.unserved:
        if job in seen:
            found.append(f"{job} listed as unserved but served by {seen[job]}")
    if not ignore_unplanned:
        missing = set(problem.requests) | set(problem.consignments)
        missing -= set(seen) | set(plan.unserved)
        found += [f"{job} neither served nor listed as unserved" for job in sorted(missing)]
    return found


def _place_and_dwell(
    problem: Problem, job: str, action: str, config: DispatchConfig
) -> tuple[str, float] | None:
    if job in problem.requests:
        r = problem.requests[job]
        dwell = config.dwell_min if r.dwell is None else r.dwell
        return (r.pickup if action == PICKUP else r.dropoff), dwell
    if job in problem.consignments:
        c = problem.consignments[job]
        dwell = config.parcel_dwell_min if c.dwell is None else c.dwell
        return (c.origin if action == PICKUP else c.destination), dwell
    return None


def _check_run(problem: Problem, run: Run, travel: TravelTimes, config: DispatchConfig) -> list[str]:
    v = problem.vehicles[run.vehicle]
    found: list[str] = []
    if not run.stops:
        return found
    if run.start < v.shift_start - EPSILON:
        found.append(f"{v.id} leaves at {run.start}, before its shift starts at {v.shift_start}")
    if run.end > v.shift_end + EPSILON:
        found.append(f"{v.id} is back at {run.end}, after its shift ends at {v.shift_end}")
    if v.max_duration is not None and run.end - run.start > v.max_duration + EPSILON:
        found.append(f"{v.id} is out {run.end - run.start:g} min, more than its {v.max_duration:g}")
    clock, here, dwell = run.start, v.depot, 0.0
    seats, kg, m3 = 0, 0.0, 0.0
    picked: dict[str, int] = {}
    dropped: set[str] = set()
    for stop in run.stops:
        known = _place_and_dwell(problem, stop.job, stop.action, config)
        if known is None or stop.action not in (PICKUP, DROPOFF):
            found.append(f"{v.id}: stop for unknown job or action {stop.job} {stop.action}")
            continue
        place, stop_dwell = known
        if stop.place != place:
            found.append(f"{stop.job} {stop.action} at {stop.place}, not at {place}")
        reach = clock + dwell + travel.minutes(here, place)
        if stop.time < reach - EPSILON:
            found.append(f"{v.id} cannot be at {place} for {stop.job} at {stop.time}: earliest {reach}")
        found += _check_times(problem, stop.job, stop.action, stop.time, picked, config, travel)
        sign = 1 if stop.action == PICKUP else -1
        if stop.action == PICKUP:
            if stop.job in picked or stop.job in dropped:
                found.append(f"{stop.job} picked up twice")
            picked[stop.job] = stop.time
        else:
            if stop.job not in picked or stop.job in dropped:
                found.append(f"{stop.job} dropped off without being picked up first")
            dropped.add(stop.job)
        if stop.job in problem.requests:
            seats += sign * problem.requests[stop.job].passengers
        else:
            c = problem.consignments[stop.job]
            kg, m3 = kg + sign * c.weight_kg, m3 + sign * c.volume_m3
        if seats > v.seats or kg > v.cargo_kg + EPSILON or m3 > v.cargo_m3 + EPSILON:
            found.append(
                f"{v.id} overloaded after {stop.job} {stop.action}: {seats} seats, {kg:.1f} kg, {m3:.3f} m3"
            )
        if seats < 0 or kg < -EPSILON or m3 < -EPSILON:
            found.append(f"{v.id} load negative after {stop.job} {stop.action}")
        clock, here, dwell = stop.time, place, stop_dwell
    for job in set(picked) - dropped:
        found.append(f"{job} picked up by {v.id} but never dropped off")
    back = clock + dwell + travel.minutes(here, v.depot)
    if run.end < back - EPSILON:
        found.append(f"{v.id} cannot be back at {v.depot} at {run.end}: earliest {back}")
    first = run.stops[0]
    if first.time < run.start + travel.minutes(v.depot, first.place) - EPSILON:
        found.append(f"{v.id} cannot reach its first stop by {first.time}")
    return found


def _check_times(
    problem: Problem,
    job: str,
    action: str,
    at: float,
    picked: dict[str, float],
    config: DispatchConfig,
    travel: TravelTimes,
) -> list[str]:
    found = []
    if job in problem.consignments:
        c = problem.consignments[job]
        if action == PICKUP and not c.ready - EPSILON <= at <= c.due + EPSILON:
            found.append(f"parcels {job} loaded at {at}, outside {c.ready}-{c.due}")
        if action == DROPOFF and at > c.due + EPSILON:
            found.append(f"parcels {job} delivered at {at}, after {c.due}")
        return found
    r = problem.requests[job]
    if action == PICKUP:
        if r.told is not None and abs(at - r.told) > config.told_tolerance_min + EPSILON:
            found.append(f"{job} told {r.told} but picked up at {at}")
        in_window = r.earliest - EPSILON <= at <= r.latest + EPSILON
        told_outside = r.told is not None and not r.earliest <= r.told <= r.latest
        if not in_window and not told_outside:
            found.append(f"{job} picked up at {at}, outside {r.earliest}-{r.latest}")
        return found
    if r.arrive_by is not None and at > r.arrive_by + EPSILON:
        found.append(f"{job} dropped off at {at}, after the arrive-by time {r.arrive_by}")
    if r.arrive_from is not None and at < r.arrive_from - EPSILON:
        found.append(f"{job} dropped off at {at}, before {r.arrive_from}")
    if job in picked:
        ride = at - picked[job]
        allowed = r.max_ride
        if allowed is None:
            allowed = config.max_ride_factor * travel.minutes(r.pickup, r.dropoff) + config.max_ride_extra_min
        if ride > allowed + EPSILON:
            found.append(f"{job} rides {ride:g} min, more than {allowed:.0f}")
    return found
