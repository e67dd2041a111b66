"""The access token: fetched once, shared by every process through Redis, refreshed
before it runs out, and dropped only while it is still the cached one."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from wechatpy.session.redisstorage import RedisStorage

from channels.wechat_token import AccessTokenCache, WeChatApiError, fetch_token_over_http
from tests.utils.redis_server import REDIS_URL, EpochClock, redis_or_skip
from tests.utils.vendor_server import VendorServer, vendor_server


class Fetcher:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self) -> tuple[str, int]:
        with self.lock:
            self.count += 1
            number = self.count
        time.sleep(0.05)  # the round trip to WeChat
        return f"TOKEN-{number}", 7200


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis_or_skip()
    yield client
    client.close()


def test_one_fetch_for_many_threads_in_memory() -> None:
    fetch = Fetcher()
    cache = AccessTokenCache.build(app_id="wxapp", fetch=fetch, redis_url=None)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(cache.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tokens == ["TOKEN-1"] * 8
    assert fetch.count == 1


def test_processes_share_one_token_through_redis(redis_client: redis.Redis) -> None:
    app_id = f"wx{uuid.uuid4().hex[:10]}"
    fetch = Fetcher()
    first = AccessTokenCache.build(app_id=app_id, fetch=fetch, redis_url=REDIS_URL)
    second = AccessTokenCache.build(app_id=app_id, fetch=fetch, redis_url=REDIS_URL)  # another process
    results: list[str] = []
    threads = [threading.Thread(target=lambda c=c: results.append(c.get())) for c in (first, second) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) == {"TOKEN-1"} and fetch.count == 1
    redis_client.delete(f"cuntong:wechat:{app_id}_access_token_record")


def test_refreshed_before_expiry_and_invalidated_only_if_current(redis_client: redis.Redis) -> None:
    clock = EpochClock()
    fetch = Fetcher()
    prefix = f"test:{uuid.uuid4().hex}"
    storage = RedisStorage(redis_client, prefix=prefix)
    lock = threading.Lock()
    cache = AccessTokenCache(app_id="wxapp", fetch=fetch, storage=storage, lock=lambda: lock, clock=clock)
    assert cache.get() == "TOKEN-1"
    clock.value += 7200 - 299  # inside the last five minutes
    assert cache.get() == "TOKEN-2"
    cache.invalidate("TOKEN-1")  # a late complaint about the old token changes nothing
    assert cache.get() == "TOKEN-2"
    cache.invalidate("TOKEN-2")
    assert cache.get() == "TOKEN-3"
    for key in redis_client.scan_iter(f"{prefix}:*"):
        redis_client.delete(key)


@pytest.fixture
def server() -> Iterator[VendorServer]:
    with vendor_server() as server:
        yield server


def test_fetch_over_http_uses_the_configured_base(server: VendorServer) -> None:
    assert fetch_token_over_http(server.url, "wxapp", "secret")() == ("ACCESS_TOKEN_FROM_TEST_SERVER", 7200)
    [call] = server.calls("/cgi-bin/token")
    assert call.query == {"grant_type": ["client_credential"], "appid": ["wxapp"], "secret": ["secret"]}
    server.answer("/cgi-bin/token", (200, {"errcode": 40125, "errmsg": "invalid appsecret"}))
    with pytest.raises(WeChatApiError) as error:
        fetch_token_over_http(server.url, "wxapp", "wrong")()
    assert error.value.errcode == 40125 and not error.value.retryable
