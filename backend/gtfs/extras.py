"""The optional files a feed may add to its timetable: frequencies.txt (lines that run every N
minutes), shapes.txt (the road a trip follows) and transfers.txt (changing between lines).

Frequencies are kept and imported (they multiply a trip into its runs); transfers are kept
and imported for journey planning; shapes are only checked (ids, coordinates, sequence and
distance along the shape), since no answer draws a route on a map.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container

from backend.gtfs.csvfile import Row, Table
from backend.gtfs.errors import GtfsError
from backend.gtfs.records import Frequency, Stop, Transfer, Trip
from backend.gtfs.schedule import hms
from backend.gtfs.tables import reference

WarnFn = Callable[[str, int, str | None, str], None]
BOARDABLE = (0, 1)  # transfers may name stops and stations


def read_frequencies(table: Table, trip_lines: dict[str, int], skipped: Container[str]) -> list[Frequency]:
    """The frequency periods of usable trips; periods of one trip may not overlap."""
    table.require("trip_id", "start_time", "end_time", "headway_secs")
    periods: dict[str, list[tuple[int, Frequency]]] = defaultdict(list)
    for row in table:
        trip_id = row.need("trip_id")
        reference(row, "trip_id", trip_lines, "trips.txt")
        start, end = _need_time(row, "start_time"), _need_time(row, "end_time")
        if end <= start:
            raise row.error("end_time", f"结束时间应晚于开始时间 {hms(start)}")
        headway = row.need_integer("headway_secs", 1)
        exact = row.integer("exact_times", 0, 1) or 0
        if trip_id not in skipped:
            periods[trip_id].append((row.line, Frequency(trip_id, start, end, headway, exact)))
    result: list[Frequency] = []
    for trip_periods in periods.values():
        trip_periods.sort(key=lambda item: item[1].start_time)
        for (line_a, a), (line_b, b) in zip(trip_periods, trip_periods[1:], strict=False):
            if b.start_time < a.end_time:
                later = max(line_a, line_b)
                message = (
                    f"班次 '{a.trip_id}' 的发车时段重叠：{hms(b.start_time)} 早于"
                    f"第 {min(line_a, line_b)} 行时段的结束时间 {hms(a.end_time)}"
                )
                raise GtfsError(table.name, later, "start_time", message)
        result.extend(freq for _line, freq in trip_periods)
    return result


def _need_time(row: Row, column: str) -> int:
    value = row.time(column)
    if value is None:
        raise row.error(column, "必填，不能为空")
    return value


def read_shapes(table: Table) -> set[str]:
    """The shape ids, after checking points: coordinates, unique sequence, distance never decreasing."""
    table.require("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence")
    points: dict[str, list[tuple[int, float | None, int]]] = defaultdict(list)
    for row in table:
        shape_id = row.need("shape_id")
        for column, low, high in (("shape_pt_lat", -90, 90), ("shape_pt_lon", -180, 180)):
            if row.number(column, low, high) is None:
                raise row.error(column, "必填，不能为空")
        sequence = row.need_integer("shape_pt_sequence", 0)
        points[shape_id].append((sequence, row.number("shape_dist_traveled", 0), row.line))
    problems: list[GtfsError] = []
    for shape_id, shape in points.items():
        shape.sort()
        for (seq_a, dist_a, line_a), (seq_b, dist_b, line_b) in zip(shape, shape[1:], strict=False):
            if seq_a == seq_b:
                message = f"形状 '{shape_id}' 的 shape_pt_sequence {seq_a} 重复（第 {min(line_a, line_b)} 行已出现）"
                problems.append(GtfsError(table.name, max(line_a, line_b), "shape_pt_sequence", message))
                break
            if dist_a is not None and dist_b is not None and dist_b < dist_a:
                message = f"形状 '{shape_id}' 的 shape_dist_traveled {dist_b:g} 小于上一点（第 {line_a} 行的 {dist_a:g}）"
                problems.append(GtfsError(table.name, line_b, "shape_dist_traveled", message))
                break
    if problems:
        raise min(problems, key=lambda p: p.row)
    return set(points)


def check_trip_shapes(
    trips: list[Trip], trip_lines: dict[str, int], shape_ids: set[str] | None, warn: WarnFn
) -> None:
    """Trips must name shapes that exist; without shapes.txt their shape_id is only noted."""
    shaped = [t for t in trips if t.shape_id is not None]
    if shape_ids is None:
        if shaped:
            warn(
                "trips.txt",
                trip_lines[shaped[0].trip_id],
                "shape_id",
                "填了 shape_id 但没有 shapes.txt，线路走向被忽略",
            )
        return
    for trip in shaped:
        if trip.shape_id not in shape_ids:
            message = f"找不到 shape_id '{trip.shape_id}'（shapes.txt 里没有）"
            raise GtfsError("trips.txt", trip_lines[trip.trip_id], "shape_id", message)


def read_transfers(
    table: Table, stops: dict[str, Stop], route_ids: Container[str], trip_ids: Container[str], warn: WarnFn
) -> list[Transfer]:
    """Transfers between known stops (or stations), lines and trips; no pair twice."""
    table.require("transfer_type")
    transfers: list[Transfer] = []
    seen: dict[str, int] = {}
    for row in table:
        kind = row.integer("transfer_type", 0, 5) or 0
        ends = [
            _transfer_stop(row, column, stops, required=kind in (1, 2, 3))
            for column in ("from_stop_id", "to_stop_id")
        ]
        trips = [reference(row, column, trip_ids, "trips.txt") for column in ("from_trip_id", "to_trip_id")]
        if kind in (4, 5) and None in trips:
            column = "from_trip_id" if trips[0] is None else "to_trip_id"
            raise row.error(column, "同车换乘（transfer_type 4、5）必须填写前后两个班次")
        transfer = Transfer(
            from_stop_id=ends[0],
            to_stop_id=ends[1],
            transfer_type=kind,
            min_transfer_time=row.integer("min_transfer_time", 0),
            from_route_id=reference(row, "from_route_id", route_ids, "routes.txt"),
            to_route_id=reference(row, "to_route_id", route_ids, "routes.txt"),
            from_trip_id=trips[0],
            to_trip_id=trips[1],
        )
        if kind == 2 and transfer.min_transfer_time is None:
            warn(table.name, row.line, "min_transfer_time", "transfer_type 2 应填写最短换乘时间，按 0 秒处理")
        key = repr(
            (transfer.from_stop_id, transfer.to_stop_id, *trips, transfer.from_route_id, transfer.to_route_id)
        )
        if key in seen:
            raise row.error(None, f"换乘规则重复：站点、线路和班次都与第 {seen[key]} 行相同")
        seen[key] = row.line
        transfers.append(transfer)
    return transfers


def _transfer_stop(row: Row, column: str, stops: dict[str, Stop], *, required: bool) -> str | None:
    value = row.need(column) if required else row.text(column)
    if value is None:
        return None
    reference(row, column, stops, "stops.txt")
    if stops[value].location_type not in BOARDABLE:
        raise row.error(column, f"'{value}' 不是站点或车站（location_type 应为 0 或 1）")
    return value
