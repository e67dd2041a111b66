"""Notes on a valid feed that an operator should see before relying on it: the feed's time
zone differs from the county's TZ_NAME, or its calendar (and feed_info.txt's dates) has
ended or not begun yet. Shown by `cuntong gtfs validate|import`; /health says the same of
the imported network (backend.services.bus.feed)."""

from __future__ import annotations

from datetime import date

from backend.gtfs.records import Feed


def period_note(first: date | None, last: date | None, today: date) -> str | None:
    """Why a timetable valid from `first` to `last` cannot answer for today, if it cannot."""
    if last is not None and last < today:
        return f"时刻表已过期：只排到 {last:%Y-%m-%d}，今天（{today:%Y-%m-%d}）以后没有班次"
    if first is not None and first > today:
        return f"时刻表尚未生效：从 {first:%Y-%m-%d} 起才有班次，今天是 {today:%Y-%m-%d}"
    return None


def feed_period(feed: Feed) -> tuple[date | None, date | None]:
    """The days the feed answers for: its calendar, narrowed by feed_info.txt's dates."""
    span = feed.service_span()
    first, last = span if span else (None, None)
    info = feed.feed_info
    if info is not None and info.feed_start_date is not None:
        first = max(first, info.feed_start_date) if first else info.feed_start_date
    if info is not None and info.feed_end_date is not None:
        last = min(last, info.feed_end_date) if last else info.feed_end_date
    return first, last


def feed_notes(feed: Feed, *, today: date, tz_name: str) -> list[str]:
    notes = []
    zone = feed.agencies[0].agency_timezone if feed.agencies else None
    if zone and zone != tz_name:
        notes.append(
            f"时刻表的时区是 {zone}，与本系统的 TZ_NAME（{tz_name}）不同：这个线路网络的时间按 {zone} 计算"
        )
    note = period_note(*feed_period(feed), today)
    if note:
        notes.append(note)
    return notes
