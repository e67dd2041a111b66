"""Placing one new ride request into the day's plan, with counter-offers when it does not
fit: `place_request` checks the request, inserts it live, and when no vehicle can serve
it inside its window returns the nearest pick-up times before and after that can be
served (the wished window shifted in `offer_step_min` steps up to `offer_span_min`),
so the dialog can ask "8点的车满了，8点40可以吗?". Nothing is changed by a refusal; the
caller keeps the returned plan only when the request was placed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from backend.dispatch.checks import check_request
from backend.dispatch.config import DispatchConfig
from backend.dispatch.insertion import Insertion, insert
from backend.dispatch.model import DAY_MINUTES, Plan, Problem, Request
from backend.dispatch.travel import TravelTimes


@dataclass(frozen=True)
class Placed:
    problem: Problem
    plan: Plan
    vehicle: str
    pickup: int


@dataclass(frozen=True)
class Offers:
    """The nearest pick-up times that can be served, before and after the wished window."""

    before: int | None
    after: int | None


def _try(
    problem: Problem,
    plan: Plan,
    request: Request,
    travel: TravelTimes,
    config: DispatchConfig,
    now: int | None,
) -> tuple[Problem, Insertion] | None:
    bigger = problem.with_request(request)
    done = insert(bigger, plan, request.id, travel, config, frozen_before=now)
    return (bigger, done) if done is not None else None


def place_request(
    problem: Problem,
    plan: Plan,
    request: Request,
    travel: TravelTimes,
    config: DispatchConfig,
    *,
    now: int | None = None,
) -> Placed | Offers:
    """The plan with `request` served, or counter-offers when its window cannot be met."""
    check_request(problem, request, travel, now=now)
    if request.id in problem.requests:
        raise ValueError(f"request {request.id} is already in the problem")
    if now is not None and request.earliest < now:
        request = replace(request, earliest=now)
    found = _try(problem, plan, request, travel, config, now)
    if found is not None:
        bigger, done = found
        return Placed(bigger, done.plan, done.vehicle, done.pickup_time)
    return counter_offers(problem, plan, request, travel, config, now=now)


def counter_offers(
    problem: Problem,
    plan: Plan,
    request: Request,
    travel: TravelTimes,
    config: DispatchConfig,
    *,
    now: int | None = None,
) -> Offers:
    step, span = config.offer_step_min, config.offer_span_min
    before = after = None
    for shift in range(step, span + step, step):
        if after is None and request.latest + shift < DAY_MINUTES:
            later = replace(request, earliest=request.earliest + shift, latest=request.latest + shift)
            found = _try(problem, plan, later, travel, config, now)
            after = found[1].pickup_time if found is not None else None
        earliest = max(request.earliest - shift, now if now is not None else 0, 0)
        if before is None and request.latest - shift >= earliest:
            sooner = replace(request, earliest=earliest, latest=request.latest - shift)
            found = _try(problem, plan, sooner, travel, config, now)
            if found is not None and found[1].pickup_time < request.earliest:
                before = found[1].pickup_time
        if before is not None and after is not None:
            break
    return Offers(before, after)
