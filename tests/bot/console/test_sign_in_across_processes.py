"""Sign-in limits hold across processes (issue 11 §4, §5 with issue 12's several workers):
two app instances — two runtimes, as two worker processes have — on one database and one
Redis. The lock-out of a (name, client) pair is in the database, the attempt counts of the
rate limits in Redis, so a guesser gains nothing by landing on the other process."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from limits.storage import RedisStorage
from sqlalchemy import select

from backend.models.safeguards import SignInFailure
from backend.services.agents.accounts import create_agent
from bot.app import create_app
from bot.console.sign_in_limits import SignInLimiter
from bot.runtime import Runtime, build_runtime
from nlu.pipeline import NluPipeline
from tests.bot.console.forms import PASSWORD
from tests.bot.console.test_sign_in_guard import attempt
from tests.utils.database import fresh_engine
from tests.utils.redis_server import REDIS_URL, redis_or_skip
from tests.utils.service_process import free_port

GUESSER = ("10.7.7.7", 5000)


@pytest.fixture
def two_apps(tmp_path: Path, runtime: Runtime, nlu_pipeline: NluPipeline) -> Iterator[tuple[FastAPI, FastAPI]]:
    shared = redis_or_skip()
    prefix = f"cuntong-test-signin-{uuid.uuid4().hex[:8]}:"
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engines = [fresh_engine(url, seed=False)]
    settings = runtime.settings.model_copy(
        update={"database_url": url, "redis_url": REDIS_URL, "redis_prefix": prefix,
                "sign_in_rate_per_client": "8/minute", "sign_in_rate_total": "100/minute"}
    )  # fmt: skip
    apps = []
    for _ in range(2):
        engine = engines[0] if not apps else fresh_engine(url, seed=False)
        engines.append(engine)
        own = build_runtime(settings, engine=engine, prepare_database=False)
        own.extras["nlu"] = nlu_pipeline
        apps.append(create_app(runtime=own))
    with build_runtime(settings, engine=engines[0], prepare_database=False).unit_of_work() as session:
        create_agent(session, username="lin", password=PASSWORD)
    yield apps[0], apps[1]
    for engine in engines:
        engine.dispose()
    for key in shared.scan_iter(f"{prefix}*"):
        shared.delete(key)
    shared.close()


def test_a_lock_out_and_the_attempt_counts_hold_on_both_processes(two_apps: tuple[FastAPI, FastAPI]) -> None:
    first, second = two_apps
    with TestClient(first, client=GUESSER) as a, TestClient(second, client=GUESSER) as b:
        wrong = [attempt(a if turn % 2 == 0 else b, "lin", "wrong-password") for turn in range(5)]
        assert [status for status, _ in wrong] == [401] * 5 and "暂停登录" in wrong[-1][1]
        # the fifth failure (on the first process) locked the pair: the second process knows
        assert attempt(b, "lin", PASSWORD)[0] == 401
        assert attempt(a, "lin", PASSWORD)[0] == 401
        # 7 attempts counted so far across both processes; the limit is 8 per client
        assert attempt(b, "nobody", "wrong-password")[0] == 401
        assert attempt(a, "nobody", "wrong-password")[0] == 429
        assert attempt(b, "nobody", "wrong-password")[0] == 429
    with TestClient(first, client=("10.7.7.8", 5000)) as desk:
        assert attempt(desk, "lin", PASSWORD)[0] == 303  # another client is not locked out
        with desk.app.state.runtime.unit_of_work() as session:  # type: ignore[attr-defined]
            [pair] = session.scalars(select(SignInFailure).where(SignInFailure.username == "lin")).all()
            assert (pair.client, pair.failures) == (GUESSER[0], 5)  # attempts while locked check no password


def test_with_redis_unreachable_the_limits_count_in_the_process() -> None:
    storage = RedisStorage(f"redis://127.0.0.1:{free_port()}/9", wrap_exceptions=True)  # nothing listens
    limiter = SignInLimiter(per_client="2/minute", total="100/minute", storage=storage)
    assert [limiter.allow("10.7.7.9") for _ in range(3)] == [True, True, False]
