"""Identifiers of docs/CONTRACTS.md §3: `B` + yyyymmdd + 4 digits, `C` and `S` + yyyymmdd + 3 digits.

The per-day sequence lives in `daily_counters` and is advanced with one UPDATE … RETURNING
inside the caller's transaction, so two writers never get the same number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.localtime import to_local
from backend.models import DailyCounter

WIDTHS = {"B": 4, "C": 3, "S": 3}


def next_id(session: Session, *, prefix: str, moment: datetime) -> str:
    day = to_local(moment).strftime("%Y%m%d")
    value = _advance(session, prefix, day)
    if value is None:
        try:
            with session.begin_nested():
                session.execute(insert(DailyCounter).values(prefix=prefix, day=day, value=0))
        except IntegrityError:
            pass  # another writer created the day's row first
        value = _advance(session, prefix, day)
    assert value is not None
    width = WIDTHS[prefix]
    if value >= 10**width:
        raise OverflowError(f"{prefix} sequence for {day} is exhausted")
    return f"{prefix}{day}{value:0{width}d}"


def _advance(session: Session, prefix: str, day: str) -> int | None:
    stmt = (
        update(DailyCounter)
        .where(DailyCounter.prefix == prefix, DailyCounter.day == day)
        .values(value=DailyCounter.value + 1)
        .returning(DailyCounter.value)
    )
    return session.execute(stmt).scalar_one_or_none()
