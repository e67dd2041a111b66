"""Checks a new ride request must pass before the engine looks for room for it: known
places, at least one passenger, a window that is neither empty nor already over, and no
more riders than the largest vehicle seats. Each failure raises a backend error with a
message the rider or the agent can act on; nothing is changed when a check fails.
"""

from __future__ import annotations

from backend.dispatch.model import DAY_MINUTES, Problem, Request
from backend.dispatch.travel import TravelTimes
from backend.errors import CapacityExceeded, InvalidInput, UnknownPlace


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def check_request(problem: Problem, request: Request, travel: TravelTimes, *, now: int | None = None) -> None:
    """Raise UnknownPlace, InvalidInput or CapacityExceeded for a request that can never be
    served; `now` is the current minute of the service day (None: the day has not begun)."""
    for name in (request.pickup, request.dropoff):
        if not travel.knows(name):
            raise UnknownPlace(name, [])
    if request.pickup == request.dropoff:
        raise InvalidInput("上车地点和目的地是同一个地方，请换一个目的地", field="destination")
    if (
        isinstance(request.passengers, bool)
        or not isinstance(request.passengers, int)
        or request.passengers < 1
    ):
        raise InvalidInput("乘车人数至少是1人", field="passengers", value=request.passengers)
    if not 0 <= request.earliest <= request.latest < DAY_MINUTES:
        raise InvalidInput("上车时间段不对：开始要早于结束，且在当天之内", field="pickup_time")
    if now is not None and request.latest < now:
        raise InvalidInput(
            f"{hhmm(request.latest)}已经过去了，请换一个以后的时间",
            field="pickup_time",
            latest=hhmm(request.latest),
        )
    largest = max((v.seats for v in problem.vehicles.values()), default=0)
    if request.passengers > largest:
        raise CapacityExceeded(
            f"最大的车只有{largest}个座位，坐不下{request.passengers}人，请分开预约或包车",
            passengers=request.passengers,
            largest=largest,
        )
