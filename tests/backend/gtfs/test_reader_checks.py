"""The reader's checks beyond the basic files, on a small feed written for these tests:
frequencies, shapes, transfers, NUL bytes, half-filled times, distances going back,
duplicate fare rules, short rows, two feeds in one zip, a missing header, and every
database limit (length, price, precision, integer range) found by validating alone."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from backend.gtfs import GtfsError, read_feed
from backend.gtfs.records import Frequency
from tests.backend.gtfs.small_feed import BASE, replace_line, write_feed


def refused(folder: Path) -> GtfsError:
    with pytest.raises(GtfsError) as caught:
        read_feed(folder)
    return caught.value


def where(error: GtfsError) -> tuple[str, int, str | None]:
    return error.file, error.row, error.column


def test_small_feed_reads_with_its_frequencies_and_boarding_rules(tmp_path: Path) -> None:
    feed = read_feed(write_feed(tmp_path / "feed"))
    assert feed.frequencies == [Frequency("F-DAY", 8 * 3600, 10 * 3600, 600, 1)]
    first = feed.stop_times_by_trip()["T-0700"]
    assert [(c.pickup_type, c.drop_off_type) for c in first] == [(0, 1), (0, 0), (1, 0)]
    assert feed.warnings == []


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("F-DAY,10:00:00,08:00:00,600,1", "end_time", "晚于开始时间"),
        ("F-DAY,08:00:00,10:00:00,0,1", "headway_secs", "1 到"),
        ("F-DAY,08:00:00,10:00:00,600,2", "exact_times", "0 到 1"),
        ("F-NONE,08:00:00,10:00:00,600,1", "trip_id", "找不到"),
    ],
)
def test_bad_frequency_is_refused_at_its_cell(tmp_path: Path, row: str, column: str, words: str) -> None:
    text = "trip_id,start_time,end_time,headway_secs,exact_times\n" + row + "\n"
    error = refused(write_feed(tmp_path / "feed", frequencies_txt=text))
    assert where(error) == ("frequencies.txt", 2, column)
    assert words in error.message


def test_overlapping_frequency_periods_are_refused(tmp_path: Path) -> None:
    text = (
        "trip_id,start_time,end_time,headway_secs\nF-DAY,08:00:00,10:00:00,600\nF-DAY,09:30:00,11:00:00,900\n"
    )
    error = refused(write_feed(tmp_path / "feed", frequencies_txt=text))
    assert where(error) == ("frequencies.txt", 3, "start_time")
    assert "重叠" in error.message and "第 2 行" in error.message


def test_nul_byte_in_a_cell_is_refused(tmp_path: Path) -> None:
    stops = replace_line("stops.txt", "溪口站", "溪口\x00站")
    error = refused(write_feed(tmp_path / "feed", stops_txt=stops))
    assert where(error) == ("stops.txt", 3, "stop_name")
    assert "NUL" in error.message


def test_arrival_without_departure_is_refused(tmp_path: Path) -> None:
    times = replace_line("stop_times.txt", "T-0700,07:20:00,07:20:00", "T-0700,07:20:00,")
    error = refused(write_feed(tmp_path / "feed", stop_times_txt=times))
    assert where(error) == ("stop_times.txt", 3, "departure_time")


def test_untimed_intermediate_stop_is_still_accepted(tmp_path: Path) -> None:
    times = replace_line("stop_times.txt", "T-0700,07:20:00,07:20:00", "T-0700,,")
    feed = read_feed(write_feed(tmp_path / "feed", stop_times_txt=times))
    assert feed.stop_times_by_trip()["T-0700"][1].arrival_time is None


def test_decreasing_distance_along_a_trip_is_refused(tmp_path: Path) -> None:
    times = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
        "T-0700,07:00:00,07:00:00,cg,1,0\n"
        "T-0700,07:20:00,07:20:00,xk,2,5.2\n"
        "T-0700,07:40:00,07:40:00,sm,3,4.1\n"
        "F-DAY,06:00:00,06:00:00,cg,1,\n"
        "F-DAY,06:30:00,06:30:00,sm,2,\n"
    )
    error = refused(write_feed(tmp_path / "feed", stop_times_txt=times))
    assert where(error) == ("stop_times.txt", 4, "shape_dist_traveled")
    assert "第 3 行" in error.message


def test_duplicate_fare_rule_is_refused(tmp_path: Path) -> None:
    fares = "fare_id,price,currency_type,payment_method,transfers\nF1,3.00,CNY,0,0\nF2,4.00,CNY,0,0\n"
    rules = "fare_id,route_id\nF1,R1\nF2,R1\n"
    error = refused(write_feed(tmp_path / "feed", fare_attributes_txt=fares, fare_rules_txt=rules))
    assert (error.file, error.row) == ("fare_rules.txt", 3)
    assert "重复" in error.message and "第 2 行" in error.message


def test_row_with_too_few_cells_is_read_with_a_warning(tmp_path: Path) -> None:
    trips = BASE["trips.txt"].replace("R1,ALL,T-0700,石门,0", "R1,ALL,T-0700")
    feed = read_feed(write_feed(tmp_path / "feed", trips_txt=trips))
    trip = next(t for t in feed.trips if t.trip_id == "T-0700")
    assert trip.trip_headsign is None
    [warning] = feed.warnings
    assert (warning.file, warning.row) == ("trips.txt", 2)
    assert "少" in warning.message


def test_zip_holding_two_feeds_is_refused_naming_both(tmp_path: Path) -> None:
    one, two = write_feed(tmp_path / "north"), write_feed(tmp_path / "south")
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for folder in (one, two):
            for path in folder.iterdir():
                zf.write(path, f"{folder.name}/{path.name}")
    error = refused(archive)
    assert error.file == "two.zip"
    assert "north/" in error.message and "south/" in error.message


def test_folder_holding_two_feeds_is_refused_naming_both(tmp_path: Path) -> None:
    write_feed(tmp_path / "both" / "north")
    write_feed(tmp_path / "both" / "south")
    error = refused(tmp_path / "both")
    assert "north" in error.message and "south" in error.message


def test_trip_with_a_single_stop_time_is_skipped_with_a_warning(tmp_path: Path) -> None:
    times = BASE["stop_times.txt"] + "T-LONE,09:00:00,09:00:00,cg,1,0,0\n"
    trips = BASE["trips.txt"] + "R1,ALL,T-LONE,石门,0\n"
    feed = read_feed(write_feed(tmp_path / "feed", stop_times_txt=times, trips_txt=trips))
    assert {t.trip_id for t in feed.trips} == {"T-0700", "F-DAY"}
    assert "T-LONE" not in {st.trip_id for st in feed.stop_times}
    [warning] = feed.warnings
    assert (warning.file, warning.row, warning.column) == ("trips.txt", 4, "trip_id")
    assert "只有 1 个停靠站" in warning.message and "已跳过" in warning.message


def test_missing_header_on_stop_times_says_the_header_is_missing(tmp_path: Path) -> None:
    headless = BASE["stop_times.txt"].split("\n", 1)[1]
    error = refused(write_feed(tmp_path / "feed", stop_times_txt=headless))
    assert where(error) == ("stop_times.txt", 1, None)
    assert "缺少表头" in error.message and "重复" not in error.message


def test_shapes_are_checked_and_trips_must_name_known_shapes(tmp_path: Path) -> None:
    shapes = (
        "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled\n"
        "S1,26.1770,116.8150,1,0\n"
        "S1,26.2100,116.8600,2,6.0\n"
        "S1,26.2400,116.9000,3,11.5\n"
    )
    trips = "route_id,service_id,trip_id,shape_id\nR1,ALL,T-0700,S1\nR1,ALL,F-DAY,S1\n"
    feed = read_feed(write_feed(tmp_path / "ok", shapes_txt=shapes, trips_txt=trips))
    assert feed.shape_ids == {"S1"}
    unknown = refused(
        write_feed(tmp_path / "unknown", shapes_txt=shapes, trips_txt=trips.replace("F-DAY,S1", "F-DAY,S9"))
    )
    assert where(unknown) == ("trips.txt", 3, "shape_id")
    back = refused(
        write_feed(tmp_path / "back", shapes_txt=shapes.replace(",3,11.5", ",3,5.5"), trips_txt=trips)
    )
    assert where(back) == ("shapes.txt", 4, "shape_dist_traveled")
    twice = refused(
        write_feed(tmp_path / "twice", shapes_txt=shapes.replace(",3,11.5", ",2,11.5"), trips_txt=trips)
    )
    assert where(twice) == ("shapes.txt", 4, "shape_pt_sequence")


def test_shape_id_without_shapes_file_is_a_warning(tmp_path: Path) -> None:
    trips = "route_id,service_id,trip_id,shape_id\nR1,ALL,T-0700,S1\nR1,ALL,F-DAY,\n"
    feed = read_feed(write_feed(tmp_path / "feed", trips_txt=trips))
    assert [(w.file, w.row, w.column) for w in feed.warnings] == [("trips.txt", 2, "shape_id")]


def test_transfers_are_read_between_known_stops(tmp_path: Path) -> None:
    header = "from_stop_id,to_stop_id,transfer_type,min_transfer_time,from_trip_id,to_trip_id\n"
    feed = read_feed(write_feed(tmp_path / "ok", transfers_txt=header + "xk,xk,2,120,,\n"))
    [transfer] = feed.transfers
    assert (transfer.from_stop_id, transfer.to_stop_id, transfer.min_transfer_time) == ("xk", "xk", 120)
    cases = {
        "xk,nowhere,0,,,\n": ("transfers.txt", 2, "to_stop_id"),
        "xk,sm,4,,T-0700,\n": ("transfers.txt", 2, "to_trip_id"),
        "xk,sm,7,,,\n": ("transfers.txt", 2, "transfer_type"),
        "xk,sm,1,,,\nxk,sm,1,,,\n": ("transfers.txt", 3, None),
        ",sm,1,,,\n": ("transfers.txt", 2, "from_stop_id"),
    }
    for index, (rows, expected) in enumerate(cases.items()):
        error = refused(write_feed(tmp_path / f"bad{index}", transfers_txt=header + rows))
        assert where(error) == expected, (rows, str(error))


LONG_ID = "x" * 65


@pytest.mark.parametrize(
    ("file", "old", "new", "column"),
    [
        ("stops.txt", "xk,溪口站", f"{LONG_ID},溪口站", "stop_id"),
        ("calendar.txt", "ALL,1,1", f"{LONG_ID},1,1", "service_id"),
        ("routes.txt", "东门—石门", "城" * 201, "route_long_name"),
        ("agency.txt", "0598-5550000", "0" * 41, "agency_phone"),
        ("fare_attributes.txt", "3.00", "1000000", "price"),
        ("fare_attributes.txt", "3.00", "3.005", "price"),
        (
            "stop_times.txt",
            "T-0700,07:20:00,07:20:00,xk,2",
            "T-0700,07:20:00,07:20:00,xk,2147483648",
            "stop_sequence",
        ),
        (
            "stop_times.txt",
            "T-0700,07:20:00,07:20:00,xk,2",
            "T-0700,07:20:00,07:20:00,xk,9" + "9" * 5000,
            "stop_sequence",
        ),
    ],
)
def test_values_the_database_cannot_hold_are_refused_when_validating(
    tmp_path: Path, file: str, old: str, new: str, column: str
) -> None:
    error = refused(write_feed(tmp_path / "feed", **{file.replace(".", "_"): replace_line(file, old, new)}))
    assert (error.file, error.column) == (file, column), str(error)
    assert error.row >= 2
