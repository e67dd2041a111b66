"""Read and validate a whole GTFS static feed from a folder or a .zip, without touching a database.

``read_feed`` returns a fully validated ``Feed`` or raises ``GtfsError`` at the first problem, so an
importer can load the result in one transaction and never leaves a half-loaded feed behind. Files
are read in dependency order (agency, stops, routes, calendars, trips, stop_times, fares,
feed_info); files the reader does not know (shapes.txt, frequencies.txt, ...) are ignored.
"""

from __future__ import annotations

import logging
from pathlib import Path

from backend.gtfs.csvfile import Table
from backend.gtfs.errors import GtfsError
from backend.gtfs.records import Calendar, CalendarDate, Feed
from backend.gtfs.schedule import (
    read_calendar,
    read_calendar_dates,
    read_fare_attributes,
    read_fare_rules,
    read_stop_times,
)
from backend.gtfs.source import MAX_TOTAL_BYTES, load_files
from backend.gtfs.tables import read_agencies, read_feed_info, read_routes, read_stops, read_trips

logger = logging.getLogger(__name__)

REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")


def read_feed(source: Path | str, *, max_bytes: int = MAX_TOTAL_BYTES) -> Feed:
    """Read the feed in ``source`` (a folder or a .zip) and validate all of it.

    ``max_bytes`` caps the total uncompressed size of the files read (default 200 MB).
    Raises GtfsError with file, row (1-based line, header = 1; 0 for a whole file) and column.
    """
    path = Path(source)
    files = load_files(path, max_bytes)
    if not files:
        raise GtfsError(path.name, 0, None, "里面没有找到 GTFS 文件（agency.txt、stops.txt 等）")
    for name in REQUIRED_FILES:
        if name not in files:
            raise GtfsError(name, 0, None, "缺少必需的文件")
    if "calendar.txt" not in files and "calendar_dates.txt" not in files:
        raise GtfsError(
            "calendar.txt", 0, None, "缺少必需的文件：calendar.txt 和 calendar_dates.txt 至少要有一个"
        )

    def table(name: str) -> Table:
        return Table(name, files[name])

    agencies = read_agencies(table("agency.txt"))
    stops = read_stops(table("stops.txt"))
    routes = read_routes(table("routes.txt"), agencies)
    calendars: list[Calendar] = read_calendar(table("calendar.txt")) if "calendar.txt" in files else []
    dates: list[CalendarDate] = (
        read_calendar_dates(table("calendar_dates.txt")) if "calendar_dates.txt" in files else []
    )
    service_ids = {c.service_id for c in calendars} | {d.service_id for d in dates}
    route_ids = {r.route_id for r in routes}
    trips, trip_lines = read_trips(table("trips.txt"), route_ids, service_ids)
    stop_times = read_stop_times(table("stop_times.txt"), trips, trip_lines, {s.stop_id: s for s in stops})
    feed = Feed(agencies, stops, routes, trips, stop_times, calendars, dates)
    agency_ids = {a.agency_id for a in agencies if a.agency_id is not None}
    if "fare_attributes.txt" in files:
        feed.fare_attributes = read_fare_attributes(
            table("fare_attributes.txt"), agency_ids, len(agencies) > 1
        )
    if "fare_rules.txt" in files:
        fare_ids = {f.fare_id for f in feed.fare_attributes}
        zone_ids = {s.zone_id for s in stops if s.zone_id is not None}
        feed.fare_rules = read_fare_rules(table("fare_rules.txt"), fare_ids, route_ids, zone_ids)
    if "feed_info.txt" in files:
        feed.feed_info = read_feed_info(table("feed_info.txt"))
    logger.info(
        "GTFS feed %s: %d routes, %d stops, %d trips, %d stop times",
        path.name,
        len(routes),
        len(stops),
        len(trips),
        len(stop_times),
    )
    return feed
