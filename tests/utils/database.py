"""Test databases: a migrated, seeded SQLite file by default, or the PostgreSQL database
named by TEST_DATABASE_URL (its public schema is wiped first: never point it at real data)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from backend.db import make_engine, make_session_factory, migrate, session_scope
from backend.seed import load_pilot

# seeded parcel events and disruptions are placed relative to this moment (tests/conftest NOW)
SEED_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def fresh_engine(url: str, *, seed: bool = True) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    if seed:
        with session_scope(make_session_factory(engine)) as session:
            load_pilot(session, now=SEED_NOW)
    return engine
