"""In-process ledger for one process (REDIS_URL unset): a dict of values with expiry
instants on a monotonic clock, swept when it grows and capped at `MAX_ENTRIES`."""

from __future__ import annotations

import time
from collections.abc import Callable

from channels.ledger.base import Ledger

SWEEP_ABOVE = 10_000
MAX_ENTRIES = 50_000  # a hard cap even when every entry is fresh; the oldest go first


class MemoryLedger(Ledger):
    def __init__(self, *, timer: Callable[[], float] = time.monotonic) -> None:
        self._timer = timer
        self._values: dict[str, tuple[float, str]] = {}

    async def get(self, key: str) -> str | None:
        entry = self._values.get(key)
        if entry is None or entry[0] <= self._timer():
            return None
        return entry[1]

    async def put_if_absent(self, key: str, value: str, *, ttl_seconds: float) -> str:
        current = await self.get(key)
        if current is not None:
            return current
        if len(self._values) > SWEEP_ABOVE:
            now = self._timer()
            self._values = {k: v for k, v in self._values.items() if v[0] > now}
        self._values[key] = (self._timer() + ttl_seconds, value)
        while len(self._values) > MAX_ENTRIES:
            del self._values[next(iter(self._values))]
        return value
