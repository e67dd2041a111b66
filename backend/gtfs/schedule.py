"""Turn the service files of a feed (calendar, calendar_dates, stop_times, fares) into typed records.

Besides types and references, stop times are checked per trip: stop_sequence unique, times present
at the first and last stop, and never going backwards along the trip. When several trips are
broken, the problem on the earliest line of the file is reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from backend.gtfs.csvfile import Row, Table
from backend.gtfs.errors import GtfsError
from backend.gtfs.records import Calendar, CalendarDate, FareAttribute, FareRule, Stop, StopTime, Trip
from backend.gtfs.tables import not_empty, reference, unique

WarnFn = Callable[[str, int, str | None, str], None]
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def read_calendar(table: Table) -> list[Calendar]:
    table.require("service_id", *DAYS, "start_date", "end_date")
    calendars: list[Calendar] = []
    seen: dict[str, int] = {}
    for row in table:
        service_id = row.need("service_id")
        unique(row, "service_id", service_id, seen)
        flags = [row.flag(day) for day in DAYS]
        start, end = row.need_day("start_date"), row.need_day("end_date")
        if end < start:
            raise row.error("end_date", "结束日期早于开始日期")
        calendars.append(Calendar(service_id, *flags, start_date=start, end_date=end))
    return calendars


def read_calendar_dates(table: Table) -> list[CalendarDate]:
    table.require("service_id", "date", "exception_type")
    dates: list[CalendarDate] = []
    seen: dict[str, int] = {}
    for row in table:
        service_id, day = row.need("service_id"), row.need_day("date")
        unique(row, "date", f"{service_id} {day:%Y%m%d}", seen)
        dates.append(CalendarDate(service_id, day, row.need_integer("exception_type", 1, 2)))
    return dates


def _stop_time(row: Row, trip_ids: dict[str, int], stops: dict[str, Stop]) -> StopTime:
    trip_id = row.need("trip_id")
    reference(row, "trip_id", trip_ids, "trips.txt")
    stop_id = row.need("stop_id")
    reference(row, "stop_id", stops, "stops.txt")
    if stops[stop_id].location_type != 0:
        raise row.error("stop_id", f"'{stop_id}' 是车站或入口，班次只能停靠 location_type 为 0 的站点")
    arrival, departure = row.time("arrival_time"), row.time("departure_time")
    if (arrival is None) != (departure is None):
        missing = "departure_time" if departure is None else "arrival_time"
        raise row.error(missing, "到站和离站时间要么都填，要么都不填（只停不计时的站两个都留空）")
    if arrival is not None and departure is not None and departure < arrival:
        raise row.error("departure_time", f"离站时间早于到站时间 {hms(arrival)}")
    return StopTime(
        trip_id=trip_id,
        arrival_time=arrival,
        departure_time=departure,
        stop_id=stop_id,
        stop_sequence=row.need_integer("stop_sequence", 0),
        stop_headsign=row.text("stop_headsign"),
        pickup_type=row.integer("pickup_type", 0, 3) or 0,
        drop_off_type=row.integer("drop_off_type", 0, 3) or 0,
        shape_dist_traveled=row.number("shape_dist_traveled", 0),
        timepoint=row.integer("timepoint", 0, 1),
    )


def _trip_problem(file: str, calls: list[tuple[int, StopTime]]) -> GtfsError | None:
    """The first problem of one trip's calls (sorted by stop_sequence), if any."""
    for (line_a, a), (line_b, b) in zip(calls, calls[1:], strict=False):
        if a.stop_sequence == b.stop_sequence:
            later, earlier = max(line_a, line_b), min(line_a, line_b)
            message = f"班次 '{a.trip_id}' 的 stop_sequence {a.stop_sequence} 重复（第 {earlier} 行已出现）"
            return GtfsError(file, later, "stop_sequence", message)
    for (line_a, a), (line_b, b) in zip(calls, calls[1:], strict=False):
        if (
            a.shape_dist_traveled is not None
            and b.shape_dist_traveled is not None
            and b.shape_dist_traveled < a.shape_dist_traveled
        ):
            message = (
                f"shape_dist_traveled {b.shape_dist_traveled:g} 小于上一站"
                f"（第 {line_a} 行的 {a.shape_dist_traveled:g}），沿班次行驶距离不能减少"
            )
            return GtfsError(file, line_b, "shape_dist_traveled", message)
    for index in (0, len(calls) - 1):
        line, call = calls[index]
        if call.arrival_time is None:
            return GtfsError(file, line, "arrival_time", "班次的首站和末站必须填写时间")
    latest, latest_line = -1, 0
    for line, call in calls:
        if call.arrival_time is None or call.departure_time is None:
            continue
        if call.arrival_time < latest:
            message = f"时间早于上一站（第 {latest_line} 行的 {hms(latest)}），stop_sequence 与时间顺序不符"
            return GtfsError(file, line, "arrival_time", message)
        latest, latest_line = call.departure_time, line
    return None


def read_stop_times(
    table: Table, trips: list[Trip], trip_lines: dict[str, int], stops: dict[str, Stop], warn: WarnFn
) -> tuple[list[StopTime], list[str]]:
    """The stop times of the usable trips, and the ids of trips skipped (fewer than two calls)."""
    table.require("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence")
    calls: dict[str, list[tuple[int, StopTime]]] = defaultdict(list)
    for row in table:
        call = _stop_time(row, trip_lines, stops)
        calls[call.trip_id].append((row.line, call))
    not_empty(table, len(calls))
    problems: list[GtfsError] = []
    for trip_calls in calls.values():
        trip_calls.sort(key=lambda item: item[1].stop_sequence)
        if (problem := _trip_problem(table.name, trip_calls)) is not None:
            problems.append(problem)
    if problems:
        raise min(problems, key=lambda p: p.row)
    result: list[StopTime] = []
    skipped: list[str] = []
    for trip in trips:
        count = len(calls.get(trip.trip_id, ()))
        if count < 2:
            message = f"班次 '{trip.trip_id}' 在 stop_times.txt 里只有 {count} 个停靠站，无法乘坐，已跳过"
            warn("trips.txt", trip_lines[trip.trip_id], "trip_id", message)
            skipped.append(trip.trip_id)
            continue
        result.extend(call for _, call in calls[trip.trip_id])
    if not result:
        raise GtfsError(table.name, 1, None, "没有一个班次有两个以上的停靠站")
    return result, skipped


def read_fare_attributes(table: Table, agency_ids: set[str], many_agencies: bool) -> list[FareAttribute]:
    table.require("fare_id", "price", "currency_type", "payment_method", "transfers")
    fares: list[FareAttribute] = []
    seen: dict[str, int] = {}
    for row in table:
        fare_id = row.need("fare_id")
        unique(row, "fare_id", fare_id, seen)
        price, currency = row.money("price"), row.need("currency_type")
        if not (len(currency) == 3 and currency.isascii() and currency.isupper()):
            raise row.error("currency_type", f"币种应为 ISO 4217 三位大写字母（如 CNY），收到 '{currency}'")
        agency_id = row.need("agency_id") if many_agencies else row.text("agency_id")
        reference(row, "agency_id", agency_ids, "agency.txt")
        fares.append(
            FareAttribute(
                fare_id=fare_id,
                price=price,
                currency_type=currency,
                payment_method=row.need_integer("payment_method", 0, 1),
                transfers=row.integer("transfers", 0, 2),
                agency_id=agency_id,
                transfer_duration=row.integer("transfer_duration", 0),
            )
        )
    return fares


def read_fare_rules(
    table: Table, fare_ids: set[str], route_ids: set[str], zone_ids: set[str]
) -> list[FareRule]:
    table.require("fare_id")
    rules: list[FareRule] = []
    seen: dict[str, int] = {}
    for row in table:
        row.need("fare_id")
        rule = FareRule(
            fare_id=reference(row, "fare_id", fare_ids, "fare_attributes.txt") or "",
            route_id=reference(row, "route_id", route_ids, "routes.txt"),
            origin_id=reference(row, "origin_id", zone_ids, "stops.txt 的 zone_id"),
            destination_id=reference(row, "destination_id", zone_ids, "stops.txt 的 zone_id"),
            contains_id=reference(row, "contains_id", zone_ids, "stops.txt 的 zone_id"),
        )
        key = (rule.route_id, rule.origin_id, rule.destination_id, rule.contains_id)
        if repr(key) in seen:
            raise row.error(
                None,
                f"票价规则重复：线路、起点区、终点区和途经区都与第 {seen[repr(key)]} 行相同，无法确定票价",
            )
        seen[repr(key)] = row.line
        rules.append(rule)
    return rules
