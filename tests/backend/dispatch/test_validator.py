"""The validator must catch every kind of broken plan (else the other tests prove nothing)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backend.dispatch.config import DispatchConfig
from backend.dispatch.model import Consignment, Plan, Problem, Request, Run, Stop, VehicleSpec
from backend.dispatch.travel import GreatCircleTravel
from backend.dispatch.validator import validate

VAN = VehicleSpec("闽GZ1021", 9, 100.0, 0.5, "嵩口镇", 420, 1080, "D026")


def _problem() -> Problem:
    return Problem(
        {
            "R1": Request("R1", "嵩口镇", "清流县城", 480, 510, 3),
            "R2": Request("R2", "溪源村", "清流县城", 470, 500, 2),
        },
        {"P1": Consignment("P1", "清流县城", "溪源村", 20.0, 0.1, 450, 1050)},
        {VAN.id: VAN},
    )


def _valid_plan() -> Plan:
    # 07:50 溪源村 (R2) -> 08:00 嵩口镇 (R1) -> 08:37 县城: drop both, load P1 -> 溪源村 -> depot
    stops = [
        Stop("pickup", "R2", "溪源村", 470),
        Stop("pickup", "R1", "嵩口镇", 480),
        Stop("dropoff", "R2", "清流县城", 517),
        Stop("dropoff", "R1", "清流县城", 518),
        Stop("pickup", "P1", "清流县城", 519),
        Stop("dropoff", "P1", "溪源村", 580),
    ]
    return Plan({VAN.id: Run(VAN.id, stops, 462, 595)})


def _with_stops(plan: Plan, stops: list[Stop], **run_changes: int) -> Plan:
    run = plan.runs[VAN.id]
    return Plan({VAN.id: replace(run, stops=stops, **run_changes)})


def test_a_valid_plan_passes(travel: GreatCircleTravel, config: DispatchConfig) -> None:
    assert validate(_problem(), _valid_plan(), travel, config, ignore_unplanned=False) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: [replace(s[0], time=465), *s[1:]], "outside 470-500"),  # too early for R2
        (lambda s: [s[0], replace(s[1], time=515), *s[2:]], "outside 480-510"),  # R1 too late
        (
            lambda s: [s[0], s[1], replace(s[2], time=600), *s[3:]],
            "rides 130 min",
        ),  # R2 kept aboard far too long
        (lambda s: [s[1], s[0], *s[2:]], "cannot be at"),  # back in time
        (lambda s: [s[0], s[2], s[1], *s[3:]], "cannot be at"),
        (lambda s: [s[2], *s[:2], *s[3:]], "without being picked up"),
        (lambda s: [*s[:5]], "never dropped off"),
        (lambda s: [s[0], replace(s[1], place="嵩口村"), *s[2:]], "not at 嵩口镇"),
        (lambda s: [*s[:4], replace(s[4], time=440), s[5]], "cannot be at"),
    ],
)
def test_each_broken_rule_is_reported(
    travel: GreatCircleTravel, config: DispatchConfig, change, message: str
) -> None:
    plan = _valid_plan()
    broken = _with_stops(plan, change(plan.runs[VAN.id].stops))
    found = validate(_problem(), broken, travel, config)
    assert any(message in f for f in found), found


def test_seats_and_cargo_are_checked_at_every_moment(
    travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem = _problem()
    crowded = Problem(
        {**problem.requests, "R2": replace(problem.requests["R2"], passengers=7)},
        problem.consignments,
        problem.vehicles,
    )
    assert any(
        "overloaded" in f and "10 seats" in f for f in validate(crowded, _valid_plan(), travel, config)
    )
    heavy = Problem(
        problem.requests, {"P1": replace(problem.consignments["P1"], weight_kg=100.5)}, problem.vehicles
    )
    assert any("overloaded" in f for f in validate(heavy, _valid_plan(), travel, config))


def test_shift_told_time_and_parcel_due_are_checked(
    travel: GreatCircleTravel, config: DispatchConfig
) -> None:
    problem = _problem()
    late_shift = Problem(problem.requests, problem.consignments, {VAN.id: replace(VAN, shift_end=590)})
    assert any("after its shift ends" in f for f in validate(late_shift, _valid_plan(), travel, config))
    told = Problem(
        {**problem.requests, "R1": replace(problem.requests["R1"], told=495)},
        problem.consignments,
        problem.vehicles,
    )
    assert any("told 495" in f for f in validate(told, _valid_plan(), travel, config))
    due = Problem(problem.requests, {"P1": replace(problem.consignments["P1"], due=570)}, problem.vehicles)
    assert any("after 570" in f for f in validate(due, _valid_plan(), travel, config))
    early_start = _with_stops(_valid_plan(), _valid_plan().runs[VAN.id].stops, start=400)
    assert any("before its shift starts" in f for f in validate(problem, early_start, travel, config))


def test_a_job_is_served_at_most_once(travel: GreatCircleTravel, config: DispatchConfig) -> None:
    problem = _problem()
    other = replace(VAN, id="闽GD58397", depot="嵩口镇")
    problem.vehicles[other.id] = other
    plan = _valid_plan()
    plan.runs[other.id] = Run(
        other.id, [Stop("pickup", "R1", "嵩口镇", 480), Stop("dropoff", "R1", "清流县城", 518)], 480, 560
    )
    assert any("served by both" in f for f in validate(problem, plan, travel, config))
    plan = _valid_plan()
    plan.unserved = ["R1"]
    assert any("listed as unserved" in f for f in validate(problem, plan, travel, config))
    assert any(
        "neither served" in f for f in validate(problem, Plan(), travel, config, ignore_unplanned=False)
    )
