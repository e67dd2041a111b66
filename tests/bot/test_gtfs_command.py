"""`cuntong gtfs import|validate`: a valid feed imports with counts on stderr; a broken one is
named by file and row, exits 1 and leaves the database as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from backend.db import migrate
from backend.gtfs import read_feed
from backend.models import Stop, StopTime
from bot.cli import main
from tests.backend.gtfs.small_feed import BASE, replace_line, write_feed

PILOT = Path(__file__).resolve().parents[2] / "backend" / "pilot"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return url


@pytest.fixture
def broken_feed(tmp_path: Path) -> Path:
    folder = Path(shutil.copytree(PILOT / "gtfs", tmp_path / "broken"))
    rows = (folder / "trips.txt").read_text(encoding="utf-8").splitlines()
    cells = rows[4].split(",")
    cells[0] = "L99"  # line 5 names a route that does not exist
    rows[4] = ",".join(cells)
    (folder / "trips.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        result = (
            session.scalar(select(func.count()).select_from(Stop)) or 0,
            session.scalar(select(func.count()).select_from(Stop).where(Stop.place_id.is_not(None))) or 0,
            session.scalar(select(func.count()).select_from(StopTime)) or 0,
        )
    engine.dispose()
    return result


def test_validate_a_good_feed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gtfs", "validate", str(PILOT / "gtfs")]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "有效" in captured.err and "条线路" in captured.err


def test_validate_names_file_and_row(broken_feed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gtfs", "validate", str(broken_feed)]) == 1
    err = capsys.readouterr().err
    assert "trips.txt 第 5 行 (route_id)" in err


def test_import_then_a_broken_feed_changes_nothing(
    database: str, broken_feed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    places = PILOT / "places.csv"
    assert main(["gtfs", "import", str(PILOT / "gtfs"), "--places", str(places)]) == 0
    err = capsys.readouterr().err
    feed = read_feed(PILOT / "gtfs")
    assert f"gtfs_stop_times: {len(feed.stop_times)}" in err and "导入完成" in err
    stops, linked, stop_times = counts(database)
    assert (stops, stop_times) == (len(feed.stops), len(feed.stop_times)) and linked == stops

    assert main(["gtfs", "import", str(broken_feed)]) == 1
    err = capsys.readouterr().err
    assert "trips.txt 第 5 行" in err and "未写入任何数据" in err
    assert counts(database) == (stops, linked, stop_times)


def test_import_into_an_empty_gazetteer_warns(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gtfs", "import", str(PILOT / "gtfs")]) == 0
    assert "地名库是空的" in capsys.readouterr().err
    assert counts(database)[1] == 0


def test_import_of_a_missing_path(database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gtfs", "import", str(tmp_path / "nowhere.zip")]) == 1
    assert "nowhere.zip" in capsys.readouterr().err


def test_validate_prints_warnings_and_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_feed(
        tmp_path / "feed",
        agency_txt=replace_line("agency.txt", "Asia/Shanghai", "Asia/Urumqi"),
        calendar_txt=replace_line("calendar.txt", "20260101,20271231", "20250101,20251231"),
        trips_txt=BASE["trips.txt"] + "R1,ALL,T-LONE,石门,0\n",
        stop_times_txt=BASE["stop_times.txt"] + "T-LONE,09:00:00,09:00:00,cg,1,0,0\n",
    )
    assert main(["gtfs", "validate", str(feed)]) == 0
    err = capsys.readouterr().err
    assert "警告：trips.txt 第 4 行 (trip_id)" in err and "已跳过" in err
    assert "时区是 Asia/Urumqi" in err and "TZ_NAME（Asia/Shanghai）" in err
    assert "时刻表已过期" in err


def test_a_database_refusal_is_one_sentence_not_a_traceback(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = create_engine(database)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON gtfs_stops BEGIN SELECT RAISE(ABORT, 'no room'); END"
            )
        )
    engine.dispose()
    assert main(["gtfs", "import", str(PILOT / "gtfs")]) == 1
    err = capsys.readouterr().err
    assert "导入失败，数据库拒绝写入，未写入任何数据：no room" in err
    assert "Traceback" not in err and "sqlalchemy" not in err.lower()
    assert counts(database) == (0, 0, 0)
