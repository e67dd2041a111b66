"""The FastAPI application: operator API, channels and console on one app.

`create_app` builds nothing at import time; the lifespan builds the runtime (database
checked, migrated, seeded when empty) and runs the registered start-up hooks.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from backend.errors import BackendError, Conflict, InvalidInput, NotFound
from bot import registry
from bot.config import Settings, load_settings
from bot.console.middleware import ConsoleSessionMiddleware
from bot.runtime import Runtime, build_runtime
from channels.messages import Message, OnMessage, Reply

logger = logging.getLogger(__name__)

STATUS_BY_ERROR: tuple[tuple[type[BackendError], int], ...] = (
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = runtime.settings if runtime else (settings or load_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or await run_in_threadpool(build_runtime, settings)
        app.state.runtime = rt
        hooks = [registry.load(path) for path in registry.RUNTIME_HOOKS]
        for hook in hooks:
            await run_in_threadpool(hook.attach, rt, app)
        try:
            yield
        finally:
            for hook in reversed(hooks):
                detach = getattr(hook, "detach", None)
                if detach is not None:
                    await run_in_threadpool(detach, rt, app)

    app = FastAPI(
        title="村通 cuntong",
        description="农村出行与寄递对话服务：运营接口、渠道接入与坐席控制台",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_middleware(ConsoleSessionMiddleware)
    app.add_exception_handler(BackendError, _backend_error)  # type: ignore[arg-type]
    for path in registry.ROUTERS:
        app.include_router(registry.load(path).router)
    for path in registry.CHANNELS.values():
        channel_input = registry.load_attr(path).from_settings(settings)  # type: ignore[attr-defined]
        app.include_router(channel_input.router(_processor_callback(app)))
    return app


def _processor_callback(app: FastAPI) -> OnMessage:
    """The one callback every channel gets: hand the message to the turn processor."""

    async def on_message(message: Message) -> list[Reply]:
        processor = app.state.runtime.extras["processor"]
        replies: list[Reply] = await processor.handle(message)
        return replies

    return on_message


async def _backend_error(request: Request, exc: BackendError) -> JSONResponse:
    status = next((code for cls, code in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
    return JSONResponse({"detail": exc.message, **exc.to_dict()}, status_code=status)
