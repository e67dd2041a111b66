"""A `Ledger` (channels/ledger/base.py) kept in the database (`delivery_records`), for a
service without REDIS_URL: WeChat nonces and deferral marks survive a restart, so a
(timestamp, nonce) pair used before kill -9 is still refused with another body after.
The runtime is looked up at call time (it is built in the lifespan, after the routes)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from backend.services.notices import delivery_records
from bot.runtime import Runtime
from channels.ledger.base import Ledger


class DatabaseLedger(Ledger):
    def __init__(self, runtime: Callable[[], Runtime]) -> None:
        self._runtime = runtime

    async def get(self, key: str) -> str | None:
        return await run_in_threadpool(self._get, key)

    async def put_if_absent(self, key: str, value: str, *, ttl_seconds: float) -> str:
        return await run_in_threadpool(self._put, key, value, ttl_seconds)

    def _get(self, key: str) -> str | None:
        with self._runtime().unit_of_work() as session:
            return delivery_records.get(session, key=f"ledger:{key}")

    def _put(self, key: str, value: str, ttl_seconds: float) -> str:
        with self._runtime().unit_of_work() as session:
            return delivery_records.put_if_absent(session, key=f"ledger:{key}", value=value, ttl_seconds=ttl_seconds)
