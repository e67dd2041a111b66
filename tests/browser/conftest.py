"""Browser tests: the real app served by uvicorn on 127.0.0.1 (a free port) over a fresh,
migrated and seeded SQLite file, with the outbound worker sending SMS to a local
recording gateway, driven by Debian's headless Chromium through Playwright.

Skipped, with the reason, only where /usr/bin/chromium is not installed (CI installs it).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from bot.app import create_app
from bot.config import TwilioSettings, load_settings
from bot.runtime import Runtime, build_runtime
from tests.browser.gateway import RecordingGateway
from tests.utils.database import fresh_engine

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


@dataclass
class LiveServer:
    url: str
    runtime: Runtime
    gateway: RecordingGateway


def serve(runtime: Runtime) -> Iterator[str]:
    """Run the app in a thread on a free port of 127.0.0.1; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(runtime=runtime), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the console server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'console.db'}"
    engine = fresh_engine(url)
    gateway = RecordingGateway().start()
    settings = load_settings(
        database_url=url,
        seed_on_empty=False,
        quiet_hours="off",
        twilio=TwilioSettings(
            account_sid="ACqingliu",
            auth_token="gateway-token",
            from_number="+8610690012328",
            api_base_url=gateway.url,
        ),
    )
    runtime = build_runtime(settings, engine=engine, prepare_database=False)
    try:
        for base_url in serve(runtime):
            yield LiveServer(base_url, runtime, gateway)
    finally:
        gateway.stop()
        engine.dispose()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, live: LiveServer, username: str, password: str) -> None:
    page.goto(f"{live.url}/console")
    assert "/console/login" in page.url  # sent to sign in first
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live.url}/console")
