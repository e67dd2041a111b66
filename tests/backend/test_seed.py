"""Tests for backend.seed: the pilot county loads once (a second load adds nothing), times are
relative to the load, and a county's own places CSV is checked whole before anything is written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.models import (
    Disruption,
    Driver,
    Parcel,
    Place,
    PlaceAlias,
    Route,
    ServicePoint,
    Stop,
    StopTime,
    Vehicle,
)
from backend.seed import PILOT_DIR, load_pilot, load_places_csv
from backend.services.bus.departures import active_disruptions
from tests.conftest import NOW, SHANGHAI


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_pilot_county_is_loaded(session: Session) -> None:
    pilot = json.loads((PILOT_DIR / "seed.json").read_text(encoding="utf-8"))
    places_csv = (PILOT_DIR / "places.csv").read_text(encoding="utf-8").strip().splitlines()
    assert count(session, Place) == len(places_csv) - 1
    assert count(session, PlaceAlias) >= 15
    assert (
        count(session, Route) == len((PILOT_DIR / "gtfs" / "routes.txt").read_text().strip().splitlines()) - 1
    )
    assert count(session, StopTime) > 700
    for model, key in [
        (Vehicle, "vehicles"),
        (Driver, "drivers"),
        (ServicePoint, "service_points"),
        (Parcel, "parcels"),
    ]:
        assert count(session, model) == len(pilot[key])
    first = pilot["drivers"][0]
    driver = session.scalar(select(Driver).where(Driver.code == first["code"]))
    assert driver is not None and driver.vehicle is not None and driver.vehicle.plate == first["vehicle"]
    vehicle = session.scalar(select(Vehicle).where(Vehicle.plate == first["vehicle"]))
    assert vehicle is not None and vehicle.operator is not None and vehicle.operator.code == first["operator"]
    assert session.scalar(select(Place).where(Place.name == "清流县城")).aliases


def test_loading_twice_adds_nothing(session: Session) -> None:
    report = load_pilot(session)
    assert report and set(report.values()) == {0}
    assert "gtfs_stops" not in report  # the network is there already: not imported again


def test_disruptions_and_parcel_events_are_relative_to_the_load(session: Session) -> None:
    pilot = json.loads((PILOT_DIR / "seed.json").read_text(encoding="utf-8"))
    sample = pilot["parcels"][0]
    offsets = [e["offset_hours"] for e in sample["events"]]
    session.execute(delete(Disruption))
    parcel = session.scalar(select(Parcel).where(Parcel.tracking_no == sample["tracking_no"]))
    assert parcel is not None
    session.delete(parcel)
    session.flush()
    report = load_pilot(session, now=NOW)
    assert report["disruptions"] == len(pilot["disruptions"])
    assert (report["parcels"], report["parcel_events"]) == (1, len(offsets))
    again = session.scalar(select(Parcel).where(Parcel.tracking_no == sample["tracking_no"]))
    assert again is not None
    assert [e.at for e in again.events] == [NOW + timedelta(hours=h) for h in sorted(offsets)]
    assert again.updated_at == NOW + timedelta(hours=max(offsets))
    midnight = datetime(2026, 11, 20, tzinfo=SHANGHAI)
    for item in pilot["disruptions"]:
        row = session.scalar(select(Disruption).where(Disruption.title == item["title"]))
        assert row is not None
        route = session.get(Route, row.route_id)
        assert route is not None and route.label == item["route"]
        assert row.starts_at == midnight + timedelta(days=item["start_offset_days"])
        assert row.ends_at == midnight + timedelta(days=item["end_offset_days"] + 1)
    in_force = {
        d["title"] for d in pilot["disruptions"] if d["start_offset_days"] <= 0 <= d["end_offset_days"]
    }
    assert {d.title for d in active_disruptions(session, now=NOW)} == in_force


def write_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "places.csv"
    path.write_text("name,kind,township,aliases,lat,lon\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_countys_own_places(session: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "杨源村,village,嵩口镇,杨源|羊源村,26.0700,116.6900",
        "嵩口镇,township,嵩口镇,,26.0915,116.6740",  # already there: skipped
    )
    assert load_places_csv(session, path) == {"places": 1, "place_aliases": 2}
    assert load_places_csv(session, path) == {"places": 0, "place_aliases": 0}
    place = session.scalar(select(Place).where(Place.name == "杨源村"))
    assert place is not None and sorted(a.alias for a in place.aliases) == ["杨源", "羊源村"]


def test_new_places_link_the_stops_that_had_none(session: Session, tmp_path: Path) -> None:
    session.add(Stop(stop_id="yangyuan", name="杨源村", lat=26.07, lon=116.69))
    session.flush()
    load_places_csv(session, write_csv(tmp_path, "杨源村,village,嵩口镇,,26.0700,116.6900"))
    stop = session.get(Stop, "yangyuan")
    assert stop is not None and stop.place_id is not None
    assert session.get(Place, stop.place_id).name == "杨源村"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (("杨源村,hamlet,嵩口镇,,26.07,116.69",), "第2行"),
        (("杨源村,village,嵩口镇,,北纬26,116.69",), "经纬度"),
        (("杨源村,village,嵩口镇,,96.0,116.69",), "经纬度"),
        ((",village,嵩口镇,,26.07,116.69",), "地名"),
        (("杨源村,village,嵩口镇,,26.07,116.69", "杨源村,village,嵩口镇,,26.07,116.69"), "重复"),
        (("杨源村,village,嵩口镇,,26.07,116.69", "新村,village,嵩口镇,县城,26.07,116.69"), "县城"),
        (("杨源村,village,嵩口镇,嵩口镇,26.07,116.69",), "嵩口镇"),
    ],
)
def test_a_bad_places_file_writes_nothing(
    session: Session, tmp_path: Path, rows: tuple[str, ...], message: str
) -> None:
    before = (count(session, Place), count(session, PlaceAlias))
    with pytest.raises(InvalidInput) as caught:
        load_places_csv(session, write_csv(tmp_path, *rows))
    assert "places.csv" in caught.value.message and message in caught.value.message
    assert (count(session, Place), count(session, PlaceAlias)) == before


def test_a_places_file_without_the_columns(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_text("name,lat\n杨源村,26.07\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_places_csv(session, path)
    assert "kind" in caught.value.message
