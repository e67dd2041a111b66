"""The first read of every turn, in one statement instead of three round trips: the answer
already recorded for the inbound message (`delivery_records.answer_for`), the
conversation's active hand-off (`conversations.active_handoff_id`) and the version of the
process's network copies (`network_cache.current_version`, which this transaction then
does not read again). Each part is the same query as on its own, as a scalar subquery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.services.bus import network_cache
from backend.services.citizens.conversations import ACTIVE_ID
from backend.services.notices import delivery_records


@dataclass(frozen=True)
class Opening:
    answer: list[dict[str, Any]] | None  # the answer recorded for this message (a redelivery)
    handoff_id: int | None  # the hand-off that keeps the bot quiet, if any


_READ = select(
    *delivery_records.ANSWER_PARTS,
    ACTIVE_ID.scalar_subquery(),
    network_cache.READ_VERSION.scalar_subquery(),
)


def read_opening(
    session: Session, *, key: str | None, conversation_id: str, now: datetime | None = None
) -> Opening:
    """What a turn reads before it writes anything (`key` None: the message has no id)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    params = {"key": delivery_records.answer_key(key or ""), "cid": conversation_id}
    value, expires_at, handoff_id, version = session.connection().execute(_READ, params).one()
    network_cache.note_version(session, version)
    answer = delivery_records.live_answer(value, expires_at, now) if key is not None else None
    return Opening(answer=answer, handoff_id=None if handoff_id is None else int(handoff_id))
