"""Dial-a-ride rules beyond the pilot county's defaults, on a plane of named points (one unit
of distance = one minute): drop-off windows (arrive by), each ride's own dwell and ride
limit, a route-duration limit per vehicle (departures delayed so it holds), fractional
minutes, and a tight day on which greedy insertion leaves riders out but the planner,
whose search repairs such gaps, serves everyone."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from backend.dispatch.config import DispatchConfig
from backend.dispatch.insertion import greedy_plan, insert
from backend.dispatch.model import DROPOFF, PICKUP, Plan, Problem, Request, Run, Stop, VehicleSpec
from backend.dispatch.planner import plan
from backend.dispatch.schedule import JobBook, timetable
from backend.dispatch.travel import PointTravel
from backend.dispatch.validator import validate

CONFIG = DispatchConfig(fixed_vehicle_cost_km=0.0)
POINTS = {"depot": (0.0, 0.0), "A": (10.0, 0.0), "B": (20.0, 0.0), "C": (20.0, 10.0), "D": (0.0, 10.0)}


def bus(**overrides: object) -> VehicleSpec:
    return replace(VehicleSpec("bus", 3, 0.0, 0.0, "depot", 0, 1440), **overrides)  # type: ignore[arg-type]


def one_ride(**overrides: object) -> Problem:
    ride = replace(Request("r1", "A", "B", 0, 600, 1), **overrides)  # type: ignore[arg-type]
    return Problem({"r1": ride}, {}, {"bus": bus()})


def times(run: Run) -> dict[tuple[str, str], float]:
    return {(s.action, s.job): s.time for s in run.stops}


def test_an_arrive_by_window_is_kept_and_an_impossible_one_refused() -> None:
    travel = PointTravel(POINTS)
    problem = one_ride(earliest=0, latest=600, arrive_from=300, arrive_by=320)
    run = timetable(
        problem.vehicles["bus"], [(PICKUP, "r1"), (DROPOFF, "r1")], JobBook(problem, travel, CONFIG)
    )
    assert run is not None and 300 <= times(run)[(DROPOFF, "r1")] <= 320
    # picked up no earlier than the ride limit allows before the drop-off window opens
    assert times(run)[(PICKUP, "r1")] >= 300 - CONFIG.max_ride(10)
    tight = one_ride(earliest=100, latest=110, arrive_by=105)  # 10 minutes' drive from 100 at the earliest
    assert (
        timetable(tight.vehicles["bus"], [(PICKUP, "r1"), (DROPOFF, "r1")], JobBook(tight, travel, CONFIG))
        is None
    )
    assert plan(tight, travel, CONFIG, time_limit_s=0.5).plan.unserved == ["r1"]
    result = plan(problem, travel, CONFIG, time_limit_s=0.5).plan
    assert validate(problem, result, travel, CONFIG, ignore_unplanned=False) == []
    late = Run("bus", [Stop(PICKUP, "r1", "A", 320), Stop(DROPOFF, "r1", "B", 331)], 310, 351)
    assert any("arrive-by" in v for v in validate(problem, Plan({"bus": late}), travel, CONFIG))


def test_each_ride_keeps_its_own_dwell_and_ride_limit() -> None:
    travel = PointTravel(POINTS)
    problem = one_ride(dwell=7.5, max_ride=25)
    run = timetable(
        problem.vehicles["bus"], [(PICKUP, "r1"), (DROPOFF, "r1")], JobBook(problem, travel, CONFIG)
    )
    assert run is not None
    assert times(run)[(DROPOFF, "r1")] - times(run)[(PICKUP, "r1")] == pytest.approx(7.5 + 10)
    assert run.end - times(run)[(DROPOFF, "r1")] == pytest.approx(7.5 + 20)
    short = Run("bus", [Stop(PICKUP, "r1", "A", 10), Stop(DROPOFF, "r1", "B", 21)], 0, 60)  # 1 min dwell
    assert any("cannot be at B" in v for v in validate(problem, Plan({"bus": short}), travel, CONFIG))
    long = Run("bus", [Stop(PICKUP, "r1", "A", 10), Stop(DROPOFF, "r1", "B", 40)], 0, 80)
    assert any("rides 30" in v for v in validate(problem, Plan({"bus": long}), travel, CONFIG))


def test_a_route_duration_limit_delays_the_departure_instead_of_waiting_at_stops() -> None:
    travel = PointTravel(POINTS)
    early = Request("early", "A", "B", 0, 100, 1, dwell=1)
    later = Request("later", "C", "D", 200, 210, 1, dwell=1)
    problem = Problem({"early": early, "later": later}, {}, {"bus": bus(max_duration=150)})
    visits = [(PICKUP, "early"), (DROPOFF, "early"), (PICKUP, "later"), (DROPOFF, "later")]
    run = timetable(problem.vehicles["bus"], visits, JobBook(problem, travel, CONFIG))
    assert run is not None and run.end - run.start <= 150 and run.start > 0
    assert times(run)[(PICKUP, "early")] >= run.end - 150 + 10  # pushed later, as late as the limit needs
    unlimited = timetable(bus(), visits, JobBook(replace(problem, vehicles={"bus": bus()}), travel, CONFIG))
    assert unlimited is not None and unlimited.end - unlimited.start > 150  # as early as possible
    assert any("more than its 150" in v for v in validate(problem, Plan({"bus": unlimited}), travel, CONFIG))
    result = plan(problem, travel, CONFIG, time_limit_s=0.5).plan
    assert result.unserved == [] and validate(problem, result, travel, CONFIG, ignore_unplanned=False) == []
    too_short = replace(problem, vehicles={"bus": bus(max_duration=60)})
    assert timetable(too_short.vehicles["bus"], visits, JobBook(too_short, travel, CONFIG)) is None


def test_fractional_minutes_are_planned_and_checked_exactly() -> None:
    points = {"depot": (0.0, 0.0), "p": (1.234, 2.345), "q": (-3.21, 0.5), "s": (2.2, -1.1)}
    travel = PointTravel(points)
    rides = {
        "a": Request("a", "p", "q", 3.3, 3.9, 1, dwell=0.5, max_ride=6.0),  # 4.81 min p -> q
        "b": Request("b", "q", "s", 0, 30, 1, arrive_by=15.5, dwell=0.5, max_ride=6.5),  # 5.64 min q -> s
    }
    problem = Problem(rides, {}, {"bus": bus(max_duration=20.5)})
    result = plan(problem, travel, CONFIG, time_limit_s=0.5).plan
    assert result.unserved == []
    assert validate(problem, result, travel, CONFIG, ignore_unplanned=False) == []
    assert any(s.time != int(s.time) for s in result.runs["bus"].stops)
    inserted = insert(problem, greedy_plan(problem.without("b"), travel, CONFIG), "b", travel, CONFIG)
    assert inserted is not None
    assert validate(problem, inserted.plan, travel, CONFIG) == []


def planted_day(seed: int, vehicles: int = 3, per_vehicle: int = 8) -> tuple[Problem, PointTravel]:
    """A tight day built around a known plan: routes of riders two at a time (drop-offs in
    pairs), windows of +-4 minutes around the planted times (pick-up windows for half the
    riders, drop-off windows for the other half), ride limits 5 minutes above the planted
    rides and a duration limit 10 minutes above the longest planted route."""
    rng = random.Random(seed)
    points: dict[str, tuple[float, float]] = {"depot": (0.0, 0.0)}
    requests, longest = {}, 0.0
    for v in range(vehicles):
        order: list[tuple[str, int]] = []
        for k in range(per_vehicle):
            order.append((PICKUP, k))
            if k % 2:
                order += [(DROPOFF, k - 1), (DROPOFF, k)]
        clock, here, at = 0.0, (0.0, 0.0), {}
        for action, k in order:
            point = (round(rng.uniform(-10, 10), 3), round(rng.uniform(-10, 10), 3))
            points[f"v{v}r{k}{action}"] = point
            clock += math.dist(here, point) + (3 if at else 0) + rng.uniform(0, 6)
            here, at[(action, k)] = point, clock
        first = points[f"v{v}r0{PICKUP}"]
        longest = max(longest, clock + 3 + math.dist(here, (0, 0)) - at[order[0]] + math.dist((0, 0), first))
        for k in range(per_vehicle):
            rid, pick, drop = f"v{v}r{k}", at[(PICKUP, k)], at[(DROPOFF, k)]
            ride = Request(
                rid, f"{rid}{PICKUP}", f"{rid}{DROPOFF}", 0, 1440, 1, dwell=3, max_ride=drop - pick + 5
            )
            if k % 2:
                requests[rid] = replace(ride, arrive_from=drop - 4, arrive_by=drop + 4)
            else:
                requests[rid] = replace(ride, earliest=pick - 4, latest=pick + 4)
    fleet = {f"bus{v}": bus(id=f"bus{v}", max_duration=longest + 10) for v in range(vehicles)}
    return Problem(requests, {}, fleet), PointTravel(points)


@pytest.mark.parametrize("seed", [1, 7])
def test_a_tight_day_that_greedy_insertion_leaves_riders_out_of_is_served_in_full(seed: int) -> None:
    problem, travel = planted_day(seed)
    assert greedy_plan(problem, travel, CONFIG).unserved  # the start the search gets is not complete
    result = plan(problem, travel, CONFIG, time_limit_s=2.0)
    assert result.plan.unserved == []
    assert validate(problem, result.plan, travel, CONFIG, ignore_unplanned=False) == []
