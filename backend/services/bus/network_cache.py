"""Data every timetable answer reads, kept in memory by each process and shared by all its
sessions: the bus network (GTFS tables), the gazetteer and disruption notices.

Correct across processes through one counter in the database (`cache_versions`, row
`network`): every transaction that writes one of the watched tables through a session
increases it in the same transaction (to the current microsecond, or by one if that is
not more, so a version that was rolled back is never given to another change) (`changed`, called by the GTFS import and the
disruption announcement, and automatically after any ORM flush or statement touching
those tables). A reader checks the counter once per transaction (one primary-key read)
and rebuilds its copy when the counter moved. A transaction that has changed the tables
itself builds a private copy and does not share it, because it may still roll back.
Rows changed by hand in SQL need `UPDATE cache_versions SET version = version + 1`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import case, event, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from backend.models import (
    Agency,
    CacheVersion,
    Disruption,
    FareAttribute,
    FareRule,
    FeedInfo,
    Frequency,
    Place,
    PlaceAlias,
    Route,
    ServiceCalendar,
    ServiceException,
    Stop,
    StopTime,
    Transfer,
    Trip,
)

T = TypeVar("T")
FAMILY = "network"
WATCHED_MODELS: tuple[type[Any], ...] = (
    Agency, Disruption, FareAttribute, FareRule, FeedInfo, Frequency, Place, PlaceAlias, Route,
    ServiceCalendar, ServiceException, Stop, StopTime, Transfer, Trip,
)  # fmt: skip
WATCHED_TABLES = frozenset(model.__tablename__ for model in WATCHED_MODELS)
_VERSION_KEY = "cuntong.network_version"
_WROTE_KEY = "cuntong.network_written"

READ_VERSION = select(CacheVersion.version).where(CacheVersion.name == FAMILY)  # built once: read every turn
_lock = threading.Lock()
_copies: dict[str, tuple[int, Any]] = {}


def shared(
    session: Session, name: str, build: Callable[[Session], T], still_good: Callable[[T], bool] | None = None
) -> T:
    """The process's copy of `name`, built by `build(session)` when missing or out of date.
    `still_good(copy)`, when given, can refuse a copy of the current version (a cheap
    check of the data, for changes the counter cannot see: a rolled-back test feed)."""
    if session.info.get(_WROTE_KEY):
        return build(session)
    version = current_version(session)
    with _lock:
        found = _copies.get(name)
    if found is not None and found[0] == version and (still_good is None or still_good(found[1])):
        return found[1]  # type: ignore[no-any-return]
    value = build(session)
    with _lock:
        _copies[name] = (version, value)
    return value


def current_version(session: Session) -> int:
    """The counter as this transaction sees it (read once per transaction)."""
    version = session.info.get(_VERSION_KEY)
    if version is None:
        found = session.connection().execute(READ_VERSION)
        version = session.info[_VERSION_KEY] = int(found.scalar() or 0)
    return int(version)


def note_version(session: Session, version: int | None) -> None:
    """The counter as this transaction read it with something else (citizens/turn_opening:
    READ_VERSION as a subquery), so `current_version` need not read it again."""
    if _VERSION_KEY not in session.info and not session.info.get(_WROTE_KEY):
        session.info[_VERSION_KEY] = int(version or 0)


def changed(session: Session) -> None:
    """Say that this transaction changed the watched tables: every process's copy (this
    one's too) is rebuilt once the transaction commits."""
    connection = session.connection()
    stamp = time.time_ns() // 1000
    bumped = connection.execute(
        update(CacheVersion)
        .where(CacheVersion.name == FAMILY)
        .values(version=case((CacheVersion.version + 1 > stamp, CacheVersion.version + 1), else_=stamp))
    )
    if not bumped.rowcount:
        connection.execute(insert(CacheVersion).values(name=FAMILY, version=stamp))
    session.info[_WROTE_KEY] = True
    session.info.pop(_VERSION_KEY, None)


def forget_copies() -> None:
    """Drop this process's copies (tests that swap databases under a running process)."""
    with _lock:
        _copies.clear()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    if any(isinstance(obj, WATCHED_MODELS) for obj in (*session.new, *session.dirty, *session.deleted)):
        changed(session)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        changed(state.session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_VERSION_KEY, None)
        session.info.pop(_WROTE_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(_VERSION_KEY, None)
