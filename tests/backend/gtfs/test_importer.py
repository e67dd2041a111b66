"""Tests for backend.gtfs.importer: the pilot feed replaces the network and links stops to
places; a broken feed, or a failure half-way, leaves the old network exactly as it was."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.gtfs import GtfsError, read_feed
from backend.gtfs.importer import NETWORK_TABLES, import_feed
from backend.gtfs.records import Agency, Calendar, FareRule, Feed, Route, Stop, StopTime, Trip
from backend.models import FareAttribute, Place
from backend.models import Stop as StopRow
from backend.models import StopTime as StopTimeRow

PILOT = Path(__file__).resolve().parents[3] / "backend" / "pilot" / "gtfs"


def network(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in NETWORK_TABLES
    }


def small_feed(*, stops: list[Stop] | None = None, times: list[tuple[int | None, str]] | None = None) -> Feed:
    """One line, one trip; `times` = (departure seconds or None, stop_id) per call."""
    stops = stops or [
        Stop("a", "测试甲站", 26.0915, 116.6740),
        Stop("b", "测试乙站", 26.1130, 116.7390),
    ]
    times = times or [(7 * 3600, "a"), (7 * 3600 + 1800, "b")]
    return Feed(
        agencies=[Agency("t", "测试客运", "https://example.org", "Asia/Shanghai")],
        stops=stops,
        routes=[Route("T1", "t", "T1路", "测试线", 3)],
        trips=[Trip("T1", "ALL", "T1-1")],
        stop_times=[StopTime("T1-1", t, t, stop_id, i) for i, (t, stop_id) in enumerate(times, start=1)],
        calendars=[Calendar("ALL", *[True] * 7, start_date=date(2026, 1, 1), end_date=date(2027, 12, 31))],
    )


def test_pilot_feed_replaces_the_network(session: Session) -> None:
    before = network(session)
    session.add(StopRow(stop_id="stale", name="旧站", lat=26.0, lon=116.0))
    session.flush()
    counts = import_feed(session, read_feed(PILOT))
    assert counts == before == network(session)
    assert counts["gtfs_stop_times"] > 700
    assert session.get(StopRow, "stale") is None


def test_stops_are_linked_to_their_places(session: Session) -> None:
    import_feed(session, read_feed(PILOT))

    def place_of(stop_id: str) -> str | None:
        stop = session.get(StopRow, stop_id)
        assert stop is not None
        return session.get(Place, stop.place_id).name if stop.place_id else None

    assert place_of("songkou") == "嵩口镇"
    assert place_of("qingliu_qichezhan") == "清流县汽车站"
    assert place_of("qingliu") == "清流县城"  # the station (location_type 1) is kept


def test_links_by_alias_short_form_nearest_or_none(session: Session) -> None:
    stops = [
        Stop("alias", "县医院", 26.0, 116.0),  # an alias, wherever it stands
        Stop("short", "嵩溪", 26.0, 116.0),  # short form of 嵩溪镇
        Stop("near", "村口", 26.2892, 116.7082),  # 30 m from 灵地村
        Stop("far", "荒山", 25.5, 116.0),
    ]
    feed = small_feed(
        stops=stops, times=[(25200, "alias"), (25300, "short"), (25400, "near"), (25500, "far")]
    )
    import_feed(session, feed)
    linked = {s.stop_id: s.place_id for s in session.scalars(select(StopRow))}
    names = {p.id: p.name for p in session.scalars(select(Place))}
    assert names[linked["alias"]] == "清流县医院"
    assert names[linked["short"]] == "嵩溪镇"
    assert names[linked["near"]] == "灵地村"
    assert linked["far"] is None


def test_untimed_stops_get_times_by_distance(session: Session) -> None:
    stops = [Stop("a", "甲", 26.0, 116.0), Stop("m", "中", 26.0, 116.1), Stop("b", "乙", 26.0, 116.4)]
    import_feed(session, small_feed(stops=stops, times=[(3600, "a"), (None, "m"), (3600 + 2400, "b")]))
    middle = session.scalar(select(StopTimeRow).where(StopTimeRow.stop_id == "m"))
    assert middle is not None
    assert middle.arrival_s == middle.departure_s == 3600 + 600  # a quarter of the way


def test_fares_are_imported_as_decimals(session: Session) -> None:
    import_feed(session, read_feed(PILOT))
    price = session.get(FareAttribute, "qlgj_10")
    assert price is not None and Decimal(price.price) == Decimal("10.00")


def test_a_broken_feed_is_rejected_whole_with_file_and_row(session: Session, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(PILOT, tmp_path / "feed"))
    rows = (folder / "stop_times.txt").read_text(encoding="utf-8").splitlines()
    rows[16] = rows[16].replace(rows[16].split(",")[2], "25:6", 1)  # line 17, departure_time
    (folder / "stop_times.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = network(session)
    with pytest.raises(GtfsError) as caught:
        import_feed(session, read_feed(folder))
    assert (caught.value.file, caught.value.row) == ("stop_times.txt", 17)
    assert "stop_times.txt 第 17 行" in str(caught.value)
    assert network(session) == before


def test_a_value_too_long_for_the_tables_is_rejected_before_writing(session: Session) -> None:
    before = network(session)
    long_name = small_feed()
    long_name.routes = [Route("T1", "t", "长" * 60, None, 3)]
    with pytest.raises(GtfsError) as caught:
        import_feed(session, long_name)
    assert (caught.value.file, caught.value.row, caught.value.column) == ("routes.txt", 2, "route_short_name")
    assert network(session) == before


def test_a_failure_half_way_leaves_the_old_network(session: Session) -> None:
    """The caller's transaction (here a savepoint) rolls back every delete and insert."""
    before = network(session)
    broken = small_feed()
    broken.fare_rules = [FareRule("no-such-fare", "T1")]  # read_feed would refuse this
    with pytest.raises(IntegrityError), session.begin_nested():
        import_feed(session, broken)
    assert network(session) == before
    assert session.get(StopRow, "songkou") is not None


def test_replace_false_refuses_an_existing_network(session: Session) -> None:
    before = network(session)
    with pytest.raises(Conflict):
        import_feed(session, small_feed(), replace=False)
    assert network(session) == before


def test_a_zipped_feed_imports_the_same(session: Session, tmp_path: Path) -> None:
    archive = tmp_path / "feed.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in PILOT.iterdir():
            zf.write(path, f"qingliu/{path.name}")
    before = network(session)
    assert import_feed(session, read_feed(archive)) == before
