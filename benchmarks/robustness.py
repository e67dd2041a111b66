"""Robustness of the real service (issue 11): hostile input, a sign-in flood, kill -9
during traffic, and a Redis outage, against `python -m bot.cli serve` child processes.

1. Fuzz: every public endpoint (from the service's own /openapi.json, plus the console
   sign-in) gets `--per-endpoint` hostile requests, `--threads` at a time, and 20 bursts of
   5 identical webhook deliveries at once (concurrent duplicates).
2. Sign-in flood: 80 wrong passwords, 40 at a time, while a citizen chats; the chat turns
   are timed.
3. kill -9: bookings (operator API) and SMS messages flow, the service is killed with
   SIGKILL mid-stream and started again on the same database; every confirmed booking
   must still be there, every answered SMS is delivered again and must not run twice.
4. Redis outage: a Redis of our own is killed mid-traffic and started again; answers in
   between must be 503 + Retry-After, and the service must recover by itself.

Prints requests, 5xx, hangs > 5 s, crashes, confirmed records lost, duplicates processed
(targets: 0 for all but requests). Embedded SQLite; a few minutes on 2 cores.

    python benchmarks/robustness.py [--per-endpoint 200] [--threads 8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import robustness_inputs as inputs  # noqa: E402
from tests.utils.own_redis import OwnRedis  # noqa: E402
from tests.utils.service_process import CuntongProcess, free_port  # noqa: E402

HANG_SECONDS = 5.0
TIMEOUT_SECONDS = 15.0
STREAMS = ("/chat/events",)
SPECIAL = {"/webhooks/rest/webhook", "/model/parse", "/wechat", "/sms/inbound", "/voice/inbound", "/voice/gather", *inputs.DOMESTIC_PATHS}


@dataclass
class Tally:
    requests: int = 0
    server_errors: int = 0
    by_design_503: int = 0
    hangs: int = 0
    crashes: int = 0
    lost: int = 0
    duplicates: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    worst: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, req: inputs.Req, status: int, seconds: float, *, outage: bool = False, retry_after: bool = False) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            if seconds > HANG_SECONDS or status == 0:
                self.hangs += 1
                if len(self.worst) < 20:
                    self.worst.append(f"slow {seconds:.1f}s {status} {req.method} {req.path} {req.body[:60] if req.body else req.params}")
            if status >= 500:
                if outage and status == 503 and retry_after:
                    self.by_design_503 += 1
                else:
                    self.server_errors += 1
                    if len(self.worst) < 20:
                        self.worst.append(f"5xx {status} {req.method} {req.path} {req.body[:80] if req.body else req.params}")


def send(client: httpx.Client, req: inputs.Req) -> tuple[int, float, httpx.Response | None]:
    started = time.perf_counter()
    try:
        if req.path.startswith(STREAMS):  # an event stream stays open by design: its headers are the answer
            with client.stream(req.method, req.path, params=req.params, content=req.body, headers=req.headers) as streamed:
                return streamed.status_code, time.perf_counter() - started, None
        response = client.request(req.method, req.path, params=req.params, content=req.body, headers=req.headers)
    except httpx.TimeoutException:
        return 0, time.perf_counter() - started, None
    except httpx.TransportError:
        return -1, time.perf_counter() - started, None
    except httpx.InvalidURL:  # too long for the client itself to send
        return -2, 0.0, None
    return response.status_code, time.perf_counter() - started, response


def service_env(workdir: Path, port: int, redis_url: str | None) -> dict[str, str]:
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'robustness.db'}",
        "WECHAT_TOKEN": inputs.WECHAT_TOKEN,
        "TWILIO_AUTH_TOKEN": inputs.TWILIO_TOKEN,
        "OPERATOR_API_TOKEN": inputs.OPERATOR_TOKEN,
        "SMS_CALLBACK_TOKEN": inputs.SMS_CALLBACK_TOKEN,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "NLU_MODEL_PATH": str(model_path(workdir)),
        "REDIS_URL": redis_url or "",
    }
    return env


def model_path(workdir: Path) -> Path:
    trained = ROOT / "models" / "nlu.pkl"
    return trained if trained.exists() else workdir / "nlu.pkl"


def fuzz_requests(client: httpx.Client, base_url: str, per_endpoint: int) -> list[inputs.Req]:
    spec = client.get("/openapi.json").json()
    rng = random.Random(11)
    made: list[inputs.Req] = []
    for path, operations in sorted(spec["paths"].items()):
        if path in SPECIAL:
            continue
        for method, op in operations.items():
            query = tuple(p["name"] for p in op.get("parameters", []) if p.get("in") == "query")
            schema = json.dumps(op.get("requestBody", {}))
            body_fields = tuple(sorted(set(_field_names(spec, schema))))
            made += [inputs.generic(rng, method.upper(), path, query, body_fields) for _ in range(per_endpoint)]
    makers: list[Callable[[random.Random, int], inputs.Req]] = [
        inputs.rest, inputs.parse, inputs.wechat, inputs.login, inputs.domestic,
        lambda r, i: inputs.sms(r, i, base_url), lambda r, i: inputs.voice(r, i, base_url),
    ]  # fmt: skip
    for make in makers:
        made += [make(rng, i) for i in range(per_endpoint)]
    rng.shuffle(made)
    return made


def _field_names(spec: dict[str, object], schema_json: str) -> list[str]:
    names: list[str] = []
    for ref in {part.split('"')[0] for part in schema_json.split('"$ref": "#/components/schemas/')[1:]}:
        props = spec["components"]["schemas"].get(ref, {}).get("properties", {})  # type: ignore[index, union-attr]
        names += list(props)
    return names or ["value"]


def run_fuzz(base_url: str, tally: Tally, per_endpoint: int, threads: int) -> None:
    with httpx.Client(base_url=base_url, timeout=TIMEOUT_SECONDS) as client:
        requests = fuzz_requests(client, base_url, per_endpoint)
        print(f"fuzz: {len(requests)} requests over {len({(r.method, r.path.split('?')[0]) for r in requests})} endpoint shapes")  # noqa: T201
        with ThreadPoolExecutor(threads) as pool:
            for req, (status, seconds, _) in zip(requests, pool.map(lambda r: send(client, r), requests), strict=True):
                tally.add(req, status, seconds)
            rng = random.Random(5)  # concurrent duplicates: the same delivery 5 times at once
            for i in range(20):
                req = rng.choice((inputs.sms, inputs.voice))(rng, 1000 + i, base_url) if i % 2 else inputs.rest(rng, i)
                for status, seconds, _ in pool.map(lambda r: send(client, r), [req] * 5):
                    tally.add(req, status, seconds)


def sign_in_flood(base_url: str, tally: Tally) -> dict[str, float]:
    with httpx.Client(base_url=base_url, timeout=TIMEOUT_SECONDS) as client:
        page = client.get("/console/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        form = urlencode({"username": "nobody", "password": "wrong-password", "csrf_token": token}).encode()
        req = inputs.Req("POST", "/console/login", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        turns: list[float] = []
        with ThreadPoolExecutor(40) as pool:
            floods = pool.map(lambda _: send(client, req), range(80))
            for i in range(20):
                say = inputs.Req("POST", "/webhooks/rest/webhook", body=json.dumps({"sender": "flood-citizen", "message": f"嵩口到县城{6 + i % 12}点后还有车吗"}).encode(), headers={"Content-Type": "application/json"})
                status, seconds, _ = send(client, say)
                tally.add(say, status, seconds)
                turns.append(seconds)
            outcome: Counter[int] = Counter()
            for status, seconds, _ in floods:
                tally.add(req, status, seconds)
                outcome[status] += 1
    return {"turn_median_s": statistics.median(turns), "turn_max_s": max(turns), "refused_429": outcome[429], "checked_401": outcome[401]}


def kill_during_traffic(workdir: Path, port: int, tally: Tally, log: Path) -> tuple[list[str], list[inputs.Req]]:
    """Bookings and SMS while the service is killed with SIGKILL; what it confirmed."""
    base_url = f"http://127.0.0.1:{port}"
    confirmed: list[str] = []
    answered: list[inputs.Req] = []
    stop = threading.Event()
    service = CuntongProcess.serve(port, service_env(workdir, port, None), log_path=log).__enter__()

    def traffic(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=base_url, timeout=TIMEOUT_SECONDS) as client:
            i = 0
            while not stop.is_set():
                i += 1
                booking = {"mobile": f"1390{n:03d}{i:04d}", "origin": "嵩口镇", "destination": "清流县城", "time": "2026-12-24T08:00:00+08:00", "passengers": 1}
                status, _, response = send(client, inputs.Req("POST", "/api/bookings", body=json.dumps(booking).encode(), headers={"Content-Type": "application/json", "Authorization": f"Bearer {inputs.OPERATOR_TOKEN}"}))
                if status == 201 and response is not None:
                    confirmed.append(response.json()["id"])
                sms = inputs.twilio("/sms/inbound", base_url, {"From": f"+86139{n:04d}{i:04d}", "To": "+8659112328", "Body": rng.choice(("明天嵩口去县城的车几点", "查快递 JT4678203589049")), "MessageSid": f"SMkill{n}x{i}"}, random.Random(99))
                answered.append(sms)  # answered or not, the gateway delivers it again later
                send(client, sms)

    threads = [threading.Thread(target=traffic, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(6)
    assert service.process is not None
    os.kill(service.process.pid, signal.SIGKILL)
    service.process.wait()
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    return confirmed, answered


def after_restart(base_url: str, confirmed: list[str], answered: list[inputs.Req], tally: Tally) -> int:
    lost = 0
    with httpx.Client(base_url=base_url, timeout=TIMEOUT_SECONDS) as client:
        for booking_id in confirmed:
            req = inputs.Req("GET", f"/api/bookings/{booking_id}", headers={"Authorization": f"Bearer {inputs.OPERATOR_TOKEN}"})
            status, seconds, _ = send(client, req)
            tally.add(req, status, seconds)
            lost += status != 200
        for req in answered:  # the gateway delivers them again after the restart
            status, seconds, _ = send(client, req)
            tally.add(req, status, seconds)
    return lost


def duplicates_processed(db_path: Path) -> int:
    """Inbound messages (conversation, message id) that ran as more than one turn."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT conversation_id, data FROM conversation_events WHERE type = 'user'")).all()
    engine.dispose()
    seen = Counter((cid, json.loads(data).get("message_id")) for cid, data in rows if json.loads(data).get("message_id"))
    return sum(1 for count in seen.values() if count > 1)


def redis_outage(workdir: Path, tally: Tally) -> dict[str, float]:
    redis_server = OwnRedis(workdir)
    redis_server.start()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    figures: dict[str, float] = {}
    with CuntongProcess.serve(port, service_env(workdir, port, redis_server.url), log_path=workdir / "redis-phase.log") as service:
        with httpx.Client(base_url=base_url, timeout=TIMEOUT_SECONDS) as client:
            def turn(i: int) -> tuple[int, bool]:
                req = inputs.Req("POST", "/webhooks/rest/webhook", body=json.dumps({"sender": f"outage-{i % 7}", "message": "嵩口到县城的车", "message_id": f"out-{i}"}).encode(), headers={"Content-Type": "application/json"})
                status, seconds, response = send(client, req)
                retry = response is not None and "retry-after" in response.headers
                tally.add(req, status, seconds, outage=True, retry_after=retry)
                return status, retry

            for i in range(20):
                turn(i)
            redis_server.kill()
            down = [turn(100 + i) for i in range(20)]
            health = client.get("/health")
            figures["health_during_outage"] = health.status_code
            redis_server.start()
            back = time.monotonic()
            i = 200
            while turn(i)[0] != 200 and time.monotonic() - back < 30:
                i += 1
                time.sleep(0.2)
            figures["recovery_s"] = time.monotonic() - back
            figures["503_with_retry_after"] = sum(1 for status, retry in down if status == 503 and retry)
            for j in range(20):
                turn(300 + j)
        if service.process is not None and service.process.poll() is not None:
            tally.crashes += 1
    redis_server.kill()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-endpoint", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    tally = Tally()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cuntong-robustness-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        with CuntongProcess.serve(port, service_env(workdir, port, None), log_path=workdir / "fuzz.log") as service:
            run_fuzz(base_url, tally, args.per_endpoint, args.threads)
            flood = sign_in_flood(base_url, tally)
            if service.process is not None and service.process.poll() is not None:
                tally.crashes += 1
        confirmed, answered = kill_during_traffic(workdir, port, tally, workdir / "kill.log")
        with CuntongProcess.serve(port, service_env(workdir, port, None), log_path=workdir / "restart.log"):
            tally.lost = after_restart(base_url, confirmed, answered, tally)
        outage = redis_outage(workdir, tally)
        tally.duplicates = duplicates_processed(workdir / "robustness.db")
    print(f"\nsign-in flood (80 wrong, 40 parallel): citizen turns median {flood['turn_median_s']:.3f} s, max {flood['turn_max_s']:.3f} s; {flood['refused_429']:.0f} refused 429, {flood['checked_401']:.0f} checked")  # noqa: T201
    print(f"kill -9: {len(confirmed)} bookings confirmed before the kill, {len(answered)} SMS sent before it and delivered again after the restart")  # noqa: T201
    print(f"Redis outage: {outage['503_with_retry_after']:.0f}/20 answered 503 + Retry-After, /health {outage['health_during_outage']:.0f}, recovered {outage['recovery_s']:.1f} s after Redis returned")  # noqa: T201
    print(f"status codes: {dict(sorted(tally.statuses.items()))}")  # noqa: T201
    for line in tally.worst:
        print(f"  {line}")  # noqa: T201
    print("\n| requests | 5xx | hangs > 5 s | crashes | confirmed records lost | duplicates processed |")  # noqa: T201
    print("|---:|---:|---:|---:|---:|---:|")  # noqa: T201
    print(f"| {tally.requests} | {tally.server_errors} | {tally.hangs} | {tally.crashes} | {tally.lost} | {tally.duplicates} |")  # noqa: T201
    print(f"\n({tally.by_design_503} answers were 503 + Retry-After during the Redis outage, by design; {time.monotonic() - started:.0f} s in all)")  # noqa: T201
    return 0 if tally.server_errors == tally.hangs == tally.crashes == tally.lost == tally.duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
