"""The official account's access token, cached and refreshed once for all processes.

WeChat hands out one access token at a time (valid about two hours); every fetch
invalidates the one before a few minutes later, so processes that each fetched their
own would knock each other's tokens out. The token therefore lives in one wechatpy
session storage (`RedisStorage` when REDIS_URL is set, else `MemoryStorage`) with its
expiry instant, and a refresh happens under one lock (a Redis lock across processes, a
thread lock otherwise): whoever gets the lock re-reads the cache first, so only one
process fetches. A token WeChat reports invalid is dropped only if it is still the
cached one, so a late complaint cannot throw away a fresh token.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import httpx
from wechatpy.session import SessionStorage
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

from channels.errors import ChannelError

logger = logging.getLogger(__name__)

REFRESH_MARGIN_SECONDS = 300.0
LOCK_SECONDS = 30.0

TokenFetcher = Callable[[], tuple[str, int]]


class WeChatApiError(ChannelError):
    """An error answer from the WeChat API (`errcode`, `errmsg`), or no answer at all."""

    RETRYABLE = frozenset({-1, 45009, 45011})  # system busy, API rate limits
    TOKEN_INVALID = frozenset({40001, 40014, 42001})

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @property
    def retryable(self) -> bool:
        """Network trouble (no errcode) and WeChat's "busy" answers are worth another try."""
        return self.errcode is None or self.errcode in self.RETRYABLE


def fetch_token_over_http(api_base_url: str, app_id: str, app_secret: str) -> TokenFetcher:
    """`GET /cgi-bin/token` against the configured API base (a local server in tests)."""

    def fetch() -> tuple[str, int]:
        try:
            response = httpx.get(
                f"{api_base_url.rstrip('/')}/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": app_id, "secret": app_secret},
                timeout=10.0,
            )
            data: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise WeChatApiError(None, f"access token request failed: {exc}") from exc
        if "access_token" not in data:
            raise WeChatApiError(int(data.get("errcode", -1)), str(data.get("errmsg", "no access_token")))
        return str(data["access_token"]), int(data.get("expires_in", 7200))

    return fetch


class AccessTokenCache:
    def __init__(
        self,
        *,
        app_id: str,
        fetch: TokenFetcher,
        storage: SessionStorage,
        lock: Callable[[], AbstractContextManager[Any]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = f"{app_id}_access_token_record"
        self._fetch = fetch
        self._storage = storage
        self._lock = lock
        self._clock = clock

    @classmethod
    def build(
        cls, *, app_id: str, fetch: TokenFetcher, redis_url: str | None, prefix: str = "cuntong:"
    ) -> AccessTokenCache:
        if redis_url:
            import redis

            client = redis.Redis.from_url(redis_url)
            return cls(
                app_id=app_id,
                fetch=fetch,
                storage=RedisStorage(client, prefix=f"{prefix}wechat"),
                lock=lambda: client.lock(
                    f"{prefix}wechat:{app_id}:token-lock", timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS
                ),
            )
        thread_lock = threading.Lock()
        return cls(app_id=app_id, fetch=fetch, storage=MemoryStorage(), lock=lambda: thread_lock)

    def get(self) -> str:
        """A token valid for at least a few more minutes, fetched only when none is cached."""
        token = self._cached()
        if token is not None:
            return token
        with self._lock():
            token = self._cached()  # another process may have refreshed while we waited
            if token is not None:
                return token
            token, expires_in = self._fetch()
            self._storage.set(
                self._key, {"token": token, "expires_at": self._clock() + expires_in}, max(expires_in, 1)
            )
            logger.info("WeChat access token refreshed (valid %ss)", expires_in)
            return token

    def invalidate(self, token: str) -> None:
        """Forget `token` because WeChat refused it, unless a newer one is cached by now."""
        with self._lock():
            record = self._storage.get(self._key)
            if isinstance(record, dict) and record.get("token") == token:
                self._storage.delete(self._key)

    def _cached(self) -> str | None:
        record = self._storage.get(self._key)
        if not isinstance(record, dict):
            return None
        if float(record.get("expires_at", 0)) - REFRESH_MARGIN_SECONDS <= self._clock():
            return None
        return str(record["token"])
