"""FastAPI dependencies as `Annotated` aliases (STYLE.md §20)."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from bot.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """A unit of work per request, committed before the response is sent."""
    with runtime.unit_of_work() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def require_operator(request: Request, runtime: RuntimeDep) -> str:
    """Bearer OPERATOR_API_TOKEN, or a signed-in console session (set by the console).

    With no token configured, personal-data endpoints answer 403: secure by default.
    """
    console_user = getattr(request.state, "console_user", None)
    if console_user:
        return str(console_user)
    expected = runtime.settings.operator_api_token
    if not expected:
        raise HTTPException(403, "未配置 OPERATOR_API_TOKEN：含个人信息的接口已关闭")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(401, "需要有效的 Authorization: Bearer 令牌", headers={"WWW-Authenticate": "Bearer"})
    return "operator-api"


OperatorDep = Annotated[str, Depends(require_operator)]
