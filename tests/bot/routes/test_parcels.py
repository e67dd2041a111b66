from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Citizen, Parcel, ParcelEvent, SendRequest, ServicePoint


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def waiting(session: Session) -> Parcel:
    point = ServicePoint(
        code="SPT1",
        name="杨源村便民代收点",
        place="杨源村",
        address="嵩口镇杨源村村部旁",
        phone="13859800001",
        hours="08:00-18:00",
    )
    parcel = Parcel(
        tracking_no="SF123456789012",
        carrier="顺丰",
        recipient_phone="13800135151",
        service_point=point,
        status="at_service_point",
        pickup_code="123456",
    )
    parcel.events = [
        ParcelEvent(
            at=datetime.fromisoformat("2026-11-19T10:00:00+08:00"),
            status="collected",
            location="福州市",
            description="顺丰福州市网点已揽收",
        ),
        ParcelEvent(
            at=datetime.fromisoformat("2026-11-20T08:30:00+08:00"),
            status="at_service_point",
            location="杨源村便民代收点",
            description="快件已到达杨源村便民代收点",
        ),
    ]
    session.add(parcel)
    session.flush()
    return parcel


def test_parcel_endpoints_need_the_operator_token(client: TestClient, waiting: Parcel) -> None:
    assert client.get("/api/parcels/SF123456789012").status_code == 401
    assert client.get("/api/parcels", params={"phone": "5151"}).status_code == 401


def test_get_parcel_has_exactly_the_contract_shape(
    client: TestClient, auth: dict[str, str], waiting: Parcel
) -> None:
    response = client.get("/api/parcels/sf 1234 5678 9012", headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"tracking_no", "carrier", "status", "events", "service_point", "pickup_code"}
    assert body["tracking_no"] == "SF123456789012"
    assert (body["carrier"], body["status"], body["pickup_code"]) == ("顺丰", "at_service_point", "123456")
    assert body["events"] == [
        {
            "at": "2026-11-19T10:00:00+08:00",
            "status": "collected",
            "location": "福州市",
            "description": "顺丰福州市网点已揽收",
        },
        {
            "at": "2026-11-20T08:30:00+08:00",
            "status": "at_service_point",
            "location": "杨源村便民代收点",
            "description": "快件已到达杨源村便民代收点",
        },
    ]
    assert body["service_point"] == {
        "name": "杨源村便民代收点",
        "place": "杨源村",
        "address": "嵩口镇杨源村村部旁",
        "hours": "08:00-18:00",
        "phone": "13859800001",
    }


def test_malformed_and_unknown_numbers(client: TestClient, auth: dict[str, str]) -> None:
    malformed = client.get("/api/parcels/SF12345", headers=auth)
    assert malformed.status_code == 422
    assert "SF 加 12 到 15 位数字" in malformed.json()["detail"]
    unknown = client.get("/api/parcels/JT0000000000000", headers=auth)
    assert unknown.status_code == 404
    assert "极兔单号 JT0000000000000" in unknown.json()["detail"]


def test_parcels_by_phone_tail(client: TestClient, auth: dict[str, str], waiting: Parcel) -> None:
    response = client.get("/api/parcels", params={"phone": "5151"}, headers=auth)
    assert response.status_code == 200
    [item] = [p for p in response.json() if p["tracking_no"] == "SF123456789012"]
    assert item["status_text"] == "已到达杨源村便民代收点，取件码 123456，营业时间 08:00-18:00"
    bad = client.get("/api/parcels", params={"phone": "51"}, headers=auth)
    assert bad.status_code == 422
    assert "后4位" in bad.json()["detail"]


def test_arrival_event_issues_a_code(
    client: TestClient, auth: dict[str, str], session: Session, waiting: Parcel
) -> None:
    parcel = Parcel(
        tracking_no="YT1000000000019",
        carrier="圆通",
        service_point=waiting.service_point,
        status="in_transit",
    )
    session.add(parcel)
    session.flush()
    response = client.post(
        "/api/parcels/YT1000000000019/events",
        json={"status": "at_service_point", "location": "SPT1", "description": "已到站，请凭取件码取件"},
        headers=auth,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "at_service_point"
    assert len(body["pickup_code"]) == 6
    assert body["events"][-1]["description"] == "已到站，请凭取件码取件"

    before = count(session, ParcelEvent)
    refused = client.post(
        "/api/parcels/YT1000000000019/events",
        json={"status": "lost", "location": "SPT1", "description": "?"},
        headers=auth,
    )
    assert refused.status_code == 422
    assert count(session, ParcelEvent) == before


def test_send_request(client: TestClient, auth: dict[str, str], session: Session) -> None:
    citizen = Citizen(name="罗秀兰", mobile="13905981234")
    session.add(citizen)
    session.flush()
    pickup = (local_now() + timedelta(days=1)).replace(microsecond=0)
    payload = {
        "citizen_id": citizen.id,
        "origin": "嵩口",
        "destination": "福州市",
        "pickup_time": pickup.isoformat(),
        "goods": "笋干两箱",
        "weight_kg": 12.5,
    }
    response = client.post("/api/parcels/send", json=payload, headers=auth)
    assert response.status_code == 201
    body = response.json()
    assert (body["origin"], body["destination"], body["status"]) == ("嵩口镇", "福州市", "requested")
    assert body["contact_phone"] == "13905981234"
    assert datetime.fromisoformat(body["pickup_time"]) == pickup

    before = count(session, SendRequest)
    heavy = client.post("/api/parcels/send", json={**payload, "weight_kg": 60}, headers=auth)
    assert heavy.status_code == 422
    assert "不超过50公斤" in heavy.json()["detail"]
    unknown_place = client.post("/api/parcels/send", json={**payload, "origin": "火星"}, headers=auth)
    assert unknown_place.status_code == 404
    naive_time = client.post(
        "/api/parcels/send", json={**payload, "pickup_time": "2030-01-01T08:00:00"}, headers=auth
    )
    assert naive_time.status_code == 422
    assert count(session, SendRequest) == before
