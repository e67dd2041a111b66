"""/health says whether the imported timetable covers today."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.gtfs import read_feed
from backend.gtfs.importer import import_feed
from tests.backend.gtfs.small_feed import replace_line, write_feed


def test_health_reports_a_current_timetable(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["timetable"]["state"] == "current"
    assert body["timetable"]["time_zone"] == "Asia/Shanghai"
    assert body["warnings"] == []


def test_health_warns_of_an_expired_timetable(client: TestClient, session: Session, tmp_path: Path) -> None:
    calendar = replace_line("calendar.txt", "20260101,20271231", "20250101,20251231")
    import_feed(session, read_feed(write_feed(tmp_path / "old", calendar_txt=calendar)))
    session.flush()
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["timetable"]["state"] == "expired"
    assert body["timetable"]["last_day"] == "2025-12-31"
    assert "已过期" in body["timetable"]["note"]
    assert body["warnings"] == ["timetable_expired"]
