"""The imported timetable's standing, for /health: which days it covers (its calendar, narrowed
by feed_info.txt's dates) and whether today is among them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.gtfs.validity import period_note
from backend.localtime import local_now
from backend.models import FeedInfo
from backend.services.bus.network import calendar_span, network_zone


@dataclass(frozen=True)
class TimetableStatus:
    state: str  # "current", "expired", "not_yet_valid" or "none" (no network imported)
    first_day: date | None = None
    last_day: date | None = None
    time_zone: str | None = None
    note: str | None = None  # the operator-facing sentence when not current


def timetable_status(session: Session, today: date | None = None) -> TimetableStatus:
    span = calendar_span(session)
    if span is None:
        return TimetableStatus("none")
    first, last = span
    info = session.scalar(select(FeedInfo).order_by(FeedInfo.id.desc()).limit(1))
    if info is not None and info.feed_start is not None:
        first = max(first, info.feed_start)
    if info is not None and info.feed_end is not None:
        last = min(last, info.feed_end)
    zone = network_zone(session)
    day = today if today is not None else local_now().astimezone(zone).date()
    note = period_note(first, last, day)
    state = "current" if note is None else ("expired" if last < day else "not_yet_valid")
    return TimetableStatus(state, first, last, str(zone), note)
