"""A full day searched in two processes (backend.dispatch.portfolio): the plan is valid and
serves everyone, the helper process is idle again when `plan` returns and gone after
`shutdown`, a busy machine switches it off, and a helper that died does not stop the
planner."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from backend.dispatch import portfolio
from backend.dispatch.config import DispatchConfig
from backend.dispatch.insertion import greedy_plan
from backend.dispatch.metrics import figures
from backend.dispatch.model import Plan, Problem
from backend.dispatch.pilot_day import pilot_day
from backend.dispatch.planner import PlannerResult, plan
from backend.dispatch.travel import GreatCircleTravel
from backend.dispatch.validator import validate

SECONDS = 2.0  # the shortest time limit that uses the helper (planner.HELPER_MIN_S)


@pytest.fixture
def helper_on(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DISPATCH_PORTFOLIO", "1")  # whatever the machine's load
    yield
    portfolio.shutdown()


def cost(problem: Problem, result: Plan, travel: GreatCircleTravel, config: DispatchConfig) -> float:
    f = figures(problem, result, travel)
    return f.vehicle_km + config.fixed_vehicle_cost_km * f.vehicles_used + 1000 * len(result.unserved)


def helpers() -> list[multiprocessing.process.BaseProcess]:
    return multiprocessing.active_children()


def planned_with_a_helper(travel: GreatCircleTravel, config: DispatchConfig, *, seed: int) -> tuple[Problem, PlannerResult]:
    """A pilot day of 50 jobs planned in SECONDS, checked valid, with the helper process used."""
    problem = pilot_day(50, seed=seed, config=config)
    result = plan(problem, travel, config, time_limit_s=SECONDS)
    assert helpers(), "a full day of 50 jobs in 2 s is searched with a helper process"
    assert validate(problem, result.plan, travel, config, ignore_unplanned=False) == []
    return problem, result


@pytest.mark.usefixtures("helper_on")
def test_two_processes_plan_a_valid_day_and_the_helper_is_idle_after(
    travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem, result = planned_with_a_helper(travel, config, seed=3)
    assert result.plan.unserved == []
    assert result.seconds < SECONDS + 1.0
    began = time.perf_counter()  # the helper's search stopped with the planner's
    helper = portfolio.Helper(abs, -3)
    assert helper.collect(helper.submit(), time.time() + 1.0) == 3
    assert time.perf_counter() - began < 1.5
    portfolio.shutdown()
    assert helpers() == []


@pytest.mark.usefixtures("helper_on")
def test_with_a_helper_the_plan_is_no_dearer_than_its_start(
    travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    # Not "no dearer than one search": on a loaded machine the helper takes CPU from the
    # planner, which is why `portfolio.enabled` switches it off there.
    problem, result = planned_with_a_helper(travel, config, seed=5)
    start = greedy_plan(problem, travel, config)
    assert cost(problem, result.plan, travel, config) < cost(problem, start, travel, config)


def test_a_busy_machine_or_the_switch_turns_the_helper_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPATCH_PORTFOLIO", "0")
    assert not portfolio.enabled()
    monkeypatch.delenv("DISPATCH_PORTFOLIO")
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0))  # the OS's figure, not ours
    assert not portfolio.enabled()
    monkeypatch.setattr(os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    assert portfolio.enabled() == ((os.cpu_count() or 1) >= 2)


@pytest.mark.usefixtures("helper_on")
def test_a_helper_that_died_leaves_the_planner_working(
    travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem = pilot_day(40, seed=11, config=config)
    portfolio.warm()
    deadline = time.time() + 30
    while not helpers() and time.time() < deadline:
        time.sleep(0.05)
    for child in helpers():
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(5)
    result = plan(problem, travel, config, time_limit_s=SECONDS)
    assert validate(problem, result.plan, travel, config, ignore_unplanned=False) == []
    assert result.plan.unserved == []
    again = plan(problem, travel, config, time_limit_s=SECONDS)  # a new helper next time
    assert validate(problem, again.plan, travel, config, ignore_unplanned=False) == []
