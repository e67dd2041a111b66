"""The console's one entry in `bot.registry.ROUTERS`: every console page router, and the
console's own CSS and JavaScript served from bot/static (nothing is fetched from
elsewhere at run time)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from bot.console import auth, complaints, dispatch, figures, locks, queue
from bot.console.rendering import STATIC_DIR

router = APIRouter()
for page in (auth, queue, complaints, figures, dispatch, locks):
    router.include_router(page.router)
router.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
