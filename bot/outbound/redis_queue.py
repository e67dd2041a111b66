"""Redis-backed outbound queue shared by web processes and `cuntong worker` processes.

Three keys under a prefix: `ready` (a list), `processing` (a list: jobs a worker has
taken and not yet acknowledged, moved there atomically with BLMOVE, so a job is never
lost between taking and finishing) and `delayed` (a sorted set scored by due time, for
retries with backoff and quiet-hour holds). `recover` puts jobs left in `processing` by
a crashed worker back on `ready`; the database claim makes re-running them harmless.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

from bot.outbound.base import OutboundJob, OutboundQueue

PROMOTE_BATCH = 100


class RedisQueue(OutboundQueue):
    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "cuntong:outbound:",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._ready = f"{prefix}ready"
        self._processing = f"{prefix}processing"
        self._delayed = f"{prefix}delayed"
        self._clock = clock
        self._taken: dict[str, bytes] = {}

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "cuntong:outbound:") -> RedisQueue:
        return cls(redis.Redis.from_url(url), prefix=prefix)

    def put(self, job: OutboundJob, *, delay_seconds: float = 0.0) -> None:
        if delay_seconds > 0:
            self._client.zadd(self._delayed, {job.dumps(): self._clock() + delay_seconds})
        else:
            self._client.lpush(self._ready, job.dumps())

    def reserve(self, *, timeout_seconds: float) -> OutboundJob | None:
        self._promote_due()
        raw = self._client.blmove(self._ready, self._processing, max(timeout_seconds, 0.01), "RIGHT", "LEFT")
        if raw is None:
            return None
        job = OutboundJob.loads(raw)
        self._taken[job.job_id] = raw
        return job

    def ack(self, job: OutboundJob) -> None:
        raw = self._taken.pop(job.job_id, None) or job.dumps().encode()
        self._client.lrem(self._processing, 1, raw)

    def recover(self) -> int:
        """Move every unacknowledged job back to `ready`; returns how many."""
        moved = 0
        while self._client.lmove(self._processing, self._ready, "RIGHT", "LEFT") is not None:
            moved += 1
        return moved

    def pending(self) -> dict[str, int]:
        return {
            "ready": int(self._client.llen(self._ready)),
            "processing": int(self._client.llen(self._processing)),
            "delayed": int(self._client.zcard(self._delayed)),
        }

    def close(self) -> None:
        self._client.close()

    def _promote_due(self) -> None:
        due = self._client.zrangebyscore(self._delayed, "-inf", self._clock(), start=0, num=PROMOTE_BATCH)
        for raw in due:
            if self._client.zrem(self._delayed, raw):  # only the process that removed it pushes it
                self._client.lpush(self._ready, raw)
