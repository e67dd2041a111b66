from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Booking, Citizen, DispatchStop
from backend.services.dispatch import plans as dispatch_plans

BOOKING_KEYS = {
    "id",
    "status",
    "origin",
    "destination",
    "time",
    "arrive_by",
    "passengers",
    "kind",
    "citizen",
    "vehicle",
    "driver",
}


def tomorrow(hour: int, minute: int = 0) -> datetime:
    return (local_now() + timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def demand(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "mobile": "+86 139 0598 6001",
        "name": "邓大伯",
        "origin": "邓家村",
        "destination": "嵩口村",
        "time": tomorrow(10).isoformat(),
        "passengers": 2,
    }
    body.update(overrides)
    return body


def test_book_by_mobile_and_read_back_in_the_contract_shape(client: TestClient, auth: dict[str, str]) -> None:
    created = client.post("/api/bookings", json=demand(channel="sms"), headers=auth)
    assert created.status_code == 201, created.text
    booking = created.json()
    assert set(booking) == BOOKING_KEYS
    read = client.get(f"/api/bookings/{booking['id'].lower()}", headers=auth)
    assert read.status_code == 200
    body = read.json()
    assert set(body) == BOOKING_KEYS and body == booking
    assert body["status"] == "requested" and body["kind"] == "demand" and body["passengers"] == 2
    assert (body["origin"], body["destination"]) == ("邓家村", "嵩口村")
    assert body["time"] == tomorrow(10).isoformat() and body["time"].endswith("+08:00")
    assert body["citizen"]["mobile"] == "13905986001" and body["citizen"]["name"] == "邓大伯"
    assert set(body["citizen"]) == {"id", "name", "mobile"}
    assert body["vehicle"] is None and body["driver"] is None


def test_book_a_seat_by_citizen_id(client: TestClient, auth: dict[str, str], session: Session) -> None:
    citizen = Citizen(name="张大爷", mobile="13905986002", sms_opt_out=False)
    session.add(citizen)
    session.flush()
    body = {
        "citizen_id": citizen.id,
        "origin": "嵩口",
        "destination": "县城",
        "time": tomorrow(12, 20).isoformat(),
        "passengers": 1,
    }
    created = client.post("/api/bookings", json=body, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["kind"] == "seat" and created.json()["status"] == "confirmed"
    leaves = datetime.fromisoformat(created.json()["time"])
    assert created.json()["origin"] == "嵩口镇" and abs(leaves - tomorrow(12, 20)) <= timedelta(minutes=30)
    assert created.json()["arrive_by"] is None


def test_an_arrive_by_booking_keeps_its_deadline(client: TestClient, auth: dict[str, str]) -> None:
    body = {**demand(time=tomorrow(8, 30).isoformat()), "arrive_by": tomorrow(10).isoformat()}
    created = client.post("/api/bookings", json=body, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["arrive_by"] == tomorrow(10).isoformat()
    again = client.get(f"/api/bookings/{created.json()['id']}", headers=auth).json()
    assert again["arrive_by"] == tomorrow(10).isoformat()
    late = {**demand(time=tomorrow(11).isoformat()), "arrive_by": tomorrow(10).isoformat()}
    refused = client.post("/api/bookings", json=late, headers=auth)
    assert refused.status_code == 422 and "到达" in refused.json()["detail"]


def test_personal_data_needs_the_operator_token(client: TestClient) -> None:
    assert client.post("/api/bookings", json=demand()).status_code == 401
    assert (
        client.get("/api/bookings/B202611200001", headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )


@pytest.mark.parametrize(
    ("overrides", "status", "fragment"),
    [
        ({"origin": "火星村"}, 404, "找不到地点"),
        ({"time": (local_now() - timedelta(hours=2)).isoformat()}, 422, "已经过去了"),
        ({"passengers": 0}, 422, "至少是1人"),
        ({"passengers": -1}, 422, "至少是1人"),
        ({"mobile": "12345"}, 422, "手机号"),
        ({"mobile": None}, 422, "citizen_id"),
        ({"destination": "邓家"}, 422, "出发地和目的地都是邓家村"),
    ],
)
def test_refused_bookings_answer_json_and_write_nothing(
    client: TestClient,
    auth: dict[str, str],
    session: Session,
    overrides: dict[str, object],
    status: int,
    fragment: str,
) -> None:
    before = (count(session, Booking), count(session, Citizen))
    answer = client.post("/api/bookings", json=demand(**overrides), headers=auth)
    assert answer.status_code == status, answer.text
    assert fragment in answer.json()["detail"]
    assert (count(session, Booking), count(session, Citizen)) == before


def test_naive_time_is_a_validation_error(client: TestClient, auth: dict[str, str]) -> None:
    answer = client.post("/api/bookings", json=demand(time="2026-11-21T10:00:00"), headers=auth)
    assert answer.status_code == 422


def test_duplicate_booking_is_a_conflict_naming_the_first(client: TestClient, auth: dict[str, str]) -> None:
    first = client.post("/api/bookings", json=demand(), headers=auth).json()
    again = client.post("/api/bookings", json=demand(time=tomorrow(10, 15).isoformat()), headers=auth)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_request" and again.json()["booking_id"] == first["id"]
    later = demand(time=tomorrow(15).isoformat(), request_key="SM42")
    made = client.post("/api/bookings", json=later, headers=auth)
    retried = client.post("/api/bookings", json=later, headers=auth)  # the gateway delivered the SMS twice
    assert made.status_code == retried.status_code == 201
    assert retried.json()["id"] == made.json()["id"] != first["id"]


def test_unknown_booking_is_404(client: TestClient, auth: dict[str, str]) -> None:
    answer = client.get("/api/bookings/B209901010001", headers=auth)
    assert answer.status_code == 404 and "B209901010001" in answer.json()["detail"]


def test_change_and_cancel(client: TestClient, auth: dict[str, str]) -> None:
    booking = client.post("/api/bookings", json=demand(), headers=auth).json()
    url = f"/api/bookings/{booking['id']}"
    changed = client.patch(url, json={"passengers": 3, "time": tomorrow(11).isoformat()}, headers=auth)
    assert changed.status_code == 200, changed.text
    assert changed.json()["passengers"] == 3 and changed.json()["time"] == tomorrow(11).isoformat()
    assert client.patch(url, json={"passengers": 0}, headers=auth).status_code == 422
    stranger = client.post(f"{url}/cancel", json={"citizen_id": 987654321}, headers=auth)
    assert stranger.status_code == 404
    cancelled = client.post(f"{url}/cancel", json={"reason": "家里有事"}, headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    twice = client.post(f"{url}/cancel", headers=auth)
    assert twice.status_code == 409 and "已经取消" in twice.json()["detail"]
    assert client.patch(url, json={"passengers": 1}, headers=auth).status_code == 409


def test_a_waiting_demand_ride_changed_by_the_operator_is_placed_at_once(
    client: TestClient, auth: dict[str, str], session: Session
) -> None:
    made = client.post(
        "/api/bookings", json=demand(origin="溪源村", destination="县医院"), headers=auth
    ).json()
    assert made["status"] == "requested"
    url = f"/api/bookings/{made['id']}"
    changed = client.patch(url, json={"time": tomorrow(15).isoformat()}, headers=auth)
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "assigned" and changed.json()["vehicle"] is not None
    session.expire_all()
    pickup = session.scalars(select(DispatchStop).where(DispatchStop.booking_id == made["id"])).first()
    assert pickup is not None and tomorrow(15) <= pickup.planned_time <= tomorrow(15, 25)


def test_a_dispatched_ride_is_placed_again_after_a_change_and_its_run_freed_on_cancel(
    client: TestClient, auth: dict[str, str], session: Session
) -> None:
    made = client.post(
        "/api/bookings", json=demand(origin="溪源村", destination="县医院"), headers=auth
    ).json()
    assert dispatch_plans.dispatch_booking(session, booking_id=made["id"]).placed
    session.commit()
    url = f"/api/bookings/{made['id']}"
    changed = client.patch(url, json={"time": tomorrow(14).isoformat()}, headers=auth)
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "assigned" and changed.json()["vehicle"] is not None
    session.expire_all()
    pickup = session.scalars(select(DispatchStop).where(DispatchStop.booking_id == made["id"])).first()
    assert pickup is not None and tomorrow(14) <= pickup.planned_time <= tomorrow(14, 25)
    refused = client.patch(url, json={"time": tomorrow(5, 30).isoformat()}, headers=auth)  # before any shift
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "capacity_exceeded" and refused.json()["offers"]
    assert client.get(url, headers=auth).json() == changed.json()  # the refused change left nothing
    cancelled = client.post(f"{url}/cancel", headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    session.expire_all()
    assert session.scalars(select(DispatchStop).where(DispatchStop.booking_id == made["id"])).all() == []


def test_citizen_bookings_active_and_all(client: TestClient, auth: dict[str, str]) -> None:
    kept = client.post("/api/bookings", json=demand(), headers=auth).json()
    gone = client.post("/api/bookings", json=demand(time=tomorrow(15).isoformat()), headers=auth).json()
    client.post(f"/api/bookings/{gone['id']}/cancel", headers=auth)
    citizen_id = kept["citizen"]["id"]
    active = client.get(f"/api/citizens/{citizen_id}/bookings", headers=auth)
    assert [b["id"] for b in active.json()] == [kept["id"]]
    everything = client.get(f"/api/citizens/{citizen_id}/bookings?all=true", headers=auth)
    assert [b["id"] for b in everything.json()] == [kept["id"], gone["id"]]
    assert client.get("/api/citizens/987654321/bookings", headers=auth).status_code == 404


def test_charter_answers_with_a_quote(client: TestClient, auth: dict[str, str], session: Session) -> None:
    body = {
        "mobile": "13905986003",
        "origin": "李家村",
        "destination": "三明市",
        "time": tomorrow(8).isoformat(),
        "passengers": 15,
        "return_time": tomorrow(16).isoformat(),
        "note": "村里老人体检",
    }
    created = client.post("/api/charters", json=body, headers=auth)
    assert created.status_code == 201, created.text
    charter = created.json()
    assert set(charter) == BOOKING_KEYS | {"quote"}
    assert charter["kind"] == "charter" and charter["status"] == "requested"
    assert charter["quote"]["vehicle_kind"] == "minibus" and charter["quote"]["price"] > 0
    before = count(session, Booking)
    too_many = client.post("/api/charters", json={**body, "passengers": 60}, headers=auth)
    assert too_many.status_code == 422 and count(session, Booking) == before
