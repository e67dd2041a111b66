"""Notices written by the operator API: a booking or charter made for a citizen is
confirmed to them; a change that places a ride again tells its new vehicle and time;
complaint steps taken through the API are told; a vehicle's position near a rider's
pick-up tells them it is coming. One row per event, however often the call is made."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.localtime import local_now, to_local
from backend.models import Booking, Complaint, Driver, Place, Vehicle
from backend.models.outbound import OutboundMessage
from backend.services.citizens import identities as citizens
from backend.services.dispatch import plans as dispatch_plans


def tomorrow(hour: int, minute: int = 0) -> datetime:
    return (local_now() + timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def notices(session: Session, kind: str) -> list[OutboundMessage]:
    session.expire_all()
    stmt = select(OutboundMessage).where(OutboundMessage.kind == kind).order_by(OutboundMessage.id)
    return list(session.scalars(stmt))


def test_a_booking_made_by_an_operator_is_confirmed_to_the_citizen_once(
    client: TestClient, auth: dict[str, str], session: Session
) -> None:
    ride = {
        "mobile": "139 0598 6101",
        "name": "邓大伯",
        "origin": "邓家村",
        "destination": "嵩口村",
        "time": tomorrow(10).isoformat(),
        "passengers": 2,
        "request_key": "hotline-42",
    }
    made = client.post("/api/bookings", json=ride, headers=auth)
    assert made.status_code == 201, made.text
    booking_id = made.json()["id"]
    assert client.post("/api/bookings", json=ride, headers=auth).json()["id"] == booking_id  # retried
    [notice] = notices(session, "booking_confirmed")
    assert (notice.channel, notice.to, notice.status) == ("sms", "13905986101", "queued")
    assert notice.citizen_id == made.json()["citizen"]["id"]
    day = tomorrow(10)
    assert notice.body == (
        f"【村通】预约成功：{day.month}月{day.day}日10:00从邓家村到嵩口村，2人。要取消请回复“取消{booking_id}”。"
    )
    charter = client.post(
        "/api/charters",
        json={**ride, "passengers": 12, "request_key": "hotline-43", "time": tomorrow(14).isoformat()},
        headers=auth,
    )
    assert charter.status_code == 201, charter.text
    assert [n.event_key for n in notices(session, "booking_confirmed")] == [
        f"booking_confirmed:{booking_id}",
        f"booking_confirmed:{charter.json()['id']}",
    ]


def test_a_refused_booking_tells_nobody(client: TestClient, auth: dict[str, str], session: Session) -> None:
    bad = {
        "mobile": "13905986102",
        "origin": "火星",
        "destination": "嵩口村",
        "time": tomorrow(10).isoformat(),
    }
    assert client.post("/api/bookings", json=bad, headers=auth).status_code == 404
    assert notices(session, "booking_confirmed") == []


def test_a_ride_placed_again_after_a_change_hears_its_new_time(
    client: TestClient, auth: dict[str, str], session: Session
) -> None:
    ride = {
        "mobile": "13905986103",
        "origin": "溪源村",
        "destination": "县医院",
        "time": tomorrow(8).isoformat(),
    }
    made = client.post("/api/bookings", json=ride, headers=auth).json()
    assert dispatch_plans.dispatch_booking(session, booking_id=made["id"]).placed
    session.commit()
    [first] = notices(session, "vehicle_assigned")
    assert first.body.startswith(f"【村通】单号{made['id']}，已派车")
    changed = client.patch(
        f"/api/bookings/{made['id']}", json={"time": tomorrow(14).isoformat()}, headers=auth
    )
    assert changed.status_code == 200, changed.text
    told = notices(session, "vehicle_assigned")
    assert len(told) == 2 and told[0].id == first.id
    booking = session.get(Booking, made["id"])
    assert booking is not None and booking.planned_pickup is not None
    assert told[1].body.startswith(f"【村通】单号{made['id']}，派车有变动")
    assert f"{to_local(booking.planned_pickup):%H:%M}到溪源村接您" in told[1].body


def test_complaint_steps_taken_through_the_api_are_told(
    client: TestClient, auth: dict[str, str], session: Session
) -> None:
    opened = client.post(
        "/api/complaints",
        json={"category": "driver", "description": "司机不等老人坐稳就开车", "contact_phone": "13905986104"},
        headers=auth,
    ).json()
    url = f"/api/complaints/{opened['id']}"
    client.post(f"{url}/transitions", json={"to": "assigned", "assignee": "灵地站站长"}, headers=auth)
    client.post(f"{url}/transitions", json={"to": "in_progress"}, headers=auth)
    client.post(
        f"{url}/transitions", json={"to": "resolved", "resolution": "已对司机批评教育。"}, headers=auth
    )
    refused = client.post(f"{url}/transitions", json={"to": "closed"}, headers=auth)
    assert refused.status_code == 409
    client.post(f"{url}/follow-up", json={"satisfaction": 2}, headers=auth)
    bodies = [n.body for n in notices(session, "complaint_status")]
    assert bodies == [
        f"【村通】您的工单{opened['id']}：已派单处理。",
        f"【村通】您的工单{opened['id']}：正在处理。",
        f"【村通】您的工单{opened['id']}已办结。处理结果：已对司机批评教育。",
        f"【村通】您的工单{opened['id']}：已重新处理。",
    ]
    assert {n.to for n in notices(session, "complaint_status")} == {"13905986104"}
    ticket = session.get(Complaint, opened["id"])
    assert ticket is not None
    ticket.resolution_due = local_now() - timedelta(minutes=1)
    session.commit()
    assert opened["id"] in client.post("/api/complaints/escalate-overdue", headers=auth).json()
    assert notices(session, "complaint_status")[-1].body == f"【村通】您的工单{opened['id']}：已升级督办。"


def test_a_position_near_a_riders_pick_up_tells_them_once(
    client: TestClient, auth: dict[str, str], session: Session
) -> None:
    minibus = session.scalars(select(Vehicle).where(Vehicle.plate == "闽GZ1021")).one()
    driver = session.scalars(select(Driver).where(Driver.vehicle_id == minibus.id)).one()
    person = citizens.citizen_for_mobile(session, mobile="13905986105")
    planned = local_now().replace(microsecond=0) + timedelta(minutes=5)
    session.add(
        Booking(
            id="B202611219901", citizen_id=person.id, kind="demand", status="assigned", origin="溪源村",
            destination="清流县城", pickup_time=planned, passengers=1, vehicle_id=minibus.id,
            driver_id=driver.id, planned_pickup=planned, details={},
        )
    )  # fmt: skip
    session.commit()
    xiyuan = session.scalars(select(Place).where(Place.name == "溪源村")).one()
    fix = {"plate": "闽GZ1021", "lat": xiyuan.lat, "lon": xiyuan.lon}
    for _ in range(2):
        assert client.post("/api/bus/positions", json=fix, headers=auth).status_code == 201
    [notice] = notices(session, "vehicle_approaching")
    assert (notice.to, notice.event_key, notice.send_after) == (
        "13905986105",
        "vehicle_approaching:B202611219901",
        None,
    )
    assert notice.body in {f"【村通】您预约的车（闽GZ1021）约{m}分钟后到溪源村，请准备上车。" for m in (4, 5)}
