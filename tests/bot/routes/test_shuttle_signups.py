"""GET /api/shuttle-signups/{id}: the sign-up by its S-id with child, school, stops, days,
status and citizen; personal data, so the operator token is required; bad and unknown ids
are clear 4xx."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.services.citizens import identities as citizens
from backend.services.rides import shuttle_signups, shuttles
from tests.conftest import NOW


def test_a_sign_up_by_its_id(client: TestClient, session: Session, auth: dict[str, str]) -> None:
    parent = citizens.citizen_for_mobile(session, mobile="13905983001", name="邓女士")
    signup = shuttles.sign_up_student(
        session, citizen_id=parent.id, student_name="邓小红", school="县一中", home_place="邓家", now=NOW
    )
    session.commit()
    assert signup.reference is not None and signup.reference.startswith("S20261120")
    assert len(signup.reference) == 12
    assert client.get(f"/api/shuttle-signups/{signup.reference}").status_code == 401  # no token
    body = client.get(f"/api/shuttle-signups/{signup.reference}", headers=auth).json()
    assert body["id"] == signup.reference and body["status"] == "active"
    assert (body["child"], body["school"], body["home"]) == ("邓小红", "清流县第一中学", "邓家村")
    assert [s["direction"] for s in body["stops"]] == ["to_school", "from_school"]
    assert body["stops"][0]["board"] == "邓家村" and body["stops"][0]["alight"] == "清流县第一中学"
    assert body["days"] == {"to_school": "每周日", "from_school": "每周五"}
    assert body["citizen"] == {"id": parent.id, "name": "邓女士", "mobile": "13905983001"}
    shuttle_signups.cancel(session, reference=signup.reference.lower(), citizen_id=parent.id)
    session.commit()
    assert (
        client.get(f"/api/shuttle-signups/{signup.reference}", headers=auth).json()["status"] == "cancelled"
    )


def test_bad_and_unknown_ids(client: TestClient, auth: dict[str, str]) -> None:
    unknown = client.get("/api/shuttle-signups/S20261120999", headers=auth)
    assert unknown.status_code == 404 and "S20261120999" in unknown.json()["detail"]
    bad = client.get("/api/shuttle-signups/abc", headers=auth)
    assert bad.status_code == 422 and "报名号" in bad.json()["detail"]
