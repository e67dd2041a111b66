"""POST /api/bus/disruptions: an operator announces a disruption; it is listed by GET
/api/bus/disruptions and its subscribers hear it once, even when it is posted twice; bad
input gets a clear 4xx and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Citizen, Disruption
from backend.models.outbound import OutboundMessage
from backend.services.notices import subscriptions


def body(**changes: object) -> dict[str, object]:
    start = local_now().replace(second=0, microsecond=0) - timedelta(hours=1)
    values: dict[str, object] = {
        "route": "4路",
        "title": "4路邓家村站暂停",
        "description": "灵地村至邓家村路段塌方抢修，请到灵地村站乘车。",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(days=2)).isoformat(),
    }
    values.update(changes)
    return values


def written(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Disruption)) or 0,
        session.scalar(select(func.count()).select_from(OutboundMessage)) or 0,
    )


@pytest.fixture
def subscriber(session: Session) -> Citizen:
    person = Citizen(name="邓大伯", mobile="13905987001", sms_opt_out=False)
    session.add(person)
    session.flush()
    subscriptions.subscribe(session, citizen_id=person.id, kind="disruption", route="L04")
    session.commit()
    return person


def test_announcing_needs_the_operator_token(
    client: TestClient, session: Session, subscriber: Citizen
) -> None:
    before = written(session)
    assert client.post("/api/bus/disruptions", json=body()).status_code == 401
    assert written(session) == before


def test_an_announcement_is_listed_and_told_once(
    client: TestClient, auth: dict[str, str], session: Session, subscriber: Citizen
) -> None:
    created = client.post("/api/bus/disruptions", json=body(), headers=auth)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert (answer["route_id"], answer["line"], answer["created"]) == ("L04", "4路", True)
    assert (answer["notified"], answer["queued"]) == (1, 1)
    listed = client.get("/api/bus/disruptions", params={"route": "4路"}).json()
    assert answer["id"] in [d["id"] for d in listed]
    session.expire_all()
    [notice] = session.scalars(select(OutboundMessage)).all()
    assert (notice.citizen_id, notice.channel, notice.to) == (subscriber.id, "sms", "13905987001")
    assert notice.kind == "service_disruption" and notice.body.startswith("【村通】4路邓家村站暂停：")
    again = client.post("/api/bus/disruptions", json=body(), headers=auth)
    assert again.status_code == 200 and again.json()["id"] == answer["id"] and not again.json()["created"]
    assert written(session)[1] == 1


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"route": "99路"}, 404),
        ({"title": ""}, 422),
        ({"title": "停" * 101}, 422),
        ({"starts_at": "2026-11-20T09:00:00"}, 422),
        ({"ends_at": "2026-01-01T09:00:00+08:00"}, 422),
        ({"description": None}, 422),
    ],
)
def test_bad_announcements_write_nothing(
    client: TestClient,
    auth: dict[str, str],
    session: Session,
    subscriber: Citizen,
    changes: dict[str, object],
    status: int,
) -> None:
    before = written(session)
    answer = client.post("/api/bus/disruptions", json=body(**changes), headers=auth)
    assert answer.status_code == status, answer.text
    assert answer.json()["detail"]
    assert written(session) == before
