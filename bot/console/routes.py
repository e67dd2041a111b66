"""The console's one entry in `bot.registry.ROUTERS`: every console page router, and the
console's own CSS and JavaScript served from bot/static (nothing is fetched from
elsewhere at run time)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from bot.console import (
    auth,
    complaints,
    conversation_tools,
    dispatch,
    figures,
    knowledge,
    locks,
    queue,
    staff,
)
from bot.console.rendering import STATIC_DIR

router = APIRouter()
for page in (auth, queue, conversation_tools, complaints, figures, dispatch, knowledge, locks, staff):
    router.include_router(page.router)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


router.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
