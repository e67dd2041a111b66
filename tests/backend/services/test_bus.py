from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound, UnknownPlace
from backend.models import Disruption, FareRule, ServiceException, Vehicle, VehiclePosition
from backend.services.bus import departures as bus
from tests.conftest import NOW, SHANGHAI


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_next_departures_from_songkou_to_the_county_town(session: Session) -> None:
    found = bus.next_departures(session, origin="嵩口镇", destination="清流县城", after=NOW)
    assert len(found) == 5
    first = found[0]
    assert (first.route, first.route_id, first.trip_id) == ("1路", "L01", "L01-DAILY-1-0925")
    assert (first.board_stop, first.alight_stop) == ("嵩口镇", "清流县汽车站")
    assert first.departure == at("2026-11-20T09:34")
    assert first.arrival == at("2026-11-20T10:24")
    assert first.departure.utcoffset() == timedelta(hours=8)
    assert first.duration_minutes == 50
    assert first.fare == Decimal("10.00")
    assert first.intermediate_stops == ("嵩口中心小学", "沙芜乡")
    assert first.service_date == date(2026, 11, 20)
    assert [d.departure for d in found] == sorted(d.departure for d in found)
    assert all(d.departure >= NOW for d in found)


def test_short_forms_and_homophones_find_the_same_buses(session: Session) -> None:
    exact = bus.next_departures(session, origin="嵩口镇", destination="清流县城", after=NOW, limit=2)
    loose = bus.next_departures(session, origin="松口", destination="县城", after=NOW, limit=2)
    assert [d.trip_id for d in loose] == [d.trip_id for d in exact]


def test_county_town_departures_leave_from_the_bus_station(session: Session) -> None:
    found = bus.next_departures(session, origin="县城", destination="李家", after=NOW, limit=2)
    assert {d.board_stop for d in found} == {"清流县汽车站"}
    assert {d.route for d in found} <= {"6路", "10路"}
    assert found[0].alight_stop == "李家乡"
    assert "清流县医院" in found[0].intermediate_stops


def test_after_the_last_bus_the_next_day_is_searched(session: Session) -> None:
    found = bus.next_departures(
        session, origin="嵩口", destination="县城", after=at("2026-11-20T20:00"), limit=3
    )
    assert found[0].departure == at("2026-11-21T06:39")
    assert {d.service_date for d in found} == {date(2026, 11, 21)}


def test_the_last_buses_of_the_day_are_topped_up_with_tomorrows_first(session: Session) -> None:
    found = bus.next_departures(
        session, origin="嵩口", destination="县城", after=at("2026-11-20T16:00"), limit=3
    )
    assert [d.departure for d in found] == [
        at("2026-11-20T16:24"),  # the last bus today
        at("2026-11-21T06:39"),  # then tomorrow's first ones
        found[2].departure,
    ]
    assert found[2].departure > at("2026-11-21T06:39") and found[2].service_date == date(2026, 11, 21)
    week = bus.next_departures(session, origin="嵩口", destination="县城", after=NOW, limit=50)
    assert len(week) == 50 and len({d.service_date for d in week}) > 2  # as many days as it takes


def test_calendar_exceptions_remove_and_add_service(session: Session) -> None:
    session.add(ServiceException(service_id="DAILY", date=date(2026, 11, 21), exception_type=2))
    session.flush()
    found = bus.next_departures(
        session, origin="嵩口", destination="县城", after=at("2026-11-20T20:00"), limit=1
    )
    assert found[0].departure == at("2026-11-22T06:39")
    # 2026-11-23 is a 嵩口 market day (墟日): an extra 13路 bus at 11:40
    market = bus.next_departures(
        session, origin="嵩口", destination="灵地", after=at("2026-11-23T10:00"), limit=1
    )
    assert (market[0].trip_id, market[0].departure) == ("L13-XU_SONGKOU-0-1140", at("2026-11-23T11:40"))
    plain = bus.next_departures(
        session, origin="嵩口", destination="灵地", after=at("2026-11-20T10:00"), limit=1
    )
    assert plain[0].departure == at("2026-11-20T14:10")


def test_friday_only_student_bus(session: Session) -> None:
    friday = bus.next_departures(
        session, origin="县城", destination="黄石坑村", after=at("2026-11-20T17:00"), limit=1
    )
    thursday = bus.next_departures(
        session, origin="县城", destination="黄石坑村", after=at("2026-11-19T17:00"), limit=1
    )
    assert friday[0].trip_id == "L02-STU_FRI-0-1710"
    assert thursday[0].departure == at("2026-11-19T17:30")


@pytest.mark.parametrize(
    ("origin", "destination"), [("嵩口镇", "嵩口"), ("县城", "清流县城"), ("县城", "龙津镇")]
)
def test_same_origin_and_destination_is_invalid(session: Session, origin: str, destination: str) -> None:
    with pytest.raises(InvalidInput):
        bus.next_departures(session, origin=origin, destination=destination, after=NOW)


def test_unknown_place_names_the_guesses(session: Session) -> None:
    with pytest.raises(UnknownPlace) as caught:
        bus.next_departures(session, origin="火星基地", destination="县城", after=NOW)
    assert caught.value.name == "火星基地"


def test_no_direct_service_says_which_lines_serve_each_place(session: Session) -> None:
    with pytest.raises(NotFound) as caught:
        bus.next_departures(session, origin="嵩口", destination="李家", after=NOW)
    assert "嵩口镇" in caught.value.message and "李家乡" in caught.value.message
    assert "1路、13路" in caught.value.message
    assert "6路、10路" in caught.value.message


@pytest.mark.parametrize("limit", [0, 51, -1])
def test_limit_is_checked(session: Session, limit: int) -> None:
    with pytest.raises(InvalidInput):
        bus.next_departures(session, origin="嵩口", destination="县城", after=NOW, limit=limit)


def test_naive_after_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput):
        bus.next_departures(session, origin="嵩口", destination="县城", after=datetime(2026, 11, 20, 9, 0))


def test_first_and_last_bus_of_a_day(session: Session) -> None:
    first, last = bus.first_last_bus(session, origin="嵩口", destination="县城", day=date(2026, 11, 20))
    assert first.departure == at("2026-11-20T06:39")
    assert last.departure == at("2026-11-20T16:24")
    assert last.departure > first.departure


def test_no_bus_on_a_day_without_service(session: Session) -> None:
    with pytest.raises(NotFound) as caught:
        bus.first_last_bus(session, origin="嵩口", destination="县城", day=date(2027, 2, 6))  # 除夕
    assert "2月6日" in caught.value.message


def test_fare(session: Session) -> None:
    assert bus.fare(session, origin="嵩口", destination="县城") == Decimal("10.00")
    assert bus.fare(session, origin="溪源村", destination="嵩口村") == Decimal("3.00")
    assert bus.fare(session, origin="三明", destination="清流") == Decimal("50.00")


def test_fare_not_published(session: Session) -> None:
    session.execute(delete(FareRule).where(FareRule.route_id == "L13"))
    with pytest.raises(NotFound) as caught:
        bus.fare(session, origin="嵩口", destination="灵地")
    assert "票价" in caught.value.message
    found = bus.next_departures(session, origin="嵩口", destination="灵地", after=NOW, limit=1)
    assert found[0].fare is None


def test_lines_serving(session: Session) -> None:
    assert [r.label for r in bus.lines_serving(session, "嵩口")] == ["1路", "13路"]
    town = [r.label for r in bus.lines_serving(session, "县城")]
    assert town[:3] == ["1路", "2路", "3路"]
    assert "清三线" in town and "13路" not in town


def test_line_timetable(session: Session) -> None:
    table = bus.line_timetable(session, route="1路", day=date(2026, 11, 20))
    assert (table.route_id, table.route) == ("L01", "1路")
    assert len(table.trips) == 16
    first = table.trips[0]
    assert first.trip_id == "L01-DAILY-1-0630"
    assert [c.stop for c in first.calls][0] == "溪源村"
    assert first.calls[-1].arrival == at("2026-11-20T07:29")
    with pytest.raises(NotFound) as caught:
        bus.line_timetable(session, route="99路")
    assert "1路" in caught.value.message


def test_line_summaries_list_every_line_with_its_stops(session: Session) -> None:
    lines = bus.line_summaries(session)
    assert lines[0].route == "1路"
    assert lines[0].stops[0] == "清流县汽车站" and lines[0].stops[-1] == "溪源村"
    assert len(lines) == 18


def _vehicle(session: Session) -> Vehicle:
    vehicle = Vehicle(plate="闽G0T001", kind="bus", seats=30)
    session.add(vehicle)
    session.flush()
    return vehicle


def test_arrival_from_the_timetable_without_positions(session: Session) -> None:
    found = bus.estimate_arrival(session, place="嵩口", now=NOW)
    assert found[0].source == "timetable"
    assert (found[0].route, found[0].expected) == ("13路", at("2026-11-20T09:23"))
    assert found[0].minutes_away == 23
    only_1 = bus.estimate_arrival(session, place="嵩口", route="1路", now=NOW)
    assert {e.route for e in only_1} == {"1路"}


def test_arrival_from_a_recent_vehicle_position(session: Session) -> None:
    _vehicle(session)
    now = at("2026-11-20T09:28")
    # halfway between 溪源村 and 嵩口村 on the 09:25 bus from 溪源村
    bus.record_position(
        session, plate="闽G0T001", lat=26.0855, lon=116.6650, trip_id="L01-DAILY-1-0925", at=now
    )
    found = bus.estimate_arrival(session, place="嵩口", route="1路", now=now)
    live = next(e for e in found if e.trip_id == "L01-DAILY-1-0925")
    assert live.source == "realtime"
    assert live.plate == "闽G0T001"
    assert live.scheduled == at("2026-11-20T09:34")
    assert at("2026-11-20T09:30") <= live.expected <= at("2026-11-20T09:36")
    assert live.distance_km is not None and 1.0 < live.distance_km < 1.8


def test_a_vehicle_past_the_stop_drops_out(session: Session) -> None:
    _vehicle(session)
    now = at("2026-11-20T09:58")
    bus.record_position(
        session, plate="闽G0T001", lat=26.1130, lon=116.7390, trip_id="L01-DAILY-1-0925", at=now
    )
    found = bus.estimate_arrival(session, place="嵩口", route="1路", now=now)
    assert "L01-DAILY-1-0925" not in {e.trip_id for e in found}


def test_an_old_position_falls_back_to_the_timetable(session: Session) -> None:
    _vehicle(session)
    now = at("2026-11-20T09:28")
    bus.record_position(
        session,
        plate="闽G0T001",
        lat=26.0855,
        lon=116.6650,
        trip_id="L01-DAILY-1-0925",
        at=now - timedelta(minutes=15),
    )
    found = bus.estimate_arrival(session, place="嵩口", route="1路", now=now)
    assert next(e for e in found if e.trip_id == "L01-DAILY-1-0925").source == "timetable"


def test_late_at_night_the_first_buses_of_tomorrow(session: Session) -> None:
    found = bus.estimate_arrival(session, place="嵩口", now=at("2026-11-20T23:00"), limit=2)
    assert found and all(e.expected.date() == date(2026, 11, 21) for e in found)


def test_record_position_normalizes_the_plate(session: Session) -> None:
    _vehicle(session)
    position = bus.record_position(session, plate="闽g 0t001", lat=26.09, lon=116.67, at=NOW)
    assert position.id is not None and position.recorded_at == NOW


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"plate": "闽G99999"}, NotFound),
        ({"plate": ""}, InvalidInput),
        ({"lat": 95.0}, InvalidInput),
        ({"trip_id": "NO-SUCH-TRIP"}, NotFound),
        ({"at": datetime(2099, 1, 1, tzinfo=SHANGHAI)}, InvalidInput),
        ({"at": datetime(2026, 11, 20, 9, 0)}, InvalidInput),
        ({"speed_kmh": -3.0}, InvalidInput),
    ],
)
def test_record_position_refuses_bad_reports_and_writes_nothing(
    session: Session, kwargs: dict[str, object], error: type[Exception]
) -> None:
    _vehicle(session)
    before = count(session, VehiclePosition)
    report: dict[str, object] = {"plate": "闽G0T001", "lat": 26.09, "lon": 116.67, **kwargs}
    with pytest.raises(error):
        bus.record_position(session, **report)  # type: ignore[arg-type]
    assert count(session, VehiclePosition) == before


def test_active_disruptions_by_line_and_place(session: Session) -> None:
    session.execute(delete(Disruption))
    day = timedelta(days=1)
    session.add_all(
        [
            Disruption(
                route_id="L04",
                title="4路塌方",
                description="邓家村暂停",
                starts_at=NOW - day,
                ends_at=NOW + day,
            ),
            Disruption(
                route_id="L08",
                title="8路迁站",
                description="下周起",
                starts_at=NOW + day,
                ends_at=NOW + 3 * day,
            ),
            Disruption(
                route_id=None, title="全县大雾", description="班车可能晚点", starts_at=NOW, ends_at=NOW + day
            ),
        ]
    )
    session.flush()
    titles = lambda found: [d.title for d in found]  # noqa: E731
    assert titles(bus.active_disruptions(session, now=NOW)) == ["4路塌方", "全县大雾"]
    assert titles(bus.active_disruptions(session, route="4路", now=NOW)) == ["4路塌方", "全县大雾"]
    assert titles(bus.active_disruptions(session, place="灵地", now=NOW)) == ["4路塌方", "全县大雾"]
    assert titles(bus.active_disruptions(session, place="嵩口", now=NOW)) == ["全县大雾"]
    assert titles(bus.active_disruptions(session, now=NOW + 2 * day)) == ["8路迁站"]
    with pytest.raises(NotFound):
        bus.active_disruptions(session, route="99路", now=NOW)
