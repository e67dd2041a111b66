"""The planner on seeded pilot-county days, checked by the independent validator.
Planning time is measured by benchmarks/dispatch.py, not here."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backend.dispatch.config import DispatchConfig
from backend.dispatch.metrics import figures, solo_plan
from backend.dispatch.model import Plan, Problem
from backend.dispatch.pilot_day import pilot_day
from backend.dispatch.planner import plan
from backend.dispatch.travel import GreatCircleTravel
from backend.dispatch.validator import validate


@pytest.fixture(scope="module")
def day_200(travel: GreatCircleTravel, config: DispatchConfig) -> tuple[Problem, Plan]:
    problem = pilot_day(200, seed=7, config=config)
    return problem, plan(problem, travel, config, time_limit_s=2.0).plan


def test_small_day_is_planned_validly_and_everyone_served(
    travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem = pilot_day(50, seed=3, config=config)
    result = plan(problem, travel, config, time_limit_s=1.0)
    # a full day starts from the cheaper of greedy insertion and OR-Tools' own insertion
    assert result.solved and result.started_from in ("greedy", "solver")
    assert validate(problem, result.plan, travel, config, ignore_unplanned=False) == []
    assert result.plan.unserved == []
    f = figures(problem, result.plan, travel)
    assert f.share_in_window == 1.0
    assert f.vehicles_used < 20


def test_pilot_day_of_200_requests(
    day_200: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem, day_plan = day_200
    assert validate(problem, day_plan, travel, config, ignore_unplanned=False) == []
    solo_problem, solo = solo_plan(problem, travel, config)
    assert validate(solo_problem, solo, travel, config, ignore_unplanned=False) == []
    pooled, alone = figures(problem, day_plan, travel), figures(solo_problem, solo, travel)
    assert pooled.vehicle_km <= 0.7 * alone.vehicle_km  # at least 30 % fewer vehicle-km
    assert pooled.share_in_window >= 0.95
    assert pooled.vehicles_used <= len(problem.vehicles)
    # parcels ride along on passenger runs, and all arrive the same day
    assert pooled.parcels_delivered == pooled.parcels_with_riders == len(problem.consignments) == 20
    assert pooled.max_ride_ratio > 1.0


def test_replanning_from_the_current_plan_keeps_told_riders(
    day_200: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem, current = day_200
    told = {
        rid: replace(r, told=current.pickup_time(rid))
        for rid, r in problem.requests.items()
        if current.pickup_time(rid)
    }
    told_problem = Problem(told, problem.consignments, problem.vehicles)
    result = plan(told_problem, travel, config, initial=current, time_limit_s=1.0)
    assert result.started_from == "current plan"
    assert validate(told_problem, result.plan, travel, config, ignore_unplanned=False) == []
    for rid, request in told.items():
        assert request.told is not None
        moved = result.plan.pickup_time(rid)
        assert moved is not None and abs(moved - request.told) <= config.told_tolerance_min


def test_nothing_to_plan(travel: GreatCircleTravel, config: DispatchConfig) -> None:
    problem = pilot_day(0, config=config)
    problem = Problem({}, {}, problem.vehicles)
    result = plan(problem, travel, config)
    assert result.plan.runs == {} and result.plan.unserved == []


def test_a_request_no_vehicle_can_take_is_left_unserved(
    travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem = pilot_day(20, seed=5, config=config)
    first = next(iter(problem.requests.values()))
    problem.requests[first.id] = replace(first, passengers=60)
    result = plan(problem, travel, config, time_limit_s=0.5)
    assert first.id in result.plan.unserved
    assert validate(problem, result.plan, travel, config, ignore_unplanned=False) == []
