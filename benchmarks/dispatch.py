"""Dispatch benchmark: seeded pilot-county days (backend.dispatch.pilot_day) of 50, 200 and
1,000 ride requests plus parcel consignments, planned three ways on the pilot fleet:
one vehicle per request (every job alone, from the nearest depot), greedy insertion
(riders by earliest pick-up, then parcels, each at its cheapest feasible place), and the
OR-Tools planner (warm-started from the greedy plan, stopped at its time limit). Every
plan is checked by the independent validator. Prints a Markdown table and writes it to
docs/dispatch_results.md.

    python3 benchmarks/dispatch.py [--sizes 50 200 1000] [--seed 7] [--out docs/dispatch_results.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.dispatch.config import DispatchConfig  # noqa: E402
from backend.dispatch.insertion import greedy_plan  # noqa: E402
from backend.dispatch.metrics import PlanFigures, figures, solo_plan  # noqa: E402
from backend.dispatch.model import Plan, Problem  # noqa: E402
from backend.dispatch.pilot_day import pilot_day, pilot_places  # noqa: E402
from backend.dispatch.planner import plan  # noqa: E402
from backend.dispatch.travel import GreatCircleTravel, TravelTimes  # noqa: E402
from backend.dispatch.validator import validate  # noqa: E402

TIME_LIMITS = {50: 2.0, 200: 3.0, 1000: 60.0}  # planner wall time, greedy warm start included
HEADER = (
    "| requests | method | vehicles | vehicle-km | km vs solo | served in window | ride ratio mean / max "
    "| parcels same day (on passenger runs) | time s | valid |"
)


def _row(size: int, method: str, f: PlanFigures, solo_km: float, seconds: float, problems: list[str]) -> str:
    saving = f"−{(1 - f.vehicle_km / solo_km) * 100:.0f}%" if solo_km else "–"
    return (
        f"| {size} | {method} | {f.vehicles_used} | {f.vehicle_km:,.0f} | {saving} | {f.share_in_window * 100:.1f}% "
        f"| {f.mean_ride_ratio:.2f} / {f.max_ride_ratio:.2f} | {f.parcels_delivered}/{f.parcels} "
        f"({f.parcels_with_riders}) | {seconds:.2f} | {'yes' if not problems else f'NO ({len(problems)})'} |"
    )


def _measure(
    problem: Problem, result: Plan, travel: TravelTimes, config: DispatchConfig
) -> tuple[PlanFigures, list[str]]:
    return figures(problem, result, travel), validate(problem, result, travel, config, ignore_unplanned=False)


def run(sizes: list[int], seed: int) -> list[str]:
    config = DispatchConfig()
    travel = GreatCircleTravel(pilot_places())
    lines = [HEADER, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for size in sizes:
        problem = pilot_day(size, seed=seed, config=config)
        began = time.perf_counter()
        solo_problem, solo = solo_plan(problem, travel, config)
        solo_s = time.perf_counter() - began
        solo_f, solo_bad = _measure(solo_problem, solo, travel, config)
        lines.append(_row(size, "one vehicle per request", solo_f, solo_f.vehicle_km, solo_s, solo_bad))
        began = time.perf_counter()
        greedy = greedy_plan(problem, travel, config)
        greedy_s = time.perf_counter() - began
        greedy_f, greedy_bad = _measure(problem, greedy, travel, config)
        lines.append(_row(size, "greedy insertion", greedy_f, solo_f.vehicle_km, greedy_s, greedy_bad))
        result = plan(problem, travel, config, time_limit_s=TIME_LIMITS.get(size, 10.0))
        planned_f, planned_bad = _measure(problem, result.plan, travel, config)
        lines.append(
            _row(size, "OR-Tools planner", planned_f, solo_f.vehicle_km, result.seconds, planned_bad)
        )
        sys.stdout.write(f"{size} requests done\n")
        sys.stdout.flush()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs/dispatch_results.md"
    )
    args = parser.parse_args()
    lines = run(args.sizes, args.seed)
    limits = ", ".join(f"{n}: {TIME_LIMITS.get(n, 10.0):.0f} s" for n in args.sizes)
    note = (
        f"Seed {args.seed}; pilot fleet of 30 vehicles (seed.json); planner time limits {limits} "
        f"(greedy warm start included); {platform.python_implementation()} {platform.python_version()} "
        f"on {os.cpu_count()} CPU(s). 'km vs solo' compares with one vehicle per request; "
        "'served in window' counts requests picked up inside their window out of all requests; "
        "'ride ratio' is time on board over the direct driving time; 'parcels same day' counts "
        "consignments delivered before due, in brackets those on runs that also carried riders. "
        "Ride ratios far above 2 are short hops inside the county town (2 min direct), where the "
        "+10 min allowance dominates. At 1,000 requests the 30 vehicles are saturated: the requests "
        "left out make the km comparison with one vehicle per request flattering."
    )
    table = "\n".join(lines)
    sys.stdout.write(table + "\n\n" + note + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(f"# Dispatch benchmark\n\n{table}\n\n{note}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
