"""GET /api/places: public, pinyin-tolerant gazetteer search, or nearest places by coordinates."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_is_public_and_tolerates_homophones(client: TestClient) -> None:
    response = client.get("/api/places", params={"q": "松口"})
    assert response.status_code == 200
    found = response.json()
    assert found[0]["name"] == "嵩口镇"
    assert set(found[0]) == {"name", "kind", "township", "lat", "lon", "score", "distance_km"}
    assert (found[0]["kind"], found[0]["township"]) == ("township", "嵩口镇")
    assert 0.9 <= found[0]["score"] <= 1.0


def test_search_by_typed_pinyin(client: TestClient) -> None:
    found = client.get("/api/places", params={"q": "tianyuan", "limit": 2}).json()
    assert [p["name"] for p in found] == ["田源乡", "田源村"]


def test_nearest_places_by_coordinates(client: TestClient) -> None:
    found = client.get("/api/places", params={"lat": 26.1750, "lon": 116.8135, "limit": 1}).json()
    assert found[0]["name"] == "清流县汽车站"
    assert found[0]["distance_km"] < 0.05 and found[0]["score"] is None


def test_bad_queries_are_422(client: TestClient) -> None:
    for params in ({"q": "  "}, {}, {"q": "嵩口", "limit": 0}, {"lat": 100, "lon": 116}):
        response = client.get("/api/places", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"]
