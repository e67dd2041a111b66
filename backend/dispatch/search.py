"""How the planner searches, by problem size and purpose, once the OR-Tools model is built.

A full day (no current plan, up to 150 jobs) whose start serves everyone is improved by
iterated descent (`Search.iterate`): descend to a local optimum, then again and again from
the best plan with 8 % of its jobs (related ones) taken out. Cordeau a4-40 to a8-96 (8
instances), alternating runs at load 4-5.7 on 2 cores: mean gap 4.6-4.9 % at 3 s against
5.9-6.9 % for the guided local search below; a5-60, a6-72, a7-84, a8-96 at 30 s: 2.0 %
against 4.0 %. When a core is free a helper process runs the same in parallel
(`portfolio`). Everything else (re-plans from the current plan, larger days, a start that
leaves jobs out) goes as follows.

1. Guided local search from the start given (the current plan or greedy insertion, read into
   the model) or, without one, from OR-Tools' own cheapest insertion.
2. Repair, when that left a job out: take out a few served jobs related to it (near in place
   and time), let OR-Tools put them all back and descend to a local optimum; keep the result
   when it costs less (a left-out job is penalised far above any detour). Guided local search
   alone leaves a rider out on tight days (Cordeau a3-30, a3-36) although a plan serving
   everyone exists. A start that leaves jobs out gets three quarters of the time for step 1.
3. Restarts: with 12 s or more, the time is cut into four runs; each further run starts
   from the best plan with 15 % of its jobs (related ones) taken out. Measured on Cordeau
   a4-48, a6-72, a7-84, a8-96 at 30 s: mean gap 3.2 % against 5.2 % for one long run.

The model reuses one assignment for every solve, so solutions are kept as routes (lists of
routing indices) and read back with RoutesToAssignment, which does not need a time limit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from backend.dispatch.portfolio import Helper

Routes = list[list[int]]
FIRST_PHASE = 0.75  # share of the time for guided local search before a repair is tried
SEGMENTS, SEGMENT_MIN_S = 4, 3.0  # from 12 s on, the time is spent in 4 runs (see `restart`)
COMPARE_SHARE = 0.2  # at most this share of the time for OR-Tools' own start (`compare`)
OWN_FIRST = routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_COST_INSERTION
RESTART_SHARE = 0.15  # jobs taken out of the best plan before each further run
DESCENT_SHARE = 0.08  # jobs taken out of the best plan before each descent in `iterate`
HELPER_FIRST = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
# slow neighbourhoods: many short descents cannot afford them. NB OR-Tools builds its
# operators when the model is closed, so switching them in a later solve's parameters (as
# `repair` does) changes nothing: on Cordeau a6-72 and a8-96 a descent with use_relocate_pair
# off per solve ended where the default did, off at closing it did not.
REPAIR_OPERATORS_OFF = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
    "use_relocate_expensive_chain",
    "use_lin_kernighan",
    "use_shortest_path_swap_active",
    "use_swap_active_chain",
    "use_shortest_path_two_opt",
)


def _params(metaheuristic: int, seconds: float) -> pywrapcp.RoutingSearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = metaheuristic
    params.time_limit.FromMilliseconds(max(50, int(seconds * 1000)))
    return params


GLS = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
DESCENT = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT


def routes_of(routing: pywrapcp.RoutingModel, solution: pywrapcp.Assignment) -> Routes:
    routes = []
    for v in range(routing.vehicles()):
        index, route = solution.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            route.append(index)
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    return routes


class Search:
    """One planning search on a closed-over model: `pairs` are the routing indices of each
    job's pick-up and drop-off, `unrelated(k, l)` how far apart jobs k and l are."""

    def __init__(
        self,
        routing: pywrapcp.RoutingModel,
        pairs: list[tuple[int, int]],
        unrelated: Callable[[int, int], float],
        deadline: float,
        *,
        seed: int = 1,
        helper: Helper | None = None,
    ) -> None:
        self.routing, self.pairs, self.unrelated, self.deadline = routing, pairs, unrelated, deadline
        self.job_of = {index: k for k, pair in enumerate(pairs) for index in pair}
        self.rng = random.Random(seed)
        self.helper, self.helper_seed, self.helper_wins = helper, seed * 1000, 0
        self.cold = False  # True: the start given was not used (none, or rejected by the model)

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def run(self, start: Routes | None, *, compare: bool = False) -> pywrapcp.Assignment | None:
        """The best solution found by the deadline (None: not even a first one). With
        `compare` (a full day), OR-Tools' own first solution replaces the start given when
        it costs less, and a start serving everyone is improved by `iterate`."""
        total = self.left()
        segment = total / SEGMENTS if total >= SEGMENTS * SEGMENT_MIN_S else total
        self.routing.CloseModelWithParameters(_params(GLS, total))
        if start is not None and compare:
            start = self._cheaper_start(start, total * COMPARE_SHARE)
            if not self._unserved(start) and (iterated := self.iterate(start, segment)) is not None:
                return iterated
        complete = start is not None and not self._unserved(start)
        params = _params(GLS, min(segment, self.left()) if complete else self.left() * FIRST_PHASE)
        found = self._solve(start, params) if start is not None else None
        if found is None:  # no start, or one the model rejects (a changed problem)
            self.cold = True
            found = self.routing.SolveWithParameters(_params(GLS, min(segment, total * FIRST_PHASE)))
        if found is None:
            return None
        best, cost = routes_of(self.routing, found), found.ObjectiveValue()
        if self._unserved(best) and self.left() > 0.05:
            best, cost = self.repair(best, cost)
        while not self._unserved(best) and self.left() > 0.5:
            best, cost = self.restart(best, cost, min(segment, self.left()))
        return self._solve(best, _params(DESCENT, 5.0), first_only=True) or found

    def _cheaper_start(self, start: Routes, seconds: float) -> Routes:
        """The cheaper of `start` and OR-Tools' local cheapest-cost insertion (penalties for
        jobs left out included). Measured on Cordeau a4-48 to a8-96 at 3 s on a loaded
        machine: mean gap 7.6-8.6 % from that insertion against 11.6 % from greedy insertion,
        whose start is 24-36 % above the best-known against 11-23 %."""
        params = _params(DESCENT, seconds)
        params.first_solution_strategy = OWN_FIRST
        params.solution_limit = 1
        own = self.routing.SolveWithParameters(params)
        given = self._solve(start, _params(DESCENT, 1.0), first_only=True)
        if own is not None and (given is None or own.ObjectiveValue() < given.ObjectiveValue()):
            self.cold = True
            return routes_of(self.routing, own)
        return start

    def iterate(self, start: Routes, segment: float) -> pywrapcp.Assignment | None:
        """Iterated descent from a start serving everyone (None: the model rejects it).
        Descend to a local optimum, then again and again from the best plan with a few
        related jobs taken out (`descents`). Guided local search does not fit a dial-a-ride
        day: after the first descent it found nothing cheaper in the seconds left on
        Cordeau's larger instances (a6-48, a7-56, a8-64 at 3 s ended at the first local
        optimum). With a helper (`portfolio`) the same runs in a second process, first
        from another start, then from the best plan with other jobs taken out; the two
        meet every `segment` seconds and go on from the cheaper."""
        end = time.perf_counter() + min(segment, self.left())
        twin = self._ask(None, end)
        found = self._solve(start, _params(DESCENT, end - time.perf_counter()))
        if found is None:
            return None
        best, cost = self.descents(routes_of(self.routing, found), found.ObjectiveValue(), end)
        best, cost = self._take(twin, best, cost)
        while self.left() > 0.3:
            end = time.perf_counter() + min(segment, self.left())
            twin = self._ask(best, end)
            best, cost = self._take(twin, *self.descents(best, cost, end))
        return self._solve(best, _params(DESCENT, 5.0), first_only=True) or found

    def descents(self, routes: Routes, cost: int, end: float) -> tuple[Routes, int]:
        """Until `end` (perf_counter): take a few related jobs out of the best plan, let
        OR-Tools put them back and descend, keep the result when it costs less."""
        while (left := end - time.perf_counter()) > 0.05:
            found = self._solve(self._shaken(routes, DESCENT_SHARE), _params(DESCENT, left))
            if found is not None and found.ObjectiveValue() < cost:
                routes, cost = routes_of(self.routing, found), found.ObjectiveValue()
        return routes, cost

    def helper_side(self, routes: Routes | None) -> tuple[Routes, int] | None:
        """The helper process's part of `iterate`, until the deadline: from `routes`, or
        from OR-Tools' parallel cheapest insertion when None (another local optimum)."""
        self.routing.CloseModelWithParameters(_params(GLS, max(self.left(), 0.05)))
        if self.left() < 0.05:
            return None
        if routes is None:
            params = _params(DESCENT, self.left())
            params.first_solution_strategy = HELPER_FIRST
            found = self.routing.SolveWithParameters(params)
        else:
            found = self._solve(routes, _params(DESCENT, 1.0), first_only=True)
        if found is None:
            return None
        return self.descents(routes_of(self.routing, found), found.ObjectiveValue(), self.deadline)

    def restart(self, routes: Routes, cost: int, seconds: float) -> tuple[Routes, int]:
        """Guided local search again from the best plan with a share of related jobs taken
        out: one long run stalls (on Cordeau a6-72 and a8-96 the cost at 15 s was the cost
        at 30 s), fresh runs from a shaken best move on."""
        found = self._solve(self._shaken(routes, RESTART_SHARE), _params(GLS, seconds))
        if found is not None and found.ObjectiveValue() < cost:
            return routes_of(self.routing, found), found.ObjectiveValue()
        return routes, cost

    def _shaken(self, routes: Routes, share: float) -> Routes:
        """`routes` without a share of served jobs near a random one (place and time)."""
        served = [k for k in range(len(self.pairs)) if k not in self._unserved(routes)]
        if not served:
            return routes
        anchor = self.rng.choice(served)
        count = max(3, int(len(served) * share))
        near = sorted(served, key=lambda k: self.unrelated(anchor, k) * (0.8 + 0.4 * self.rng.random()))
        out = {index for k in near[:count] for index in self.pairs[k]}
        return [[i for i in r if i not in out] for r in routes]

    def _ask(self, routes: Routes | None, end: float) -> tuple[Future[Any] | None, float] | None:
        """Start the helper's twin of a run until `end` (None: no helper)."""
        if self.helper is None:
            return None
        self.helper_seed += 1
        until = time.time() + (end - time.perf_counter())
        return self.helper.submit(routes, self.helper_seed, until), until

    def _take(
        self, twin: tuple[Future[Any] | None, float] | None, routes: Routes, cost: int
    ) -> tuple[Routes, int]:
        """The cheaper of the plan found here and the helper's twin, when it fits this model."""
        if twin is None or self.helper is None:
            return routes, cost
        answer = self.helper.collect(*twin)
        if answer is None or answer[1] >= cost:
            return routes, cost
        check = self._solve(answer[0], _params(DESCENT, 1.0), first_only=True)
        if check is None or check.ObjectiveValue() >= cost:
            return routes, cost
        self.helper_wins += 1
        return routes_of(self.routing, check), check.ObjectiveValue()

    def repair(self, routes: Routes, cost: int) -> tuple[Routes, int]:
        """Ruin and recreate around the jobs left out until none is or time runs out."""
        params = _params(DESCENT, 1.0)
        ops = params.local_search_operators
        for name in REPAIR_OPERATORS_OFF:
            setattr(ops, name, 2)  # BOOL_FALSE
        params.lns_time_limit.FromMilliseconds(20)
        while (left := self.left()) > 0.05 and (out_jobs := self._unserved(routes)):
            served = [k for k in range(len(self.pairs)) if k not in out_jobs]
            if not served:
                break
            anchor = self.rng.choice(out_jobs)
            count = self.rng.randint(2, max(3, min(len(served) // 4, 12)))
            near = sorted(served, key=lambda k: self.unrelated(anchor, k) * (0.8 + 0.4 * self.rng.random()))
            out = {index for k in near[:count] for index in self.pairs[k]}
            params.time_limit.FromMilliseconds(max(10, int(left * 1000)))
            found = self._solve([[i for i in r if i not in out] for r in routes], params)
            if found is not None and found.ObjectiveValue() < cost:
                routes, cost = routes_of(self.routing, found), found.ObjectiveValue()
        return routes, cost

    def _unserved(self, routes: Routes) -> list[int]:
        served = {self.job_of[i] for route in routes for i in route}
        return [k for k in range(len(self.pairs)) if k not in served]

    def _solve(
        self, routes: Routes, params: pywrapcp.RoutingSearchParameters, *, first_only: bool = False
    ) -> pywrapcp.Assignment | None:
        start = self.routing.solver().Assignment()
        if not self.routing.RoutesToAssignment(routes, True, True, start):
            return None
        if first_only:
            params.solution_limit = 1
        return self.routing.SolveFromAssignmentWithParameters(start, params)
