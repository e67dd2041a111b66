"""How long one conversation turn takes: NLU + dialog + backend + the unit of work's
commit, on the embedded defaults (SQLite file, in-process state store).

A scratch SQLite database is migrated and seeded with the pilot county, the NLU model
is loaded (trained first if there is none), then scripted conversations (a booking
step by step, a one-shot booking, bus questions, parcel tracking, a complaint) run
through the turn processor, many senders, one turn at a time. Warm-up turns are not
counted. Prints the median, 90th and 99th percentile, and per-kind medians.

    python3 benchmarks/turn_speed.py [--rounds 20] [--redis redis://127.0.0.1:6379/15] [--target-ms 50]

Exits 1 when the median is above `--target-ms`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from backend.db import make_engine, make_session_factory, migrate, session_scope
from backend.seed import load_pilot
from bot.processor import Processor
from bot.state.base import StateStore
from bot.state.memory import MemoryStateStore
from bot.state.redis import RedisStateStore
from channels.messages import Message
from nlu.pipeline import NluPipeline

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
WARM_UP_ROUNDS = 2
SCRIPTS: dict[str, list[str]] = {
    "book_steps": ["我要订车", "嵩口", "县城", "明天早上八点", "俩", "{phone}", "不对，是后天", "1"],
    "book_one_shot": ["我要订车，明天上午9点半从灵地去县城，3个人，手机{phone}", "1", "我的车什么时候来"],
    "bus": ["嵩口到县城的班车几点有", "嵩口去县城末班车几点", "从县城到嵩口车费多少钱"],
    "parcel": ["我的快递到哪了", "JT4678203589049", "帮我查一下快递SF4616192052758"],
    "complaint": ["我要投诉", "司机态度很差，还骂人", "昨天下午", "闽G12345", "{phone}", "1"],
}


def prepare_database(path: Path) -> object:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with session_scope(make_session_factory(engine)) as session:
        load_pilot(session)
    return engine


async def run(rounds: int, store: StateStore, processor: Processor) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = defaultdict(list)
    for round_no in range(rounds + WARM_UP_ROUNDS):
        for kind, script in SCRIPTS.items():
            sender = f"bench-{kind}-{round_no}"
            phone = f"139{round_no:04d}{len(kind):04d}"
            for line in script:
                message = Message(
                    channel="rest",
                    sender=sender,
                    text=line.format(phone=phone),
                    received_at=datetime.now(UTC),
                )
                started = time.perf_counter()
                await processor.handle(message)
                elapsed = (time.perf_counter() - started) * 1000
                if round_no >= WARM_UP_ROUNDS:
                    timings[kind].append(elapsed)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="conversation turn speed (ms)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--redis", default=None, help="use this Redis for conversation state")
    parser.add_argument("--model", type=Path, default=None, help="NLU model file (default: a scratch one)")
    parser.add_argument("--target-ms", type=float, default=50.0)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="cuntong-bench-"))
    engine = prepare_database(scratch / "bench.db")
    nlu = NluPipeline.load_or_train(args.model or scratch / "nlu.pkl")
    sessions = make_session_factory(engine)  # type: ignore[arg-type]
    store: StateStore = (
        RedisStateStore.from_url(args.redis, prefix="cuntong-bench:") if args.redis else MemoryStateStore()
    )
    processor = Processor(
        nlu=nlu, unit_of_work=lambda: session_scope(sessions), store=store, clock=lambda: NOW
    )

    async def measure() -> dict[str, list[float]]:
        try:
            return await run(args.rounds, store, processor)
        finally:
            await store.close()

    timings = asyncio.run(measure())
    every = sorted(t for values in timings.values() for t in values)
    median = statistics.median(every)
    cuts = statistics.quantiles(every, n=100)
    print(f"turns: {len(every)}  store: {type(store).__name__}  database: SQLite file")  # noqa: T201
    print(f"median {median:.1f} ms   p90 {cuts[89]:.1f} ms   p99 {cuts[98]:.1f} ms   max {every[-1]:.1f} ms")  # noqa: T201
    for kind, values in timings.items():
        print(f"  {kind:<14} median {statistics.median(values):6.1f} ms over {len(values)} turns")  # noqa: T201
    print(f"target: median < {args.target_ms:.0f} ms -> {'OK' if median < args.target_ms else 'TOO SLOW'}")  # noqa: T201
    return 0 if median < args.target_ms else 1


if __name__ == "__main__":
    sys.exit(main())
