"""Real cuntong processes for multi-process tests and the load benchmark: a scratch
PostgreSQL database created for the occasion and dropped afterwards, and `cuntong serve`
or `cuntong worker` run as a child process with its log in a file."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 300.0
READY = re.compile(r"INFO bot\.commands\.serve: ready")


class ScratchDatabase:
    """A PostgreSQL database next to the one `server_url` names, dropped on exit."""

    def __init__(self, server_url: str, *, tag: str = "scratch") -> None:
        url = make_url(server_url)
        self.name = f"cuntong_{tag}_{uuid.uuid4().hex[:8]}"
        self._maintenance = url.set(drivername="postgresql", database="postgres").render_as_string(
            hide_password=False
        )
        self.url = url.set(drivername="postgresql+psycopg", database=self.name).render_as_string(
            hide_password=False
        )

    def _execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self._maintenance, autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]

    def __enter__(self) -> ScratchDatabase:
        self._execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class CuntongProcess:
    """`python -m bot.cli ARGS` with `env` added to this process's environment. Entering
    waits until the log matches `ready` (None: do not wait); leaving sends SIGTERM."""

    def __init__(
        self, args: list[str], env: dict[str, str], *, log_path: Path, ready: re.Pattern[str] | None = READY
    ) -> None:
        self.command = [sys.executable, "-m", "bot.cli", *args]
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.ready = ready
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def serve(cls, port: int, env: dict[str, str], *, log_path: Path, workers: int = 1) -> CuntongProcess:
        return cls(["serve", "--port", str(port), "--workers", str(workers)], env, log_path=log_path)

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> CuntongProcess:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        if self.ready is None:
            return self
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.ready.search(self.log()):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"{' '.join(self.command[2:])} did not become ready; its log:\n{self.log()[-3000:]}"
        )

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
