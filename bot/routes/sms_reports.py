"""Delivery receipts (状态报告) from the domestic SMS providers:
`POST /sms/aliyun/report?token=…` (Aliyun SmsReport, HTTP 批量推送: a JSON array of
`{phone_number, send_time, report_time, success, err_code, err_msg, biz_id, out_id}`) and
`POST /sms/tencent/report?token=…` (Tencent Cloud 短信下发状态: an array of
`{user_receive_time, nationcode, mobile, report_status, errmsg, description, sid}`).

Same token rule as the uplinks (channels/sms_domestic.py). Each receipt is matched to the
SMS with that provider id: an answer sent as several SMS keeps every part's id
(`OutboundPart`), and its row turns `delivered` when every part is, `failed` with the
carrier's reason and the part (第2/3条未送达：…) when one is; the console shows it. A receipt
for a message we do not know is ignored (the provider must not retry it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from backend.services.notices.outbox import record_receipt
from bot.deps import RuntimeDep
from bot.runtime import Runtime
from channels.errors import Rejected
from channels.sms_domestic import (
    PROVIDER_OK,
    Receipt,
    aliyun_receipts,
    check_token,
    read_json,
    tencent_receipts,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/sms", tags=["channels"])
PARSERS: dict[str, Callable[[Any], list[Receipt]]] = {"aliyun": aliyun_receipts, "tencent": tencent_receipts}


async def _report(request: Request, runtime: Runtime, provider: str) -> JSONResponse:
    try:
        check_token(request, runtime.settings.sms.callback_token)
        receipts = PARSERS[provider](await read_json(request))
    except Rejected as exc:
        logger.warning("%s sms report refused (%s): %s", provider, exc.status, exc.reason)
        return JSONResponse({"detail": exc.reason}, status_code=exc.status)
    await run_in_threadpool(_record, runtime, receipts)
    return JSONResponse(PROVIDER_OK[provider])


def _record(runtime: Runtime, receipts: list[Receipt]) -> None:
    with runtime.unit_of_work() as session:
        for receipt in receipts:
            row = record_receipt(
                session, provider_id=receipt.provider_id, delivered=receipt.delivered, reason=receipt.reason
            )
            if row is None:
                logger.info("receipt for unknown provider id %s ignored", receipt.provider_id)


@router.post("/aliyun/report", summary="Aliyun SMS delivery receipts (SmsReport)")
async def aliyun_report(request: Request, runtime: RuntimeDep) -> JSONResponse:
    return await _report(request, runtime, "aliyun")


@router.post("/tencent/report", summary="Tencent Cloud SMS delivery receipts (短信下发状态)")
async def tencent_report(request: Request, runtime: RuntimeDep) -> JSONResponse:
    return await _report(request, runtime, "tencent")
