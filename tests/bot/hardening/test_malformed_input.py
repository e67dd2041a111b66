"""Malformed input answers a short 4xx, never a 5xx (issue 11 §1): invalid UTF-8 and NaN
in JSON bodies, dates at the edges of the calendar, lone surrogates, hostile WeChat XML."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import NOW

JSON = {"content-type": "application/json"}


def short_error(response) -> None:  # type: ignore[no-untyped-def]
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert len(response.content) < 2000


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/model/parse"])
@pytest.mark.parametrize(
    "body",
    [
        b'{"sender": "a", "message": "\xff\xfe", "text": "\xff"}',
        b'{"sender": "a", "message": NaN, "text": NaN}',
        b'{"sender": "a", "message": Infinity, "text": -Infinity}',
        b'{"sender": "\\ud800", "message": "\\udfff", "text": "\\ud800"}',
        b"\xff\xfe\xfd",
        b"[" * 5000,
    ],
)
def test_bad_json_bodies_are_short_4xx(client: TestClient, path: str, body: bytes) -> None:
    short_error(client.post(path, content=body, headers=JSON))


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_parse_with_a_reference_time_off_the_calendar(client: TestClient, now: str) -> None:
    short_error(client.post("/model/parse", json={"text": "明天8点去县城", "now": now}))


@pytest.mark.parametrize("path", ["/api/bus/lines/R1", "/api/dispatch/runs", "/api/dispatch/plan"])
def test_a_day_off_the_calendar(client: TestClient, auth: dict[str, str], path: str) -> None:
    short_error(client.get(path, params={"date": "9999-12-31"}, headers=auth))


@pytest.mark.parametrize(
    "after", ["9999-12-31T23:59:59", "9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00+14:00", "0001-01-01"]
)
def test_departures_after_the_edge_of_the_calendar(client: TestClient, after: str) -> None:
    response = client.get("/api/bus/departures", params={"from": "嵩口", "to": "县城", "after": after})
    short_error(response)


def test_a_lone_surrogate_in_a_query_is_a_4xx(client: TestClient) -> None:
    response = client.get("/api/bus/departures?from=%ED%A0%80&to=%ff")
    assert response.status_code < 500


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00+08:00"])
def test_booking_dates_at_the_edge_of_the_calendar(client: TestClient, auth: dict[str, str], when: str) -> None:
    body = {
        "mobile": "13800138000",
        "origin": "嵩口镇",
        "destination": "清流县城",
        "time": when,
        "passengers": 1,
    }
    short_error(client.post("/api/bookings", json=body, headers=auth))


def test_model_parse_still_answers(client: TestClient) -> None:
    response = client.post("/model/parse", json={"text": "明天去县城", "now": NOW.isoformat()})
    assert response.status_code == 200
