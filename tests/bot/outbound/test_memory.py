"""The in-process queue: due jobs in order, delayed jobs only when due."""

from __future__ import annotations

import threading
import time

from bot.outbound.base import OutboundJob
from bot.outbound.memory import MemoryQueue


class Timer:
    def __init__(self) -> None:
        self.value = 100.0

    def __call__(self) -> float:
        return self.value


def test_jobs_come_out_in_order_of_due_time() -> None:
    timer = Timer()
    queue = MemoryQueue(timer=timer)
    queue.put(OutboundJob(1))
    queue.put(OutboundJob(2), delay_seconds=30)
    queue.put(OutboundJob(3))
    assert [queue.reserve(timeout_seconds=0).record_id for _ in range(2)] == [1, 3]  # type: ignore[union-attr]
    assert queue.reserve(timeout_seconds=0) is None
    timer.value += 30
    job = queue.reserve(timeout_seconds=0)
    assert job is not None and job.record_id == 2


def test_a_waiting_worker_wakes_when_work_arrives() -> None:
    queue = MemoryQueue()
    got: list[int] = []

    def worker() -> None:
        job = queue.reserve(timeout_seconds=5)
        if job is not None:
            got.append(job.record_id)

    thread = threading.Thread(target=worker)
    thread.start()
    time.sleep(0.05)
    queue.put(OutboundJob(7))
    thread.join(2)
    assert got == [7]
