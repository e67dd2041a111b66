"""Liveness and readiness.

- `GET /health/live`: the process answers (for a supervisor deciding to restart it).
- `GET /health` (also `/health/ready`): can it serve? The database answers `SELECT 1`
  and the state store (Redis, when REDIS_URL is set) answers PING: 200 with each part
  `ok` (Redis `not configured` without REDIS_URL), else 503 with Retry-After and the part
  that is `unavailable`. It also says whether the imported timetable covers today
  (`timetable.state`: current, expired, not_yet_valid, none; anything but current is
  also listed in `warnings`).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from backend.services.bus.feed import timetable_status
from bot.deps import RuntimeDep
from bot.runtime import Runtime
from bot.state.base import StoreUnavailable

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

RETRY_AFTER_SECONDS = 5


@router.get("/health/live")
def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health")
@router.get("/health/ready")
async def ready(runtime: RuntimeDep) -> JSONResponse:
    database, timetable = await run_in_threadpool(_database, runtime)
    parts = {"database": database, "redis": await _redis(runtime)}
    healthy = all(state in ("ok", "not configured") for state in parts.values())
    body: dict[str, Any] = {"status": "ok" if healthy else "unavailable", **parts}
    if timetable is not None:
        body.update(timetable)
    if healthy:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _database(runtime: Runtime) -> tuple[str, dict[str, Any] | None]:
    try:
        with runtime.unit_of_work() as session:
            session.execute(text("SELECT 1"))
            return "ok", _timetable(session)
    except (SQLAlchemyError, OSError) as exc:
        logger.warning("readiness: database unavailable (%s)", type(exc).__name__)
        return "unavailable", None


def _timetable(session: Any) -> dict[str, Any]:
    timetable = timetable_status(session)
    warnings = [f"timetable_{timetable.state}"] if timetable.state in ("expired", "not_yet_valid") else []
    return {
        "timetable": {
            "state": timetable.state,
            "first_day": timetable.first_day.isoformat() if timetable.first_day else None,
            "last_day": timetable.last_day.isoformat() if timetable.last_day else None,
            "time_zone": timetable.time_zone,
            "note": timetable.note,
        },
        "warnings": warnings,
    }


async def _redis(runtime: Runtime) -> str:
    if not runtime.settings.redis_url:
        return "not configured"
    store = runtime.extras.get("state_store")
    if store is None:
        return "unavailable"
    try:
        await store.ping()
    except StoreUnavailable:
        return "unavailable"
    return "ok"
