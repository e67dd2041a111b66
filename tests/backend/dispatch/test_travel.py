from __future__ import annotations

from pathlib import Path

import pytest

from backend.dispatch.travel import (
    GreatCircleTravel,
    PlacePoint,
    TableTravel,
    TravelSettings,
    great_circle_km,
    make_travel,
    matrix,
    road_class,
)
from backend.errors import InvalidInput, UnknownPlace

TOWN = PlacePoint(26.1776, 116.8160, "county_seat")
SONGKOU = PlacePoint(26.0915, 116.6740, "township")
XIYUAN = PlacePoint(26.0780, 116.6580, "village")
SANMING = PlacePoint(26.2636, 117.6389, "external")


def test_great_circle_distance_county_town_to_songkou() -> None:
    assert great_circle_km(TOWN, SONGKOU) == pytest.approx(17.1, abs=0.2)
    assert great_circle_km(TOWN, TOWN) == 0


def test_road_class_is_the_road_most_of_the_leg_uses() -> None:
    assert road_class(TOWN, SONGKOU) == "county"
    assert road_class(SONGKOU, XIYUAN) == "county"
    assert road_class(TOWN, SANMING) == "expressway"
    assert road_class(TOWN, PlacePoint(26.18, 116.819, "landmark")) == "town"


def test_minutes_follow_detour_factor_and_speed() -> None:
    places = {"清流县城": TOWN, "嵩口镇": SONGKOU}
    default = GreatCircleTravel(places)
    assert default.km("清流县城", "嵩口镇") == pytest.approx(17.1 * 1.4, abs=0.3)
    assert default.minutes("清流县城", "嵩口镇") == 36  # 23.9 km at 40 km/h, rounded up
    steep = GreatCircleTravel(
        places, TravelSettings(detour_factor=2.0, speed_kmh={"county": 30.0, "village": 25.0})
    )
    assert steep.minutes("清流县城", "嵩口镇") == 69
    assert default.minutes("嵩口镇", "嵩口镇") == 0


def test_the_last_km_into_a_village_are_slower() -> None:
    places = {"清流县城": TOWN, "嵩口镇": SONGKOU, "溪源村": XIYUAN}
    travel = GreatCircleTravel(places)
    # 3 km of village road at 25 km/h, the rest at county speed: about the same as via 嵩口镇
    assert travel.minutes("溪源村", "清流县城") == 44
    assert travel.minutes("溪源村", "嵩口镇") + travel.minutes("嵩口镇", "清流县城") >= 44
    assert travel.minutes("溪源村", "嵩口镇") == 8  # all of it village road


def test_unknown_place_is_refused() -> None:
    travel = GreatCircleTravel({"清流县城": TOWN})
    assert not travel.knows("松口镇")
    with pytest.raises(UnknownPlace):
        travel.minutes("清流县城", "松口镇")


def test_table_travel_replaces_the_estimate_by_configuration(tmp_path: Path) -> None:
    table = tmp_path / "legs.csv"
    table.write_text(
        "from,to,minutes,km\n清流县城,嵩口镇,42,27.5\n嵩口镇,清流县城,40,27.5\n", encoding="utf-8"
    )
    travel = make_travel({}, source="table", table=table)
    assert isinstance(travel, TableTravel)
    assert travel.minutes("清流县城", "嵩口镇") == 42
    assert travel.km("嵩口镇", "清流县城") == 27.5
    assert travel.minutes("嵩口镇", "嵩口镇") == 0
    with pytest.raises(InvalidInput, match="没有"):
        travel.minutes("清流县城", "灵地镇")
    minutes, _ = matrix(travel, ["清流县城", "嵩口镇"])
    assert minutes == [[0, 42], [40, 0]]


def test_bad_travel_configuration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="osrm"):
        make_travel({}, source="osrm")
    with pytest.raises(InvalidInput):
        make_travel({}, source="table")
    broken = tmp_path / "broken.csv"
    broken.write_text("from,to,minutes,km\n清流县城,嵩口镇,很久,27\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="第2行"):
        TableTravel.from_csv(broken)
