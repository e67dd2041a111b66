from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from backend.services.dispatch.plan import (
    Candidate,
    Planner,
    Request,
    is_free,
    schedule,
    stops_for,
)

TZ = ZoneInfo("Asia/Shanghai")
TEN = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


@dataclass(frozen=True)
class P:
    lat: float
    lon: float


DENGJIA, LINGDI, TOWN, SONGKOU = (
    P(26.3010, 116.6950),
    P(26.2890, 116.7080),
    P(26.1776, 116.8160),
    P(26.0915, 116.6740),
)


def request(key: str, origin: P, destination: P, at: datetime, passengers: int = 1, **kw: object) -> Request:
    return Request(key, origin, key + "起", destination, key + "止", at, passengers, **kw)  # type: ignore[arg-type]


def candidate(
    vehicle_id: int, seats: int, kind: str = "minibus", depot: P | None = LINGDI, **kw: object
) -> Candidate:
    shift = (TEN.replace(hour=6), TEN.replace(hour=19))
    return Candidate(vehicle_id, vehicle_id, kind, seats, depot, kw.pop("shift", shift), **kw)  # type: ignore[arg-type]


def test_schedule_keeps_order_times_and_loads() -> None:
    a = request("A", DENGJIA, TOWN, TEN)
    timed = schedule(stops_for(a), seats=4)
    assert timed is not None
    assert [t.load for t in timed] == [1, 0] and timed[0].time == TEN and timed[1].time > TEN


def test_schedule_refuses_too_many_on_board() -> None:
    a, b = request("A", DENGJIA, TOWN, TEN, 3), request("B", LINGDI, TOWN, TEN, 2)
    pa, da = stops_for(a)
    pb, db = stops_for(b)
    assert schedule([pa, pb, da, db], seats=4) is None
    assert schedule([pa, da, pb, db], seats=4) is None  # B would wait hours past its window
    assert schedule([pa, pb, da, db], seats=5) is not None


def test_schedule_refuses_pickups_outside_the_window_and_long_detours() -> None:
    a, late = request("A", DENGJIA, TOWN, TEN), request("B", SONGKOU, TOWN, TEN - timedelta(minutes=30))
    pa, da = stops_for(a)
    pb, db = stops_for(late)
    assert schedule([pa, pb, db, da], seats=9) is None  # B wished 09:30, reached long after
    detour = request("C", LINGDI, DENGJIA, TEN + timedelta(minutes=5))
    pc, dc = stops_for(detour)
    assert schedule([pc, pa, da, dc], seats=9) is None  # C would ride to town and back


def test_first_pickup_may_be_brought_forward_to_save_a_later_one() -> None:
    a = request("A", DENGJIA, TOWN, TEN)
    b = request("B", LINGDI, TOWN, TEN - timedelta(minutes=15))
    pa, da = stops_for(a)
    pb, db = stops_for(b)
    timed = schedule([pa, pb, da, db], seats=9)
    assert timed is not None and timed[0].time < TEN


def test_is_free_checks_shift_and_busy_spans() -> None:
    c = candidate(1, 9, busy=((TEN, TEN + timedelta(hours=1)),))
    assert is_free(c, (TEN + timedelta(hours=1), TEN + timedelta(hours=2)), [])
    assert not is_free(c, (TEN + timedelta(minutes=30), TEN + timedelta(hours=2)), [])
    assert not is_free(c, (TEN.replace(hour=18), TEN.replace(hour=20)), [])
    assert not is_free(
        c,
        (TEN.replace(hour=14), TEN.replace(hour=15)),
        [(TEN.replace(hour=14, minute=30), TEN.replace(hour=16))],
    )


def test_planner_pools_then_opens_prefers_small_minibuses() -> None:
    planner = Planner(
        [candidate(1, 45, kind="bus"), candidate(2, 2, kind="van"), candidate(3, 19), candidate(4, 9)]
    )
    first = planner.plan(request("A", DENGJIA, TOWN, TEN))
    second = planner.plan(request("B", LINGDI, TOWN, TEN + timedelta(minutes=5), 2))
    assert first is second and first is not None and first.candidate.vehicle_id == 4
    big = planner.plan(request("C", DENGJIA, TOWN, TEN, 12))
    assert big is not None and big.candidate.vehicle_id == 3
    huge = planner.plan(request("D", DENGJIA, TOWN, TEN, 30))
    assert huge is not None and huge.candidate.kind == "bus"
    assert planner.plan(request("E", DENGJIA, TOWN, TEN, 50)) is None


def test_planner_never_pools_a_charter_and_honours_its_kind() -> None:
    planner = Planner([candidate(1, 9), candidate(2, 9), candidate(3, 31, kind="bus")])
    charter = planner.plan(request("A", DENGJIA, TOWN, TEN, 3, charter=True, vehicle_kind="bus"))
    rider = planner.plan(request("B", DENGJIA, TOWN, TEN, 1))
    assert charter is not None and charter.candidate.kind == "bus" and charter.exclusive
    assert rider is not None and rider is not charter


def test_planner_does_not_double_book_one_vehicle() -> None:
    planner = Planner([candidate(1, 9)])
    assert planner.plan(request("A", DENGJIA, TOWN, TEN, 9)) is not None
    assert planner.plan(request("B", DENGJIA, TOWN, TEN + timedelta(minutes=10), 1)) is None
    assert planner.plan(request("C", DENGJIA, TOWN, TEN + timedelta(hours=4), 1)) is not None
