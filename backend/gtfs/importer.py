"""Write a validated GTFS feed into the network tables, replacing the old network whole.

`import_feed` runs inside the caller's transaction: it deletes the old agencies, stops,
routes, calendars, trips, stop times and fares and bulk-inserts the new ones, so the
caller's one commit swaps networks at once and any failure (the caller rolls back) leaves
the old network as it was. Because `read_feed` validates the whole feed before anything is
written, an invalid feed never gets here. Each stop is linked to the gazetteer place it
serves: same name, an alias or short form, else the nearest place within 1.5 km. Stations
(location_type 1) are kept, entrances and other nodes are not; untimed intermediate stops
get times interpolated by distance. Pickup and drop-off types, frequencies, transfers
and the feed's dates (feed_info.txt and the calendar's span, in `gtfs_feed_info`) are
stored too; shapes are checked by the reader but not stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.gtfs.errors import GtfsError
from backend.gtfs.limits import LIMITS
from backend.gtfs.records import Feed, StopTime
from backend.gtfs.records import Stop as FeedStop
from backend.gtfs.stop_links import place_linker
from backend.models import (
    Agency,
    FareAttribute,
    FareRule,
    FeedInfo,
    Frequency,
    Route,
    ServiceCalendar,
    ServiceException,
    Stop,
    Transfer,
    Trip,
    utcnow,
)
from backend.models import (
    StopTime as StopTimeRow,
)
from backend.services.bus import network_cache
from backend.services.places.gazetteer import distance_km

logger = logging.getLogger(__name__)

DEFAULT_AGENCY_ID = "default"
# delete children first; insert in the reverse order
NETWORK_TABLES: tuple[type[Any], ...] = (
    FeedInfo,
    Transfer,
    Frequency,
    StopTimeRow,
    Trip,
    FareRule,
    FareAttribute,
    ServiceException,
    ServiceCalendar,
    Route,
    Stop,
    Agency,
)
ProgressFn = Callable[[str, int], None]


def network_size(session: Session) -> int:
    """Number of trips in the current network (0: no network)."""
    return int(session.scalar(select(func.count()).select_from(Trip)) or 0)


def import_feed(
    session: Session, feed: Feed, *, replace: bool = True, progress: ProgressFn | None = None
) -> dict[str, int]:
    """Replace the network with `feed`; returns rows written per table.

    With `replace=False` an existing network is refused (`Conflict`) instead of replaced.
    `progress(table, rows)` is called after each table is written.
    """
    _check_lengths(feed)
    skipped = sum(1 for r in feed.fare_rules if r.contains_id is not None)
    if skipped:
        logger.warning("%d fare rules use contains_id, which is not supported: left out", skipped)
    stops = [s for s in feed.stops if s.location_type in (0, 1)]
    _check_references(feed, {s.stop_id for s in stops})
    if network_size(session) or session.scalar(select(func.count()).select_from(Stop)):
        if not replace:
            raise Conflict("数据库里已有线路网络；要替换请使用 replace=True。")
        for model in NETWORK_TABLES:
            session.execute(delete(model))
    default_agency = (feed.agencies[0].agency_id if feed.agencies else None) or DEFAULT_AGENCY_ID
    link = place_linker(session)
    tables: list[tuple[type[Any], list[dict[str, Any]]]] = [
        (
            Agency,
            [
                {
                    "agency_id": a.agency_id or DEFAULT_AGENCY_ID,
                    "name": a.agency_name,
                    "url": a.agency_url,
                    "timezone": a.agency_timezone,
                    "phone": a.agency_phone,
                }
                for a in feed.agencies
            ],
        ),
        (
            Stop,
            [
                {
                    "stop_id": s.stop_id,
                    "name": s.stop_name or s.stop_id,
                    "lat": s.stop_lat,
                    "lon": s.stop_lon,
                    "zone_id": s.zone_id,
                    "place_id": link(s),
                }
                for s in stops
            ],
        ),
        (
            Route,
            [
                {
                    "route_id": r.route_id,
                    "agency_id": r.agency_id or default_agency,
                    "short_name": r.route_short_name,
                    "long_name": r.route_long_name,
                    "route_type": r.route_type,
                }
                for r in feed.routes
            ],
        ),
        (
            ServiceCalendar,
            [
                {
                    "service_id": c.service_id,
                    "monday": c.monday,
                    "tuesday": c.tuesday,
                    "wednesday": c.wednesday,
                    "thursday": c.thursday,
                    "friday": c.friday,
                    "saturday": c.saturday,
                    "sunday": c.sunday,
                    "start_date": c.start_date,
                    "end_date": c.end_date,
                }
                for c in feed.calendars
            ],
        ),
        (
            ServiceException,
            [
                {"service_id": d.service_id, "date": d.date, "exception_type": d.exception_type}
                for d in feed.calendar_dates
            ],
        ),
        (
            Trip,
            [
                {
                    "trip_id": t.trip_id,
                    "route_id": t.route_id,
                    "service_id": t.service_id,
                    "headsign": t.trip_headsign,
                    "direction_id": t.direction_id,
                }
                for t in feed.trips
            ],
        ),
        (StopTimeRow, _stop_time_rows(feed, {s.stop_id: s for s in stops})),
        (
            Frequency,
            [
                {
                    "trip_id": f.trip_id,
                    "start_s": f.start_time,
                    "end_s": f.end_time,
                    "headway_s": f.headway_secs,
                    "exact_times": f.exact_times == 1,
                }
                for f in feed.frequencies
            ],
        ),
        (
            Transfer,
            [
                {
                    "from_stop_id": t.from_stop_id,
                    "to_stop_id": t.to_stop_id,
                    "from_route_id": t.from_route_id,
                    "to_route_id": t.to_route_id,
                    "from_trip_id": t.from_trip_id,
                    "to_trip_id": t.to_trip_id,
                    "transfer_type": t.transfer_type,
                    "min_transfer_time": t.min_transfer_time,
                }
                for t in feed.transfers
            ],
        ),
        (FeedInfo, [_feed_info_row(feed)]),
        (
            FareAttribute,
            [
                {"fare_id": f.fare_id, "price": f.price, "currency": f.currency_type}
                for f in feed.fare_attributes
            ],
        ),
        (
            FareRule,
            [
                {
                    "fare_id": r.fare_id,
                    "route_id": r.route_id,
                    "origin_id": r.origin_id,
                    "destination_id": r.destination_id,
                }
                for r in feed.fare_rules
                if r.contains_id is None  # zone-crossing rules are not modelled: never misquote
            ],
        ),
    ]
    counts: dict[str, int] = {}
    for model, rows in tables:
        if rows:
            session.execute(insert(model), rows)
        counts[model.__tablename__] = len(rows)
        if progress is not None:
            progress(model.__tablename__, len(rows))
    network_cache.changed(session)  # every process rebuilds its copy once this transaction commits
    linked = sum(1 for row in tables[1][1] if row["place_id"] is not None)
    logger.info("GTFS network imported: %s (%d of %d stops linked to places)", counts, linked, len(stops))
    return counts


def _feed_info_row(feed: Feed) -> dict[str, Any]:
    info, span = feed.feed_info, feed.service_span()
    return {
        "publisher": info.feed_publisher_name if info else None,
        "version": info.feed_version if info else None,
        "feed_start": info.feed_start_date if info else None,
        "feed_end": info.feed_end_date if info else None,
        "service_start": span[0] if span else None,
        "service_end": span[1] if span else None,
        "imported_at": utcnow(),
    }


def _check_lengths(feed: Feed) -> None:
    """The reader checks every value; this guards feeds built in code (lines are approximate)."""
    files: dict[str, Sequence[Any]] = {
        "agency.txt": feed.agencies,
        "stops.txt": feed.stops,
        "routes.txt": feed.routes,
        "trips.txt": feed.trips,
        "fare_attributes.txt": feed.fare_attributes,
    }
    for (file, column), limit in LIMITS.items():
        for index, record in enumerate(files.get(file, ())):
            value = getattr(record, column, None)
            if value is not None and len(value) > limit:
                raise GtfsError(file, index + 2, column, f"太长（最多 {limit} 个字符）")


def _check_references(feed: Feed, kept_stops: set[str]) -> None:
    for index, st in enumerate(feed.stop_times):
        if st.stop_id not in kept_stops:
            raise GtfsError("stop_times.txt", index + 2, "stop_id", f"'{st.stop_id}' 不是可上下车的站点")


def _stop_time_rows(feed: Feed, stops: dict[str, FeedStop]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for trip_id, calls in feed.stop_times_by_trip().items():
        times = _interpolate(calls, stops)
        for call, (arrival, departure) in zip(calls, times, strict=True):
            rows.append(
                {
                    "trip_id": trip_id,
                    "stop_sequence": call.stop_sequence,
                    "stop_id": call.stop_id,
                    "arrival_s": arrival,
                    "departure_s": departure,
                    "pickup_type": call.pickup_type,
                    "drop_off_type": call.drop_off_type,
                }
            )
    return rows


def _interpolate(calls: list[StopTime], stops: dict[str, FeedStop]) -> list[tuple[int, int]]:
    """Times for every call; untimed calls get times in proportion to distance travelled."""
    travelled = [0.0]
    for before, after in zip(calls, calls[1:], strict=False):
        a, b = stops[before.stop_id], stops[after.stop_id]
        step = distance_km(a.stop_lat or 0, a.stop_lon or 0, b.stop_lat or 0, b.stop_lon or 0)
        travelled.append(travelled[-1] + step)
    result: list[tuple[int, int]] = []
    timed = [i for i, c in enumerate(calls) if c.departure_time is not None or c.arrival_time is not None]
    for i, call in enumerate(calls):
        arrival, departure = call.arrival_time, call.departure_time
        if arrival is None and departure is None:
            left = max(j for j in timed if j < i)
            right = min(j for j in timed if j > i)
            t0 = (
                calls[left].departure_time
                if calls[left].departure_time is not None
                else calls[left].arrival_time
            )
            t1 = (
                calls[right].arrival_time
                if calls[right].arrival_time is not None
                else calls[right].departure_time
            )
            span = travelled[right] - travelled[left]
            share = (travelled[i] - travelled[left]) / span if span > 0 else (i - left) / (right - left)
            arrival = departure = round((t0 or 0) + share * ((t1 or 0) - (t0 or 0)))
        result.append(
            (
                arrival if arrival is not None else departure or 0,
                departure if departure is not None else arrival or 0,
            )
        )
    return result
