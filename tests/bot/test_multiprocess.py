"""The deployment of docs/deploy.md in miniature: two real `cuntong serve` processes (one of
them with two workers) on one PostgreSQL + Redis. One conversation alternates between
them turn by turn and books a ride; the operator books a ride through each of them, and
the notices that causes are each sent exactly once although two `cuntong worker`
processes drain the queue."""

from __future__ import annotations

import os
import re
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text

from tests.utils.service_process import CuntongProcess, ScratchDatabase, free_port

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not (DATABASE_URL.startswith("postgresql") and REDIS_URL),
    reason="needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL: processes cannot share SQLite "
    "or in-process state",
)

PHONE = "13900007788"
OPERATOR_PHONES = ("13900007701", "13900007702")
TOKEN = "multiprocess-operator-token"


def _tomorrow() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)


# the services run on the real clock: a date, not 明天 (asked back between 00:00 and 05:00)
BOOKING = (
    "我要订车",
    "嵩口",
    "县城",
    f"{_tomorrow().month}月{_tomorrow().day}日早上八点",
    "俩",
    PHONE,
    "不验证",
    "1",
)  # typed number: a contact
WORKER_STARTED = re.compile(r"outbound worker started")
DRAIN_TIMEOUT_SECONDS = 90.0


def say(port: int, sender: str, text_: str, message_id: str) -> str:
    answer = httpx.post(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        json={"sender": sender, "message": text_, "message_id": message_id},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return "\n".join(reply["text"] for reply in answer.json())


def operator_booking(port: int, mobile: str) -> None:
    tomorrow = _tomorrow()
    answer = httpx.post(
        f"http://127.0.0.1:{port}/api/bookings",
        json={"mobile": mobile, "origin": "嵩口", "destination": "县城", "passengers": 1,
              "time": datetime.combine(tomorrow, dtime(9), ZoneInfo("Asia/Shanghai")).isoformat()},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )  # fmt: skip
    assert answer.status_code == 201, answer.text


def outbound_rows(url: str) -> list[tuple[int, str, int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                # the one-time code texted to the typed number is left out: the operator's notices are followed
                text(
                    "SELECT id, status, attempts, body FROM outbound_messages"
                    " WHERE kind != 'verification_code' ORDER BY id"
                )
            )
            return [(r.id, r.status, r.attempts, r.body) for r in rows]
    finally:
        engine.dispose()


def test_one_conversation_across_two_services_and_outbound_sent_once(
    tmp_path: Path, nlu_model_path: Path
) -> None:
    prefix = f"cuntong-test-mp-{uuid.uuid4().hex[:8]}:"
    shared = redis.Redis.from_url(REDIS_URL)
    try:
        with ScratchDatabase(DATABASE_URL, tag="mp") as database:
            env = {
                "DATABASE_URL": database.url,
                "REDIS_URL": REDIS_URL,
                "REDIS_PREFIX": prefix,
                "NLU_MODEL_PATH": str(nlu_model_path),
                "QUIET_HOURS": "off",
                "SEED_ON_EMPTY": "true",
                "OPERATOR_API_TOKEN": TOKEN,
                "WEBCHAT_SECRET": "mp-test-webchat-secret-0123456789abcdef",
            }
            ports = (free_port(), free_port())
            with (
                CuntongProcess.serve(ports[0], env, log_path=tmp_path / "serve-a.log"),
                CuntongProcess.serve(ports[1], env, log_path=tmp_path / "serve-b.log", workers=2),
            ):
                answers = [
                    say(ports[turn % 2], "mp-villager", line, f"mp-{turn}")
                    for turn, line in enumerate(BOOKING)
                ]
                # the same message delivered again to the other process: the answer already given
                again = say(ports[1], "mp-villager", BOOKING[-1], f"mp-{len(BOOKING) - 1}")
                for port, mobile in zip(ports, OPERATOR_PHONES, strict=True):
                    operator_booking(port, mobile)
            assert "嵩口" in answers[-2] and "县城" in answers[-2]  # the read-back saw every earlier turn
            assert re.search(r"B\d", answers[-1]), answers  # booked, with its booking number
            assert again == answers[-1]
            queued = outbound_rows(database.url)
            assert len(queued) == len(OPERATOR_PHONES)
            assert all(status == "queued" for _, status, _, _ in queued)

            with (
                CuntongProcess(["worker", "--sweep-every", "0.5"], env, log_path=tmp_path / "w1.log", ready=WORKER_STARTED) as w1,
                CuntongProcess(["worker", "--sweep-every", "0.5"], env, log_path=tmp_path / "w2.log", ready=WORKER_STARTED) as w2,
            ):  # fmt: skip
                deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
                rows = outbound_rows(database.url)
                while any(status != "sent" for _, status, _, _ in rows) and time.monotonic() < deadline:
                    time.sleep(0.5)
                    rows = outbound_rows(database.url)
                time.sleep(1.5)  # long enough for a second send of the same row to show up
                logs = w1.log() + w2.log()
            assert [(status, attempts) for _, status, attempts, _ in outbound_rows(database.url)] == [
                ("sent", 1) for _ in queued
            ]
            for (_, _, _, body), mobile in zip(queued, OPERATOR_PHONES, strict=True):
                # the log-only sender logs the tail and the length at INFO, never the text
                assert logs.count(f"[sms -> 尾号{mobile[-4:]}] {len(body)} 字") == 1, logs
    finally:
        keys = list(shared.scan_iter(match=f"{prefix}*"))
        if keys:
            shared.delete(*keys)
        shared.close()
