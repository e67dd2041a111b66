"""Load test of the REST channel: the real service (`cuntong serve --workers N`) on
PostgreSQL + Redis, driven by Debian's `wrk` with many senders in scripted conversations.

A scratch PostgreSQL database is created (and dropped at the end) and the Redis database
given must be empty (it is emptied again at the end). For each worker count the service
is started, a short warm-up runs, then `wrk` (benchmarks/load.lua) drives `--senders`
conversations over `--connections` connections for `--seconds`; turns/s, p50/p90/p99 and
errors are printed. With the first worker count the one-at-a-time latency of each message
kind is measured too (one request in flight, keep-alive). Prints a Markdown table, with
the CPU time the service's processes used per turn (from /proc: stays meaningful when other
jobs share the machine; PostgreSQL's and Redis's own CPU is not in it).

    python3 benchmarks/load.py [--workers 1 2] [--connections 20] [--seconds 20]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/14]

Exits 1 when a target is missed (≥200 turns/s, p99 ≤300 ms, no errors, bus question
one at a time ≤5 ms). Figures measured on a busy machine are pessimistic.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_support import KINDS, cpu_seconds, empty_redis, one_at_a_time, service, write_lua_scripts  # noqa: E402
from tests.utils.service_process import ScratchDatabase  # noqa: E402

TARGET_TURNS_PER_SECOND = 200.0
TARGET_P99_MS = 300.0
TARGET_BUS_MS = 5.0


@dataclass
class LoadResult:
    workers: int
    turns_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    requests: int
    cpu_ms_per_turn: float


def run_wrk(
    url: str, scripts_file: Path, *, tag: str, connections: int, seconds: float, senders: int
) -> dict:
    threads = min(2, connections)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "10s",
        "-s", str(ROOT / "benchmarks" / "load.lua"), url, "--", str(scripts_file), tag, str(senders // threads),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(line.removeprefix("RESULT ")))


def measure(scripts_file: Path, args: argparse.Namespace, workers: int, pid: int) -> LoadResult:
    common = {"connections": args.connections, "senders": args.senders}
    url = f"http://127.0.0.1:{args.port}"
    run_wrk(url, scripts_file, tag=f"warm{workers}", seconds=args.warm_up, **common)
    cpu_before = cpu_seconds(pid)
    raw = run_wrk(url, scripts_file, tag=f"load{workers}", seconds=args.seconds, **common)
    cpu = cpu_seconds(pid) - cpu_before
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return LoadResult(
        workers=workers,
        turns_per_second=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=socket_errors + raw["turn_errors"],
        requests=raw["requests"],
        cpu_ms_per_turn=cpu * 1000 / max(1, raw["requests"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="REST load test on PostgreSQL + Redis with wrk")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--connections", type=int, default=20, help="concurrent senders in flight")
    parser.add_argument("--senders", type=int, default=400, help="conversations going on at once")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warm-up", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=30, help="one-at-a-time repetitions per kind")
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a maintenance database of the server; a scratch database is created next to it",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="an EMPTY Redis database")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "nlu.pkl", help="NLU model file")
    parser.add_argument("--port", type=int, default=18080)
    args = parser.parse_args(argv)  # fmt: skip
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)  # noqa: T201
        return 2
    if args.senders < 4 * args.connections:
        parser.error("--senders should be at least 4 × --connections (one message in flight per sender)")

    scratch = Path(tempfile.mkdtemp(prefix="cuntong-load-"))
    scripts_file = write_lua_scripts(scratch / "scripts.lua")
    results: list[LoadResult] = []
    single: dict[str, list[float]] = {}
    with ScratchDatabase(args.postgres, tag="load") as database, empty_redis(args.redis):
        for workers in args.workers:
            with service(
                database.url, args.redis, args.model, port=args.port, workers=workers, log_dir=scratch
            ) as svc:
                if not single:
                    single = one_at_a_time(f"http://127.0.0.1:{args.port}", rounds=args.rounds)
                results.append(measure(scripts_file, args, workers, svc.pid))
    print_report(results, single, args)
    return 0 if meets_targets(results, single) else 1


def meets_targets(results: list[LoadResult], single: dict[str, list[float]]) -> bool:
    best = max(results, key=lambda r: r.turns_per_second)
    bus = statistics.median(single["bus question"]) if single.get("bus question") else float("inf")
    return (
        best.turns_per_second >= TARGET_TURNS_PER_SECOND
        and best.p99_ms <= TARGET_P99_MS
        and all(r.errors == 0 for r in results)
        and bus <= TARGET_BUS_MS
    )


def print_report(results: list[LoadResult], single: dict[str, list[float]], args: argparse.Namespace) -> None:
    out = sys.stdout
    out.write(
        f"\nREST channel, PostgreSQL + Redis, {args.connections} concurrent senders "
        f"({args.senders} conversations), {args.seconds:.0f} s after {args.warm_up:.0f} s warm-up, "
        f"CPython {platform.python_version()} on {os.cpu_count()} CPU(s)\n\n"
    )
    out.write(
        "| processes | turns/s | p50 ms | p90 ms | p99 ms | errors | turns | service CPU ms/turn |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    for r in results:
        out.write(
            f"| {r.workers} | {r.turns_per_second:.0f} | {r.p50_ms:.1f} | {r.p90_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.errors} | {r.requests} | {r.cpu_ms_per_turn:.1f} |\n"
        )
    out.write("\nOne at a time (one request in flight, keep-alive, HTTP included):\n\n")
    out.write("| message kind | median ms | p90 ms | turns |\n|---|---:|---:|---:|\n")
    for kind in KINDS:
        values = single.get(kind) or []
        if values:
            p90 = statistics.quantiles(values, n=10)[8] if len(values) > 1 else values[0]
            out.write(f"| {kind} | {statistics.median(values):.1f} | {p90:.1f} | {len(values)} |\n")
    verdict = "targets met" if meets_targets(results, single) else "targets NOT met"
    out.write(
        f"\n{verdict} (≥{TARGET_TURNS_PER_SECOND:.0f} turns/s with p99 ≤{TARGET_P99_MS:.0f} ms, no errors; "
        f"bus question ≤{TARGET_BUS_MS:.0f} ms one at a time)\n"
    )


if __name__ == "__main__":
    sys.exit(main())
