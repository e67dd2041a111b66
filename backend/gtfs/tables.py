"""Turn the network files of a feed (agency, stops, routes, trips, feed_info) into typed records.

Each reader checks required columns and values, value types and ranges, unique ids, and the
references to files read before it; the first problem raises GtfsError with file, line and column.
"""

from __future__ import annotations

from collections.abc import Container
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backend.gtfs.csvfile import Row, Table
from backend.gtfs.errors import GtfsError
from backend.gtfs.records import Agency, FeedInfo, Route, Stop, Trip

ROUTE_TYPES = frozenset({0, 1, 2, 3, 4, 5, 6, 7, 11, 12}) | frozenset(range(100, 1800))
STATION = 1


def unique(row: Row, column: str, value: str, seen: dict[str, int]) -> None:
    """Remember the id's line; raise if an earlier line already had it."""
    if value in seen:
        raise row.error(column, f"{column} '{value}' 重复（第 {seen[value]} 行已出现）")
    seen[value] = row.line


def reference(row: Row, column: str, known: Container[str], target: str) -> str | None:
    """The referenced id if the cell is filled; raise if the target file does not have it."""
    value = row.text(column)
    if value is not None and value not in known:
        raise row.error(column, f"找不到 {column} '{value}'（{target} 里没有）")
    return value


def not_empty(table: Table, count: int) -> None:
    if count == 0:
        raise GtfsError(table.name, 1, None, "只有表头，没有数据")


def timezone(row: Row, column: str, required: bool = False) -> str | None:
    value = row.need(column) if required else row.text(column)
    if value is not None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise row.error(column, f"不是有效的时区名称（如 Asia/Shanghai），收到 '{value}'") from None
    return value


def read_agencies(table: Table) -> list[Agency]:
    table.require("agency_name", "agency_url", "agency_timezone")
    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    rows: list[Row] = []
    for row in table:
        agency_id = row.text("agency_id")
        if agency_id is not None:
            unique(row, "agency_id", agency_id, seen)
        zone = timezone(row, "agency_timezone", required=True) or ""
        if agencies and zone != agencies[0].agency_timezone:
            raise row.error(
                "agency_timezone",
                f"所有运营商的时区必须相同（第 {rows[0].line} 行是 {agencies[0].agency_timezone}）",
            )
        agencies.append(
            Agency(
                agency_id,
                row.need("agency_name"),
                row.url("agency_url", required=True) or "",
                zone,
                row.text("agency_lang"),
                row.text("agency_phone"),
                row.url("agency_fare_url"),
                row.text("agency_email"),
            )
        )
        rows.append(row)
    not_empty(table, len(agencies))
    if len(agencies) > 1:
        for row, agency in zip(rows, agencies, strict=True):
            if agency.agency_id is None:
                raise row.error("agency_id", "有多个运营商时 agency_id 必填")
    return agencies


def _stop(row: Row) -> Stop:
    kind = row.integer("location_type", 0, 4) or 0
    located = kind <= 2  # stops, stations and entrances need a name and a position
    return Stop(
        stop_id=row.need("stop_id"),
        stop_name=row.need("stop_name") if located else row.text("stop_name"),
        stop_lat=row.number("stop_lat", -90, 90),
        stop_lon=row.number("stop_lon", -180, 180),
        location_type=kind,
        parent_station=row.text("parent_station"),
        stop_code=row.text("stop_code"),
        stop_desc=row.text("stop_desc"),
        zone_id=row.text("zone_id"),
        stop_url=row.url("stop_url"),
        stop_timezone=timezone(row, "stop_timezone"),
        wheelchair_boarding=row.integer("wheelchair_boarding", 0, 2),
        platform_code=row.text("platform_code"),
    )


def read_stops(table: Table) -> list[Stop]:
    table.require("stop_id", "stop_name", "stop_lat", "stop_lon")
    stops: list[tuple[Row, Stop]] = []
    seen: dict[str, int] = {}
    for row in table:
        stop = _stop(row)
        if stop.location_type <= 2 and (stop.stop_lat is None or stop.stop_lon is None):
            raise row.error("stop_lat" if stop.stop_lat is None else "stop_lon", "必填，不能为空")
        unique(row, "stop_id", stop.stop_id, seen)
        stops.append((row, stop))
    not_empty(table, len(stops))
    kinds = {stop.stop_id: stop.location_type for _, stop in stops}
    for row, stop in stops:
        parent = stop.parent_station
        if parent is None:
            if stop.location_type >= 2:
                raise row.error("parent_station", "入口、节点和上车区必须填写所属站点 parent_station")
            continue
        if stop.location_type == STATION:
            raise row.error("parent_station", "车站（location_type 1）不能再有 parent_station")
        if parent not in kinds:
            raise row.error("parent_station", f"找不到 parent_station '{parent}'（stops.txt 里没有）")
        wanted = 0 if stop.location_type == 4 else STATION
        if kinds[parent] != wanted:
            raise row.error("parent_station", f"parent_station '{parent}' 的 location_type 应为 {wanted}")
    return [stop for _, stop in stops]


def read_routes(table: Table, agencies: list[Agency]) -> list[Route]:
    table.require("route_id", "route_type")
    agency_ids = {a.agency_id for a in agencies if a.agency_id is not None}
    routes: list[Route] = []
    seen: dict[str, int] = {}
    for row in table:
        route_id = row.need("route_id")
        unique(row, "route_id", route_id, seen)
        agency_id = row.need("agency_id") if len(agencies) > 1 else row.text("agency_id")
        reference(row, "agency_id", agency_ids, "agency.txt")
        short, long = row.text("route_short_name"), row.text("route_long_name")
        if short is None and long is None:
            raise row.error("route_short_name", "route_short_name 和 route_long_name 至少要填一个")
        route_type = row.need_integer("route_type", 0)
        if route_type not in ROUTE_TYPES:
            raise row.error("route_type", f"不是有效的线路类型（公交车为 3），收到 '{route_type}'")
        routes.append(
            Route(
                route_id,
                agency_id,
                short,
                long,
                route_type,
                row.text("route_desc"),
                row.url("route_url"),
                row.color("route_color"),
                row.color("route_text_color"),
                row.integer("route_sort_order", 0),
            )
        )
    not_empty(table, len(routes))
    return routes


def read_trips(table: Table, route_ids: set[str], service_ids: set[str]) -> tuple[list[Trip], dict[str, int]]:
    """The trips, and the line of each trip_id (for trips that turn out to have no stop times)."""
    table.require("route_id", "service_id", "trip_id")
    trips: list[Trip] = []
    lines: dict[str, int] = {}
    for row in table:
        trip_id = row.need("trip_id")
        unique(row, "trip_id", trip_id, lines)
        route_id, service_id = row.need("route_id"), row.need("service_id")
        reference(row, "route_id", route_ids, "routes.txt")
        reference(row, "service_id", service_ids, "calendar.txt 和 calendar_dates.txt")
        trips.append(
            Trip(
                route_id,
                service_id,
                trip_id,
                row.text("trip_headsign"),
                row.text("trip_short_name"),
                row.integer("direction_id", 0, 1),
                row.text("block_id"),
                row.text("shape_id"),
                row.integer("wheelchair_accessible", 0, 2),
                row.integer("bikes_allowed", 0, 2),
            )
        )
    not_empty(table, len(trips))
    return trips, lines


def read_feed_info(table: Table) -> FeedInfo | None:
    table.require("feed_publisher_name", "feed_publisher_url", "feed_lang")
    info: FeedInfo | None = None
    for row in table:
        if info is not None:
            raise row.error(None, "feed_info.txt 只能有一行数据")
        start, end = row.day("feed_start_date"), row.day("feed_end_date")
        if start and end and end < start:
            raise row.error("feed_end_date", "结束日期早于开始日期")
        info = FeedInfo(
            row.need("feed_publisher_name"),
            row.url("feed_publisher_url", required=True) or "",
            row.need("feed_lang"),
            row.text("default_lang"),
            start,
            end,
            row.text("feed_version"),
            row.text("feed_contact_email"),
            row.url("feed_contact_url"),
        )
    return info
