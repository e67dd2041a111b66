"""Engine, sessions and schema migration for SQLite and PostgreSQL alike.

Services take a `Session` and never commit; whoever owns the unit of work (an HTTP
request, a conversation turn, a CLI command) uses `session_scope` to commit once, or
roll back everything on an error so nothing half-written stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class DatabaseUnavailable(Exception):
    """The database named by DATABASE_URL cannot be reached or opened."""


def make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; let SQLAlchemy emit BEGIN
    # (the documented recipe), so nested transactions and rollbacks behave as on PostgreSQL.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front: concurrent writers wait on busy_timeout
    # instead of failing with "database is locked" when a read lock cannot be upgraded.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def check_connection(engine: Engine) -> None:
    """Open one connection; raise `DatabaseUnavailable` with a one-line reason."""
    try:
        # a raw DBAPI connection: no transaction is begun, so a database that another
        # process holds a write lock on still answers
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        finally:
            raw.close()
    except Exception as exc:  # any driver error means the same to the operator
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(f"无法连接数据库: {reason}") from None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (every head)."""
    command.upgrade(alembic_config(engine), "heads")


def is_empty(engine: Engine) -> bool:
    """True when the pilot data has not been loaded (no places yet)."""
    if not inspect(engine).has_table("places"):
        return True
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM places")).scalar_one() == 0
