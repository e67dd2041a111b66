"""The FastAPI application: operator API, channels and console on one app.

`create_app` builds nothing at import time; the lifespan builds the runtime (database
checked, migrated, seeded when empty) and runs the registered start-up hooks.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from backend.errors import BackendError
from bot import log_privacy, registry
from bot.body_guard import BodyGuard
from bot.config import LOG_FORMAT, Settings, load_settings
from bot.console.middleware import ConsoleSessionMiddleware
from bot.db_ledger import DatabaseLedger
from bot.error_handlers import backend_error, try_later, validation_error
from bot.runtime import Runtime, build_runtime
from bot.startup_checks import log_warnings
from channels.messages import Message, OnMessage, Reply, TryLater

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, *, runtime: Runtime | None = None, prepare_database: bool = True
) -> FastAPI:
    """The app; its lifespan builds the runtime unless one is given. `prepare_database=False`
    skips migrating and seeding (a worker process of `cuntong serve --workers N`, whose
    parent has done both once)."""
    settings = runtime.settings if runtime else (settings or load_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log_privacy.install()
        log_warnings(settings)
        rt = runtime or await run_in_threadpool(
            partial(build_runtime, settings, prepare_database=prepare_database)
        )
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
    app.add_middleware(BodyGuard, limit=settings.max_body_bytes)  # outermost: before anything reads
    app.add_exception_handler(BackendError, backend_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(TryLater, try_later)  # type: ignore[arg-type]
    for path in registry.ROUTERS:
        app.include_router(registry.load(path).router)
    ledger = None if settings.redis_url else DatabaseLedger(lambda: app.state.runtime)
    app.state.channel_inputs = {}
    for name, path in registry.CHANNELS.items():
        channel_input = registry.load_attr(path).from_settings(settings)  # type: ignore[attr-defined]
        if ledger is not None and hasattr(channel_input, "use_ledger"):
            channel_input.use_ledger(ledger)  # without Redis, nonces outlive a restart
        app.include_router(channel_input.router(_processor_callback(app)))
        app.state.channel_inputs[name] = channel_input
    return app


def create_worker_app() -> FastAPI:
    """Factory for one worker process of `cuntong serve --workers N` (uvicorn imports it by
    name in each process): settings from the environment, database already prepared."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    return create_app(load_settings(), prepare_database=False)


def _processor_callback(app: FastAPI) -> OnMessage:
    """The one callback every channel gets: hand the message to the turn processor."""

    async def on_message(message: Message) -> list[Reply]:
        processor = app.state.runtime.extras["processor"]
        replies: list[Reply] = await processor.handle(message)
        return replies

    return on_message
