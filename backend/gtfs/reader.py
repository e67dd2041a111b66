"""Read and validate a whole GTFS static feed from a folder or a .zip, without touching a database.

``read_feed`` returns a fully validated ``Feed`` or raises ``GtfsError`` at the first problem, so an
importer can load the result in one transaction and never leaves a half-loaded feed behind. Every
value is also checked against what the database columns hold, so validating finds all that
importing would refuse. Files are read in dependency order (agency, stops, routes, calendars,
trips, stop_times, frequencies, shapes, transfers, fares, feed_info); other files (pathways,
levels, translations, attributions, GTFS-Fares v2 ...) are ignored. What is accepted but worth
knowing (a trip with one stop time skipped, a row with too many cells) is in ``feed.warnings``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from backend.gtfs.csvfile import Table
from backend.gtfs.errors import GtfsError, GtfsWarning
from backend.gtfs.extras import check_trip_shapes, read_frequencies, read_shapes, read_transfers
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

    tables: list[Table] = []
    warnings: list[GtfsWarning] = []

    def table(name: str) -> Table:
        tables.append(Table(name, files[name]))
        return tables[-1]

    def warn(file: str, line: int, column: str | None, message: str) -> None:
        warnings.append(GtfsWarning(file, line, column, message))

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
    stop_by_id = {s.stop_id: s for s in stops}
    stop_times, skipped = read_stop_times(table("stop_times.txt"), trips, trip_lines, stop_by_id, warn)
    skipped_ids = set(skipped)
    usable = [t for t in trips if t.trip_id not in skipped_ids]
    feed = Feed(agencies, stops, routes, usable, stop_times, calendars, dates)
    if "frequencies.txt" in files:
        feed.frequencies = read_frequencies(table("frequencies.txt"), trip_lines, skipped_ids)
    shape_ids = read_shapes(table("shapes.txt")) if "shapes.txt" in files else None
    check_trip_shapes(usable, trip_lines, shape_ids, warn)
    feed.shape_ids = shape_ids or set()
    if "transfers.txt" in files:
        transfers = read_transfers(table("transfers.txt"), stop_by_id, route_ids, trip_lines, warn)
        feed.transfers = [
            t for t in transfers if t.from_trip_id not in skipped_ids and t.to_trip_id not in skipped_ids
        ]
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
    feed.warnings = [w for t in tables for w in t.finish()] + warnings
    logger.info(
        "GTFS feed %s: %d routes, %d stops, %d trips, %d stop times, %d warnings",
        path.name,
        len(routes),
        len(stops),
        len(trips),
        len(stop_times),
        len(feed.warnings),
    )
    return feed
