"""Liveness: `GET /health` answers when the app and its database are up, and says whether the
imported timetable covers today (`timetable.state`: current, expired, not_yet_valid, none;
anything but current is also listed in `warnings`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from backend.services.bus_feed import timetable_status
from bot.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> dict[str, Any]:
    session.execute(text("SELECT 1"))
    timetable = timetable_status(session)
    warnings = [f"timetable_{timetable.state}"] if timetable.state in ("expired", "not_yet_valid") else []
    return {
        "status": "ok",
        "timetable": {
            "state": timetable.state,
            "first_day": timetable.first_day.isoformat() if timetable.first_day else None,
            "last_day": timetable.last_day.isoformat() if timetable.last_day else None,
            "time_zone": timetable.time_zone,
            "note": timetable.note,
        },
        "warnings": warnings,
    }
