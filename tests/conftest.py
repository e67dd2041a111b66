"""Shared fixtures: one migrated + seeded database per test session, and per test a
session inside a transaction that is rolled back afterwards (nothing leaks between tests).

Set TEST_DATABASE_URL / TEST_REDIS_URL to run the same tests on PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.config import load_settings
from bot.runtime import Runtime, build_runtime
from nlu.pipeline import NluPipeline
from tests.nlu.trained import trained_model
from tests.utils.database import fresh_engine, test_database_url

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)  # a Friday morning
OPERATOR_TOKEN = "test-operator-token"


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = fresh_engine(test_database_url(tmp_path_factory.mktemp("db")))
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions bound to one outer transaction that the test never commits."""
    connection = engine.connect()
    outer = connection.begin()
    yield sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    outer.rollback()
    connection.close()


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as s:
        yield s


@pytest.fixture(scope="session")
def nlu_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[NluPipeline, Path]:
    """One trained NLU model per test session (training takes seconds)."""
    return trained_model(tmp_path_factory.mktemp("nlu-model"))


@pytest.fixture(scope="session")
def nlu_pipeline(nlu_model: tuple[NluPipeline, Path]) -> NluPipeline:
    return nlu_model[0]


@pytest.fixture(scope="session")
def nlu_model_path(nlu_model: tuple[NluPipeline, Path]) -> Path:
    return nlu_model[1]


@pytest.fixture
def runtime(engine: Engine, sessions: sessionmaker[Session], nlu_model: tuple[NluPipeline, Path]) -> Runtime:
    settings = load_settings(
        database_url=str(engine.url.render_as_string(hide_password=False)),
        redis_url=os.environ.get("TEST_REDIS_URL") or None,
        operator_api_token=OPERATOR_TOKEN,
        nlu_model_path=nlu_model[1],
        seed_on_empty=False,
    )
    runtime = build_runtime(settings, engine=engine, sessions=sessions, prepare_database=False)
    runtime.extras["nlu"] = nlu_model[0]
    # conversation state of one test never meets another's on a shared Redis
    runtime.extras["state_prefix"] = f"cuntong-test:{uuid.uuid4().hex}:"
    return runtime


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime)) as test_client:
        yield test_client


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
