from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from backend.services.places.travel import great_circle_km, road_km, travel_time


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


SONGKOU = Point(26.0915, 116.6740)
COUNTY_TOWN = Point(26.1776, 116.8160)


def test_great_circle_distance_of_known_points() -> None:
    # one degree of latitude is about 111.2 km
    assert great_circle_km(Point(26.0, 116.0), Point(27.0, 116.0)) == pytest.approx(111.2, abs=0.1)
    km = great_circle_km(SONGKOU, COUNTY_TOWN)
    assert 16 < km < 18
    assert great_circle_km(COUNTY_TOWN, SONGKOU) == pytest.approx(km)


def test_road_distance_and_time_use_detour_and_speed() -> None:
    km = road_km(SONGKOU, COUNTY_TOWN)
    assert km == pytest.approx(great_circle_km(SONGKOU, COUNTY_TOWN) * 1.4)
    minutes = travel_time(SONGKOU, COUNTY_TOWN) / timedelta(minutes=1)
    assert minutes == pytest.approx(km / 35 * 60, abs=1)
    assert minutes == int(minutes)


def test_same_point_takes_no_time_and_neighbours_at_least_a_minute() -> None:
    assert travel_time(SONGKOU, SONGKOU) == timedelta(0)
    assert travel_time(SONGKOU, Point(26.0916, 116.6740)) == timedelta(minutes=1)
