"""Tests for backend.gtfs.reader: the pilot feed reads, odd-but-valid files read, and each broken
feed (the pilot feed with one defect, built in tmp_path) is refused at the right file, line, column."""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from backend.gtfs import GtfsError, read_feed
from backend.gtfs.source import MAX_TOTAL_BYTES

ROOT = Path(__file__).resolve().parents[3]
PILOT = ROOT / "backend" / "pilot" / "gtfs"
PLACES = ROOT / "backend" / "pilot" / "places.csv"


@pytest.fixture()
def feed_dir(tmp_path: Path) -> Path:
    """A private copy of the pilot feed to break."""
    return Path(shutil.copytree(PILOT, tmp_path / "feed"))


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write(path: Path, rows: list[str]) -> None:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def set_cell(folder: Path, file: str, line: int, column: str, value: str) -> int:
    """Set one cell (line is 1-based, header = 1) of a comma-only file; returns the line."""
    rows = lines(folder / file)
    index = rows[0].split(",").index(column)
    cells = rows[line - 1].split(",")
    cells[index] = value
    rows[line - 1] = ",".join(cells)
    write(folder / file, rows)
    return line


def find_line(folder: Path, file: str, needle: str) -> int:
    return next(n for n, text in enumerate(lines(folder / file), start=1) if needle in text)


def test_pilot_feed_reads_with_a_line_to_every_township() -> None:
    feed = read_feed(PILOT)
    assert len(feed.routes) >= 11
    with PLACES.open(encoding="utf-8") as fh:
        townships = {r["name"] for r in csv.DictReader(fh) if r["kind"] == "township"} - {"龙津镇"}
    assert len(townships) == 12
    stop_names = {s.stop_id: s.stop_name for s in feed.stops}
    route_of = {t.trip_id: t.route_id for t in feed.trips}
    served: dict[str, set[str]] = {}
    for st in feed.stop_times:
        served.setdefault(stop_names[st.stop_id] or "", set()).add(route_of[st.trip_id])
    assert townships <= set(served)
    # every township has its own line from the county bus station
    for township in townships:
        assert any(r.route_long_name == f"清流县汽车站—{township}" for r in feed.routes), township
    assert {"三明市", "宁化县", "永安市", "明溪县"} <= set(served)


def test_pilot_timetable_is_realistic() -> None:
    feed = read_feed(PILOT)
    by_trip = feed.stop_times_by_trip()
    county = [r for r in feed.routes if r.route_long_name and r.route_long_name.startswith("清流县汽车站")]
    for route in county:
        daily = [t for t in feed.trips if t.route_id == route.route_id and t.service_id == "DAILY"]
        to_town = [by_trip[t.trip_id][0].departure_time or 0 for t in daily if t.direction_id == 1]
        from_town = [by_trip[t.trip_id][0].departure_time or 0 for t in daily if t.direction_id == 0]
        assert len(to_town) == len(from_town) >= 2, route.route_short_name
        if route.agency_id == "qlgj":  # county lines: 4-10 round trips, early in, back by evening
            assert 4 <= len(to_town) <= 10, route.route_short_name
            assert 6 * 3600 + 1800 <= min(to_town) <= 7 * 3600 + 1800, route.route_short_name
            assert 17 * 3600 <= max(from_town) <= 18 * 3600, route.route_short_name
    county_fares = [f.price for f in feed.fare_attributes if f.agency_id == "qlgj"]
    assert min(county_fares) == Decimal(3) and max(county_fares) <= Decimal(20)
    assert {f.currency_type for f in feed.fare_attributes} == {"CNY"}


def test_pilot_fares_cover_every_pair_of_stops_on_a_line() -> None:
    feed = read_feed(PILOT)
    zone = {s.stop_id: s.zone_id for s in feed.stops}
    rules = {(r.route_id, r.origin_id, r.destination_id) for r in feed.fare_rules}
    trip = {t.route_id: t.trip_id for t in feed.trips if t.service_id == "DAILY"}
    by_trip = feed.stop_times_by_trip()
    for route_id, trip_id in trip.items():
        calls = by_trip[trip_id]
        for a in calls:
            for b in calls:
                if a is not b:
                    assert (route_id, zone[a.stop_id], zone[b.stop_id]) in rules


def test_pilot_services_follow_the_calendar() -> None:
    feed = read_feed(PILOT)
    assert feed.service_runs("DAILY", date(2026, 11, 20))
    assert not feed.service_runs("DAILY", date(2026, 2, 17))  # 正月初一
    assert not feed.service_runs("DAILY", date(2028, 1, 1))
    assert feed.service_runs("STU_FRI", date(2026, 11, 20))  # a Friday
    assert not feed.service_runs("STU_FRI", date(2026, 11, 21))
    assert feed.service_runs("XU_SONGKOU", date(2026, 11, 23))  # 嵩口圩日: the 3rd, 8th, 13th ...
    assert not feed.service_runs("XU_SONGKOU", date(2026, 11, 24))
    assert feed.feed_info is not None and feed.feed_info.feed_lang == "zh"
    assert {a.agency_timezone for a in feed.agencies} == {"Asia/Shanghai"}


def test_zip_with_files_in_a_sub_folder_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "qingliu.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(PILOT.iterdir()):
            zf.write(path, f"qingliu_gtfs/{path.name}")
            zf.writestr(f"__MACOSX/qingliu_gtfs/._{path.name}", b"\x00\x05junk")
        zf.writestr("README.md", "清流县公交")
    from_zip, from_folder = read_feed(archive), read_feed(PILOT)
    assert from_zip.stop_times == from_folder.stop_times
    assert from_zip.routes == from_folder.routes


def test_bom_crlf_quotes_extra_columns_and_odd_times_are_accepted(feed_dir: Path) -> None:
    stops = feed_dir / "stops.txt"
    rows = lines(stops)
    rows[0] += ",stop_note"
    rows = [r + ',"备注, 含逗号"' if i else r for i, r in enumerate(rows)]
    rows[1] = rows[1].replace("清流县城", '"清流县城"')
    stops.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n\r\n")
    times = feed_dir / "stop_times.txt"
    text = times.read_text(encoding="utf-8")
    text = text.replace("L01-DAILY-1-0630,06:30:00,06:30:00", "L01-DAILY-1-0630,6:30:00,6:30:00")
    text = text.replace("L01-DAILY-0-1730,18:29:00,18:29:00", "L01-DAILY-0-1730,24:29:00,24:29:00")
    times.write_text(text, encoding="utf-8")
    feed = read_feed(feed_dir)
    assert next(s for s in feed.stops if s.stop_id == "qingliu").stop_name == "清流县城"
    calls = feed.stop_times_by_trip()
    assert calls["L01-DAILY-1-0630"][0].departure_time == 6 * 3600 + 30 * 60
    assert calls["L01-DAILY-0-1730"][-1].arrival_time == 24 * 3600 + 29 * 60


def test_error_text_names_file_line_and_column(feed_dir: Path) -> None:
    set_cell(feed_dir, "stop_times.txt", 17, "departure_time", "25:6")
    with pytest.raises(GtfsError) as caught:
        read_feed(feed_dir)
    error = caught.value
    assert str(error) == "stop_times.txt 第 17 行 (departure_time): 时间格式应为 HH:MM:SS，收到 '25:6'"
    assert (error.file, error.row, error.column) == ("stop_times.txt", 17, "departure_time")


Defect = Callable[[Path], tuple[str, int, str | None]]


def _drop_column(folder: Path, file: str, column: str) -> tuple[str, int, str | None]:
    rows = [r.split(",") for r in lines(folder / file)]
    index = rows[0].index(column)
    write(folder / file, [",".join(c for i, c in enumerate(r) if i != index) for r in rows])
    return file, 1, column


def _duplicate_stop(folder: Path) -> tuple[str, int, str | None]:
    rows = lines(folder / "stops.txt")
    write(folder / "stops.txt", [*rows, rows[5]])
    return "stops.txt", len(rows) + 1, "stop_id"


def _repeat_sequence(folder: Path) -> tuple[str, int, str | None]:
    set_cell(folder, "stop_times.txt", 4, "stop_sequence", "2")  # line 3 is stop 2 of the same trip
    return "stop_times.txt", 4, "stop_sequence"


def _time_goes_back(folder: Path) -> tuple[str, int, str | None]:
    set_cell(folder, "stop_times.txt", 5, "arrival_time", "06:31:00")
    set_cell(folder, "stop_times.txt", 5, "departure_time", "06:31:00")
    return "stop_times.txt", 5, "arrival_time"


def _gbk_stops(folder: Path) -> tuple[str, int, str | None]:
    path = folder / "stops.txt"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    return "stops.txt", 2, None


def _second_feed_info(folder: Path) -> tuple[str, int, str | None]:
    rows = lines(folder / "feed_info.txt")
    write(folder / "feed_info.txt", [*rows, rows[1]])
    return "feed_info.txt", 3, None


def _unclosed_quote(folder: Path) -> tuple[str, int, str | None]:
    rows = lines(folder / "agency.txt")
    rows[2] = rows[2].replace("三明市城际客运有限公司", '"三明市城际客运有限公司')
    write(folder / "agency.txt", rows)
    return "agency.txt", 3, None


def _delete(file: str) -> Defect:
    def defect(folder: Path) -> tuple[str, int, str | None]:
        (folder / file).unlink()
        return file, 0, None

    return defect


def _cell(file: str, line: int, column: str, value: str) -> Defect:
    return lambda folder: (file, set_cell(folder, file, line, column, value), column)


def _cell_at(file: str, needle: str, column: str, value: str) -> Defect:
    """Set a cell on the first line containing ``needle``."""
    return lambda folder: _cell(file, find_line(folder, file, needle), column, value)(folder)


def _nameless_route(folder: Path) -> tuple[str, int, str | None]:
    set_cell(folder, "routes.txt", 2, "route_short_name", "")
    set_cell(folder, "routes.txt", 2, "route_long_name", "")
    return "routes.txt", 2, "route_short_name"


BROKEN: dict[str, Defect] = {
    "bad time": _cell("stop_times.txt", 17, "departure_time", "25:6"),
    "departure before arrival": _cell("stop_times.txt", 9, "departure_time", "00:01:00"),
    "unknown route": _cell("trips.txt", 5, "route_id", "L99"),
    "unknown service": _cell("trips.txt", 8, "service_id", "SCHOOL"),
    "direction 2": _cell("trips.txt", 6, "direction_id", "2"),
    "unknown stop": _cell("stop_times.txt", 30, "stop_id", "nowhere"),
    "station in stop_times": _cell("stop_times.txt", 31, "stop_id", "qingliu"),
    "unknown trip": _cell("stop_times.txt", 40, "trip_id", "L01-NIGHT"),
    "negative sequence": _cell("stop_times.txt", 12, "stop_sequence", "-1"),
    "repeated sequence": _repeat_sequence,
    "time goes back": _time_goes_back,
    "latitude out of range": _cell_at("stops.txt", "嵩口镇", "stop_lat", "126.0915"),
    "longitude not a number": _cell_at("stops.txt", "溪源村", "stop_lon", "东经116度"),
    "empty stop name": _cell_at("stops.txt", "邓家村", "stop_name", ""),
    "unknown parent station": _cell_at("stops.txt", "清流县医院", "parent_station", "county"),
    "duplicate stop": _duplicate_stop,
    "missing column": lambda folder: _drop_column(folder, "stops.txt", "stop_lon"),
    "missing routes.txt": _delete("routes.txt"),
    "missing stop_times.txt": _delete("stop_times.txt"),
    "route type word": _cell("routes.txt", 3, "route_type", "bus"),
    "route type unknown": _cell("routes.txt", 3, "route_type", "99"),
    "route without names": _nameless_route,
    "route of unknown agency": _cell("routes.txt", 10, "agency_id", "xmgj"),
    "bad timezone": _cell("agency.txt", 2, "agency_timezone", "Asia/Beijing"),
    "two timezones": _cell("agency.txt", 3, "agency_timezone", "Asia/Tokyo"),
    "bad agency url": _cell("agency.txt", 2, "agency_url", "www.qingliu.gov.cn"),
    "bad end date": _cell("calendar.txt", 2, "end_date", "20261301"),
    "end before start": _cell("calendar.txt", 3, "end_date", "20251231"),
    "weekday flag 2": _cell("calendar.txt", 2, "monday", "2"),
    "exception type 3": _cell("calendar_dates.txt", 4, "exception_type", "3"),
    "negative price": _cell("fare_attributes.txt", 3, "price", "-4.00"),
    "currency word": _cell("fare_attributes.txt", 3, "currency_type", "元"),
    "unknown fare": _cell("fare_rules.txt", 20, "fare_id", "qlgj_99"),
    "unknown zone": _cell("fare_rules.txt", 25, "origin_id", "xiamen"),
    "gbk encoding": _gbk_stops,
    "two feed_info rows": _second_feed_info,
    "unclosed quote": _unclosed_quote,
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_feed_is_refused_at_the_right_place(feed_dir: Path, name: str) -> None:
    file, row, column = BROKEN[name](feed_dir)
    with pytest.raises(GtfsError) as caught:
        read_feed(feed_dir)
    error = caught.value
    assert (error.file, error.row, error.column) == (file, row, column), str(error)
    assert error.message and error.file in str(error)


def test_feed_without_any_calendar_is_refused(feed_dir: Path) -> None:
    (feed_dir / "calendar.txt").unlink()
    (feed_dir / "calendar_dates.txt").unlink()
    with pytest.raises(GtfsError) as caught:
        read_feed(feed_dir)
    assert (caught.value.file, caught.value.row) == ("calendar.txt", 0)


def test_calendar_dates_alone_are_enough(feed_dir: Path) -> None:
    (feed_dir / "calendar.txt").unlink()
    trips = [r for r in lines(feed_dir / "trips.txt") if r.startswith("route_id") or ",XU_SONGKOU," in r]
    write(feed_dir / "trips.txt", trips)
    ids = {r.split(",")[2] for r in trips[1:]}
    rows = lines(feed_dir / "stop_times.txt")
    write(feed_dir / "stop_times.txt", [rows[0], *(r for r in rows[1:] if r.split(",")[0] in ids)])
    feed = read_feed(feed_dir)
    assert feed.calendars == [] and len(feed.trips) == 2
    assert feed.service_runs("XU_SONGKOU", date(2026, 11, 28))


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "timetable.zip"
    fake.write_text("这不是压缩包", encoding="utf-8")
    with pytest.raises(GtfsError) as caught:
        read_feed(fake)
    assert (caught.value.file, caught.value.row) == ("timetable.zip", 0)
    assert "不是 zip" in caught.value.message
    with pytest.raises(GtfsError):
        read_feed(tmp_path / "missing.zip")


def test_zip_without_gtfs_files_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("photo.txt", "not a feed")
    with pytest.raises(GtfsError) as caught:
        read_feed(archive)
    assert caught.value.file == "photos.zip"


def test_zip_bomb_is_refused_before_it_fills_memory(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(PILOT.iterdir()):
            if path.name != "stop_times.txt":
                zf.write(path, path.name)
        zf.writestr("stop_times.txt", "trip_id,arrival_time\n" + "\n" * 3_000_000)
    assert archive.stat().st_size < 100_000
    with pytest.raises(GtfsError) as caught:
        read_feed(archive, max_bytes=1_000_000)
    assert caught.value.row == 0 and "太大" in caught.value.message
    assert MAX_TOTAL_BYTES == 200 * 1024 * 1024


def test_huge_file_in_a_folder_is_refused(feed_dir: Path) -> None:
    with pytest.raises(GtfsError) as caught:
        read_feed(feed_dir, max_bytes=10_000)
    assert "太大" in caught.value.message


def test_error_pickles_and_keeps_its_fields() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(GtfsError("stops.txt", 3, "stop_lat", "应在 -90 到 90 之间")))
    assert (error.file, error.row, error.column) == ("stops.txt", 3, "stop_lat")
    assert str(GtfsError("routes.txt", 0, None, "缺少必需的文件")) == "routes.txt: 缺少必需的文件"


def test_trip_without_stop_times_is_skipped_with_a_warning(feed_dir: Path) -> None:
    rows = lines(feed_dir / "stop_times.txt")
    write(feed_dir / "stop_times.txt", [r for r in rows if not r.startswith("L07-DAILY-0-0805,")])
    feed = read_feed(feed_dir)
    assert "L07-DAILY-0-0805" not in {t.trip_id for t in feed.trips}
    [warning] = feed.warnings
    line = find_line(feed_dir, "trips.txt", ",L07-DAILY-0-0805,")
    assert (warning.file, warning.row, warning.column) == ("trips.txt", line, "trip_id")
    assert "已跳过" in warning.message


def test_row_with_too_many_fields_is_read_with_a_warning(feed_dir: Path) -> None:
    rows = lines(feed_dir / "routes.txt")
    rows[3] += ",多余"
    write(feed_dir / "routes.txt", rows)
    feed = read_feed(feed_dir)
    assert len(feed.routes) == len(rows) - 1
    [warning] = feed.warnings
    assert (warning.file, warning.row) == ("routes.txt", 4)
    assert "比表头" in warning.message and "多" in warning.message
