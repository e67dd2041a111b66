"""Fixtures for outbound tests: a unit of work on the test's rolled-back connection,
citizens to write to, and a clock the test can move."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from backend.db import session_scope
from backend.models import ChannelIdentity, Citizen


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Qingliu

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def unit_of_work(sessions: sessionmaker[Session]) -> Callable[[], AbstractContextManager[Session]]:
    return lambda: session_scope(sessions)


@pytest.fixture
def villager(sessions: sessionmaker[Session]) -> Iterator[Citizen]:
    with session_scope(sessions) as session:
        citizen = Citizen(name="李大姐", mobile="13905981234", sms_opt_out=False)
        session.add(citizen)
        session.flush()
        session.add(ChannelIdentity(citizen_id=citizen.id, channel="sms", external_id="13905981234"))
    yield citizen
