"""The process's copy of the network (backend/services/bus/network_cache.py) follows every
committed change: a calendar exception, a new place, a GTFS import. Sessions opened one
after another stand for turns served by different processes: each sees the change at its
next transaction, through the version counter in the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.errors import UnknownPlace
from backend.gtfs import read_feed
from backend.gtfs.importer import import_feed
from backend.models import Place, ServiceException, Stop, StopTime
from backend.services.bus import network_cache
from backend.services.bus.departures import fare_quote, first_last_bus, next_departures
from backend.services.bus.network import running_services, served_stops
from backend.services.places.gazetteer import resolve_place
from tests.backend.gtfs.test_importer import PILOT
from tests.conftest import NOW

DAY = date(2026, 11, 20)


def test_a_committed_calendar_change_reaches_the_next_transaction(sessions: sessionmaker[Session]) -> None:
    with sessions() as first:
        before = running_services(first, DAY)
        version = network_cache.current_version(first)
    cancelled = sorted(before)[0]
    with sessions() as writer:
        writer.add(ServiceException(service_id=cancelled, date=DAY, exception_type=2))
        writer.commit()
    with sessions() as later:
        assert network_cache.current_version(later) > version
        assert running_services(later, DAY) == before - {cancelled}


def test_a_new_place_is_resolved_after_its_commit_and_not_before(sessions: sessionmaker[Session]) -> None:
    with sessions() as first, pytest.raises(UnknownPlace):
        resolve_place(first, "缓存测试村")
    with sessions() as writer:
        writer.add(Place(name="缓存测试村", kind="village", township="嵩口镇", lat=26.0, lon=116.9))
        writer.commit()
    with sessions() as later:
        assert resolve_place(later, "缓存测试村").name == "缓存测试村"


def test_the_gtfs_import_moves_the_version(sessions: sessionmaker[Session]) -> None:
    with sessions() as reader:
        version = network_cache.current_version(reader)
        running_services(reader, DAY)
    with sessions() as importer:
        import_feed(importer, read_feed(PILOT))
        importer.commit()
    with sessions() as later:
        assert network_cache.current_version(later) > version
        assert later.scalars(select(ServiceException)).first() is not None


def statements_of(session: Session) -> list[str]:
    """The SQL statements `session` sends from now on (appended to the returned list)."""
    sent: list[str] = []
    connection = session.connection()

    def note(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    return sent


def test_a_bus_question_reads_only_the_version_counter(sessions: sessionmaker[Session]) -> None:
    with sessions() as warm:
        next_departures(warm, origin="嵩口镇", destination="清流县城", after=NOW)
    with sessions() as asking:
        sent = statements_of(asking)
        found = next_departures(asking, origin="嵩口", destination="县城", after=NOW)
        first_last_bus(asking, origin="县城", destination="嵩口", day=DAY)
        fare_quote(asking, origin="县城", destination="嵩口")
        assert found
        assert len(sent) == 1 and "cache_versions" in sent[0]


def test_a_committed_timetable_change_reaches_the_next_transaction(sessions: sessionmaker[Session]) -> None:
    with sessions() as first:
        before = next_departures(first, origin="嵩口镇", destination="清流县城", after=NOW)[0]
    with sessions() as writer:
        call = writer.scalars(
            select(StopTime).where(StopTime.trip_id == before.trip_id, StopTime.stop_id == before.board_stop_id)
        ).one()
        writer.execute(
            update(StopTime)
            .where(StopTime.trip_id == before.trip_id, StopTime.stop_id == before.board_stop_id)
            .values(departure_s=call.departure_s + 60, arrival_s=call.arrival_s + 60)
        )
        writer.commit()
    with sessions() as later:
        after = next(d for d in next_departures(later, origin="嵩口镇", destination="清流县城", after=NOW)
                     if d.trip_id == before.trip_id)  # fmt: skip
        assert after.departure == before.departure + timedelta(minutes=1)


def test_a_rolled_back_change_leaves_no_copy_for_a_later_change(engine: Engine) -> None:
    """Two transactions that start from the same version and change the network get
    different versions, even when the first is rolled back after its copy was shared
    (as every test does with its changes)."""

    def rename_and_read(name: str) -> set[str]:
        with engine.connect() as connection:
            outer = connection.begin()
            joined = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
            with joined() as writer:
                stop_id = writer.scalars(select(Stop.stop_id).order_by(Stop.stop_id)).first()
                writer.execute(update(Stop).where(Stop.stop_id == stop_id).values(name=name))
                writer.commit()
            with joined() as reader:
                names = {s.name for s in served_stops(reader)}
            outer.rollback()
        return names

    assert "改名甲" in rename_and_read("改名甲")
    assert "改名乙" in rename_and_read("改名乙")
