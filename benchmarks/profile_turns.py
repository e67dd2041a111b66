"""Where a REST turn's CPU goes: the real app (create_app, its lifespan, every middleware)
on PostgreSQL + Redis, driven in-process over ASGI with the load test's conversations
(benchmarks/load_support.py), one turn at a time, under cProfile. The turn's worker-thread
part runs inline so the profile sees all of it.

    python3 benchmarks/profile_turns.py --database postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        --redis redis://127.0.0.1:6379/N [--turns 600] [--top 40] [--sort cumulative] [--sql]

The database is migrated and seeded when empty; the Redis database must be empty (it is
emptied at the end). Prints the CPU ms per turn without the profiler, then the profile's
top functions; `--sql` also counts the SQL statements per turn kind.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_support import CONVERSATIONS, empty_redis  # noqa: E402


def conversations(turns: int) -> list[tuple[str, str, str]]:
    """(kind, sender, text) for `turns` turns, senders interleaved as the load test does."""
    out: list[tuple[str, str, str]] = []
    cycle = 0
    while len(out) < turns:
        for n, (kind, lines) in enumerate(CONVERSATIONS):
            sender = f"prof-{RUN}-{cycle}-{n}"
            phone = f"139{cycle:04d}{n:04d}"
            out.extend((kind, sender, line.replace("{phone}", phone)) for line in lines)
        cycle += 1
    return out[:turns]


def single_messages(text: str, turns: int) -> list[tuple[str, str, str]]:
    """The one-at-a-time measurement of benchmarks/load.py: one message, each from a new sender."""
    return [("single", f"prof-{RUN}-single-{n}", text) for n in range(turns)]


async def drive(app: object, script: list[tuple[str, str, str]], statements: Counter[str] | None) -> float:
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        started = time.process_time()
        for i, (kind, sender, text) in enumerate(script):
            before = _SQL[0]
            body = {"sender": sender, "message": text, "message_id": f"{sender}-{i}"}
            response = await client.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            if TRACE[0]:
                print(f"-- {kind}: {text} -> {response.json()[0]['text'][:60]!r}")  # noqa: T201
            if statements is not None:
                statements[kind] += _SQL[0] - before
        return time.process_time() - started


_SQL = [0]
TRACE = [False]
RUN = f"{os.getpid()}-{int(time.time())}"  # senders and message ids new on every run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "nlu.pkl")
    parser.add_argument("--turns", type=int, default=600)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--sql", action="store_true", help="count SQL statements per turn kind")
    parser.add_argument("--filter", default="", help="only functions whose file matches (e.g. backend/)")
    parser.add_argument("--no-cprofile", action="store_true", help="only the plain run (for a sampling profiler)")
    parser.add_argument("--trace", action="store_true", help="print each turn's SQL (use few --turns)")
    parser.add_argument("--dump", default="", help="also write the raw profile to this file")
    parser.add_argument("--message", default="", help="every turn is this one message from a new sender")
    args = parser.parse_args(argv)
    TRACE[0] = args.trace
    os.environ.update(
        DATABASE_URL=args.database, REDIS_URL=args.redis, NLU_MODEL_PATH=str(args.model), SEED_ON_EMPTY="true"
    )
    import anyio.to_thread
    from sqlalchemy import event

    import bot.processor
    from bot.app import create_app
    from bot.config import load_settings

    async def inline(function, *call_args, **_kwargs):  # type: ignore[no-untyped-def]
        return function(*call_args)

    bot.processor.anyio.to_thread.run_sync = inline  # type: ignore[attr-defined]
    del anyio
    app = create_app(load_settings())
    script = conversations(args.turns) if not args.message else single_messages(args.message, args.turns)
    warm = conversations(60)
    warm = [(k, s.replace("prof-", "warm-"), t) for k, s, t in warm]

    def count_statement(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        _SQL[0] += 1
        if args.trace:
            print("   SQL", " ".join(statement.split())[:160])  # noqa: T201

    async def run() -> None:
        async with app.router.lifespan_context(app):
            engine = app.state.runtime.engine
            event.listen(engine, "before_cursor_execute", count_statement)
            await drive(app, warm, None)
            plain = await drive(app, [(k, s + "-plain", t) for k, s, t in script], None)
            if args.no_cprofile:
                print(f"CPU per turn: {plain * 1000 / len(script):.2f} ms over {len(script)} turns")  # noqa: T201
                return
            counts: Counter[str] = Counter()
            profiler = cProfile.Profile(time.process_time)  # CPU time: round trips' waits do not count
            profiler.enable()
            await drive(app, [(k, s + "-prof", t) for k, s, t in script], counts)
            profiler.disable()
            print(f"CPU per turn without the profiler: {plain * 1000 / len(script):.2f} ms over {len(script)} turns")  # noqa: T201
            if args.sql:
                per_kind = Counter(k for k, _, _ in script)
                for kind, n in per_kind.items():
                    print(f"  SQL statements per {kind} turn: {counts[kind] / n:.1f}")  # noqa: T201
            stats = pstats.Stats(profiler)
            stats.sort_stats(args.sort).print_stats(*([args.filter] if args.filter else []), args.top)
            if args.dump:
                stats.dump_stats(args.dump)

    with empty_redis(args.redis):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
