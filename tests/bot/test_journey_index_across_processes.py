"""The journey planner's index follows a timetable import made by another process: two app
instances (two runtimes with their own engines, as two worker processes have) answer
`/api/journeys` from the pilot timetable; `cuntong gtfs import` run as a separate process
replaces it with a copy whose every time is 7 minutes later (same trips, same ids, so only
the version counter in the database tells); both instances then answer from the new one."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.runtime import Runtime, build_runtime
from nlu.pipeline import NluPipeline
from tests.backend.gtfs.test_importer import PILOT
from tests.utils.database import fresh_engine
from tests.utils.service_process import ROOT

SHIFT = timedelta(minutes=7)
QUERY = {"from": "嵩口镇", "to": "清流县城", "after": "2026-11-20T09:00:00+08:00", "limit": "1"}


def shifted_feed(target: Path) -> Path:
    """The pilot feed with every stop time SHIFT later."""
    shutil.copytree(PILOT, target)
    with (PILOT / "stop_times.txt").open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        for column in ("arrival_time", "departure_time"):
            h, m, s = (int(part) for part in row[column].split(":"))
            total = h * 3600 + m * 60 + s + int(SHIFT.total_seconds())
            row[column] = f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    with (target / "stop_times.txt").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


@pytest.fixture
def two_apps(tmp_path: Path, runtime: Runtime, nlu_pipeline: NluPipeline) -> Iterator[tuple[str, list[FastAPI]]]:
    url = f"sqlite:///{tmp_path / 'network.db'}"
    engines = [fresh_engine(url), fresh_engine(url, seed=False)]
    settings = runtime.settings.model_copy(update={"database_url": url, "redis_url": None})
    apps = []
    for engine in engines:
        own = build_runtime(settings, engine=engine, prepare_database=False)
        own.extras["nlu"] = nlu_pipeline
        apps.append(create_app(runtime=own))
    yield url, apps
    for engine in engines:
        engine.dispose()


def first_departure(app: FastAPI) -> datetime:
    with TestClient(app) as client:
        answer = client.get("/api/journeys", params=QUERY)
    assert answer.status_code == 200, answer.text
    return datetime.fromisoformat(answer.json()["journeys"][0]["legs"][0]["departure_iso"])


def test_an_import_by_another_process_reaches_both_instances(
    two_apps: tuple[str, list[FastAPI]], tmp_path: Path
) -> None:
    url, apps = two_apps
    before = [first_departure(app) for app in apps]
    assert before[0] == before[1]
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "gtfs", "import", str(shifted_feed(tmp_path / "feed"))],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    after = [first_departure(app) for app in apps]
    assert after == [before[0] + SHIFT] * 2
