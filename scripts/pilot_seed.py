"""Build the pilot seed data (operators, fleet, drivers, service points, parcels, disruptions).

Everything is derived from the generated GTFS rows and the places table with one fixed-seed random
generator, so the output never changes between runs. Vehicles follow the timetable's blocks (one
vehicle per block, based at the block's home terminal); parcels travel hub → bus line → village
service point, the way the county's passenger-freight-postal integration works.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

Rows = dict[str, list[dict[str, str]]]
Places = dict[str, dict[str, str]]

SURNAMES = "黄罗李赖邓江刘巫伍吴陈张林范余王曾杨廖温"
GIVEN = "建华 国平 志强 春生 永福 金水 海林 秀英 桂兰 丽萍 美玲 文斌 明辉 少华 德胜 福生 玉梅 冬梅 晓燕 伟 勇 军 芳 敏 斌 红梅 水生 长青 荣华 火根 远山 小兰 雪琴 家旺 振宇 佳怡".split()
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
CARRIERS = ("中国邮政", "顺丰", "中通", "圆通", "申通", "韵达", "极兔", "京东")
ORIGINS = ("广州市", "义乌市", "杭州市", "福州市", "厦门市", "深圳市", "上海市", "泉州市")
ROADS = ("中心街", "老街", "新街", "圩场路", "解放路", "府前路")
OPERATORS = [
    {"code": "qlgj", "name": "清流县公共交通有限公司", "gtfs_agency_id": "qlgj", "kind": "county_bus"},
    {"code": "smcj", "name": "三明市城际客运有限公司", "gtfs_agency_id": "smcj", "kind": "intercity_bus"},
    {"code": "qlkhy", "name": "清流县客货邮综合服务有限公司", "gtfs_agency_id": None, "kind": "logistics"},
]
# kind -> seats, cargo_kg, cargo_m3, licence class
SIZES = {
    "coach": (45, 500, 3.0, "A1"),
    "bus": (31, 300, 1.5, "A1"),
    "minibus": (19, 150, 0.8, "B1"),
    "drt": (9, 100, 0.5, "C1"),
    "van": (2, 1200, 7.5, "C1"),
}


def _unique(rng: random.Random, used: set[str], make: Callable[[random.Random], str]) -> str:
    while (value := make(rng)) in used:
        pass
    used.add(value)
    return value


def _namer(rng: random.Random) -> Callable[[], str]:
    """Unique fictional Chinese names from the fixed generator."""
    used: set[str] = set()
    return lambda: _unique(rng, used, lambda r: r.choice(SURNAMES) + r.choice(GIVEN))


def s10_check_digit(digits: str) -> str:
    """UPU S10 check digit over 8 serial digits."""
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    c = 11 - total % 11
    return "0" if c == 10 else "5" if c == 11 else str(c)


def tracking_no(rng: random.Random, carrier: str) -> str:
    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    if carrier == "中国邮政":
        serial = digits(8)
        return rng.choice(("EA", "EB", "EC")) + serial + s10_check_digit(serial) + "CN"
    if carrier == "中通":
        return rng.choice(("75", "73")) + digits(12)
    prefix = {"顺丰": "SF", "圆通": "YT", "申通": "77", "韵达": "43", "极兔": "JT", "京东": "JD"}[carrier]
    return prefix + digits(13)


def _hhmm(text: str, delta: int) -> str:
    total = int(text[:2]) * 60 + int(text[3:5]) + delta
    total -= total % 5 if delta < 0 else -(-total % 5)
    return f"{total // 60:02d}:{total % 60:02d}"


def _blocks(rows: Rows) -> dict[str, list[tuple[str, str, str, str]]]:
    """block_id -> legs as (route_id, first stop_id, departure, last arrival), in time order."""
    times: dict[str, list[dict[str, str]]] = defaultdict(list)
    for st in rows["stop_times.txt"]:
        times[st["trip_id"]].append(st)
    legs: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for trip in rows["trips.txt"]:
        if trip["block_id"]:
            st = times[trip["trip_id"]]
            legs[trip["block_id"]].append(
                (trip["route_id"], st[0]["stop_id"], st[0]["departure_time"], st[-1]["arrival_time"])
            )
    return {b: sorted(v, key=lambda leg: leg[2]) for b, v in sorted(legs.items())}


def _fleet(
    rng: random.Random, rows: Rows, places: Places, names: Callable[[], str]
) -> tuple[list[Any], list[Any]]:
    stop_name = {s["stop_id"]: s["stop_name"] for s in rows["stops.txt"]}
    routes = {r["route_id"]: r for r in rows["routes.txt"]}
    daily: dict[str, int] = defaultdict(int)
    for trip in rows["trips.txt"]:
        daily[trip["route_id"]] += trip["service_id"] == "DAILY"
    plates: set[str] = set()
    vehicles: list[dict[str, Any]] = []
    drivers: list[dict[str, Any]] = []
    plans: list[tuple[str, str, str, str | None, str | None, str, str]] = []
    for block, legs in _blocks(rows).items():
        route = routes[legs[0][0]]
        home = stop_name[legs[0][1]]
        depot = home if places[home]["kind"] != "village" else places[home]["township"]
        kind = "bus" if daily[route["route_id"]] >= 12 else "minibus"
        kind = "coach" if route["agency_id"] == "smcj" else kind
        plans.append(
            (
                kind,
                route["agency_id"],
                depot,
                route["route_short_name"],
                block,
                _hhmm(legs[0][2][:5], -30),
                _hhmm(legs[-1][3][:5], 20),
            )
        )
    for depot in ("清流县汽车站", "嵩口镇", "灵地镇"):
        plans.append(("drt", "qlgj", depot, None, None, "07:00", "19:00"))
    for depot in ("清流县汽车站", "清流县汽车站", "嵩口镇"):
        plans.append(("van", "qlkhy", depot, None, None, "07:30", "18:00"))
    for i, (kind, operator, depot, route, block, start, end) in enumerate(plans, start=1):
        nev = kind in ("drt", "van") and i % 2 == 1 or kind == "minibus" and i % 3 == 0
        plate = _unique(
            rng,
            plates,
            lambda r, nev=nev: (
                "闽GD" + f"{r.randrange(100000):05d}"
                if nev
                else "闽G" + r.choice(PLATE_LETTERS) + f"{r.randrange(10000):04d}"
            ),
        )
        seats, cargo_kg, cargo_m3, licence = SIZES[kind]
        vehicles.append(
            {
                "plate": plate,
                "operator": operator,
                "kind": "bus" if kind == "coach" else "minibus" if kind == "drt" else kind,
                "seats": seats,
                "cargo_kg": cargo_kg,
                "cargo_m3": cargo_m3,
                "depot": depot,
                "status": "in_service",
                "route": route,
                "block_id": block,
                "new_energy": nev,
            }
        )
        drivers.append(
            {
                "code": f"D{i:03d}",
                "name": names(),
                "phone": f"1395980{1000 + i * 37:04d}",
                "license_no": f"3504{rng.randrange(10**8):08d}",
                "license_class": licence,
                "operator": operator,
                "vehicle": plate,
                "shift_start": start,
                "shift_end": end,
            }
        )
    return vehicles, drivers


def _service_points(rows: Rows, places: Places, names: Callable[[], str]) -> list[dict[str, Any]]:
    townships = [p for p in places.values() if p["kind"] == "township"]
    seats = {
        t["name"]: next(
            v["name"]
            for v in places.values()
            if v["kind"] == "village" and v["township"] == t["name"] and v["name"][:2] == t["name"][:2]
        )
        for t in townships
        if t["name"] != "龙津镇"
    }
    villages = [
        p["name"]
        for p in places.values()
        if p["kind"] == "village" and (p["name"] not in seats.values() or p["name"] == "嵩口村")
    ]
    points: list[dict[str, Any]] = []
    for i, place in enumerate([t["name"] for t in townships] + villages, start=1):
        township = places[place]["township"]
        is_township = place == township
        village = "城关" if township == "龙津镇" else place if not is_township else seats[township]
        points.append(
            {
                "code": f"SP{i:02d}",
                "name": f"{place}客货邮综合服务站" if is_township else f"{place}村级寄递服务站",
                "place": place,
                "address": f"{township}{village}{ROADS[i % len(ROADS)]}{(i * 7) % 60 + 1}号",
                "keeper": names(),
                "phone": f"1385980{2000 + i * 53:04d}",
                "hours": "07:30-18:30" if is_township else "08:00-18:00",
            }
        )
    return points


def _line_to(rows: Rows, place: str) -> str | None:
    """Short name of the first county line calling at the place, if any."""
    stop_ids = {s["stop_id"] for s in rows["stops.txt"] if s["stop_name"] == place}
    trips = {st["trip_id"] for st in rows["stop_times.txt"] if st["stop_id"] in stop_ids}
    route_ids = sorted(
        {t["route_id"] for t in rows["trips.txt"] if t["trip_id"] in trips and t["route_id"][0] == "L"}
    )
    short = {r["route_id"]: r["route_short_name"] for r in rows["routes.txt"]}
    return short[route_ids[0]] if route_ids else None


def _parcels(
    rng: random.Random, rows: Rows, points: list[dict[str, Any]], names: Callable[[], str]
) -> list[dict[str, Any]]:
    statuses = ["in_transit"] * 6 + ["at_service_point"] * 9 + ["picked_up"] * 5
    parcels: list[dict[str, Any]] = []
    used: set[str] = set()
    recipient = ("", "")
    for i, status in enumerate(statuses):
        carrier = CARRIERS[i % len(CARRIERS)]
        sp = points[(i * 7) % len(points)]
        origin = ORIGINS[(i * 3) % len(ORIGINS)]
        if i != 1:  # the first two parcels go to one person, who asks for "my parcels"
            recipient = (names(), f"1375980{3000 + i * 71:04d}")
        line = _line_to(rows, sp["place"])
        steps = [
            ("collected", origin, f"{carrier}{origin}网点已揽收"),
            ("in_transit", f"{origin}转运中心", f"快件已离开{origin}转运中心，发往三明转运中心"),
            ("in_transit", "三明转运中心", "快件已到达三明转运中心"),
            ("in_transit", "清流县客货邮综合服务中心", "快件已到达清流县客货邮综合服务中心，等待随班车配送"),
        ]
        if line:
            steps.append(("in_transit", "清流县汽车站", f"快件已随{line}班车发往{sp['place']}"))
        steps.append(
            ("at_service_point", sp["name"], f"快件已到达{sp['name']}，请凭取件码领取，营业时间{sp['hours']}")
        )
        steps.append(("picked_up", sp["name"], "快件已由收件人本人签收，感谢使用"))
        keep = {"in_transit": 2 + i % (len(steps) - 3), "at_service_point": len(steps) - 1}.get(
            status, len(steps)
        )
        hours = [0]
        for _ in steps[1:keep]:
            hours.append(hours[-1] + rng.randint(3, 20))
        shift = hours[-1] + rng.randint(1, 30)
        parcels.append(
            {
                "tracking_no": _unique(rng, used, lambda r, c=carrier: tracking_no(r, c)),
                "carrier": carrier,
                "recipient_name": recipient[0],
                "recipient_phone": recipient[1],
                "service_point": sp["code"],
                "status": status,
                "origin": origin,
                "pickup_code": f"{rng.randrange(10**6):06d}" if status == "at_service_point" else None,
                "weight_kg": round(rng.uniform(0.3, 12.0), 1),
                "events": [
                    {"offset_hours": h - shift, "status": s, "location": loc, "description": text}
                    for h, (s, loc, text) in zip(hours, steps[:keep], strict=True)
                ],
            }
        )
    return parcels


DISRUPTIONS = [
    {
        "route": "4路",
        "stops": ["邓家村"],
        "title": "4路邓家村路段塌方抢修",
        "description": "因连日降雨，灵地村至邓家村路段发生塌方，正在抢修。4路班车暂停邓家村站，终点临时改为灵地村，请邓家村乘客到灵地村站乘车。",
        "start_offset_days": -1,
        "end_offset_days": 3,
    },
    {
        "route": "8路",
        "stops": ["里田乡"],
        "title": "8路里田乡站临时迁移",
        "description": "里田乡集镇道路改造施工期间，8路班车里田乡站临时移至里田村站上下客，发车时间不变。",
        "start_offset_days": 2,
        "end_offset_days": 12,
    },
    {
        "route": "清三线",
        "stops": ["三明市"],
        "title": "清三线三明市区交通管制",
        "description": "三明市区部分道路交通管制，清三线班车到站时间可能推迟30分钟左右，敬请谅解。",
        "start_offset_days": 0,
        "end_offset_days": 1,
    },
]


def build_seed(places: Places, rows: Rows) -> dict[str, Any]:
    rng = random.Random("cuntong-pilot-2026")
    names = _namer(rng)
    vehicles, drivers = _fleet(rng, rows, places, names)
    points = _service_points(rows, places, names)
    return {
        "version": 1,
        "operators": OPERATORS,
        "vehicles": vehicles,
        "drivers": drivers,
        "service_points": points,
        "parcels": _parcels(rng, rows, points, names),
        "disruptions": DISRUPTIONS,
    }
