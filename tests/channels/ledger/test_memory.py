"""The in-process ledger: put-if-absent keeps the first value until it expires."""

from __future__ import annotations

import asyncio

from channels.ledger.memory import MemoryLedger


class Timer:
    def __init__(self) -> None:
        self.value = 10.0

    def __call__(self) -> float:
        return self.value


def test_first_value_wins_until_expiry() -> None:
    timer = Timer()
    ledger = MemoryLedger(timer=timer)

    async def run() -> list[str | None]:
        first = await ledger.put_if_absent("nonce:1", "body-a", ttl_seconds=60)
        second = await ledger.put_if_absent("nonce:1", "body-b", ttl_seconds=60)
        timer.value += 61
        expired = await ledger.get("nonce:1")
        third = await ledger.put_if_absent("nonce:1", "body-c", ttl_seconds=60)
        return [first, second, expired, third]

    assert asyncio.run(run()) == ["body-a", "body-a", None, "body-c"]
