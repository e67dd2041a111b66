"""The bus API: public timetable answers with the docs/CONTRACTS.md §6 shapes, 404 with guesses for
unknown places, and vehicle positions only with the operator token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Vehicle, VehiclePosition
from tests.conftest import NOW

DEPARTURE_FIELDS = {
    "line", "route_id", "trip_id", "headsign", "service_date", "departure", "departure_iso", "arrival",
    "arrival_iso", "duration_minutes", "board_stop", "alight_stop", "stops", "fare", "currency",
}  # fmt: skip


def positions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(VehiclePosition)) or 0


@pytest.fixture
def vehicle(session: Session) -> Vehicle:
    bus = Vehicle(plate="闽G0T002", kind="minibus", seats=19)
    session.add(bus)
    session.flush()
    return bus


def test_departures_from_songkou_to_the_county_town(client: TestClient) -> None:
    response = client.get(
        "/api/bus/departures",
        params={"from": "嵩口镇", "to": "清流县城", "after": NOW.isoformat(), "limit": 3},
    )
    assert response.status_code == 200
    found = response.json()
    assert len(found) == 3
    first = found[0]
    assert set(first) == DEPARTURE_FIELDS
    assert (first["line"], first["departure"], first["arrival"]) == ("1路", "09:34", "10:24")
    assert first["departure_iso"] == "2026-11-20T09:34:00+08:00"
    assert first["arrival_iso"] == "2026-11-20T10:24:00+08:00"
    assert first["stops"] == ["嵩口镇", "嵩口中心小学", "沙芜乡", "清流县汽车站"]
    assert first["fare"] == 10.0 and first["currency"] == "CNY"
    assert first["duration_minutes"] == 50


def test_departures_without_after_use_the_current_time(client: TestClient) -> None:
    found = client.get("/api/bus/departures", params={"from": "松口", "to": "县城"}).json()
    assert found and all(d["line"] == "1路" for d in found)


def test_a_naive_after_is_local_time(client: TestClient) -> None:
    found = client.get(
        "/api/bus/departures", params={"from": "嵩口", "to": "县城", "after": "2026-11-20T09:00", "limit": 1}
    ).json()
    assert found[0]["departure_iso"] == "2026-11-20T09:34:00+08:00"


def test_after_the_last_bus_the_list_goes_on_with_tomorrows_first(client: TestClient) -> None:
    found = client.get(
        "/api/bus/departures", params={"from": "嵩口", "to": "县城", "after": "2026-11-20T16:00", "limit": 3}
    ).json()
    assert [d["service_date"] for d in found] == ["2026-11-20", "2026-11-21", "2026-11-21"]
    assert [d["departure"] for d in found][:2] == ["16:24", "06:39"]


def test_unknown_place_is_404_with_name_and_guesses(client: TestClient) -> None:
    response = client.get("/api/bus/departures", params={"from": "松", "to": "县城"})
    assert response.status_code == 404
    body = response.json()
    assert body["name"] == "松"
    assert body["guesses"][:2] == ["嵩口镇", "嵩溪镇"]
    assert "松" in body["detail"]


def test_bad_departure_requests(client: TestClient) -> None:
    same = client.get("/api/bus/departures", params={"from": "嵩口", "to": "嵩口镇"})
    assert same.status_code == 422 and same.json()["detail"]
    no_line = client.get("/api/bus/departures", params={"from": "嵩口", "to": "李家"})
    assert no_line.status_code == 404 and "1路" in no_line.json()["detail"]
    assert client.get("/api/bus/departures", params={"from": "嵩口"}).status_code == 422
    assert (
        client.get("/api/bus/departures", params={"from": "嵩口", "to": "县城", "limit": 0}).status_code
        == 422
    )
    assert (
        client.get("/api/bus/departures", params={"from": "嵩口", "to": "县城", "after": "明天"}).status_code
        == 422
    )


def test_lines(client: TestClient) -> None:
    lines = client.get("/api/bus/lines").json()
    assert lines[0]["line"] == "1路" and lines[0]["route_id"] == "L01"
    assert lines[0]["stops"][0] == "清流县汽车站"
    assert "清三线" in {line["line"] for line in lines}


def test_line_timetable(client: TestClient) -> None:
    table = client.get("/api/bus/lines/L01", params={"date": "2026-11-20"}).json()
    assert (table["line"], table["date"]) == ("1路", "2026-11-20")
    assert table["trips"][0]["calls"][0] == {"stop": "溪源村", "arrival": "06:30", "departure": "06:30"}
    by_label = client.get("/api/bus/lines/1路", params={"date": "2026-11-20"}).json()
    assert by_label["route_id"] == "L01"
    missing = client.get("/api/bus/lines/L99")
    assert missing.status_code == 404 and "1路" in missing.json()["detail"]


def test_arrivals(client: TestClient) -> None:
    found = client.get("/api/bus/arrivals", params={"place": "嵩口", "route": "1路"}).json()
    assert found, "today's remaining buses, or tomorrow's first"
    assert {e["line"] for e in found} == {"1路"}
    assert found[0]["source"] == "timetable" and found[0]["stop"] == "嵩口镇"
    assert client.get("/api/bus/arrivals", params={"place": "火星基地"}).status_code == 404


def test_disruptions_are_public(client: TestClient) -> None:
    response = client.get("/api/bus/disruptions")
    assert response.status_code == 200
    for item in response.json():
        assert set(item) == {"id", "route_id", "line", "title", "description", "starts_at", "ends_at"}
    assert client.get("/api/bus/disruptions", params={"route": "99路"}).status_code == 404


def test_positions_need_the_operator_token(client: TestClient, session: Session, vehicle: Vehicle) -> None:
    before = positions(session)
    body = {"plate": "闽G0T002", "lat": 26.09, "lon": 116.67}
    assert client.post("/api/bus/positions", json=body).status_code == 401
    assert positions(session) == before


def test_a_vehicle_reports_its_position(
    client: TestClient, auth: dict[str, str], session: Session, vehicle: Vehicle
) -> None:
    before = positions(session)
    response = client.post(
        "/api/bus/positions",
        json={"plate": "闽g0t 002", "lat": 26.09, "lon": 116.67, "trip_id": "L01-DAILY-1-0925"},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    assert response.json()["plate"] == "闽G0T002"
    assert positions(session) == before + 1
    stored = session.scalar(select(VehiclePosition).order_by(VehiclePosition.id.desc()).limit(1))
    assert stored is not None and stored.vehicle_id == vehicle.id


def test_bad_position_reports_write_nothing(
    client: TestClient, auth: dict[str, str], session: Session, vehicle: Vehicle
) -> None:
    before = positions(session)
    for body, status in [
        ({"plate": "闽G00000", "lat": 26.09, "lon": 116.67}, 404),
        ({"plate": "闽G0T002", "lat": 126.09, "lon": 116.67}, 422),
        ({"plate": "闽G0T002", "lat": 26.09, "lon": 116.67, "trip_id": "nope"}, 404),
        ({"plate": "闽G0T002", "lat": 26.09}, 422),
    ]:
        response = client.post("/api/bus/positions", json=body, headers=auth)
        assert response.status_code == status, (body, response.text)
    assert positions(session) == before
