"""Figures that say how good a plan is, and the one-vehicle-per-request plan to compare
with: vehicles used, vehicle-km, the share of requests served inside their window, ride
time over direct time (mean and worst), parcels delivered the same day and how many of
them rode on runs that also carried passengers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from backend.dispatch.config import DispatchConfig
from backend.dispatch.model import DAY_MINUTES, DROPOFF, PICKUP, Plan, Problem
from backend.dispatch.schedule import JobBook, run_km, timetable
from backend.dispatch.travel import TravelTimes


@dataclass(frozen=True)
class PlanFigures:
    requests: int
    served_in_window: int
    vehicles_used: int
    vehicle_km: float
    mean_ride_ratio: float
    max_ride_ratio: float
    parcels: int
    parcels_delivered: int
    parcels_with_riders: int

    @property
    def share_in_window(self) -> float:
        return self.served_in_window / self.requests if self.requests else 1.0


def figures(problem: Problem, plan: Plan, travel: TravelTimes) -> PlanFigures:
    ratios: list[float] = []
    in_window = delivered = with_riders = 0
    for run in plan.runs.values():
        picked: dict[str, int] = {}
        riders = any(stop.job in problem.requests for stop in run.stops)
        for stop in run.stops:
            request = problem.requests.get(stop.job)
            if stop.action == PICKUP:
                picked[stop.job] = stop.time
                if request is not None and request.earliest <= stop.time <= request.latest:
                    in_window += 1
            elif request is not None and stop.action == DROPOFF:
                direct = max(1, travel.minutes(request.pickup, request.dropoff))
                ratios.append((stop.time - picked[stop.job]) / direct)
            elif stop.job in problem.consignments and stop.time <= problem.consignments[stop.job].due:
                delivered += 1
                with_riders += riders
    km = sum(run_km(run, problem.vehicles[vid], travel) for vid, run in plan.runs.items())
    return PlanFigures(
        requests=len(problem.requests),
        served_in_window=in_window,
        vehicles_used=sum(1 for run in plan.runs.values() if run.stops),
        vehicle_km=km,
        mean_ride_ratio=sum(ratios) / len(ratios) if ratios else 0.0,
        max_ride_ratio=max(ratios, default=0.0),
        parcels=len(problem.consignments),
        parcels_delivered=delivered,
        parcels_with_riders=with_riders,
    )


def solo_plan(problem: Problem, travel: TravelTimes, config: DispatchConfig) -> tuple[Problem, Plan]:
    """Every request and consignment on a vehicle of its own, sent from the nearest depot
    whose vehicle can take it, at the earliest time its window allows. Returns the problem
    with those (virtual) vehicles and the plan, so both can be validated and measured."""
    vehicles = {}
    plan = Plan()
    book = JobBook(problem, travel, config)
    for job in problem.job_ids():
        info = book[job]
        able = [
            v
            for v in problem.vehicles.values()
            if v.seats >= info.seats and v.cargo_kg >= info.kg and v.cargo_m3 >= info.m3
        ]
        if not able:
            plan.unserved.append(job)
            continue
        nearest = min(able, key=lambda v: (travel.km(v.depot, info.pickup), v.id))
        own = replace(nearest, id=f"{nearest.id}#{job}", shift_start=0, shift_end=DAY_MINUTES)
        run = timetable(own, [(PICKUP, job), (DROPOFF, job)], book)
        if run is None:
            plan.unserved.append(job)
            continue
        vehicles[own.id] = own
        plan.runs[own.id] = run
    return Problem(dict(problem.requests), dict(problem.consignments), vehicles), plan
