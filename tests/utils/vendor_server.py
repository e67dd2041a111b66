"""A real HTTP server in a thread standing in for a vendor API (WeChat, a Twilio-compatible
gateway), STYLE.md §29: each path answers from the JSON fixture named after it
(`/cgi-bin/message/custom/send` -> tests/fixtures/vendor/cgi-bin_message_custom_send.json),
unless a test queued other answers for that path; every request is recorded so tests
can assert what our real client code sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "vendor"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class VendorServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._answers: dict[str, list[tuple[int, Any]]] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                server._handle(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def answer(self, path: str, *answers: tuple[int, Any]) -> None:
        """Answer the next requests to `path` with these (status, JSON) pairs, then the fixture."""
        with self._lock:
            self._answers.setdefault(path, []).extend(answers)

    def calls(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            self.requests.append(
                Recorded(method, parts.path, parse_qs(parts.query), dict(handler.headers.items()), body)
            )
            queued = self._answers.get(parts.path)
            status, payload = queued.pop(0) if queued else self._fixture(parts.path)
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _fixture(path: str) -> tuple[int, Any]:
        file = FIXTURES / (path.strip("/").replace("/", "_").removesuffix(".json") + ".json")
        if not file.exists():
            return 404, {"errcode": 404, "message": f"no fixture for {path}"}
        return 200, json.loads(file.read_text(encoding="utf-8"))

    def start(self) -> None:
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def vendor_server() -> Iterator[VendorServer]:
    server = VendorServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
