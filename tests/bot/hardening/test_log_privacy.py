"""Personal data in logs at INFO and above is masked (issue 11 §8): phone numbers in
conversation ids, openids, `?phone=` in uvicorn's access log, SMS bodies of the log sender."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from uvicorn.logging import AccessFormatter

from bot import log_privacy
from bot.outbound.base import Outgoing
from bot.outbound.log_sender import LogSender

PHONE = "13800138000"


@pytest.fixture(autouse=True)
def masking() -> Iterator[None]:
    log_privacy.install()
    yield


def test_phones_and_openids_are_cut_to_their_tail(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("cuntong.test")
    with caplog.at_level(logging.DEBUG, logger="cuntong.test"):
        log.info("turn for %s and %s", f"sms:+86{PHONE}", "wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
        log.warning(f"sender {PHONE} busy")
        log.debug("debug keeps %s", PHONE)
    info, warning, debug = (r.getMessage() for r in caplog.records)
    assert info == "turn for sms:尾号8000 and wechat:o***fL2M"
    assert warning == "sender 尾号8000 busy"
    assert debug == f"debug keeps {PHONE}"


def test_access_log_query_values_are_masked() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', None, None
    )
    record.args = ("127.0.0.1:5000", "GET", f"/api/parcels?phone={PHONE}&carrier=sf", "1.1", 200)
    log_privacy.mask_record(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    assert PHONE not in line and "phone=***&carrier=sf" in line and line.endswith("200 OK")


def test_the_log_sender_does_not_log_the_body(caplog: pytest.LogCaptureFixture) -> None:
    body = f"您的快递取件码 8-2-3017，请凭尾号 {PHONE[-4:]} 到嵩口服务点领取"
    with caplog.at_level(logging.INFO):
        LogSender("sms").send(Outgoing(channel="sms", to=f"+86{PHONE}", body=body, kind="notice", event_key="k"))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "取件码" not in text and PHONE not in text and "尾号8000" in text


def test_a_rest_turn_logs_no_full_phone(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        client.post("/webhooks/rest/webhook", json={"sender": PHONE, "message": "查快递", "message_id": "m1"})
        client.post("/webhooks/rest/webhook", json={"sender": PHONE, "message": "查快递", "message_id": "m1"})
    assert caplog.records and all(PHONE not in r.getMessage() for r in caplog.records)
