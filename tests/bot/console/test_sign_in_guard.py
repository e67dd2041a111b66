"""Sign-in abuse through the real console form (issue 11 §4, §5): a lock-out holds one
(name, client) pair, unknown names get the very same answers, a supervisor lifts locks
in the console, and a flood is cut by the rate limits with 429 + Retry-After while
citizens' chat turns keep being answered."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models.agents import Agent, AgentAction
from backend.services.agents.accounts import create_agent, hash_password
from bot.app import create_app
from bot.console import sign_in_limits
from bot.runtime import Runtime, build_runtime
from nlu.pipeline import NluPipeline
from tests.bot.console.forms import PASSWORD, csrf_of, flash, sign_in
from tests.utils.database import fresh_engine


def attempt(client: TestClient, username: str, password: str) -> tuple[int, str]:
    form = client.get("/console/login")
    data = {"username": username, "password": password, "csrf_token": csrf_of(form.text)}
    answer = client.post("/console/login", data=data, follow_redirects=False)
    found = re.search(r'<p class="alert" role="alert">(.*?)</p>', answer.text, re.S)
    return answer.status_code, found.group(1) if found else ""


@pytest.fixture
def app(runtime: Runtime):  # type: ignore[no-untyped-def]
    return create_app(runtime=runtime)


def test_a_lock_holds_one_client_and_unknown_names_look_the_same(app, accounts: dict[str, Agent], session: Session) -> None:  # type: ignore[no-untyped-def]
    with (
        TestClient(app, client=("10.0.0.9", 5000)) as guesser,
        TestClient(app, client=("10.0.0.8", 5000)) as prober,
        TestClient(app, client=("10.0.0.2", 5000)) as desk,
    ):
        real = [attempt(guesser, "lin", "wrong-password") for _ in range(6)]
        fake = [attempt(prober, "nobody", "wrong-password") for _ in range(6)]
        assert [status for status, _ in real] == [401] * 6
        assert real == fake or [re.sub(r"\d\d:\d\d", "", m) for _, m in real] == [
            re.sub(r"\d\d:\d\d", "", m) for _, m in fake
        ]  # same status, same words (the lock's end may fall in the next minute)
        assert "暂停登录" in real[-1][1]
        assert attempt(guesser, "lin", PASSWORD)[0] == 401  # locked from here, even the right password
        assert attempt(desk, "lin", PASSWORD)[0] == 303  # lin at her own desk is not locked out
    failures = session.scalars(select(AgentAction).where(AgentAction.action == "sign_in_failed")).all()
    assert {f.detail["client"] for f in failures} == {"10.0.0.9", "10.0.0.8"}


def test_a_supervisor_unlocks_in_the_console(app, accounts: dict[str, Agent], session: Session) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, client=("10.0.0.9", 5000)) as locked, TestClient(app, client=("10.0.0.3", 5000)) as office:
        for _ in range(5):
            attempt(locked, "lin", "wrong-password")
        assert attempt(locked, "lin", PASSWORD)[0] == 401
        sign_in(office, "lin")
        assert office.get("/console/locks", follow_redirects=False).status_code == 403
        token = sign_in(office, "chen")
        page = office.get("/console/locks")
        assert page.status_code == 200 and "10.0.0.9" in page.text and "lin" in page.text
        done = office.post("/console/locks/unlock", data={"username": "lin", "csrf_token": token})
        assert done.status_code == 200 and "已解除账号 lin 的登录锁定" in flash(done.text)
        assert "10.0.0.9" not in done.text
        assert office.post("/console/locks/unlock", data={"username": "lin", "csrf_token": "forged"}).status_code == 403
        assert attempt(locked, "lin", PASSWORD)[0] == 303
    unlocks = session.scalars(select(AgentAction).where(AgentAction.action == "unlock_agent")).all()
    assert [(u.agent, u.target) for u in unlocks] == [("chen", "lin")]


@pytest.fixture
def own_database_app(tmp_path: Path, runtime: Runtime, nlu_pipeline: NluPipeline) -> Iterator[FastAPI]:
    """An app on its own SQLite file: real concurrent transactions, as in the service (the
    shared fixture's single rolled-back connection cannot serve 40 threads at once)."""
    engine = fresh_engine(f"sqlite:///{tmp_path / 'flood.db'}", seed=False)
    settings = runtime.settings.model_copy(update={"database_url": str(engine.url), "redis_url": None})
    own = build_runtime(settings, engine=engine, prepare_database=False)
    own.extras["nlu"] = nlu_pipeline
    with own.unit_of_work() as session:
        create_agent(session, username="lin", password=PASSWORD)
    yield create_app(runtime=own)
    engine.dispose()


def test_a_sign_in_flood_is_cut_and_citizens_keep_being_answered(own_database_app: FastAPI) -> None:
    """80 wrong sign-ins, 40 at a time, from one address, while a citizen chats. Asserted:
    the limits let at most 10 through to the password check, the rest get 429 with
    Retry-After, every chat turn is answered; the turn times are printed, not asserted
    (benchmarks/robustness.py measures them against the real server)."""
    app = own_database_app
    with TestClient(app, client=("10.9.9.9", 5000)) as flood, TestClient(app, client=("10.1.1.1", 5000)) as citizen:
        form = flood.get("/console/login")
        data = {"username": "lin", "password": "wrong-password", "csrf_token": csrf_of(form.text)}
        checked_before = sign_in_limits.HASHING.checked

        def wrong(_: int) -> tuple[int, str | None]:
            answer = flood.post("/console/login", data=data, follow_redirects=False)
            return answer.status_code, answer.headers.get("retry-after")

        turn_times: list[float] = []
        with ThreadPoolExecutor(40) as pool:
            results = pool.map(wrong, range(80))
            for i in range(10):
                started = time.perf_counter()
                said = citizen.post("/webhooks/rest/webhook", json={"sender": "flood-citizen", "message": f"明天{7 + i}点去县城有车吗"})
                turn_times.append(time.perf_counter() - started)
                assert said.status_code == 200 and said.json()
                assert "系统有点忙" not in said.json()[0]["text"]
            statuses = list(results)
    refused = statuses.count((429, str(sign_in_limits.RETRY_AFTER_SECONDS)))
    assert statuses.count((401, None)) + refused == 80 and refused >= 70
    assert sign_in_limits.HASHING.checked - checked_before <= 10
    print(f"citizen turns during the flood: median {statistics.median(turn_times):.3f}s, max {max(turn_times):.3f}s")  # noqa: T201


def test_password_checks_that_would_wait_too_long_are_refused_at_once() -> None:
    """On a slow machine the argon2 queue is cut by time, not only by length: a check that
    would wait longer than `max_wait` behind the others is refused (PoolFull) at once."""
    stored = hash_password(PASSWORD)
    pool = sign_in_limits.HashPool(workers=1, queue=8, max_wait=0.001)

    async def flood() -> list[object]:
        assert await pool.verify(stored, PASSWORD)  # one check alone: learns the time per check
        assert pool.seconds_per_check > 0.001
        return await asyncio.gather(*(pool.verify(stored, "wrong") for _ in range(6)), return_exceptions=True)

    outcomes = asyncio.run(flood())
    assert outcomes[0] is False  # the first waits for no one and is checked
    assert all(isinstance(o, sign_in_limits.PoolFull) for o in outcomes[1:]), outcomes
    assert pool.checked == 2
