"""A second search process for whole-day plans: OR-Tools searches on one core, the machine
has two. While the planner searches in its own process, one helper process (a spawned
pool of one, created on first use and kept for later plans) runs another search on the
same model from a different start or with different jobs taken out; the planner keeps the
cheaper result (`Search.run`). Spawned, not forked: a fork of a process holding threads,
sockets or a database pool (the FastAPI app, the test runner) is unsafe.

A helper that is late is not waited for beyond a short grace; its search stops at the same
wall-clock deadline as the planner's, so it is free again by the next plan. A broken pool
(the helper died) is dropped and the planner carries on alone. `DISPATCH_PORTFOLIO=0`
switches the helper off, `=1` on whatever the load; unset, it is used when the load average
leaves a core for it (`enabled`).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

logger = logging.getLogger(__name__)

LOAD_MARGIN = 0.5  # see `enabled`
GRACE_S = 0.3  # how long past its deadline a helper's answer is still waited for
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def enabled() -> bool:
    """Two cores or more, not switched off, and no more busy than our own two processes
    make it: on a machine already loaded the helper takes CPU from the planner itself
    (Cordeau a8-96 at 3 s, load average 5 on 2 cores: 11.6 % above the best-known against
    6.2 % without it, as the planner's first descent was cut short)."""
    cpus = os.cpu_count() or 1
    if cpus < 2 or os.environ.get("DISPATCH_PORTFOLIO", "1") == "0":
        return False
    if os.environ.get("DISPATCH_PORTFOLIO") == "1":
        return True
    try:
        return os.getloadavg()[0] < cpus + LOAD_MARGIN
    except OSError:  # no load average on this system
        return True


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _pool


def shutdown(wait: bool = True) -> None:
    """Stop the helper process (also run at interpreter exit); the next plan starts another."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


atexit.register(shutdown)


def warm() -> None:
    """Start the helper process now, so its start-up overlaps the planner's own set-up."""
    if enabled():
        try:
            _get_pool().submit(int)
        except RuntimeError:  # shut down meanwhile
            pass


class Helper:
    """Runs `work(*shared, *job)` in the helper process; `shared` is what every job needs
    (the problem, travel model and rules), a job is one search's own arguments."""

    def __init__(self, work: Callable[..., Any], *shared: Any) -> None:
        self.work, self.shared, self.broken = work, shared, False

    def submit(self, *job: Any) -> Future[Any] | None:
        if self.broken:
            return None
        try:
            return _get_pool().submit(self.work, *self.shared, *job)
        except Exception:  # a broken pool: plan alone from now on
            logger.warning("the helper search process is unavailable", exc_info=True)
            self._drop()
            return None

    def collect(self, future: Future[Any] | None, until_wall: float) -> Any:
        """The job's answer, waiting at most until `until_wall` (time.time()) + GRACE_S;
        None when there is none (late, failed, or nothing submitted)."""
        if future is None:
            return None
        try:
            return future.result(timeout=max(0.0, until_wall - time.time()) + GRACE_S)
        except FutureTimeout:
            logger.info("the helper search was late; its answer is not used")
            return None
        except Exception:
            logger.warning("the helper search failed", exc_info=True)
            self._drop()
            return None

    def _drop(self) -> None:
        self.broken = True
        shutdown(wait=False)
