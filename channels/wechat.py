"""WeChat official account (公众号): `WeChatInput` serves the webhook, `WeChatOutput` sends
through the API (customer-service and template messages).

`GET /wechat` answers the server verification; `POST /wechat` takes pushes in plain and
AES safe mode. Every push is checked (signature, fresh timestamp, no replay, at most
64 KB, defused XML) before anything else happens. WeChat waits 5 s for the passive
reply and retries the same message three times: the turn runs as a task that all
retries of that message share, the reply goes out if it is ready within the budget, and
otherwise the answer is `success` and the finished answer is handed to the outbox for
the customer-service API (STYLE.md §18), marked so that no retry answers it again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from wechatpy.client import WeChatClient
from wechatpy.exceptions import WeChatClientException

from channels.buttons import text_blocks
from channels.config import ChannelConfig
from channels.errors import Rejected
from channels.ledger.base import Ledger
from channels.ledger.memory import MemoryLedger
from channels.messages import Message, OnMessage, Reply, TryLater
from channels.outbox import OUTBOX_STATE_KEY
from channels.request_body import read_limited
from channels.wechat_payloads import (
    MAX_XML_BYTES,
    VoicePayload,
    WeChatPayload,
    parse_payload,
    parse_xml,
    text_reply_xml,
    to_message,
)
from channels.wechat_security import SafeMode, check_not_replayed, check_query
from channels.wechat_token import AccessTokenCache, WeChatApiError, fetch_token_over_http

logger = logging.getLogger(__name__)

SUCCESS = "success"
MAX_REPLY_BYTES = 2000  # passive text replies stop at 2048 bytes
TURN_MEMORY_SECONDS = 60.0
DEFERRED_MEMORY_SECONDS = 3600.0
PATIENCE_SECONDS = 1800.0  # how long a turn is retried while the service says "try later"
SORRY = "抱歉，系统有点忙，请稍后再试。"
VOICE_NOT_HEARD = "抱歉，没有听清您的语音，请再说一遍，或者直接打字告诉我。"


class WeChatOutput:
    """Customer-service (客服消息) and template messages through wechatpy's client, pointed
    at the configured API base. wechatpy's client is blocking: call it from a worker thread."""

    def __init__(self, client: WeChatClient, tokens: AccessTokenCache) -> None:
        self._client = client
        self._tokens = tokens

    @classmethod
    def from_settings(cls, settings: ChannelConfig) -> WeChatOutput | None:
        wechat = settings.wechat
        if not (wechat.app_id and wechat.app_secret):
            return None
        base = wechat.api_base_url.rstrip("/")
        client = WeChatClient(wechat.app_id, wechat.app_secret, timeout=10, auto_retry=False)
        client.API_BASE_URL = f"{base}/cgi-bin/"
        fetch = fetch_token_over_http(base, wechat.app_id, wechat.app_secret)
        return cls(
            client, AccessTokenCache.build(
                app_id=wechat.app_id, fetch=fetch, redis_url=settings.redis_url, prefix=settings.redis_prefix
            )
        )

    def send_text(self, openid: str, text: str) -> str | None:
        """客服消息 (allowed within 48 h of the citizen's last message). 详情请参阅
        https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html"""
        result = self._call(lambda: self._client.message.send_text(openid, text))
        return str(result["msgid"]) if result.get("msgid") else None

    def send_template(
        self, openid: str, template_id: str, data: dict[str, str], url: str | None = None
    ) -> str | None:
        """模板消息 (any time, for notices). 详情请参阅
        https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html"""
        fields = {name: {"value": value} for name, value in data.items()}
        result = self._call(lambda: self._client.message.send_template(openid, template_id, fields, url=url))
        return str(result["msgid"]) if result.get("msgid") else None

    def _call(self, send: Callable[[], Any]) -> dict[str, Any]:
        for attempt in (1, 2):
            token = self._tokens.get()
            self._client.session.set(self._client.access_token_key, token)
            try:
                result = send()
            except WeChatClientException as exc:
                code = int(exc.errcode) if exc.errcode is not None else None
                if code in WeChatApiError.TOKEN_INVALID and attempt == 1:
                    self._tokens.invalidate(token)
                    continue
                raise WeChatApiError(code, str(exc.errmsg)) from None
            except OSError as exc:  # requests' errors (connection, timeout) are OSErrors
                raise WeChatApiError(None, f"request failed: {exc}") from None
            return result if isinstance(result, dict) else {}
        raise WeChatApiError(40001, "access token refused twice")


def render_text(replies: list[Reply]) -> str:
    """All replies as one text (a passive reply is a single message); buttons as numbered lines."""
    return _fit("\n\n".join(text_blocks(replies)), MAX_REPLY_BYTES)


def _fit(text: str, limit: int) -> str:
    if len(text.encode()) <= limit:
        return text
    while len((text + "…").encode()) > limit:
        text = text[:-1]
    return text + "…"


@dataclass
class _Turn:
    task: asyncio.Task[list[Reply]]
    started: float
    deferred: bool = False


class WeChatInput:
    def __init__(
        self,
        *,
        token: str | None,
        safe_mode: SafeMode | None,
        ledger: Ledger,
        output: WeChatOutput | None,
        budget_seconds: float,
        window_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._token = token
        self._safe = safe_mode
        self._ledger = ledger
        self._output = output
        self._budget = budget_seconds
        self._window = window_seconds
        self._clock = clock
        self._turns: dict[str, _Turn] = {}
        self._background: set[asyncio.Task[Any]] = set()

    def use_ledger(self, ledger: Ledger) -> None:
        """Keep nonces and deferral marks in `ledger` (the application's database ledger
        when REDIS_URL is unset, so that a restart forgets no nonce)."""
        self._ledger = ledger

    @classmethod
    def from_settings(cls, settings: ChannelConfig) -> WeChatInput:
        wechat = settings.wechat
        safe = None
        if wechat.token and wechat.aes_key:
            if not SafeMode.valid_key(wechat.aes_key):
                raise ValueError("WECHAT_AES_KEY 应为 43 位 EncodingAESKey")
            safe = SafeMode(token=wechat.token, aes_key=wechat.aes_key, app_id=wechat.app_id or "")
        if settings.redis_url:
            from channels.ledger.redis import RedisLedger

            ledger: Ledger = RedisLedger.from_url(settings.redis_url, prefix=f"{settings.redis_prefix}ledger:")
        else:
            ledger = MemoryLedger()
        return cls(
            token=wechat.token,
            safe_mode=safe,
            ledger=ledger,
            output=WeChatOutput.from_settings(settings),
            budget_seconds=wechat.reply_budget_seconds,
            window_seconds=wechat.timestamp_window_seconds,
        )

    def router(self, on_message: OnMessage) -> APIRouter:
        router = APIRouter(prefix="/wechat", tags=["channels"])

        @router.get("", response_class=PlainTextResponse, summary="WeChat server verification")
        async def verify(request: Request) -> Response:
            if not self._token:
                return PlainTextResponse("未配置 WECHAT_TOKEN", status_code=503)
            q = request.query_params
            echostr = q.get("echostr", "")
            try:
                self._check(q.get("signature"), q.get("timestamp"), q.get("nonce"))
                if not echostr or len(echostr) > 128:
                    raise Rejected(400, "缺少 echostr")
            except Rejected as exc:
                return PlainTextResponse(exc.reason, status_code=exc.status)
            return PlainTextResponse(echostr)

        @router.post("", summary="WeChat message push (plain or AES safe mode)")
        async def receive(request: Request) -> Response:
            arrived = time.monotonic()
            if not self._token:
                return PlainTextResponse("未配置 WECHAT_TOKEN", status_code=503)
            try:
                payload = await self._payload(request)
            except Rejected as exc:
                logger.warning("wechat push refused (%s): %s", exc.status, exc.reason)
                return PlainTextResponse(exc.reason, status_code=exc.status)
            replies = await self._replies(payload, on_message, request.app, arrived)
            text = render_text(replies) if replies else ""
            if not text:
                return PlainTextResponse(SUCCESS)
            xml = text_reply_xml(source=payload.to_user, target=payload.from_user, content=text)
            if self._safe is not None:
                q = request.query_params
                xml = self._safe.encrypt(xml, nonce=q["nonce"], timestamp=q["timestamp"])
            return Response(xml, media_type="application/xml")

        return router

    def _check(self, signature: str | None, timestamp: str | None, nonce: str | None) -> None:
        assert self._token is not None
        check_query(
            token=self._token,
            signature=signature,
            timestamp=timestamp,
            nonce=nonce,
            now=self._clock(),
            window_seconds=self._window,
        )

    async def _payload(self, request: Request) -> WeChatPayload:
        q = request.query_params
        self._check(q.get("signature"), q.get("timestamp"), q.get("nonce"))
        timestamp, nonce = q["timestamp"], q["nonce"]
        body = await _read_body(request)
        await check_not_replayed(
            self._ledger, timestamp=timestamp, nonce=nonce, body=body, window_seconds=self._window
        )
        encrypted = q.get("encrypt_type", "").lower() == "aes"
        if encrypted:
            if self._safe is None:
                raise Rejected(400, "未配置 WECHAT_AES_KEY，无法解密安全模式消息")
            outer = parse_xml(body)
            body = self._safe.decrypt(
                encrypt=outer.get("Encrypt"),
                msg_signature=q.get("msg_signature"),
                timestamp=timestamp,
                nonce=nonce,
            )
        elif self._safe is not None:
            raise Rejected(400, "已启用安全模式：只接受加密消息")
        return parse_payload(parse_xml(body))

    async def _replies(
        self, payload: WeChatPayload, on_message: OnMessage, app: FastAPI, arrived: float
    ) -> list[Reply]:
        if isinstance(payload, VoicePayload) and not payload.recognition.strip():
            return [Reply(text=VOICE_NOT_HEARD)]
        message = to_message(payload)
        if message is None:
            return []
        key = payload.dedup_id
        if await self._ledger.get(f"wechat:deferred:{key}") is not None:
            return []  # the answer is on its way through the customer-service API
        self._forget_old_turns()
        turn = self._turns.get(key)
        if turn is None:
            turn = _Turn(task=asyncio.create_task(_patient(on_message, message)), started=time.monotonic())
            self._turns[key] = turn
        remaining = self._budget - (time.monotonic() - arrived)
        done, _ = await asyncio.wait({turn.task}, timeout=max(0.0, remaining))
        if turn.deferred:
            return []
        if done:
            return _result(turn.task)
        turn.deferred = True
        await self._ledger.put_if_absent(f"wechat:deferred:{key}", "1", ttl_seconds=DEFERRED_MEMORY_SECONDS)
        logger.info("wechat answer for %s not ready in %.1fs: delivering later", key, self._budget)
        turn.task.add_done_callback(lambda task: self._later(task, message, key, app))
        return []

    def _later(self, task: asyncio.Task[list[Reply]], message: Message, key: str, app: FastAPI) -> None:
        text = render_text(_result(task))
        if not text:
            return
        job = asyncio.ensure_future(run_in_threadpool(self._deliver, app, message.sender, text, key))
        self._background.add(job)
        job.add_done_callback(self._finished)

    def _deliver(self, app: FastAPI, openid: str, text: str, key: str) -> None:
        outbox = getattr(app.state, OUTBOX_STATE_KEY, None)
        if outbox is not None:
            outbox.deliver_later(channel="wechat", to=openid, text=text, key=f"wechat-reply:{key}")
        elif self._output is not None:
            self._output.send_text(openid, text)
        else:
            logger.warning("no outbox and no WeChat credentials: late answer to %s dropped", openid)

    def _finished(self, job: asyncio.Future[Any]) -> None:
        self._background.discard(job)  # type: ignore[arg-type]
        if not job.cancelled() and job.exception() is not None:
            logger.error("late WeChat answer not handed over", exc_info=job.exception())

    def _forget_old_turns(self) -> None:
        cutoff = time.monotonic() - TURN_MEMORY_SECONDS
        for key in [k for k, t in self._turns.items() if t.task.done() and t.started < cutoff]:
            del self._turns[key]


async def _patient(on_message: OnMessage, message: Message) -> list[Reply]:
    """The turn, tried again while the service asks to try later (its Redis is down), for
    up to `PATIENCE_SECONDS`: WeChat has had `success` meanwhile, and the answer goes out
    through the customer-service API once it is ready."""
    give_up = time.monotonic() + PATIENCE_SECONDS
    while True:
        try:
            return await on_message(message)
        except TryLater as exc:
            if time.monotonic() + exc.retry_after_seconds > give_up:
                raise
            await asyncio.sleep(exc.retry_after_seconds)


def _result(task: asyncio.Task[list[Reply]]) -> list[Reply]:
    if task.cancelled():
        return []
    exc = task.exception()
    if exc is not None:
        logger.error("turn failed", exc_info=exc)
        return [Reply(text=SORRY)]
    return task.result()


async def _read_body(request: Request) -> bytes:
    body = await read_limited(request, MAX_XML_BYTES)
    if not body.strip():
        raise Rejected(400, "空消息")
    return body
