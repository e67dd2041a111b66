"""`cuntong seed`: migrate and load the pilot county; loading twice changes nothing."""

from __future__ import annotations

import argparse
import sys

from backend.seed import load_pilot
from bot.config import load_settings
from bot.runtime import build_runtime


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("seed", help="载入试点县（清流县）的地点、线路、车辆与示例数据")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    runtime = build_runtime(load_settings().model_copy(update={"seed_on_empty": False}))
    with runtime.unit_of_work() as session:
        report = load_pilot(session)
    for table, added in report.items():
        print(f"{table}: +{added}", file=sys.stderr)  # noqa: T201
    return 0
