"""The dispatch plan and drivers' run sheets over HTTP (JSON and the printable page)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Booking
from backend.services.citizens import identities as citizens
from backend.services.dispatch import plans as dispatch_plans
from backend.services.rides import bookings as rides
from bot.app import create_app
from bot.routes import dispatch_board
from bot.runtime import Runtime

DAY = local_now().date() + timedelta(days=1)


@pytest.fixture
def api(runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(runtime=runtime)
    if not any(getattr(route, "path", "") == "/api/dispatch/plan" for route in app.routes):
        app.include_router(dispatch_board.router)  # until bot/registry.py lists the router
    with TestClient(app) as test_client:
        yield test_client


def ride_on_a_run(session: Session, *, mobile: str, name: str, origin: str, hour: int, passengers: int) -> Booking:
    """A demand ride to 清流县医院 on DAY, booked and put on a run, committed."""
    person = citizens.citizen_for_mobile(session, mobile=mobile, name=name)
    now = local_now()
    booking = rides.book_ride(
        session, citizen_id=person.id, origin=origin, destination="清流县医院", kind="demand",
        pickup_time=now.replace(year=DAY.year, month=DAY.month, day=DAY.day, hour=hour, minute=0),
        passengers=passengers, now=now,
    )  # fmt: skip
    assert dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=now).placed
    session.commit()
    return booking


@pytest.fixture
def placed(session: Session) -> Booking:
    return ride_on_a_run(session, mobile="13905982001", name="罗秀兰", origin="溪源村", hour=8, passengers=2)


def test_the_day_plan_lists_runs_with_riders(api: TestClient, auth: dict[str, str], placed: Booking) -> None:
    reply = api.get("/api/dispatch/plan", params={"date": DAY.isoformat()}, headers=auth)
    assert reply.status_code == 200
    body = reply.json()
    assert body["date"] == DAY.isoformat() and body["waiting"] == []
    (run,) = [r for r in body["runs"] if any(s["booking_id"] == placed.id for s in r["stops"])]
    pickup = next(s for s in run["stops"] if s["booking_id"] == placed.id and s["action"] == "pickup")
    assert (pickup["place"], pickup["passengers"], pickup["rider"]) == ("溪源村", 2, "罗秀兰")
    assert pickup["time"] == f"{placed.planned_pickup.astimezone(local_now().tzinfo):%H:%M}"
    assert run["vehicle"] == placed.vehicle.plate and run["riders"] == 2


def test_replanning_over_http(api: TestClient, auth: dict[str, str], placed: Booking) -> None:
    reply = api.post("/api/dispatch/plan", params={"date": DAY.isoformat()}, headers=auth)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["seconds"] is not None
    assert any(s["booking_id"] == placed.id for r in body["runs"] for s in r["stops"])
    assert any(s["parcel_ref"] for r in body["runs"] for s in r["stops"]), "parcels ride along"
    past = api.post("/api/dispatch/plan", params={"date": "2020-01-01"}, headers=auth)
    assert past.status_code == 422 and "过去" in past.json()["detail"]


def test_driver_runsheet_json_and_printable(api: TestClient, auth: dict[str, str], placed: Booking) -> None:
    code = placed.driver.code
    sheets = api.get(f"/api/drivers/{code}/runsheet", params={"date": DAY.isoformat()}, headers=auth).json()
    assert len(sheets) == 1 and sheets[0]["driver_code"] == code
    assert [s["action"] for s in sheets[0]["stops"] if s["booking_id"] == placed.id] == ["pickup", "dropoff"]
    page = api.get(
        f"/api/drivers/{code.lower()}/runsheet",
        params={"date": DAY.isoformat(), "format": "html"},
        headers=auth,
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "行车单" in page.text and "罗秀兰 2人" in page.text and placed.id in page.text
    empty = api.get(
        "/api/drivers/D001/runsheet", params={"date": "2026-01-01", "format": "html"}, headers=auth
    )
    assert "没有给您安排行程" in empty.text


def test_unknown_driver_and_missing_token(api: TestClient, auth: dict[str, str]) -> None:
    missing = api.get("/api/drivers/D999/runsheet", headers=auth)
    assert missing.status_code == 404 and "D999" in missing.json()["detail"]
    assert api.get("/api/dispatch/plan").status_code == 401
    assert api.get("/api/drivers/D001/runsheet").status_code == 401


def test_a_village_the_gazetteer_lacks_is_on_the_run_sheet(
    api: TestClient, auth: dict[str, str], session: Session
) -> None:
    booking = ride_on_a_run(session, mobile="13905982002", name="黄金兰", origin="嵩口镇上坪村", hour=9, passengers=1)
    assert (booking.origin, booking.details["origin_detail"]) == ("嵩口镇", "上坪村")
    code = booking.driver.code
    sheets = api.get(f"/api/drivers/{code}/runsheet", params={"date": DAY.isoformat()}, headers=auth).json()
    stops = [s for sheet in sheets for s in sheet["stops"] if s["booking_id"] == booking.id]
    assert [(s["action"], s["place"]) for s in stops] == [("pickup", "嵩口镇上坪村"), ("dropoff", "清流县医院")]
    page = api.get(f"/api/drivers/{code}/runsheet", params={"date": DAY.isoformat(), "format": "html"}, headers=auth)
    assert "嵩口镇上坪村" in page.text
    shown = api.get(f"/api/bookings/{booking.id}", headers=auth).json()
    assert shown["origin"] == "嵩口镇上坪村"
