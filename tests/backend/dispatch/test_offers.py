"""Counter-offers when a ride does not fit its window, and clear refusals of bad input that
leave the plan as it was."""

from __future__ import annotations

import copy

import pytest

from backend.dispatch.config import DispatchConfig
from backend.dispatch.model import Plan, Problem, Request, VehicleSpec
from backend.dispatch.offers import Offers, Placed, place_request
from backend.dispatch.schedule import JobBook, timetable
from backend.dispatch.travel import GreatCircleTravel
from backend.dispatch.validator import validate
from backend.errors import CapacityExceeded, InvalidInput, UnknownPlace

MINIBUS = VehicleSpec("闽GZ1021", 9, 100.0, 0.5, "嵩口镇", 360, 1080, "D026")


@pytest.fixture
def full_at_eight(travel: GreatCircleTravel, config: DispatchConfig) -> tuple[Problem, Plan]:
    """The only minibus takes nine riders from 嵩口镇 to the county town at 08:00, told."""
    group = Request("B1", "嵩口镇", "清流县城", 470, 500, 9, told=480)
    problem = Problem({"B1": group}, {}, {MINIBUS.id: MINIBUS})
    run = timetable(MINIBUS, [("pickup", "B1"), ("dropoff", "B1")], JobBook(problem, travel, config))
    assert run is not None and run.stops[0].time == 480
    return problem, Plan({MINIBUS.id: run})


def test_full_minibus_gets_counter_offers_before_and_after(
    full_at_eight: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem, current = full_at_eight
    wish = Request("B2", "嵩口镇", "清流县城", 470, 500, 1)  # 8点, one more rider
    outcome = place_request(problem, current, wish, travel, config)
    assert isinstance(outcome, Offers)
    assert outcome.before is not None and outcome.before < wish.earliest
    assert outcome.after is not None and outcome.after > wish.latest
    assert outcome.after - wish.latest <= config.offer_span_min
    # the minibus goes to town and back (36 + 36 min + dwell) before or after the group
    assert 470 - outcome.before >= 60
    assert outcome.after >= 480 + 1 + 36 + 1 + 36


@pytest.mark.parametrize("side", ["before", "after"])
def test_accepting_an_offer_books_it_at_that_time(
    full_at_eight: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig, side: str
) -> None:
    problem, current = full_at_eight
    offers = place_request(problem, current, Request("B2", "嵩口镇", "清流县城", 470, 500, 1), travel, config)
    assert isinstance(offers, Offers)
    offered = getattr(offers, side)
    accepted = Request(
        "B2", "嵩口镇", "清流县城", offered - config.window_before_min, offered + config.window_after_min, 1
    )
    placed = place_request(problem, current, accepted, travel, config)
    assert isinstance(placed, Placed)
    assert placed.pickup == offered  # the confirmation names the time the rider agreed to
    assert validate(placed.problem, placed.plan, travel, config, ignore_unplanned=False) == []
    assert abs(placed.plan.pickup_time("B1") - 480) <= config.told_tolerance_min  # type: ignore[operator]


def test_a_request_that_fits_is_placed_inside_its_window(
    full_at_eight: tuple[Problem, Plan], travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem, current = full_at_eight
    placed = place_request(
        problem, current, Request("B3", "嵩口镇", "清流县医院", 720, 750, 2), travel, config
    )
    assert isinstance(placed, Placed)
    assert 720 <= placed.pickup <= 750 and placed.vehicle == MINIBUS.id


@pytest.mark.parametrize(
    ("request_", "now", "error", "words"),
    [
        (Request("X", "松口镇", "清流县城", 600, 630, 1), None, UnknownPlace, "松口镇"),
        (Request("X", "嵩口镇", "清流县城", 600, 630, 0), None, InvalidInput, "至少是1人"),
        (Request("X", "嵩口镇", "清流县城", 480, 510, 1), 540, InvalidInput, "已经过去了"),
        (Request("X", "嵩口镇", "清流县城", 600, 630, 10), None, CapacityExceeded, "坐不下10人"),
        (Request("X", "嵩口镇", "嵩口镇", 600, 630, 1), None, InvalidInput, "同一个地方"),
        (Request("X", "嵩口镇", "清流县城", 630, 600, 1), None, InvalidInput, "时间段不对"),
    ],
)
def test_bad_input_is_refused_and_the_plan_unchanged(
    full_at_eight: tuple[Problem, Plan],
    travel: GreatCircleTravel,
    config: DispatchConfig,
    request_: Request,
    now: int | None,
    error: type[Exception],
    words: str,
) -> None:
    problem, current = full_at_eight
    before_problem, before_plan = copy.deepcopy(problem), copy.deepcopy(current)
    with pytest.raises(error, match=words):
        place_request(problem, current, request_, travel, config, now=now)
    assert problem == before_problem and current == before_plan
