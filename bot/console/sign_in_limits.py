"""What keeps a sign-in flood from stalling everybody else (issue 11 §4).

- `HashPool`: argon2 checks run in their own small thread pool (`HASH_WORKERS` threads),
  never in the pool that runs citizens' turns; at most `HASH_QUEUE` checks wait, and fewer
  when the machine is slow: a check that would wait longer than `MAX_WAIT_SECONDS` (from
  the recent time per check) is refused at once (`PoolFull`) instead of queueing.
- `SignInLimiter`: sign-in attempts per client address and in total, over a moving window
  (the `limits` library). With REDIS_URL the counts live in Redis, so every worker process
  and node counts the same attempts; without it (one process only) in memory. While Redis
  cannot be reached the limiter counts in this process's memory instead of failing the
  sign-in. The lock-out per (name, client) itself is in the database (`sign_in_guard`).

Both answer the same "too many attempts, wait" for every name, known or not.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from fastapi import Request
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from backend.services.agents import accounts as agent_service

logger = logging.getLogger(__name__)

HASH_WORKERS = 1
HASH_QUEUE = 4  # with one thread: at most 5 checks in flight, about 1 s on an idle machine
MAX_WAIT_SECONDS = 2.0
RETRY_AFTER_SECONDS = 30


class PoolFull(Exception):
    """Too many password checks are already waiting."""


class HashPool:
    def __init__(
        self, *, workers: int = HASH_WORKERS, queue: int = HASH_QUEUE, max_wait: float = MAX_WAIT_SECONDS
    ) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
        self._workers = workers
        self._limit = workers + queue
        self._max_wait = max_wait
        self._pending = 0  # only touched from the event loop
        self.seconds_per_check = 0.0  # moving average of the recent checks
        self.checked = 0  # password checks run (for tests and figures)

    def expected_wait(self) -> float:
        """Seconds one more check would wait for the ones ahead of it."""
        return self._pending / self._workers * self.seconds_per_check

    async def verify(self, password_hash: str, password: str) -> bool:
        if self._pending >= self._limit or (self._pending and self.expected_wait() > self._max_wait):
            raise PoolFull
        self._pending += 1
        self.checked += 1
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, self._timed, password_hash, password)
        finally:
            self._pending -= 1

    def _timed(self, password_hash: str, password: str) -> bool:
        started = time.perf_counter()
        try:
            return agent_service.verify_password(password_hash, password)
        finally:
            took = time.perf_counter() - started
            average = self.seconds_per_check
            self.seconds_per_check = took if average == 0 else 0.7 * average + 0.3 * took


HASHING = HashPool()


class SignInLimiter:
    def __init__(self, *, per_client: str, total: str, storage: Storage | None = None) -> None:
        self._per_client: RateLimitItem = parse(per_client)
        self._total: RateLimitItem = parse(total)
        self._window = MovingWindowRateLimiter(storage or MemoryStorage())
        self._local = MovingWindowRateLimiter(MemoryStorage())

    def allow(self, client: str) -> bool:
        """Count one attempt; False when this client or everybody together tried too often."""
        try:
            return self._hit(self._window, client)
        except StorageError as exc:  # Redis down: count here rather than refuse or fail everyone
            logger.warning("sign-in limits counted in this process only (%s)", type(exc.storage_error).__name__)
            return self._hit(self._local, client)

    def _hit(self, window: MovingWindowRateLimiter, client: str) -> bool:
        return window.hit(self._per_client, "client", client) and window.hit(self._total, "all")


def limiter_for(request: Request) -> SignInLimiter:
    """The application's limiter (one per app, made on first use)."""
    state = request.app.state
    limiter: SignInLimiter | None = getattr(state, "sign_in_limiter", None)
    if limiter is None:
        settings = state.runtime.settings
        prefix = state.runtime.extras.get("state_prefix", settings.redis_prefix)  # as dialog_runtime
        storage = (
            RedisStorage(settings.redis_url, key_prefix=f"{prefix}sign-in", wrap_exceptions=True)
            if settings.redis_url
            else None
        )
        limiter = SignInLimiter(
            per_client=settings.sign_in_rate_per_client, total=settings.sign_in_rate_total, storage=storage
        )
        state.sign_in_limiter = limiter
    return limiter


def client_of(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:64]
