from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from backend.localtime import local_now
from bot import registry
from bot.app import create_app
from bot.routes import dispatch as dispatch_routes
from bot.runtime import Runtime


@pytest.fixture
def api(runtime: Runtime) -> Iterator[TestClient]:
    """The real app; the dispatch router is mounted here until bot/registry.py lists it."""
    app = create_app(runtime=runtime)
    if "bot.routes.dispatch" not in registry.ROUTERS:
        app.include_router(dispatch_routes.router)
    with TestClient(app) as test_client:
        yield test_client


def tomorrow(hour: int, minute: int = 0) -> datetime:
    return (local_now() + timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def book(
    api: TestClient, auth: dict[str, str], mobile: str, origin: str, at: datetime, passengers: int = 1
) -> str:
    body = {
        "mobile": mobile,
        "origin": origin,
        "destination": "清流县城",
        "time": at.isoformat(),
        "passengers": passengers,
        "kind": "demand",
    }
    answer = api.post("/api/bookings", json=body, headers=auth)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_dispatch_a_window_then_list_the_days_runs(api: TestClient, auth: dict[str, str]) -> None:
    a = book(api, auth, "13905987001", "邓家村", tomorrow(10))
    b = book(api, auth, "13905987002", "灵地村", tomorrow(10, 5), passengers=2)
    window = {"start": tomorrow(6).isoformat(), "end": tomorrow(20).isoformat(), "by": "调度员小王"}
    planned = api.post("/api/dispatch", json=window, headers=auth)
    assert planned.status_code == 200, planned.text
    result = planned.json()
    assert result["unassigned"] == [] and len(result["runs"]) == 1
    run = result["runs"][0]
    assert run["created_by"] == "调度员小王" and run["vehicle"]["plate"].startswith("闽G")
    assert run["driver"]["name"] and run["status"] == "planned"
    assert [(s["action"], s["booking_id"]) for s in run["stops"][:2]] == [("pickup", a), ("pickup", b)]
    assert run["stops"][0]["time"] == tomorrow(10).isoformat()
    booking = api.get(f"/api/bookings/{a}", headers=auth).json()
    assert booking["status"] == "assigned" and booking["vehicle"]["plate"] == run["vehicle"]["plate"]
    assert booking["driver"] == run["driver"]
    listed = api.get(f"/api/dispatch/runs?date={tomorrow(0).date().isoformat()}", headers=auth)
    assert listed.status_code == 200 and [r["id"] for r in listed.json()] == [run["id"]]
    assert api.get("/api/dispatch/runs?date=2020-01-01", headers=auth).json() == []


def test_unserved_requests_are_reported_with_a_reason(api: TestClient, auth: dict[str, str]) -> None:
    night = book(api, auth, "13905987003", "邓家村", tomorrow(23, 40))
    window = {"start": tomorrow(22).isoformat(), "end": tomorrow(23, 59).isoformat()}
    result = api.post("/api/dispatch", json=window, headers=auth).json()
    assert result == {"runs": [], "unassigned": [{"id": night, "reason": "这个时段没有空闲的车辆和司机"}]}


def test_bad_window_and_missing_token(api: TestClient, auth: dict[str, str]) -> None:
    backwards = {"start": tomorrow(12).isoformat(), "end": tomorrow(8).isoformat()}
    answer = api.post("/api/dispatch", json=backwards, headers=auth)
    assert answer.status_code == 422 and "结束要晚于开始" in answer.json()["detail"]
    assert api.post("/api/dispatch", json=backwards).status_code == 401
    assert api.get("/api/dispatch/runs").status_code == 401
    assert api.get("/api/dispatch/runs?date=tomorrow", headers=auth).status_code == 422
