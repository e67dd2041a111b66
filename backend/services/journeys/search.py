"""Earliest arrival over the bus network with up to two changes: a round-based search in
the manner of RAPTOR (Delling, Pajor, Werneck 2012).

Round k finds the earliest arrival at every stop with k rides. Each round scans the route
patterns through the stops improved in the round before, boarding at each stop the
earliest trip that can still be caught (after the minimum transfer time when the traveller
arrived by bus), then relaxes short walks between nearby stops. Arrivals no better than
what is already known (at that stop, or at the destination) are pruned. Times are seconds
from the start of the service day before the asked one, so trips of yesterday still
running after midnight, today's and tomorrow's are all searched; `Found` lists the best
journey of each number of rides that beats every journey with fewer rides.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from backend.services.bus.network import service_start
from backend.services.journeys.index import NetworkIndex, TripInfo

DAY_S = 86400
MAX_RIDES = 3  # up to two changes
TRANSFER_S = 300  # minimum time to change buses at a station
WINDOW_DAYS = 3  # yesterday (past midnight), today, tomorrow


@dataclass(frozen=True)
class Ride:
    run: str  # the run's key in the index
    service_date: date
    board: int  # positions in the trip's pattern
    alight: int


@dataclass(frozen=True)
class Found:
    rides: tuple[Ride, ...]
    departure: int  # seconds from `base`
    arrival: int


@dataclass(frozen=True)
class _Run:
    trip: TripInfo
    offset: int  # seconds from `base` to the trip's service day
    day: date

    def dep(self, position: int) -> int:
        return self.offset + self.trip.departures[position]

    def arr(self, position: int) -> int:
        return self.offset + self.trip.arrivals[position]


class Search:
    """One search over a three-day window starting the day before `after`."""

    def __init__(self, index: NetworkIndex, session: Session, after: datetime) -> None:
        self.index = index
        self.base_day = after.date() - timedelta(days=1)
        self.base = service_start(self.base_day, index.zone)
        self.start = int((after - self.base).total_seconds())
        self._session = session
        self._boards: dict[int, list[tuple[list[int], list[_Run]]]] = {}

    def moment(self, seconds: int) -> datetime:
        return self.base + timedelta(seconds=seconds)

    def _runs(self, pattern: int) -> list[tuple[list[int], list[_Run]]]:
        """Per position of a pattern, its runs in the window sorted by departure there."""
        cached = self._boards.get(pattern) or self.index.boards.get((pattern, self.base_day))
        if cached is not None:
            self._boards[pattern] = cached
            return cached  # type: ignore[no-any-return]
        runs: list[_Run] = []
        for shift in range(WINDOW_DAYS):
            day = self.base_day + timedelta(days=shift)
            running = self.index.running(self._session, day)
            for trip_id in self.index.patterns[pattern].trips:
                trip = self.index.trips[trip_id]
                if trip.service_id in running:
                    runs.append(_Run(trip, shift * DAY_S, day))
        positions = []
        for position in range(len(self.index.patterns[pattern].stops)):
            usable = sorted((r for r in runs if r.trip.boards[position]), key=lambda r: r.dep(position))
            positions.append(([r.dep(position) for r in usable], usable))
        self._boards[pattern] = self.index.boards[(pattern, self.base_day)] = positions
        return positions

    def _catch(self, pattern: int, position: int, ready: int) -> _Run | None:
        times, runs = self._runs(pattern)[position]
        at = bisect_left(times, ready)
        return runs[at] if at < len(runs) else None

    def earliest(self, origins: set[str], destinations: set[str]) -> list[Found]:
        labels: list[dict[str, int]] = [{stop: self.start for stop in origins}]
        parents: list[dict[str, tuple[str, object]]] = [{}]
        best: dict[str, int] = dict(labels[0])
        marked = set(origins)
        found: list[Found] = []
        target = float("inf")
        for k in range(1, MAX_RIDES + 1):
            previous = labels[k - 1]
            current, parent = dict(previous), {}
            labels.append(current)
            parents.append(parent)
            improved = self._scan(k, previous, current, parent, best, marked, target, origins)
            for stop in list(improved):
                for neighbour, seconds in self.index.walks.get(stop, ()):
                    reached = current[stop] + seconds
                    if reached < min(best.get(neighbour, float("inf")), target) and neighbour not in origins:
                        current[neighbour] = best[neighbour] = reached
                        parent[neighbour] = ("walk", stop)
                        improved.add(neighbour)
            arrival = min((current[d] for d in destinations if d in current), default=None)
            if arrival is not None and arrival < target:
                target = arrival
                stop = next(d for d in destinations if current.get(d) == arrival)
                rides = self._trace(k, stop, parents, labels)
                if rides:
                    first = self.index.trips[rides[0].run]
                    departure = int(
                        (service_start(rides[0].service_date, self.index.zone) - self.base).total_seconds()
                    )
                    found.append(Found(tuple(rides), departure + first.departures[rides[0].board], arrival))
            marked = improved
            if not marked:
                break
        return found

    def _scan(
        self,
        k: int,
        previous: dict[str, int],
        current: dict[str, int],
        parent: dict[str, tuple[str, object]],
        best: dict[str, int],
        marked: set[str],
        target: float,
        origins: set[str],
    ) -> set[str]:
        queue: dict[int, int] = {}
        for stop in marked:
            for pattern, position in self.index.patterns_at.get(stop, ()):
                queue[pattern] = min(queue.get(pattern, position), position)
        improved: set[str] = set()
        for pattern, start in queue.items():
            stops = self.index.patterns[pattern].stops
            run: _Run | None = None
            boarded = (start, "")
            for position in range(start, len(stops)):
                stop = stops[position]
                if run is not None and run.trip.alights[position]:
                    reached = run.arr(position)
                    if reached < min(best.get(stop, float("inf")), target) and stop not in origins:
                        current[stop] = best[stop] = reached
                        parent[stop] = ("ride", (run, boarded[0], position, boarded[1]))
                        improved.add(stop)
                ready = previous.get(stop)
                if ready is None:
                    continue
                if not (stop in origins and ready == self.start):
                    ready += TRANSFER_S
                if run is None or ready <= run.dep(position):
                    caught = self._catch(pattern, position, ready)
                    if caught is not None and (run is None or caught.dep(position) < run.dep(position)):
                        run, boarded = caught, (position, stop)
        return improved

    def _trace(
        self, k: int, stop: str, parents: list[dict[str, tuple[str, object]]], labels: list[dict[str, int]]
    ) -> list[Ride]:
        rides: list[Ride] = []
        while k > 0:
            while k > 0 and stop not in parents[k]:
                k -= 1
            if k == 0:
                break
            kind, data = parents[k][stop]
            if kind == "walk":
                stop = str(data)
                continue
            run, board, alight, board_stop = data  # type: ignore[misc]
            rides.append(Ride(run.trip.key, run.day, board, alight))
            stop, k = board_stop, k - 1
        rides.reverse()
        return rides
