"""Cordeau (2006) dial-a-ride benchmark: every instance of a folder planned with the project's
planner through its public model (backend.dispatch.model), checked by the project's validator
and by an independent check of the Cordeau rules written here, and compared with the
best-known total route length read from the folder's README.

Mapping onto the model: Euclidean travel between the (x, y) points, 1 distance unit = 1 minute
= 1 "km" of cost; a request's pick-up window and its drop-off window (arrive_from / arrive_by);
its service time as the request's dwell; Cordeau's ride limit L (from the end of service at the
pick-up to the start of service at the drop-off) as max_ride = L + dwell, since the model
counts a ride from the start of service at the pick-up; vehicles of Q seats, no cargo, shift
= the depot's window, max_duration = T; no fixed cost per vehicle. Times are fractional
minutes (the planner works in 1/100 minute).

    python3 benchmarks/darp.py [--instances DIR] [--time-limit S] [--only a2-16 a8-96]

DIR defaults to ../shared/benchmarks/darp-cordeau relative to the project root. The last line
reads `instances=N served=S/R valid=V mean_gap_pct=G`.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.dispatch.config import DispatchConfig  # noqa: E402
from backend.dispatch.model import PICKUP, Plan, Problem, Request, VehicleSpec  # noqa: E402
from backend.dispatch.planner import plan  # noqa: E402
from backend.dispatch.travel import PointTravel  # noqa: E402
from backend.dispatch.validator import validate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "benchmarks" / "darp-cordeau"
EPSILON = 1e-6
CONFIG = DispatchConfig(fixed_vehicle_cost_km=0.0)
HEADER = "| instance | requests | served | vehicles | cost | best known | gap % | valid (project) | valid (Cordeau) | s |"


@dataclass
class Node:
    x: float
    y: float
    service: float
    load: int
    early: float
    late: float


@dataclass
class Instance:
    name: str
    vehicles: int
    duration: float  # T
    capacity: int  # Q
    ride: float  # L
    nodes: list[Node]  # 0 = depot, 1..n pick-ups, n+1..2n drop-offs

    @property
    def n(self) -> int:
        return (len(self.nodes) - 1) // 2


def read_instance(path: Path) -> Instance:
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    k, _, t, q, l_ride = lines[0][:5]  # the second field is 2n in most files, n in a few
    parsed = [
        Node(float(x), float(y), float(s), int(d), float(e), float(la)) for _, x, y, s, d, e, la in lines[1:]
    ]
    if len(parsed) % 2 == 0 and parsed[-1].load == 0:
        parsed.pop()  # a closing copy of the depot
    return Instance(path.stem, int(k), float(t), int(q), float(l_ride), parsed)


def best_known(folder: Path) -> dict[str, float]:
    """Best-known costs from the README table: `| a2-16 | 294.25 | ...`."""
    text = (folder / "README.md").read_text(encoding="utf-8")
    return {name: float(cost) for name, cost in re.findall(r"\|\s*(a\d+-\d+)\s*\|\s*([\d.]+)\s*", text)}


def to_problem(inst: Instance) -> tuple[Problem, PointTravel]:
    n, depot = inst.n, inst.nodes[0]
    points = {str(i): (node.x, node.y) for i, node in enumerate(inst.nodes)}
    requests = {}
    for i in range(1, n + 1):
        p, d = inst.nodes[i], inst.nodes[n + i]
        if p.service != d.service:
            raise ValueError(f"{inst.name}: request {i} has different service times at its two ends")
        requests[f"r{i}"] = Request(
            f"r{i}",
            str(i),
            str(n + i),
            p.early,
            p.late,
            p.load,
            arrive_from=d.early,
            arrive_by=d.late,
            dwell=p.service,
            max_ride=inst.ride + p.service,
        )
    vehicles = {
        f"v{k}": VehicleSpec(
            f"v{k}", inst.capacity, 0.0, 0.0, "0", depot.early, depot.late, max_duration=inst.duration
        )
        for k in range(1, inst.vehicles + 1)
    }
    return Problem(requests, {}, vehicles), PointTravel(points)


def cordeau_check(inst: Instance, result: Plan) -> tuple[list[str], float, int]:
    """The Cordeau rules checked on the plan's stop times with node numbers and the instance's
    own data only: (violations, total route length, requests served)."""
    n, found, total, served = inst.n, [], 0.0, 0
    nodes = inst.nodes

    def dist(a: int, b: int) -> float:
        return math.hypot(nodes[a].x - nodes[b].x, nodes[a].y - nodes[b].y)

    for vid, run in result.runs.items():
        route = [int(stop.job[1:]) + (0 if stop.action == PICKUP else n) for stop in run.stops]
        times = [stop.time for stop in run.stops]
        total += sum(dist(a, b) for a, b in zip([0, *route], [*route, 0], strict=True))
        begin, finish = (
            times[0] - dist(0, route[0]),
            times[-1] + nodes[route[-1]].service + dist(route[-1], 0),
        )
        if finish - begin > inst.duration + EPSILON:
            found.append(f"{vid}: route lasts {finish - begin:.2f} > T={inst.duration}")
        if begin < nodes[0].early - EPSILON or finish > nodes[0].late + EPSILON:
            found.append(f"{vid}: outside the depot window")
        load, at = 0, {}
        for k, (node, time) in enumerate(zip(route, times, strict=True)):
            if k and time < times[k - 1] + nodes[route[k - 1]].service + dist(route[k - 1], node) - EPSILON:
                found.append(f"{vid}: node {node} reached too early")
            if not nodes[node].early - EPSILON <= time <= nodes[node].late + EPSILON:
                found.append(f"{vid}: node {node} at {time:.2f} outside its window")
            load += nodes[node].load
            if load > inst.capacity:
                found.append(f"{vid}: load {load} > Q after node {node}")
            at[node] = time
            if node > n:
                if node - n not in at:
                    found.append(f"{vid}: drop-off {node} before its pick-up")
                    continue
                served += 1
                ride = time - (at[node - n] + nodes[node - n].service)
                if ride > inst.ride + EPSILON:
                    found.append(f"{vid}: request {node - n} rides {ride:.2f} > L={inst.ride}")
        if load != 0:
            found.append(f"{vid}: someone picked up is never dropped off")
    if served < n:
        found.append(f"{n - served} of {n} requests not served")
    return found, total, served


def run(folder: Path, time_limit: float | None, only: list[str] | None) -> tuple[list[str], str]:
    best = best_known(folder)
    lines = [HEADER, "|---|---:|---:|---:|---:|---:|---:|---|---|---:|"]
    count = served_all = requests_all = valid_all = 0
    gaps = []
    for path in sorted(folder.glob("a*-*.txt"), key=lambda p: tuple(int(x) for x in p.stem[1:].split("-"))):
        if only and path.stem not in only:
            continue
        inst = read_instance(path)
        problem, travel = to_problem(inst)
        result = plan(problem, travel, CONFIG, time_limit_s=time_limit)
        own = validate(problem, result.plan, travel, CONFIG, ignore_unplanned=False)
        rules, cost, served = cordeau_check(inst, result.plan)
        gap = (cost / best[inst.name] - 1) * 100 if inst.name in best else float("nan")
        valid = not own and not rules
        count, served_all, requests_all = count + 1, served_all + served, requests_all + inst.n
        valid_all += valid
        if not math.isnan(gap):
            gaps.append(gap)
        lines.append(
            f"| {inst.name} | {inst.n} | {served} | {len(result.plan.runs)} | {cost:.2f} "
            f"| {best.get(inst.name, float('nan')):.2f} | {gap:+.2f} | {'yes' if not own else f'NO ({own[0]})'} "
            f"| {'yes' if not rules else f'NO ({rules[0]})'} | {result.seconds:.1f} |"
        )
        sys.stdout.write(lines[-1] + "\n")
        sys.stdout.flush()
    mean = sum(gaps) / len(gaps) if gaps else float("nan")
    return (
        lines,
        f"instances={count} served={served_all}/{requests_all} valid={valid_all} mean_gap_pct={mean:.2f}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=Path, default=DEFAULT_DIR)
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds per instance (default: the planner's)"
    )
    parser.add_argument("--only", nargs="+", help="instance names, e.g. a3-30 a8-96")
    args = parser.parse_args()
    if not (args.instances / "README.md").exists():
        parser.error(f"no Cordeau instances with a README in {args.instances}")
    lines, summary = run(args.instances, args.time_limit, args.only)
    limit = f"{args.time_limit:g} s" if args.time_limit is not None else "the planner's default"
    sys.stdout.write(
        "\n" + "\n".join(lines) + f"\n\nTime limit {limit} per instance, {os.cpu_count()} CPU(s).\n"
    )
    sys.stdout.write(summary + "\n")


if __name__ == "__main__":
    main()
