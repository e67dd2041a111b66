"""Tests for backend.services.journeys.plans: every township pair of the pilot feed has a plan
with at most two changes; small hand-made feeds check a change, a missed connection, the
latest departure for the same arrival, an overnight service, and that a GTFS import is
seen by the in-process index at once."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import NotFound
from backend.gtfs.importer import import_feed
from backend.gtfs.records import (
    Agency,
    Calendar,
    FareAttribute,
    FareRule,
    Feed,
    Frequency,
    Route,
    Stop,
    StopTime,
    Trip,
)
from backend.models import Place
from backend.services.journeys.plans import Journey, plan_journeys
from backend.services.journeys.search import TRANSFER_S
from tests.conftest import NOW, SHANGHAI

H = 3600


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def check_chain(journey: Journey) -> None:
    assert 1 <= len(journey.legs) <= 3
    for before, after in itertools.pairwise(journey.legs):
        assert after.departure - before.arrival >= timedelta(seconds=TRANSFER_S)
    prices = [leg.fare for leg in journey.legs]
    if all(p is not None for p in prices):
        assert journey.fare == sum(prices, Decimal(0))
    assert len(journey.changes) == len(journey.legs) - 1


def test_every_township_pair_of_the_pilot_feed_has_a_plan(session: Session) -> None:
    towns = list(session.scalars(select(Place.name).where(Place.kind == "township").order_by(Place.name)))
    assert len(towns) >= 12
    changed = 0
    for origin, destination in itertools.permutations(towns, 2):
        plan = plan_journeys(session, origin=origin, destination=destination, after=NOW, limit=1)
        journey = plan.journeys[0]
        check_chain(journey)
        assert journey.departure >= NOW
        assert journey.arrival - NOW < timedelta(days=2), (origin, destination)
        changed += len(journey.legs) > 1
    assert changed > 100  # between townships most trips change at the county bus station


def test_songxi_to_lingdi_changes_at_the_county_bus_station(session: Session) -> None:
    plan = plan_journeys(session, origin="嵩溪", destination="灵地", after=NOW, limit=3)
    first = plan.journeys[0]
    assert (plan.origin, plan.destination) == ("嵩溪镇", "灵地镇")
    assert [leg.route for leg in first.legs] == ["2路", "4路"]
    assert first.changes[0].at == first.legs[0].alight_stop == first.legs[1].board_stop
    assert first.fare == Decimal("21.00")
    departures = [j.departure for j in plan.journeys]
    assert departures == sorted(departures) and len(set(departures)) == 3  # later departures as alternatives


def test_a_direct_trip_is_one_leg(session: Session) -> None:
    plan = plan_journeys(session, origin="嵩口", destination="县城", after=NOW, limit=2)
    assert all(len(j.legs) == 1 and j.legs[0].route == "1路" for j in plan.journeys)


# -- hand-made feeds --------------------------------------------------------------------------
SONGKOU = Stop("sk", "嵩口镇", 26.0915, 116.6740, zone_id="sk")
LITIAN = Stop("lt", "里田乡", 26.1490, 116.6710, zone_id="lt")
LINGDI = Stop("ld", "灵地镇", 26.2880, 116.7100, zone_id="ld")


def feed(
    trips: list[tuple[str, str, list[tuple[int, str]]]], *, service_days: tuple[bool, ...] = (True,) * 7
) -> Feed:
    """trips: (route_id, trip_id, [(seconds, stop_id), ...])."""
    routes = sorted({route for route, _trip, _calls in trips})
    return Feed(
        agencies=[Agency("t", "测试客运", "https://example.org", "Asia/Shanghai")],
        stops=[SONGKOU, LITIAN, LINGDI],
        routes=[Route(r, "t", f"{r}路", None, 3) for r in routes],
        trips=[Trip(route, "S", trip) for route, trip, _calls in trips],
        stop_times=[
            StopTime(trip, t, t, stop, i)
            for _route, trip, calls in trips
            for i, (t, stop) in enumerate(calls, start=1)
        ],
        calendars=[Calendar("S", *service_days, start_date=date(2026, 1, 1), end_date=date(2027, 12, 31))],
        fare_attributes=[
            FareAttribute("f5", Decimal("5"), "CNY", 0, None, "t"),
            FareAttribute("f7", Decimal("7"), "CNY", 0, None, "t"),
        ],
        fare_rules=[FareRule("f5", "81"), FareRule("f7", "82")],
    )


def test_a_change_between_two_lines(session: Session) -> None:
    import_feed(session, feed([
        ("81", "a1", [(8 * H, "sk"), (8 * H + 1800, "lt")]),
        ("82", "b1", [(8 * H + 2400, "lt"), (9 * H + 600, "ld")]),
    ]))  # fmt: skip
    journey = plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 7)).journeys[0]
    assert [(leg.route, leg.board_stop, leg.alight_stop) for leg in journey.legs] == [
        ("81路", "嵩口镇", "里田乡"), ("82路", "里田乡", "灵地镇"),
    ]  # fmt: skip
    assert (journey.departure, journey.arrival) == (at(20, 8), at(20, 9, 10))
    assert journey.changes[0].at == "里田乡" and journey.changes[0].wait_minutes == 10
    assert journey.fare == Decimal("12")


def test_a_missed_connection_takes_the_next_bus(session: Session) -> None:
    import_feed(session, feed([
        ("81", "a1", [(8 * H, "sk"), (8 * H + 1800, "lt")]),
        ("82", "b1", [(8 * H + 1920, "lt"), (9 * H, "ld")]),  # 2 minutes to change: too short
        ("82", "b2", [(10 * H, "lt"), (10 * H + 1800, "ld")]),
    ]))  # fmt: skip
    journey = plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 7)).journeys[0]
    assert [leg.trip_id for leg in journey.legs] == ["a1", "b2"]
    assert journey.arrival == at(20, 10, 30)


def test_the_latest_departure_for_the_same_arrival(session: Session) -> None:
    import_feed(session, feed([
        ("81", "a1", [(7 * H, "sk"), (7 * H + 1800, "lt")]),
        ("81", "a2", [(8 * H, "sk"), (8 * H + 1800, "lt")]),
        ("82", "b1", [(9 * H, "lt"), (9 * H + 1800, "ld")]),
        ("82", "b2", [(15 * H, "lt"), (15 * H + 1800, "ld")]),
    ]))  # fmt: skip
    plan = plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 6), limit=2)
    assert [[leg.trip_id for leg in j.legs] for j in plan.journeys] == [["a2", "b1"], ["a2", "b1"]]
    assert [j.departure for j in plan.journeys] == [at(20, 8), at(21, 8)]  # not a1 with an hour's wait


def test_an_overnight_service(session: Session) -> None:
    import_feed(session, feed([
        ("81", "night", [(23 * H + 1800, "sk"), (24 * H + 1200, "lt"), (25 * H, "ld")]),
        ("81", "morning", [(6 * H, "sk"), (6 * H + 1200, "lt"), (7 * H, "ld")]),
    ]))  # fmt: skip
    late = plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 23), limit=2)
    assert [j.legs[0].trip_id for j in late.journeys] == ["night", "morning"]
    assert late.journeys[0].arrival == at(21, 1)
    assert late.journeys[0].legs[0].service_date == date(2026, 11, 20)
    # after midnight, yesterday's night bus is still on its way
    past_midnight = plan_journeys(
        session, origin="里田乡", destination="灵地镇", after=at(21, 0, 5)
    ).journeys[0]
    assert past_midnight.legs[0].trip_id == "night"
    assert past_midnight.departure == at(21, 0, 20)


def test_no_service_says_so(session: Session) -> None:
    import_feed(session, feed([("81", "a1", [(8 * H, "sk"), (8 * H + 1800, "lt")])]))
    with pytest.raises(NotFound) as raised:
        plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 7))
    assert "灵地镇" in raised.value.message


def test_an_import_replaces_the_index_at_once(session: Session) -> None:
    before = plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 7)).journeys[0]
    assert before.legs[0].route != "81路"
    import_feed(session, feed([("81", "direct", [(7 * H + 600, "sk"), (8 * H, "ld")])]))
    after = plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 7)).journeys[0]
    assert [leg.trip_id for leg in after.legs] == ["direct"]


def test_frequency_runs_and_boarding_rules_flow_in(session: Session) -> None:
    every_20 = feed([
        ("81", "a1", [(8 * H, "sk"), (8 * H + 1800, "lt")]),
        ("82", "f1", [(6 * H, "lt"), (6 * H + 1800, "ld")]),
    ])  # fmt: skip
    every_20.frequencies.append(Frequency("f1", 6 * H, 12 * H, 1200, 1))
    import_feed(session, every_20)
    journey = plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 7)).journeys[0]
    assert [leg.trip_id for leg in journey.legs] == ["a1", "f1"]
    assert journey.legs[1].departure == at(20, 8, 40)  # the first run leaving 5 minutes after 08:30
    no_pickup = feed([
        ("81", "a1", [(8 * H, "sk"), (8 * H + 1800, "lt")]),
        ("82", "b1", [(8 * H + 2400, "lt"), (9 * H + 600, "ld")]),
        ("82", "b2", [(11 * H, "lt"), (11 * H + 1800, "ld")]),
    ])  # fmt: skip
    no_pickup.stop_times[2] = replace(no_pickup.stop_times[2], pickup_type=1)  # b1 does not take anyone at 里田
    import_feed(session, no_pickup)
    journey = plan_journeys(session, origin="嵩口镇", destination="灵地镇", after=at(20, 7)).journeys[0]
    assert [leg.trip_id for leg in journey.legs] == ["a1", "b2"]
