"""How refused requests are answered: short JSON `{"detail": "..."}` a person can act on,
never the rejected input echoed back (FastAPI's default validation answer repeats the
input, and an input that cannot be encoded — NaN, an unpaired surrogate — then turned a
422 into a 500; issue 11 §1)."""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from backend.errors import BackendError, Conflict, InvalidInput, NotFound
from channels.messages import TryLater

STATUS_BY_ERROR: tuple[tuple[type[BackendError], int], ...] = (
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
)
MAX_DETAIL_CHARS = 300
MAX_ERRORS_SHOWN = 3


def printable(text: object, limit: int = MAX_DETAIL_CHARS) -> str:
    """`text` as a string that encodes as UTF-8 (unpaired surrogates become "?"), cut short."""
    value = str(text).encode("utf-8", "replace").decode("utf-8")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {printable(k, 60): _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    parts = []
    for error in exc.errors()[:MAX_ERRORS_SHOWN]:
        where = ".".join(printable(part, 40) for part in error.get("loc", ()))
        parts.append(f"{where}: {printable(error.get('msg', ''), 120)}")
    return JSONResponse({"detail": printable("请求内容无效（" + "；".join(parts) + "）")}, status_code=422)


async def backend_error(request: Request, exc: BackendError) -> JSONResponse:
    status = next((code for cls, code in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
    return JSONResponse(_safe({"detail": exc.message, **exc.to_dict()}), status_code=status)


async def try_later(request: Request, exc: TryLater) -> JSONResponse:
    """A shared store (Redis) is down: nothing was done, come back shortly."""
    return JSONResponse(
        {"detail": f"服务暂时不可用，请 {exc.retry_after_seconds} 秒后重试"},
        status_code=503,
        headers={"Retry-After": str(exc.retry_after_seconds)},
    )
