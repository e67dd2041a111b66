"""One body limit and one JSON sanity check in front of every route (issue 11 §1, §2).

`BodyGuard` is a pure ASGI middleware. A request body larger than `limit` bytes answers
413 before the route runs: at once when `Content-Length` says so, else as soon as the
chunks read so far (chunked transfer) pass the limit, so no more than `limit` bytes are
ever held. A JSON body (`application/json`, `*+json`) must be UTF-8 and plain JSON: no
NaN / Infinity, no unpaired surrogate escapes (`"\\ud800"`, which the database and the
answer's own encoder refuse later), nesting at most `MAX_JSON_DEPTH` deep; anything else
answers a short 400. The body read here is handed on unchanged to the route.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

DEFAULT_LIMIT_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyRefused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class BodyGuard:
    def __init__(self, app: ASGIApp, *, limit: int = DEFAULT_LIMIT_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        try:
            body = await self._read(headers, receive)
            if is_json(headers.get("content-type", "")):
                check_json(body)
        except BodyRefused as exc:
            logger.info("%s %s refused (%s): %s", scope.get("method"), scope.get("path"), exc.status, exc.detail)
            await _answer(send, exc.status, exc.detail)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, headers: dict[str, str], receive: Receive) -> bytes:
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self.limit:
            raise BodyRefused(413, self._too_large())
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise BodyRefused(413, self._too_large())
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self) -> str:
        return f"请求内容过大（上限 {self.limit} 字节）"


def is_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def check_json(body: bytes) -> None:
    """BodyRefused(400) unless `body` is empty or plain UTF-8 JSON we can store and echo."""
    if not body.strip():
        return
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(400, "请求内容不是 UTF-8 编码的 JSON") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except BodyRefused:
        raise
    except (ValueError, RecursionError):
        raise BodyRefused(400, "请求内容不是有效的 JSON") from None
    _check_value(value, 0)


def _no_constant(name: str) -> Any:
    raise BodyRefused(400, f"JSON 中不能有 {name}")


def _check_value(value: Any, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise BodyRefused(400, "JSON 嵌套过深")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_value(item, depth + 1)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BodyRefused(400, "JSON 文字中有不成对的代理字符（\\ud800-\\udfff）") from None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, status: int, detail: str) -> None:
    payload = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
