"""Live insertion and removal on a planned pilot day: cheapest feasible place, riders
already told a time stay within the tolerance, served stops never move."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backend.dispatch.config import DispatchConfig
from backend.dispatch.insertion import greedy_plan, insert, plan_km, remove
from backend.dispatch.model import DROPOFF, PICKUP, Plan, Problem, Request
from backend.dispatch.pilot_day import pilot_day
from backend.dispatch.schedule import JobBook, run_km, timetable, visits_of
from backend.dispatch.travel import GreatCircleTravel
from backend.dispatch.validator import validate


@pytest.fixture(scope="module")
def told_day(travel: GreatCircleTravel, config: DispatchConfig) -> tuple[Problem, Plan]:
    """60 requests planned greedily, every rider told the planned pick-up time."""
    problem = pilot_day(60, seed=11, config=config)
    current = greedy_plan(problem, travel, config)
    told = {rid: replace(r, told=current.pickup_time(rid)) for rid, r in problem.requests.items()}
    return Problem(told, problem.consignments, problem.vehicles), current


def _brute_force_cheapest(problem: Problem, current: Plan, job: str, travel, config) -> float:
    """Every vehicle, every pair of positions, timed: the least added km that works."""
    book = JobBook(problem, travel, config)
    best = float("inf")
    for vid, vehicle in problem.vehicles.items():
        run = current.runs.get(vid)
        visits = visits_of(run) if run else []
        before = run_km(run, vehicle, travel) if run else -config.fixed_vehicle_cost_km
        for i in range(len(visits) + 1):
            for j in range(i, len(visits) + 1):
                trial = list(visits)
                trial.insert(j, (DROPOFF, job))
                trial.insert(i, (PICKUP, job))
                timed = timetable(vehicle, trial, book)
                if timed is not None:
                    best = min(best, run_km(timed, vehicle, travel) - before)
    return best


@pytest.mark.parametrize(
    "request_",
    [
        Request("N1", "灵地村", "清流县医院", 470, 500, 2),
        Request("N2", "清流县城", "嵩口镇", 960, 990, 1),
        Request("N3", "溪源村", "嵩口镇", 700, 730, 3),
    ],
)
def test_insertion_is_the_cheapest_feasible_and_keeps_told_riders(
    told_day: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig, request_: Request
) -> None:
    problem, current = told_day
    bigger = problem.with_request(request_)
    done = insert(bigger, current, request_.id, travel, config)
    assert done is not None
    assert validate(bigger, done.plan, travel, config) == []
    assert request_.earliest <= done.pickup_time <= request_.latest
    assert done.added_km == pytest.approx(_brute_force_cheapest(bigger, current, request_.id, travel, config))
    assert plan_km(bigger, done.plan, travel) == pytest.approx(
        plan_km(problem, current, travel) + done.added_km
    )
    for rid, rider in problem.requests.items():
        assert rider.told is not None
        assert abs(done.plan.pickup_time(rid) - rider.told) <= config.told_tolerance_min  # type: ignore[operator]
    assert current.run_of(request_.id) is None  # the plan given was not changed


def test_served_stops_never_move(
    told_day: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem, current = told_day
    request = Request("N4", "嵩口镇", "清流县城", 560, 590, 1)
    bigger = problem.with_request(request)
    done = insert(bigger, current, request.id, travel, config, frozen_before=540)
    assert done is not None
    for vid, run in current.runs.items():
        past = [s for s in run.stops if s.time < 540]
        assert done.plan.runs[vid].stops[: len(past)] == past


def test_no_room_anywhere_gives_none(
    told_day: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem, current = told_day
    request = Request("N5", "嵩口镇", "清流县城", 300, 310, 2)  # before every shift starts
    assert insert(problem.with_request(request), current, request.id, travel, config) is None


def test_cancellation_removes_the_stops_and_shortens_the_run(
    told_day: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem, current = told_day
    busy = max(current.runs.values(), key=lambda run: len(run.stops))
    vehicle = problem.vehicles[busy.vehicle]
    last = busy.stops[-1].job  # without the rider dropped off last, the run ends sooner
    after = remove(problem.without(last), current, last, travel, config)
    assert after.run_of(last) is None
    assert len(after.runs[busy.vehicle].stops) == len(busy.stops) - 2
    assert after.runs[busy.vehicle].end <= busy.end
    assert validate(problem.without(last), after, travel, config) == []
    saved = {}
    for job in busy.jobs():
        shorter = remove(problem.without(job), current, job, travel, config).runs[busy.vehicle]
        saved[job] = run_km(busy, vehicle, travel) - run_km(shorter, vehicle, travel)
    assert min(saved.values()) >= -1e-9
    assert max(saved.values()) > 1.0  # some cancellation saves the driver a real detour


def test_removing_the_only_job_drops_the_run(travel: GreatCircleTravel, config: DispatchConfig) -> None:
    problem = pilot_day(1, seed=2, config=config)
    problem = Problem(problem.requests, {}, problem.vehicles)
    current = greedy_plan(problem, travel, config)
    (job,) = problem.requests
    assert current.run_of(job) is not None
    assert remove(problem, current, job, travel, config).runs == {}
