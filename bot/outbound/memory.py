"""In-process outbound queue (REDIS_URL unset): a heap ordered by due time, guarded by a
condition variable so the worker thread sleeps until a job is due or new work arrives.
Jobs live only in this process; rows still `queued` after a restart are picked up again
by the worker's sweep of the database."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable

from bot.outbound.base import OutboundJob, OutboundQueue


class MemoryQueue(OutboundQueue):
    def __init__(self, *, timer: Callable[[], float] = time.monotonic) -> None:
        self._timer = timer
        self._heap: list[tuple[float, int, OutboundJob]] = []
        self._order = itertools.count()
        self._ready = threading.Condition()

    def put(self, job: OutboundJob, *, delay_seconds: float = 0.0) -> None:
        with self._ready:
            heapq.heappush(self._heap, (self._timer() + max(0.0, delay_seconds), next(self._order), job))
            self._ready.notify()

    def reserve(self, *, timeout_seconds: float) -> OutboundJob | None:
        deadline = self._timer() + timeout_seconds
        with self._ready:
            while True:
                now = self._timer()
                if self._heap and self._heap[0][0] <= now:
                    return heapq.heappop(self._heap)[2]
                if now >= deadline:
                    return None
                wait = deadline - now
                if self._heap:
                    wait = min(wait, self._heap[0][0] - now)
                self._ready.wait(wait)

    def ack(self, job: OutboundJob) -> None:
        """Nothing to do: a reserved job has already left the heap."""

    def __len__(self) -> int:
        with self._ready:
            return len(self._heap)
