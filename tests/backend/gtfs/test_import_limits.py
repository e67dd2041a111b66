"""What the reader accepts the database stores (run on PostgreSQL with TEST_DATABASE_URL):
values at every length, price and integer limit import; one past them is refused by reading
alone, with file, line and column. Frequencies, boarding rules, transfers and the feed's
dates are stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.gtfs import GtfsError, read_feed
from backend.gtfs.importer import import_feed
from backend.models import (
    FareAttribute,
    FeedInfo,
    Frequency,
    Route,
    ServiceCalendar,
    Stop,
    StopTime,
    Transfer,
)
from tests.backend.gtfs.small_feed import BASE, write_feed

ID = "i" * 64
SERVICE = "s" * 64
NAME = "站" * 100
LONG_NAME = "线" * 200


def at_the_limits(folder: Path, grow: int = 0) -> Path:
    """The small feed with a stop id, service id, names, a price and a stop_sequence at their
    limits (or `grow` past them)."""
    stop_id, service = ID + "i" * grow, SERVICE + "s" * grow
    return write_feed(
        folder,
        stops_txt=BASE["stops.txt"].replace("xk,溪口站", f"{stop_id},{NAME}"),
        routes_txt=BASE["routes.txt"].replace("东门—石门", LONG_NAME),
        calendar_txt=BASE["calendar.txt"].replace("ALL,", f"{service},"),
        trips_txt=BASE["trips.txt"].replace(",ALL,", f",{service},"),
        stop_times_txt=BASE["stop_times.txt"]
        .replace(",xk,2,", f",{stop_id},2,")
        .replace("T-0700,07:40:00,07:40:00,sm,3", f"T-0700,07:40:00,07:40:00,sm,{2**31 - 1}"),
        fare_attributes_txt=BASE["fare_attributes.txt"].replace("3.00", "999999.99"),
        transfers_txt=f"from_stop_id,to_stop_id,transfer_type,min_transfer_time\n{stop_id},sm,2,180\n",
        feed_info_txt="feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date,feed_version\n"
        "溪口客运,https://example.org/xk,zh,20260101,20271231,2026-11\n",
    )


def test_values_at_every_limit_are_stored(session: Session, tmp_path: Path) -> None:
    import_feed(session, read_feed(at_the_limits(tmp_path / "feed")))
    session.flush()
    assert session.get(Stop, ID).name == NAME  # type: ignore[union-attr]
    assert session.get(ServiceCalendar, SERVICE) is not None
    assert session.get(Route, "R1").long_name == LONG_NAME  # type: ignore[union-attr]
    assert session.get(FareAttribute, "F1").price == Decimal("999999.99")  # type: ignore[union-attr]
    assert session.scalar(select(StopTime.stop_sequence).where(StopTime.trip_id == "T-0700").order_by(
        StopTime.stop_sequence.desc()).limit(1)) == 2**31 - 1  # fmt: skip
    rules = session.execute(
        select(StopTime.stop_id, StopTime.pickup_type, StopTime.drop_off_type)
        .where(StopTime.trip_id == "T-0700")
        .order_by(StopTime.stop_sequence)
    ).all()
    assert [tuple(r) for r in rules] == [("cg", 0, 1), (ID, 0, 0), ("sm", 1, 0)]
    [freq] = session.scalars(select(Frequency))
    assert (freq.trip_id, freq.start_s, freq.end_s, freq.headway_s, freq.exact_times) == (
        "F-DAY",
        8 * 3600,
        10 * 3600,
        600,
        True,
    )
    [transfer] = session.scalars(select(Transfer))
    assert (transfer.from_stop_id, transfer.to_stop_id, transfer.min_transfer_time) == (ID, "sm", 180)
    [info] = session.scalars(select(FeedInfo))
    assert (info.version, info.feed_end, info.service_start) == (
        "2026-11",
        date(2027, 12, 31),
        date(2026, 1, 1),
    )


@pytest.mark.parametrize(
    ("change", "file", "column"),
    [
        ({"grow": 1}, "stops.txt", "stop_id"),
        ({"price": "1000000.00"}, "fare_attributes.txt", "price"),
        ({"price": "12.345"}, "fare_attributes.txt", "price"),
        ({"sequence": str(2**31)}, "stop_times.txt", "stop_sequence"),
    ],
)
def test_one_past_a_limit_is_refused_by_reading_alone(
    tmp_path: Path, change: dict[str, object], file: str, column: str
) -> None:
    folder = at_the_limits(tmp_path / "feed", grow=int(change.get("grow", 0)))  # type: ignore[call-overload]
    if "price" in change:
        (folder / file).write_text(BASE[file].replace("3.00", str(change["price"])), encoding="utf-8")
    if "sequence" in change:
        path = folder / file
        path.write_text(
            path.read_text(encoding="utf-8").replace(str(2**31 - 1), str(change["sequence"])), "utf-8"
        )
    with pytest.raises(GtfsError) as caught:
        read_feed(folder)
    assert (caught.value.file, caught.value.column) == (file, column)
    assert caught.value.row >= 2
