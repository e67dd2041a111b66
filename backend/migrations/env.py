"""Alembic environment: runs against the engine handed in by `backend.db.migrate`,
or against DATABASE_URL when called from the alembic command line."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Engine

import backend.models  # noqa: F401  (registers every table)
from backend.db import make_engine
from backend.models.base import Base

config = context.config
engine: Engine | None = config.attributes.get("engine")
if engine is None:
    engine = make_engine(os.environ.get("DATABASE_URL", "sqlite:///./cuntong.db"))

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
