"""The process's copy of the network (backend/services/bus/network_cache.py) follows every
committed change: a calendar exception, a new place, a GTFS import. Sessions opened one
after another stand for turns served by different processes: each sees the change at its
next transaction, through the version counter in the database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.errors import UnknownPlace
from backend.gtfs import read_feed
from backend.gtfs.importer import import_feed
from backend.models import Place, ServiceException
from backend.services.bus import network_cache
from backend.services.bus.network import running_services
from backend.services.places.gazetteer import resolve_place
from tests.backend.gtfs.test_importer import PILOT

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
        assert network_cache.current_version(later) == version + 1
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
