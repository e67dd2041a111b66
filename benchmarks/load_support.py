"""The parts of benchmarks/load.py that set things up: the conversation scripts, an empty
Redis database, the service as a child process (tests/utils/service_process.py, which
also makes the scratch PostgreSQL database), and the one-at-a-time measurement."""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.utils.service_process import CuntongProcess  # noqa: E402

WARM_UP_ROUNDS = 3
# the service runs on the real clock: tomorrow by its date, since 明天 said between 00:00 and
# 05:00 China time is asked back (and the conversations would go another way at night)
_TOMORROW = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
TOMORROW = f"{_TOMORROW.month}月{_TOMORROW.day}日"

# Conversations the load test's senders go through, one line per turn ({phone} is filled
# in per sender). Bus questions are the most common message, so they come twice.
CONVERSATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bus", ("嵩口到县城的班车几点有", "县城去嵩口末班车几点", "从县城到嵩口车费多少钱")),
    ("booking", ("我要订车", "嵩口", "县城", f"{TOMORROW}早上八点", "俩", "{phone}", "不验证", "1")),
    ("parcel", ("我的快递到哪了", "JT4678203589049")),
    ("greeting", ("你好", "谢谢")),
    ("complaint", ("我要投诉", "司机态度很差，还骂人", "昨天下午", "闽G12345", "{phone}", "1")),
    ("bus", ("田源到县城几点有车", "灵地去县城的车几点", "1路几点有车")),
)

# One message of each kind, measured one at a time, each from a new sender.
KINDS: dict[str, str] = {
    "bus question": "嵩口到县城的班车几点有",
    "first booking turn": f"我要订车，{TOMORROW}上午9点半从灵地去县城，3个人",
    "parcel tracking": "帮我查一下快递SF4616192052758",
    "complaint opening": "我要投诉",
    "greeting": "你好",
}


def error_marker() -> str:
    """The start of the reply a failed turn gets (from the dialog texts, not copied here)."""
    from dialogs import texts

    return texts.render("error", "rich")[:8]


def write_lua_scripts(path: Path) -> Path:
    """The conversations as a Lua file that benchmarks/load.lua reads in each wrk thread."""

    def lua(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string of plain text is a Lua string

    rows = [
        f"  {{kind = {lua(kind)}, lines = {{{', '.join(lua(line) for line in lines)}}}}},"
        for kind, lines in CONVERSATIONS
    ]
    path.write_text(
        "scripts = {\n" + "\n".join(rows) + "\n}\n" + f"error_marker = {lua(error_marker())}\n",
        encoding="utf-8",
    )
    return path


@contextmanager
def empty_redis(url: str) -> Iterator[None]:
    """Use a Redis database that is empty now, and empty it again afterwards."""
    import redis

    client = redis.Redis.from_url(url)
    if client.dbsize():
        raise SystemExit(f"Redis database {url} is not empty; give an empty one with --redis")
    try:
        yield
    finally:
        client.flushdb()
        client.close()


def service(
    database_url: str, redis_url: str, model: Path, *, port: int, workers: int, log_dir: Path
) -> CuntongProcess:
    """`cuntong serve --workers N` on the scratch database, used once it logs "ready"."""
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "NLU_MODEL_PATH": str(model),
        "SEED_ON_EMPTY": "true",
        "WEBCHAT_SECRET": "load-benchmark-webchat-secret-0123456789",  # required with --workers > 1
    }
    return CuntongProcess.serve(port, env, log_path=log_dir / f"serve-{workers}.log", workers=workers)


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds used so far by a process and its living descendants
    (the service's workers), from /proc: a figure that stays meaningful on a busy machine."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        children.setdefault(parent, []).append(pid)
        stats[pid] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, 0.0)
        todo.extend(children.get(pid, ()))
    return total


def one_at_a_time(url: str, *, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per message kind, one request in flight on a kept-alive connection."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    try:
        for round_no in range(rounds + WARM_UP_ROUNDS):
            for index, (kind, text) in enumerate(KINDS.items()):
                sender = f"single-{round_no}-{index}"
                body = json.dumps(
                    {"sender": sender, "message": text, "message_id": sender}, ensure_ascii=False
                )
                started = time.perf_counter()
                connection.request(
                    "POST", "/webhooks/rest/webhook", body.encode(), {"Content-Type": "application/json"}
                )
                response = connection.getresponse()
                response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    raise RuntimeError(f"{kind}: HTTP {response.status}")
                if round_no >= WARM_UP_ROUNDS:
                    timings[kind].append(elapsed)
    finally:
        connection.close()
    return timings
