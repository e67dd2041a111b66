"""The bus services on a small feed written for these tests (tests/backend/gtfs/small_feed.py),
imported over the pilot network inside the test's transaction: frequency-based trips expand
into runs for departures, timetables, arrival estimates and seats; boarding rules are kept;
the agency's time zone and currency are used; days outside the calendar are named."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from backend.errors import CapacityExceeded, NotFound
from backend.gtfs import read_feed
from backend.gtfs.importer import import_feed
from backend.models import Place
from backend.services.bus import departures as bus
from backend.services.bus.feed import timetable_status
from backend.services.bus.runs import trip_runs
from backend.services.citizens import identities as citizens
from backend.services.rides import bookings as rides
from backend.services.rides.checks import MIN_LINE_SEATS
from tests.backend.gtfs.small_feed import BASE, replace_line, write_feed
from tests.conftest import NOW

STOPS = {"东门站": (30.1770, 120.8150), "溪口站": (30.2100, 120.8600), "石门站": (30.2400, 120.9000)}


def load(session: Session, folder: Path, **changes: str | None) -> None:
    """Import the small feed (with changes) as the whole network, its stops linked to places."""
    if session.query(Place).filter(Place.name == "东门站").first() is None:
        session.add_all(Place(name=n, kind="village", lat=lat, lon=lon) for n, (lat, lon) in STOPS.items())
        session.flush()
    import_feed(session, read_feed(write_feed(folder, **changes)))
    session.flush()


def clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def test_frequency_trip_gives_a_departure_per_run(session: Session, tmp_path: Path) -> None:
    load(session, tmp_path / "feed")
    found = bus.next_departures(session, origin="东门站", destination="石门站", after=NOW, limit=4)
    assert [clock(d.departure) for d in found] == ["09:00", "09:10", "09:20", "09:30"]
    assert {d.trip_id for d in found} == {"F-DAY"}
    assert [d.trip_start_s for d in found] == [9 * 3600, 9 * 3600 + 600, 9 * 3600 + 1200, 9 * 3600 + 1800]
    assert all(d.exact and d.headway_minutes == 10 for d in found)
    assert [clock(d.arrival) for d in found[:2]] == ["09:30", "09:40"]  # the pattern's 30 minutes
    # the last run leaves before end_time 10:00, then the timed 07:00 trip tomorrow
    later = bus.next_departures(
        session, origin="东门站", destination="石门站", after=NOW.replace(hour=9, minute=45)
    )
    assert [clock(d.departure) for d in later[:2]] == ["09:50", "07:00"]
    assert later[1].service_date == NOW.date() + timedelta(days=1)
    first, last = bus.first_last_bus(session, origin="东门站", destination="石门站", day=NOW.date())
    assert (clock(first.departure), clock(last.departure)) == ("07:00", "09:50")


def test_headway_based_runs_are_marked_approximate(session: Session, tmp_path: Path) -> None:
    freq = "trip_id,start_time,end_time,headway_secs,exact_times\nF-DAY,08:00:00,09:30:00,900,0\n"
    load(session, tmp_path / "feed", frequencies_txt=freq)
    found = bus.next_departures(session, origin="东门站", destination="石门站", after=NOW, limit=3)
    assert [clock(d.departure) for d in found] == ["09:00", "09:15", "07:00"]
    assert [d.exact for d in found] == [False, False, True]
    table = bus.line_timetable(session, route="X1路", day=NOW.date())
    runs = [t for t in table.trips if t.trip_id == "F-DAY"]
    assert len(runs) == 6 and not any(t.exact for t in runs)
    assert [clock(c.departure) for c in runs[1].calls] == ["08:15", "08:30", "08:45"]


def test_trip_runs_yield_every_concrete_run_with_its_calls(session: Session, tmp_path: Path) -> None:
    load(session, tmp_path / "feed")
    runs = list(trip_runs(session, NOW.date()))
    assert len(runs) == 1 + 12
    timed = next(r for r in runs if r.trip_id == "T-0700")
    assert timed.start_s is None and timed.calls[0].departure_s == 7 * 3600
    starts = sorted(r.start_s for r in runs if r.start_s is not None)
    assert starts == list(range(8 * 3600, 10 * 3600, 600))
    last = next(r for r in runs if r.start_s == 9 * 3600 + 3000)
    assert [c.departure_s for c in last.calls] == [35400, 36300, 37200]
    assert [(c.boarding, c.alighting) for c in last.calls] == [(True, False), (True, True), (False, True)]


def test_arrival_estimates_count_each_run(session: Session, tmp_path: Path) -> None:
    load(session, tmp_path / "feed")
    found = bus.estimate_arrival(session, place="溪口站", now=NOW.replace(hour=8, minute=20), limit=3)
    assert [clock(e.scheduled) for e in found] == ["08:25", "08:35", "08:45"]
    assert [e.minutes_away for e in found] == [5, 15, 25]
    assert all(e.trip_id == "F-DAY" and e.source == "timetable" for e in found)


def test_no_boarding_or_alighting_where_the_feed_forbids_it(session: Session, tmp_path: Path) -> None:
    load(session, tmp_path / "feed")
    # the trips may not be boarded at 石门站 (pickup_type 1) nor left at 东门站 (drop_off_type 1)
    assert bus.estimate_arrival(session, place="石门站", now=NOW) == []
    times = replace_line(
        "stop_times.txt", "T-0700,07:20:00,07:20:00,xk,2,0,0", "T-0700,07:20:00,07:20:00,xk,2,1,1"
    )
    load(session, tmp_path / "no-xk", stop_times_txt=times)
    early = NOW.replace(hour=6, minute=0)
    to_xk = bus.next_departures(session, origin="东门站", destination="溪口站", after=early, limit=2)
    from_xk = bus.next_departures(session, origin="溪口站", destination="石门站", after=early, limit=2)
    assert "T-0700" not in {d.trip_id for d in to_xk + from_xk}
    assert [clock(d.departure) for d in from_xk] == ["08:15", "08:25"]


def test_phone_and_driver_rules_are_kept_for_the_answer(session: Session, tmp_path: Path) -> None:
    times = BASE["stop_times.txt"].replace(
        "T-0700,07:00:00,07:00:00,cg,1,0,1", "T-0700,07:00:00,07:00:00,cg,1,2,1"
    )
    times = times.replace("T-0700,07:40:00,07:40:00,sm,3,1,0", "T-0700,07:40:00,07:40:00,sm,3,1,3")
    load(session, tmp_path / "feed", stop_times_txt=times)
    [dep] = bus.next_departures(
        session, origin="东门站", destination="石门站", after=NOW.replace(hour=6), limit=1
    )
    assert (dep.trip_id, dep.pickup_type, dep.drop_off_type) == ("T-0700", 2, 3)
    assert dep.agency_phone == "0598-5550000"


def test_seats_are_counted_per_run_of_a_frequency_trip(session: Session, tmp_path: Path) -> None:
    load(session, tmp_path / "feed")

    def book(n: int, passengers: int, when: datetime) -> str:
        citizen = citizens.citizen_for_mobile(session, mobile=f"1370598{n:04d}").id
        booking = rides.book_ride(
            session, citizen_id=citizen, origin="东门站", destination="石门站", pickup_time=when,
            passengers=passengers, kind="seat", now=NOW.replace(hour=6),
        )  # fmt: skip
        return f"{booking.trip_id}@{booking.trip_start_s}"

    nine = NOW.replace(hour=9, minute=2)  # the bus leaving nearest the time: the 09:00 run
    assert book(1, MIN_LINE_SEATS, nine) == "F-DAY@32400"  # the 09:00 run is now full
    assert book(2, 2, nine.replace(minute=12)) == "F-DAY@33000"  # the 09:10 run is another bus
    with pytest.raises(CapacityExceeded) as caught:
        book(3, 1, nine)
    assert "09:10" in caught.value.message


def test_agency_time_zone_is_used_for_the_network(session: Session, tmp_path: Path) -> None:
    agency = replace_line("agency.txt", "Asia/Shanghai", "Asia/Urumqi")
    load(session, tmp_path / "feed", agency_txt=agency)
    # 09:00 in Shanghai is 07:00 in Urumqi: the 07:00 trip is leaving now, not hours ago
    [dep] = bus.next_departures(session, origin="东门站", destination="石门站", after=NOW, limit=1)
    assert dep.trip_id == "T-0700"
    assert dep.departure.utcoffset() == timedelta(hours=6)
    assert dep.departure == NOW
    assert clock(dep.departure) == "07:00"


def test_fare_currency_is_given_as_stored(session: Session, tmp_path: Path) -> None:
    fares = "fare_id,price,currency_type,payment_method,transfers\nF1,2.50,USD,0,0\n"
    load(session, tmp_path / "feed", fare_attributes_txt=fares)
    assert bus.fare_quote(session, origin="东门站", destination="石门站") == (Decimal("2.50"), "USD")
    [dep] = bus.next_departures(session, origin="东门站", destination="石门站", after=NOW, limit=1)
    assert (dep.fare, dep.currency) == (Decimal("2.50"), "USD")


def test_days_outside_the_calendar_are_named(session: Session, tmp_path: Path) -> None:
    calendar = replace_line("calendar.txt", "20260101,20271231", "20260101,20261031")
    load(session, tmp_path / "feed", calendar_txt=calendar)
    with pytest.raises(NotFound) as caught:
        bus.next_departures(session, origin="东门站", destination="石门站", after=NOW)
    assert "只排到2026年10月31日" in caught.value.message
    assert "最近7天" not in caught.value.message
    with pytest.raises(NotFound) as later:
        bus.first_last_bus(session, origin="东门站", destination="石门站", day=date(2026, 12, 1))
    assert "12月1日的班次还没有公布" in later.value.message
    status = timetable_status(session, today=NOW.date())
    assert (status.state, status.last_day) == ("expired", date(2026, 10, 31))
    assert status.note and "已过期" in status.note


def test_not_yet_valid_calendar_is_named(session: Session, tmp_path: Path) -> None:
    calendar = replace_line("calendar.txt", "20260101,20271231", "20270101,20271231")
    load(session, tmp_path / "feed", calendar_txt=calendar)
    with pytest.raises(NotFound) as caught:
        bus.next_departures(session, origin="东门站", destination="石门站", after=NOW)
    assert "2027年1月1日起才生效" in caught.value.message
    assert timetable_status(session, today=NOW.date()).state == "not_yet_valid"


def test_pilot_network_is_current_and_unshifted(session: Session) -> None:
    status = timetable_status(session, today=NOW.date())
    assert status.state == "current" and status.time_zone == "Asia/Shanghai"
    found = bus.next_departures(session, origin="嵩口镇", destination="清流县城", after=NOW, limit=2)
    assert all(d.trip_start_s is None and d.exact for d in found)
    assert found[0].departure.tzinfo == ZoneInfo("Asia/Shanghai")
