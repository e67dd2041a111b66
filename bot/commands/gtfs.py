"""`cuntong gtfs import PATH` and `cuntong gtfs validate PATH`: load or check a GTFS feed
(a folder or a .zip).

`import` migrates the database, reads and validates the whole feed first, then replaces
the bus network in one transaction; an invalid feed prints one line naming the file and
row and exits 1 with nothing written. `validate` checks everything `import` would refuse.
Warnings (skipped trips, short rows, a time zone other than TZ_NAME, an expired or
not-yet-valid calendar) are printed by both; counts and progress go to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from backend.errors import BackendError
from backend.gtfs.errors import GtfsError
from backend.gtfs.importer import import_feed
from backend.gtfs.reader import read_feed
from backend.gtfs.records import Feed
from backend.gtfs.validity import feed_notes
from backend.localtime import local_now
from backend.models import Place
from backend.seed import load_places_csv
from bot.config import load_settings
from bot.runtime import build_runtime


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("gtfs", help="导入或检查 GTFS 公交时刻表（文件夹或 zip）")
    actions = parser.add_subparsers(dest="gtfs_command", required=True, metavar="ACTION")
    importer = actions.add_parser("import", help="检查并导入时刻表，替换现有线路网络")
    importer.add_argument("path", type=Path, help="GTFS 文件夹或 .zip")
    importer.add_argument(
        "--places", type=Path, default=None, help="先载入本县地名表 CSV（name,kind,township,aliases,lat,lon）"
    )
    importer.set_defaults(func=run_import)
    validate = actions.add_parser("validate", help="只检查时刻表，不写数据库")
    validate.add_argument("path", type=Path, help="GTFS 文件夹或 .zip")
    validate.set_defaults(func=run_validate)


def _say(text: str) -> None:
    print(text, file=sys.stderr)  # noqa: T201


def _read(path: Path) -> Feed | None:
    _say(f"读取并检查 {path} ...")
    try:
        return read_feed(path)
    except GtfsError as exc:
        _say(f"GTFS 无效，未写入任何数据：{exc}")
        return None


def _summary(feed: Feed) -> str:
    return (
        f"{len(feed.agencies)} 个运营单位，{len(feed.routes)} 条线路，{len(feed.stops)} 个站点，"
        f"{len(feed.trips)} 个班次，{len(feed.stop_times)} 条停站时刻"
    )


def _warn(feed: Feed, tz_name: str) -> None:
    for warning in feed.warnings:
        _say(f"警告：{warning}")
    for note in feed_notes(feed, today=local_now().date(), tz_name=tz_name):
        _say(f"注意：{note}")


def run_validate(args: argparse.Namespace) -> int:
    feed = _read(args.path)
    if feed is None:
        return 1
    _say(f"有效：{_summary(feed)}")
    _warn(feed, load_settings().tz_name)
    return 0


def run_import(args: argparse.Namespace) -> int:
    feed = _read(args.path)
    if feed is None:
        return 1
    _say(f"有效：{_summary(feed)}")
    settings = load_settings()
    runtime = build_runtime(settings.model_copy(update={"seed_on_empty": False}))
    _warn(feed, settings.tz_name)
    started = time.perf_counter()

    def progress(table: str, rows: int) -> None:
        _say(f"  写入 {table}: {rows}")

    try:
        with runtime.unit_of_work() as session:
            if args.places is not None:
                added = load_places_csv(session, args.places)
                _say(f"地名表：新增 {added['places']} 个地点，{added['place_aliases']} 个别名")
            counts = import_feed(session, feed, replace=True, progress=progress)
            if not session.scalar(select(func.count()).select_from(Place)):
                _say(
                    "注意：地名库是空的，站点没有关联到地点；请先运行 cuntong seed 或用 --places 载入地名表。"
                )
    except (BackendError, GtfsError, OSError) as exc:
        _say(f"导入失败，未写入任何数据：{getattr(exc, 'message', None) or exc}")
        return 1
    except SQLAlchemyError as exc:  # validate should have caught it: say what, not a traceback
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        _say(f"导入失败，数据库拒绝写入，未写入任何数据：{reason}")
        return 1
    _say(f"导入完成（{time.perf_counter() - started:.1f} 秒）：")
    for table, rows in counts.items():
        _say(f"{table}: {rows}")
    return 0
