"""What a turn keeps between turns follows every committed change: the journeys and fares
each process remembers per network version (backend/services/bus/network_data.py) and the
version the turn's first statement reads with the recorded answer and the hand-off
(backend/services/citizens/turn_opening.py). Each question comes from a new sender, as a
citizen served by another process would; the change is committed in between."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

from backend.models import FareAttribute, FareRule, StopTime
from backend.services.bus import network_cache
from backend.services.bus.departures import next_departures
from backend.services.bus.disruption_notices import announce_disruption
from backend.services.citizens.turn_opening import read_opening
from bot.processor import Processor
from bot.runtime import Runtime
from channels.messages import Message
from tests.utils.conversation import NOW, make_processor, make_store

pytestmark = pytest.mark.anyio
QUESTION = "嵩口到县城的班车几点有"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def processor(runtime: Runtime) -> Processor:
    return make_processor(runtime, make_store("memory")[0])


async def ask(processor: Processor, sender: str, text: str = QUESTION) -> str:
    message = Message(
        channel="rest", sender=sender, text=text, received_at=datetime.now(UTC), message_id=sender
    )
    return "\n".join(r.text for r in await processor.handle(message))


def first_departure(sessions: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    with sessions() as reader:
        return next_departures(reader, origin="嵩口镇", destination="清流县城", after=NOW)[0]


def clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def commit(sessions: sessionmaker[Session], statement: Executable) -> None:
    """A change committed by another session (another process, for the turns)."""
    with sessions() as writer:
        writer.execute(statement)
        writer.commit()


async def test_a_changed_departure_time_is_in_the_next_answer(
    processor: Processor, sessions: sessionmaker[Session]
) -> None:
    before = first_departure(sessions)
    assert clock(before.departure) in await ask(processor, "cache-time-1")
    later = {"departure_s": StopTime.departure_s + 420, "arrival_s": StopTime.arrival_s + 420}
    commit(sessions, update(StopTime).where(StopTime.trip_id == before.trip_id).values(later))
    moved = before.departure + timedelta(minutes=7)
    answer = await ask(processor, "cache-time-2")
    assert clock(moved) in answer and clock(before.departure) not in answer


async def test_a_stop_that_no_longer_boards_drops_its_trips_from_the_next_answer(
    processor: Processor, sessions: sessionmaker[Session]
) -> None:
    before = first_departure(sessions)
    assert clock(before.departure) in await ask(processor, "cache-legs-1")
    board = (StopTime.trip_id == before.trip_id) & (StopTime.stop_id == before.board_stop_id)
    commit(sessions, update(StopTime).where(board).values(pickup_type=1))
    assert first_departure(sessions).trip_id != before.trip_id
    assert clock(before.departure) not in await ask(processor, "cache-legs-2")


async def test_a_new_fare_is_in_the_next_answer(
    processor: Processor, sessions: sessionmaker[Session]
) -> None:
    before = first_departure(sessions)
    assert before.fare is not None and before.fare == int(before.fare)
    fare = int(before.fare)
    assert f"，{fare}元" in await ask(processor, "cache-fare-1")
    with sessions() as writer:
        rules = writer.scalars(select(FareRule.fare_id).where(FareRule.route_id == before.route_id)).all()
        writer.execute(
            update(FareAttribute).where(FareAttribute.fare_id.in_(rules)).values(price=before.fare + 5)
        )
        writer.commit()
    answer = await ask(processor, "cache-fare-2")
    assert f"，{fare + 5}元" in answer and f"，{fare}元" not in answer


async def test_a_disruption_moves_the_version_the_next_turn_reads(
    processor: Processor, sessions: sessionmaker[Session]
) -> None:
    await ask(processor, "cache-version-1")
    with sessions() as reader:
        version = network_cache.current_version(reader)
    with sessions() as writer:
        announce_disruption(
            writer,
            title="嵩口线停运",
            description="道路施工",
            starts_at=NOW,
            ends_at=NOW + timedelta(days=1),
            now=NOW,
        )
        writer.commit()
    with sessions() as later:
        sent: list[str] = []
        event.listen(later.connection(), "before_cursor_execute", lambda *args: sent.append(args[2]))
        read_opening(later, key="cache-version-2", conversation_id="rest:cache-version-2")
        assert network_cache.current_version(later) > version
        assert len(sent) == 1  # the version came with the opening read, not on its own
    assert "嵩口" in await ask(processor, "cache-version-2")
