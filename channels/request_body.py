"""Read a webhook body without trusting its size: refuse (413) a declared or actual
body above the limit before it is all in memory."""

from __future__ import annotations

from fastapi import Request

from channels.errors import Rejected


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Rejected(413, f"请求过大（上限 {limit} 字节）")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Rejected(413, f"请求过大（上限 {limit} 字节）")
        chunks.append(chunk)
    return b"".join(chunks)
