"""Pooled connections are tested before use once they have sat idle (backend/db.py): a
connection the server dropped meanwhile is replaced before anyone gets it. One handed back
moments ago is used untested (no round trip per turn); if it died in that moment, the
statement that meets it fails and the pool renews the connection for the next one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import DBAPIError

from backend.db import make_engine

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"),
    reason="needs TEST_DATABASE_URL on PostgreSQL (a server to drop connections)",
)


def backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def drop_connection(pid: int) -> None:
    """What a server restart or an idle timeout does to one pooled connection."""
    plain = make_url(URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def test_an_idle_connection_that_died_is_replaced_before_use(engines: list[Engine]) -> None:
    engine = make_engine(URL, ping_idle_seconds=0.0)  # every checkout counts as idle
    engines.append(engine)
    first = backend_pid(engine)
    drop_connection(first)
    assert backend_pid(engine) != first  # no error: the test found it dead


def test_a_connection_used_moments_ago_is_not_tested_and_the_pool_recovers(engines: list[Engine]) -> None:
    engine = make_engine(URL, ping_idle_seconds=3600.0)
    engines.append(engine)
    first = backend_pid(engine)
    assert backend_pid(engine) == first  # the same connection, handed out again untested
    drop_connection(first)
    with pytest.raises(DBAPIError) as failed:
        backend_pid(engine)
    assert failed.value.connection_invalidated
    assert backend_pid(engine) != first
