"""Tests for scripts/build_pilot_data.py: the committed pilot data is exactly what the generator
makes (so it is deterministic and up to date), and the seed data is consistent and realistic."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PILOT = ROOT / "backend" / "pilot"
TRACKING = {
    "顺丰": r"SF\d{13}",
    "中通": r"7[35]\d{12}",
    "圆通": r"YT\d{13}",
    "申通": r"77\d{13}",
    "韵达": r"43\d{13}",
    "极兔": r"JT\d{13}",
    "京东": r"JD\d{13}",
    "中国邮政": r"[A-Z]{2}\d{9}CN",
}


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PILOT / "seed.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def places() -> dict[str, dict[str, str]]:
    with (PILOT / "places.csv").open(encoding="utf-8") as fh:
        return {row["name"]: row for row in csv.DictReader(fh)}


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "build_pilot_data.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert [str(p) for p in made] == ["gtfs/" + p.name for p in sorted((PILOT / "gtfs").iterdir())] + [
        "seed.json"
    ]
    for path in made:
        assert (tmp_path / path).read_bytes() == (PILOT / path).read_bytes(), f"{path} is out of date"


def s10_ok(number: str) -> bool:
    digits = number[2:10]
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = {10: 0, 11: 5}.get(11 - total % 11, 11 - total % 11)
    return int(number[10]) == check


def test_s10_check_matches_a_published_example() -> None:
    assert s10_ok("EE473124829CN") and not s10_ok("EE473124828CN")


def test_fleet_and_drivers_are_consistent(seed: dict[str, Any], places: dict[str, dict[str, str]]) -> None:
    operators = {o["code"] for o in seed["operators"]}
    plates = [v["plate"] for v in seed["vehicles"]]
    assert 20 <= len(plates) <= 30 and len(set(plates)) == len(plates)
    for vehicle in seed["vehicles"]:
        assert re.fullmatch(r"闽G([A-HJ-NP-Z0-9]{5}|D\d{5})", vehicle["plate"]), vehicle["plate"]
        assert vehicle["operator"] in operators and vehicle["depot"] in places
        assert vehicle["kind"] in ("bus", "minibus", "van") and vehicle["seats"] > 0
    drivers = seed["drivers"]
    assert len(drivers) == len(plates) and {d["vehicle"] for d in drivers} == set(plates)
    assert len({d["code"] for d in drivers}) == len({d["phone"] for d in drivers}) == len(drivers)
    for driver in drivers:
        assert re.fullmatch(r"1[3-9]\d{9}", driver["phone"]) and driver["shift_start"] < driver["shift_end"]


def test_every_township_has_a_service_point(seed: dict[str, Any], places: dict[str, dict[str, str]]) -> None:
    points = seed["service_points"]
    assert len(points) >= 13 and len({p["code"] for p in points}) == len(points)
    assert {p["place"] for p in points} >= {n for n, p in places.items() if p["kind"] == "township"}
    assert all(p["place"] in places and re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", p["hours"]) for p in points)
    assert any(p["name"] == "嵩口村村级寄递服务站" and p["place"] == "嵩口村" for p in points)


def test_parcels_look_real(seed: dict[str, Any]) -> None:
    parcels = seed["parcels"]
    codes = {p["code"] for p in seed["service_points"]}
    assert len(parcels) >= 20 and {p["status"] for p in parcels} == {
        "in_transit",
        "at_service_point",
        "picked_up",
    }
    assert {p["carrier"] for p in parcels} == set(TRACKING)
    assert len({p["tracking_no"] for p in parcels}) == len(parcels)
    for parcel in parcels:
        number = parcel["tracking_no"]
        assert re.fullmatch(TRACKING[parcel["carrier"]], number), number
        assert parcel["carrier"] != "中国邮政" or s10_ok(number), number
        assert parcel["service_point"] in codes
        has_code = parcel["pickup_code"] is not None
        assert has_code == (parcel["status"] == "at_service_point")
        assert not has_code or re.fullmatch(r"\d{6}", parcel["pickup_code"])
        offsets = [e["offset_hours"] for e in parcel["events"]]
        assert offsets == sorted(offsets) and offsets[-1] < 0
        assert parcel["events"][-1]["status"] == parcel["status"]


def test_disruptions_name_real_lines(seed: dict[str, Any]) -> None:
    with (PILOT / "gtfs" / "routes.txt").open(encoding="utf-8") as fh:
        lines = {r["route_short_name"] for r in csv.DictReader(fh)}
    for item in seed["disruptions"]:
        assert item["route"] in lines and item["start_offset_days"] <= item["end_offset_days"]
