"""Domestic SMS callbacks (Aliyun, Tencent Cloud): replies from citizens (上行) and
delivery receipts (状态报告).

- `POST /sms/aliyun/uplink?token=…`: Aliyun's "HTTP 批量推送" of SmsUp, a JSON array of
  `{phone_number, send_time, content, sign_name, dest_code, sequence_id}`; answered
  `{"code": 0, "msg": "接收成功"}`.
- `POST /sms/tencent/uplink?token=…`: Tencent Cloud's 短信回复 callback
  `{extend, mobile, nationcode, sign, text, time}` (one object, or an array); answered
  `{"result": 0, "errmsg": "OK"}`.

The providers sign none of these: the URL carries `SMS_CALLBACK_TOKEN`, compared in
constant time (503 while unset, 403 on a wrong one). Each reply becomes a `Message` for the
same turn processor as Twilio SMS, keyed by the provider's sequence id, else by (phone,
time, text), so a callback delivered twice is answered once. The answer is not in the
HTTP response (providers ignore it): each reply block goes to the outbox as an `answer`,
and the worker sends it with its registered template through the provider the reply came
in on (`answer_provider`; SMS_PROVIDER's when only that one is configured). 退订 / TD /
STOP … are the `opt_out` event, 恢复 / 恢复通知 / START / YES / UNSTOP `opt_in` (`sms_keywords`).

Receipts are parsed here (`aliyun_receipts`, `tencent_receipts`); bot/routes/sms_reports.py
records them on the outbound rows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from channels.buttons import text_blocks
from channels.config import ChannelConfig
from channels.errors import PayloadError, Rejected
from channels.messages import Message, OnMessage, Reply, TryLater
from channels.outbox import OUTBOX_STATE_KEY
from channels.phone import sender_id
from channels.request_body import read_limited
from channels.sms_keywords import keyword_event

logger = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 256 * 1024
MAX_TEXT_CHARS = 500
ALIYUN_OK = {"code": 0, "msg": "接收成功"}
TENCENT_OK = {"result": 0, "errmsg": "OK"}
PROVIDER_OK = {"aliyun": ALIYUN_OK, "tencent": TENCENT_OK}
SORRY = "抱歉，系统忙，没有办成，请稍后再试。"  # the dialogs' short "error" text: it has a template
ANSWER_PREFIX = "sms-answer:"


def answer_key(message: Message, index: int) -> str:
    """The outbox key of an answer block; it starts with the provider the reply came in on."""
    return f"{ANSWER_PREFIX}{message.message_id}:{index}"[:200]


def answer_provider(event_key: str) -> str | None:
    """The provider a domestic SMS answer must go back through (None: not such an answer)."""
    if not event_key.startswith(ANSWER_PREFIX):
        return None
    provider = event_key.removeprefix(ANSWER_PREFIX).split(":", 1)[0]
    return provider if provider in PROVIDER_OK else None


@dataclass(frozen=True)
class Receipt:
    """A delivery receipt: the provider's id of the message, delivered or not, and why."""

    provider_id: str
    delivered: bool
    reason: str | None
    phone: str


def check_token(request: Request, expected: str | None) -> None:
    if not expected:
        raise Rejected(503, "未配置 SMS_CALLBACK_TOKEN")
    given = request.query_params.get("token", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Rejected(403, "token 无效")


async def read_json(request: Request) -> Any:
    body = await read_limited(request, MAX_CALLBACK_BYTES)
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PayloadError("请求体不是 JSON") from None


def as_list(payload: Any) -> list[dict[str, Any]]:
    items = payload if isinstance(payload, list) else [payload]
    if not items or not all(isinstance(item, dict) for item in items):
        raise PayloadError("应为 JSON 对象或对象数组")
    return items


def field(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PayloadError(f"缺少字段：{name}")
    return str(value).strip()


def aliyun_message(item: dict[str, Any]) -> Message | None:
    phone, sent, text = field(item, "phone_number"), field(item, "send_time"), str(item.get("content") or "")
    sequence = item.get("sequence_id")
    key = f"seq:{sequence}" if sequence not in (None, "") else _triple(phone, sent, text)
    return _message("aliyun", phone, text, key, sent_at=sent, extra={"dest_code": item.get("dest_code")})


def tencent_message(item: dict[str, Any]) -> Message | None:
    mobile, at, text = field(item, "mobile"), field(item, "time"), str(item.get("text") or "")
    nation = str(item.get("nationcode") or "86").strip()
    phone = mobile if nation == "86" else f"+{nation}{mobile}"
    return _message("tencent", phone, text, _triple(phone, at, text), sent_at=at, extra={"extend": item.get("extend")})


def _triple(phone: str, at: str, text: str) -> str:
    return hashlib.sha256(f"{phone}\n{at}\n{text}".encode()).hexdigest()[:24]


def _message(provider: str, phone: str, text: str, key: str, *, sent_at: str, extra: dict[str, Any]) -> Message | None:
    sender = sender_id(phone)
    if not sender or len(sender) > 32:
        raise PayloadError("手机号码无效")
    text = text.strip()[:MAX_TEXT_CHARS]
    if not text:
        return None
    return Message(
        channel="sms",
        sender=sender,
        text=text,
        received_at=datetime.now(UTC),
        message_id=f"{provider}:{key}",
        event=keyword_event(text, domestic=True),
        metadata={"provider": provider, "sent_at": sent_at, **{k: v for k, v in extra.items() if v}},
    )


def aliyun_receipts(payload: Any) -> list[Receipt]:
    receipts = []
    for item in as_list(payload):
        success = item.get("success")
        delivered = success is True or str(success).lower() == "true"
        reason = None if delivered else f"{item.get('err_code') or ''} {item.get('err_msg') or ''}".strip()
        receipts.append(Receipt(field(item, "biz_id"), delivered, reason or "未送达", str(item.get("phone_number") or "")))
    return receipts


def tencent_receipts(payload: Any) -> list[Receipt]:
    receipts = []
    for item in as_list(payload):
        delivered = str(item.get("report_status") or "").upper() == "SUCCESS"
        reason = None if delivered else f"{item.get('errmsg') or ''} {item.get('description') or ''}".strip()
        receipts.append(Receipt(field(item, "sid"), delivered, reason or "未送达", str(item.get("mobile") or "")))
    return receipts


class DomesticSmsInput:
    def __init__(self, *, callback_token: str | None) -> None:
        self._token = callback_token

    @classmethod
    def from_settings(cls, settings: ChannelConfig) -> DomesticSmsInput:
        return cls(callback_token=settings.sms.callback_token)

    def router(self, on_message: OnMessage) -> APIRouter:
        router = APIRouter(prefix="/sms", tags=["channels"])
        parsers = {"aliyun": aliyun_message, "tencent": tencent_message}

        async def uplink(request: Request, provider: str) -> JSONResponse:
            try:
                check_token(request, self._token)
                messages = [parsers[provider](item) for item in as_list(await read_json(request))]
            except Rejected as exc:
                logger.warning("%s sms uplink refused (%s): %s", provider, exc.status, exc.reason)
                return JSONResponse({"detail": exc.reason}, status_code=exc.status)
            for message in messages:
                if message is not None:
                    await self._answer(request, message, on_message)
            return JSONResponse(PROVIDER_OK[provider])

        @router.post("/aliyun/uplink", summary="Aliyun SMS replies (SmsUp, HTTP 批量推送)")
        async def aliyun_uplink(request: Request) -> JSONResponse:
            return await uplink(request, "aliyun")

        @router.post("/tencent/uplink", summary="Tencent Cloud SMS reply callback (短信回复)")
        async def tencent_uplink(request: Request) -> JSONResponse:
            return await uplink(request, "tencent")

        return router

    async def _answer(self, request: Request, message: Message, on_message: OnMessage) -> None:
        try:
            replies = await on_message(message)
        except TryLater:  # Redis down: the turn did not run; the answer row waits for the sweep
            logger.warning("sms turn %s not run: state store unavailable", message.message_id)
            replies = [Reply(text=SORRY)]
        except Exception:  # the provider must not retry forever; the turn's error is logged
            logger.exception("sms turn failed for %s", message.message_id)
            replies = [Reply(text=SORRY)]
        outbox = getattr(request.app.state, OUTBOX_STATE_KEY, None)
        if outbox is None:
            logger.warning("no outbox: answer to %s not sent", message.message_id)
            return
        for index, block in enumerate(text_blocks(replies)):
            await run_in_threadpool(
                outbox.deliver_later,
                channel="sms",
                to=message.sender,
                text=block,
                key=answer_key(message, index),
                kind="answer",
            )
