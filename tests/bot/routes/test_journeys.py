"""The journey API: public, CONTRACTS.md §6 shape (legs with line, stops, HH:MM and ISO times,
change points, total fare), 404 with guesses for an unknown place, 422 for a bad time."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import NOW


def test_songxi_to_lingdi_with_a_change(client: TestClient) -> None:
    response = client.get("/api/journeys", params={"from": "嵩溪", "to": "灵地", "after": NOW.isoformat()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["origin"], body["destination"]) == ("嵩溪镇", "灵地镇")
    assert len(body["journeys"]) == 3
    first = body["journeys"][0]
    assert [leg["line"] for leg in first["legs"]] == ["2路", "4路"]
    one, two = first["legs"]
    assert one["stops"][0] == "嵩溪镇" and one["stops"][-1] == one["alight_stop"] == "清流县汽车站"
    assert two["board_stop"] == "清流县汽车站" and two["alight_stop"] == "灵地镇"
    assert one["departure_iso"].startswith("2026-11-20T") and one["departure_iso"].endswith("+08:00")
    assert len(one["departure"]) == 5 and first["departure"] == one["departure"]
    assert first["arrival"] == two["arrival"]
    assert first["changes"] == [
        {"at": "清流县汽车站", "board": "清流县汽车站", "walk_minutes": 0,
         "wait_minutes": first["changes"][0]["wait_minutes"]},
    ]  # fmt: skip
    assert first["fare"] == one["fare"] + two["fare"] == 21.0


def test_a_naive_time_is_local_and_limit_is_kept(client: TestClient) -> None:
    response = client.get(
        "/api/journeys", params={"from": "嵩口", "to": "县城", "after": "2026-11-20T09:00", "limit": 1}
    )
    assert response.status_code == 200
    (only,) = response.json()["journeys"]
    assert only["departure"] == "09:34" and len(only["legs"]) == 1 and only["changes"] == []


def test_unknown_place_and_bad_input(client: TestClient) -> None:
    unknown = client.get("/api/journeys", params={"from": "嵩口", "to": "火星基地"})
    assert unknown.status_code == 404 and "火星基地" in unknown.json()["detail"]
    assert client.get("/api/journeys", params={"from": "嵩口", "to": "嵩口镇"}).status_code == 422
    assert (
        client.get("/api/journeys", params={"from": "嵩口", "to": "灵地", "after": "明天"}).status_code == 422
    )
    assert client.get("/api/journeys", params={"from": "嵩口"}).status_code == 422
