"""Build the pilot county's GTFS feed rows from the places table and the line definitions below.

Run times come from great-circle distance times a detour factor at an average mountain-road speed
(at least 3 minutes between stops); each line's vehicles run in blocks that leave a home terminal in
the morning and end there in the evening; fares follow road distance along the line, zone to zone,
with the county town as one zone. Pure and deterministic: rows in, rows out, no randomness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

Places = dict[str, dict[str, str]]
Rows = dict[str, list[dict[str, str]]]

START, END = date(2026, 1, 1), date(2027, 12, 31)
SPRING_FESTIVAL = (date(2026, 2, 17), date(2027, 2, 6))  # 正月初一: no daily service
TOWN_ZONE = "qingliu"
TOWN_STOPS = ("清流县汽车站", "清流县医院", "清流县第一中学")
STOP_IDS = {
    name: stop_id
    for name, _, stop_id in (
        pair.partition("=")
        for pair in """
清流县城=qingliu 清流县汽车站=qingliu_qichezhan 清流县医院=qingliu_yiyuan 清流县第一中学=qingliu_yizhong
嵩口镇=songkou 嵩口村=songkou_cun 嵩口中心小学=songkou_xiaoxue 溪源村=xiyuan 嵩溪镇=songxi 嵩溪村=songxi_cun
黄石坑村=huangshikeng 长校镇=changxiao 长校村=changxiao_cun 江坊村=jiangfang 灵地镇=lingdi 灵地村=lingdi_cun
邓家村=dengjia 赖坊镇=laifang 赖坊村=laifang_cun 姚坊村=yaofang 李家乡=lijia 李家村=lijia_cun 新坊村=xinfang
田源乡=tianyuan 田源村=tianyuan_cun 里田乡=litian 里田村=litian_cun 温郊乡=wenjiao 温郊村=wenjiao_cun
余朋乡=yupeng 余朋村=yupeng_cun 沙芜乡=shawu 沙芜村=shawu_cun 林畲镇=linshe 林畲村=linshe_cun 三明市=sanming
永安市=yongan 宁化县=ninghua 明溪县=mingxi
""".split()
    )
}
AGENCIES = [
    {
        "agency_id": aid,
        "agency_name": name,
        "agency_url": f"https://cuntong.example.org/{aid}",
        "agency_timezone": "Asia/Shanghai",
        "agency_lang": "zh",
    }
    for aid, name in (("qlgj", "清流县公共交通有限公司"), ("smcj", "三明市城际客运有限公司"))
]


@dataclass(frozen=True)
class Line:
    """One bus line: its stops outbound (direction 0) and how its vehicles run the day."""

    route_id: str
    short: str
    agency: str
    stops: tuple[str, ...]
    round_trips: int
    vehicles: int
    first: str  # first departure from the home terminal
    last: str  # last departure from the far terminal, back home
    home_is_last: bool = True  # vehicles sleep at the township end
    speed_kmh: float = 30.0
    detour: float = 1.4
    layover: int = 15  # minimum minutes at a terminal


def _county(n: int, stops: str, trips: int, veh: int, first: str = "06:30", last: str = "17:30") -> Line:
    return Line(f"L{n:02d}", f"{n}路", "qlgj", ("清流县汽车站", *stops.split()), trips, veh, first, last)


def _intercity(rid: str, short: str, dest: str, trips: int, first: str, last: str, veh: int = 1) -> Line:
    stops = ("清流县汽车站", dest)
    return Line(rid, short, "smcj", stops, trips, veh, first, last, False, 55.0, 1.35, 30)


LINES = [
    _county(1, "沙芜乡 嵩口中心小学 嵩口镇 嵩口村 溪源村", 8, 2),
    _county(2, "清流县第一中学 温郊乡 嵩溪镇 嵩溪村 黄石坑村", 6, 2, "06:40"),
    _county(3, "长校村 长校镇 江坊村", 6, 2),
    _county(4, "清流县第一中学 灵地镇 灵地村 邓家村", 6, 2, "06:40"),
    _county(5, "赖坊村 赖坊镇 姚坊村", 4, 1),
    _county(6, "清流县医院 李家村 李家乡 新坊村", 6, 1, "06:50", "17:40"),
    _county(7, "田源村 田源乡", 4, 1, "07:00", "17:00"),
    _county(8, "里田乡 里田村", 5, 1, "06:50", "17:20"),
    _county(9, "清流县第一中学 温郊乡 温郊村", 8, 1, "06:30", "18:00"),
    _county(10, "清流县医院 李家乡 余朋村 余朋乡", 4, 1, "06:40", "17:00"),
    _county(11, "沙芜乡 沙芜村", 6, 1, "07:00", "18:00"),
    _county(12, "清流县第一中学 温郊乡 嵩溪镇 林畲村 林畲镇", 5, 2),
    Line("L13", "13路", "qlgj", ("嵩口镇", "里田乡", "灵地镇"), 2, 1, "07:00", "15:30", False),
    Line("L14", "14路", "qlgj", ("长校村", "长校镇", "赖坊镇", "赖坊村"), 3, 1, "07:30", "16:00", False),
    _intercity("C01", "清三线", "三明市", 4, "07:00", "16:30", veh=2),
    _intercity("C02", "清宁线", "宁化县", 5, "07:00", "17:30"),
    _intercity("C03", "清永线", "永安市", 2, "07:10", "16:40"),
    _intercity("C04", "清明线", "明溪县", 3, "07:20", "17:00"),
]
# Students of 清流县第一中学 go home on Friday afternoon and come back on Sunday afternoon.
STUDENT_LINES = ("L02", "L04", "L12")
MARKET_LINE, MARKET_DAYS = "L13", (3, 8, 13, 18, 23, 28)  # 嵩口圩日: one extra round trip


def km(places: Places, a: str, b: str) -> float:
    """Great-circle distance in kilometres."""
    la1, lo1 = math.radians(float(places[a]["lat"])), math.radians(float(places[a]["lon"]))
    la2, lo2 = math.radians(float(places[b]["lat"])), math.radians(float(places[b]["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _pairs(stops: tuple[str, ...]) -> list[tuple[str, str]]:
    return list(zip(stops, stops[1:], strict=False))


def _hms(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _min(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:5])


def segment_minutes(places: Places, line: Line, stops: tuple[str, ...]) -> list[int]:
    return [max(3, round(km(places, a, b) * line.detour / line.speed_kmh * 60)) for a, b in _pairs(stops)]


def blocks(line: Line, run: int) -> list[list[tuple[int, int]]]:
    """Per vehicle, its legs as (direction_id, departure minute): out from home and back, n times."""
    home_dir = 1 if line.home_is_last else 0  # direction of the first leg, leaving home
    stagger = 60 if line.vehicles > 1 else 0
    result: list[list[tuple[int, int]]] = []
    for b in range(line.vehicles):
        n = line.round_trips // line.vehicles + (1 if b < line.round_trips % line.vehicles else 0)
        start = _min(line.first) + b * stagger
        end = _min(line.last) - (line.vehicles - 1 - b) * stagger
        cycle_min = 2 * run + 2 * line.layover
        cycle = (end - start - run - line.layover) // (n - 1) // 5 * 5 if n > 1 else cycle_min
        if cycle < cycle_min or end < start + run + line.layover:
            raise ValueError(f"{line.short}: {n} round trips do not fit one vehicle")
        legs: list[tuple[int, int]] = []
        for k in range(n):
            out = start + k * cycle
            back = out + run + line.layover
            back += -back % 5
            legs += [(home_dir, out), (1 - home_dir, back if k < n - 1 else max(back, end))]
        result.append(legs)
    return result


def _stop_row(places: Places, name: str, kind: str = "0") -> dict[str, str]:
    in_town = name in TOWN_STOPS
    return {
        "stop_id": STOP_IDS[name],
        "stop_name": name,
        "stop_lat": places[name]["lat"],
        "stop_lon": places[name]["lon"],
        "zone_id": _zone(name) if kind == "0" else "",
        "location_type": kind,
        "parent_station": STOP_IDS["清流县城"] if in_town else "",
    }


def _zone(name: str) -> str:
    return TOWN_ZONE if name in TOWN_STOPS else STOP_IDS[name]


def _fare(line: Line, road_km: float) -> int:
    if line.agency == "smcj":
        return max(10, round(5 + 0.4 * road_km))
    return min(20, max(3, math.ceil(1 + 0.35 * road_km)))


def _fares(places: Places, rows: Rows) -> None:
    """Zone-to-zone fares per line by road distance along the line, for every pair of its stops."""
    prices: dict[tuple[str, str, str], int] = {}
    for line in LINES:
        cum = [0.0]
        for a, b in _pairs(line.stops):
            cum.append(cum[-1] + km(places, a, b) * line.detour)
        for i, a in enumerate(line.stops):
            for j, b in enumerate(line.stops):
                key = (line.route_id, _zone(a), _zone(b))
                if i != j:
                    prices[key] = max(prices.get(key, 0), _fare(line, abs(cum[j] - cum[i])))
    agency = {line.route_id: line.agency for line in LINES}
    rows["fare_attributes.txt"] = [
        {
            "fare_id": f"{a}_{p}",
            "price": f"{p}.00",
            "currency_type": "CNY",
            "payment_method": "0",
            "transfers": "0",
            "agency_id": a,
        }
        for a, p in sorted({(agency[r], p) for (r, _, _), p in prices.items()})
    ]
    rows["fare_rules.txt"] = [
        {"fare_id": f"{agency[r]}_{p}", "route_id": r, "origin_id": o, "destination_id": d}
        for (r, o, d), p in sorted(prices.items())
    ]


def _trip(
    rows: Rows,
    line: Line,
    service: str,
    leg: tuple[int, int],
    stops: tuple[str, ...],
    mins: list[int],
    block: str = "",
) -> None:
    direction, dep = leg
    seq = stops if direction == 0 else stops[::-1]
    seg = [0, *(mins if direction == 0 else mins[::-1])]
    trip_id = f"{line.route_id}-{service}-{direction}-{dep // 60:02d}{dep % 60:02d}"
    rows["trips.txt"].append(
        {
            "route_id": line.route_id,
            "service_id": service,
            "trip_id": trip_id,
            "trip_headsign": seq[-1],
            "direction_id": str(direction),
            "block_id": block,
        }
    )
    for i, name in enumerate(seq):
        dep += seg[i]
        rows["stop_times.txt"].append(
            {
                "trip_id": trip_id,
                "arrival_time": _hms(dep),
                "departure_time": _hms(dep),
                "stop_id": STOP_IDS[name],
                "stop_sequence": str(i + 1),
            }
        )


def _calendars(rows: Rows) -> None:
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    span = {"start_date": f"{START:%Y%m%d}", "end_date": f"{END:%Y%m%d}"}
    rows["calendar.txt"] = [
        {"service_id": sid, **{d: "1" if d in on else "0" for d in days}, **span}
        for sid, on in (("DAILY", days), ("STU_FRI", ("friday",)), ("STU_SUN", ("sunday",)))
    ]
    dates = [{"service_id": "DAILY", "date": f"{d:%Y%m%d}", "exception_type": "2"} for d in SPRING_FESTIVAL]
    for n in range((END - START).days + 1):
        if (day := START + timedelta(days=n)).day in MARKET_DAYS:
            dates.append({"service_id": "XU_SONGKOU", "date": f"{day:%Y%m%d}", "exception_type": "1"})
    rows["calendar_dates.txt"] = dates


def _end_name(places: Places, stop: str) -> str:
    """How a line's end is named: a village terminal stands for its township."""
    return places[stop]["township"] if places[stop]["kind"] == "village" else stop


def build_feed(places: Places) -> Rows:
    """All rows of the pilot feed, keyed by GTFS file name."""
    rows: Rows = {"agency.txt": AGENCIES, "trips.txt": [], "stop_times.txt": []}
    rows["routes.txt"] = [
        {
            "route_id": ln.route_id,
            "agency_id": ln.agency,
            "route_short_name": ln.short,
            "route_long_name": f"{_end_name(places, ln.stops[0])}—{_end_name(places, ln.stops[-1])}",
            "route_desc": "沿途停靠：" + "、".join(ln.stops),
            "route_type": "3",
        }
        for ln in LINES
    ]
    for line in LINES:
        mins = segment_minutes(places, line, line.stops)
        for b, legs in enumerate(blocks(line, sum(mins)), start=1):
            for leg in legs:
                _trip(rows, line, "DAILY", leg, line.stops, mins, f"{line.route_id}-{b}")
        if line.route_id in STUDENT_LINES:
            sub = line.stops[line.stops.index("清流县第一中学") :]
            sub_mins = segment_minutes(places, line, sub)
            _trip(rows, line, "STU_FRI", (0, _min("17:10")), sub, sub_mins)
            _trip(rows, line, "STU_SUN", (1, _min("14:30")), sub, sub_mins)
        if line.route_id == MARKET_LINE:
            _trip(rows, line, "XU_SONGKOU", (1, _min("07:30")), line.stops, mins)
            _trip(rows, line, "XU_SONGKOU", (0, _min("11:40")), line.stops, mins)
    used = sorted({name for line in LINES for name in line.stops}, key=STOP_IDS.__getitem__)
    rows["stops.txt"] = [_stop_row(places, "清流县城", "1")] + [_stop_row(places, n) for n in used]
    _calendars(rows)
    _fares(places, rows)
    rows["feed_info.txt"] = [
        {
            "feed_publisher_name": "村通项目 (cuntong)",
            "feed_publisher_url": "https://cuntong.example.org/",
            "feed_lang": "zh",
            "feed_start_date": f"{START:%Y%m%d}",
            "feed_end_date": f"{END:%Y%m%d}",
            "feed_version": "2026.1",
        }
    ]
    return rows
