"""The contract of a ledger: a key-value store with expiry whose one write is
"put if absent", so two processes racing for the same key agree on one value
(like wechatpy's `SessionStorage`, STYLE.md §3)."""

from __future__ import annotations

import abc


class Ledger(abc.ABC):
    @abc.abstractmethod
    async def get(self, key: str) -> str | None:
        """The value stored under `key`, or None when absent or expired."""

    @abc.abstractmethod
    async def put_if_absent(self, key: str, value: str, *, ttl_seconds: float) -> str:
        """Store `value` unless the key holds one; return the value now stored."""
