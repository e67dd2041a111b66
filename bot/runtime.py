"""The process-wide resources one running cuntong needs, built once at start-up.

`build_runtime` checks the database (one clear line naming DATABASE_URL when it cannot
be reached), migrates it, and loads the pilot county into an empty database. Later layers
(NLU, conversation store, outbound queue) hang their objects on `Runtime.extras`
through the explicit hooks in `bot/registry.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.db import (
    DatabaseUnavailable,
    check_connection,
    is_empty,
    make_engine,
    make_session_factory,
    migrate,
    session_scope,
)
from backend.localtime import set_local_tz
from bot.config import Settings, SettingsError

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    extras: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with session_scope(self.sessions) as session:
            yield session


def build_runtime(
    settings: Settings,
    *,
    engine: Engine | None = None,
    sessions: sessionmaker[Session] | None = None,
    prepare_database: bool = True,
) -> Runtime:
    set_local_tz(settings.tz_name)
    check_redis(settings)  # first: a bad REDIS_URL leaves no database file behind
    engine = engine or make_engine(settings.database_url)
    try:
        check_connection(engine)
    except DatabaseUnavailable as exc:
        raise SettingsError(f"配置错误 DATABASE_URL: {exc}") from None
    runtime = Runtime(settings=settings, engine=engine, sessions=sessions or make_session_factory(engine))
    if prepare_database:
        prepare(runtime)
    return runtime


def prepare(runtime: Runtime) -> None:
    """Migrate, and on an empty database load the pilot county."""
    migrate(runtime.engine)
    if runtime.settings.seed_on_empty and is_empty(runtime.engine):
        from backend.seed import load_pilot  # imported late: only an empty database needs it

        logger.info("empty database: loading the pilot county (清流县)")
        with runtime.unit_of_work() as session:
            load_pilot(session)


def check_redis(settings: Settings) -> None:
    if not settings.redis_url:
        return
    import redis

    try:
        redis.Redis.from_url(settings.redis_url, socket_connect_timeout=3).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise SettingsError(f"配置错误 REDIS_URL: 无法连接 Redis: {exc}") from None
