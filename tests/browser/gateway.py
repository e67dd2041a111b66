"""A local stand-in for the SMS gateway: speaks the Twilio-compatible REST call the
outbound sender makes (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form fields To,
From, Body), records every message, and answers with a message id (STYLE.md §29)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class RecordingGateway:
    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
                length = int(self.headers.get("content-length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with gateway._lock:
                    gateway.messages.append({"path": self.path, **form})
                    sid = f"SM{len(gateway.messages):032d}"
                body = json.dumps({"sid": sid, "status": "queued"}).encode()
                self.send_response(201)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> RecordingGateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, to: str, containing: str, timeout: float = 20.0) -> dict[str, str]:
        """The first message to `to` whose body contains `containing` (waits for the worker)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in self.messages:
                    if message.get("To") == to and containing in message.get("Body", ""):
                        return message
            time.sleep(0.1)
        raise AssertionError(f"no SMS to {to} containing {containing!r}; got {self.messages}")
