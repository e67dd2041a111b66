"""How fast the gazetteer resolves what a villager typed, and how long the pilot timetable
takes to import, on the embedded defaults (a scratch SQLite file seeded with the pilot county).

    python3 benchmarks/places_speed.py [--rounds 50]

Prints milliseconds per `resolve_place` call (sound-alikes, pinyin, unknown names mixed) after a
warm-up, and the seconds one `import_feed` of the pilot GTFS feed takes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from backend.db import make_engine, make_session_factory, migrate, session_scope
from backend.gtfs import read_feed
from backend.gtfs.importer import import_feed
from backend.seed import load_pilot
from backend.services.places.gazetteer import UnknownPlace, resolve_place

PILOT_FEED = Path(__file__).resolve().parents[1] / "backend" / "pilot" / "gtfs"
NAMES = ["松口", "田园", "songkou", "宋口乡", "嵩口", "县城", "黄石"]


def resolve_all(session: object) -> None:
    for name in NAMES:
        try:
            resolve_place(session, name)
        except UnknownPlace:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'places.db'}")
        migrate(engine)
        sessions = make_session_factory(engine)
        with session_scope(sessions) as session:
            load_pilot(session)
        with session_scope(sessions) as session:
            resolve_all(session)  # warm the per-session snapshot and the character readings
            started = time.perf_counter()
            for _ in range(args.rounds):
                resolve_all(session)
            per_call_ms = (time.perf_counter() - started) / (args.rounds * len(NAMES)) * 1000
        with session_scope(sessions) as session:
            feed = read_feed(PILOT_FEED)
            started = time.perf_counter()
            counts = import_feed(session, feed)
            import_s = time.perf_counter() - started
    print(f"resolve_place: {per_call_ms * 1000:.0f} µs per call ({args.rounds * len(NAMES)} calls)")  # noqa: T201
    print(f"import_feed (pilot, {counts['gtfs_stop_times']} stop times): {import_s:.2f} s")  # noqa: T201


if __name__ == "__main__":
    main()
