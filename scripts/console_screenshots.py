"""Take the README's screenshots of the agent console: the live queue, a complaint page,
the figures page and tomorrow's dispatch board (desktop), plus the queue on a phone and
the citizens' web chat on a phone with an agent's reply.

    python3 scripts/console_screenshots.py [--out docs/screenshots]

Builds a throw-away SQLite database (migrated, the pilot county loaded, the console demo
records from scripts/console_demo.py, tomorrow's demand rides planned), serves the real app on a free local port, signs in
through the form in Debian's headless Chromium and saves PNGs.
"""

from __future__ import annotations

import argparse
import logging
import random
import socket
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.db import make_engine, migrate  # noqa: E402
from backend.localtime import local_now  # noqa: E402
from backend.seed import load_pilot  # noqa: E402
from backend.services.citizens import identities as citizens
from backend.services.dispatch import plans as dispatch_plans
from backend.services.rides import bookings as rides
from bot.app import create_app  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.runtime import build_runtime  # noqa: E402
from scripts.console_demo import PASSWORD, load_console_demo  # noqa: E402

logger = logging.getLogger("console_screenshots")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


# tomorrow's demand rides: (origin, destination, hour, minute, riders); mornings into the
# county town (hospital, market), afternoons back to the villages
RIDES = (
    ("溪源村", "清流县医院", 7, 30, 2), ("嵩口村", "清流县城", 7, 40, 1), ("黄石坑村", "清流县城", 7, 0, 3),
    ("灵地村", "清流县医院", 8, 0, 2), ("邓家村", "清流县城", 8, 10, 1), ("长校村", "清流县城", 8, 30, 3),
    ("江坊村", "清流县城", 8, 45, 2), ("林畲村", "清流县医院", 9, 0, 1), ("赖坊村", "清流县城", 9, 15, 2),
    ("田源村", "清流县城", 10, 0, 1), ("清流县医院", "溪源村", 14, 30, 2), ("清流县城", "灵地村", 15, 0, 2),
    ("清流县城", "长校村", 15, 30, 3), ("清流县城", "黄石坑村", 16, 0, 3), ("清流县城", "林畲村", 16, 30, 1),
    ("清流县城", "田源村", 16, 40, 1),
)  # fmt: skip
SURNAMES = "罗黄张李吴温赖廖刘巫"
GIVEN = ("秀兰", "德胜", "春生", "桂英", "建华", "冬梅", "火根", "玉珍")


def load_dispatch_demo(session: Session, *, now: datetime) -> date:
    """Book tomorrow's demand rides, plan the day (parcels ride along), then one more ride
    that waits for a place; returns the day."""
    rng = random.Random(12328)
    day = now.date() + timedelta(days=1)
    for index, (origin, destination, hour, minute, riders) in enumerate(RIDES):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        person = citizens.citizen_for_mobile(session, mobile=f"1390598{3100 + index}", name=name)
        wished = datetime(day.year, day.month, day.day, hour, minute, tzinfo=now.tzinfo)
        rides.book_ride(
            session, citizen_id=person.id, origin=origin, destination=destination, kind="demand",
            pickup_time=wished, passengers=riders, now=now,
        )  # fmt: skip
    dispatch_plans.plan_day(session, day=day, created_by="chen", now=now)
    # booked after planning: it waits on the board for a place
    late = citizens.citizen_for_mobile(session, mobile="13905983199", name="巫春生")
    rides.book_ride(
        session, citizen_id=late.id, origin="清流县城", destination="余朋村", kind="demand",
        pickup_time=datetime(day.year, day.month, day.day, 17, 40, tzinfo=now.tzinfo), passengers=2, now=now,
    )  # fmt: skip
    return day


def start_server(url: str) -> tuple[str, uvicorn.Server, threading.Thread, dict[str, str]]:
    engine = make_engine(url)
    migrate(engine)
    settings = load_settings(database_url=url, seed_on_empty=False, quiet_hours="off")
    runtime = build_runtime(settings, engine=engine, prepare_database=False)
    with runtime.unit_of_work() as session:
        load_pilot(session)
        ids = load_console_demo(session, now=local_now())
        ids["dispatch_day"] = load_dispatch_demo(session, now=local_now()).isoformat()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(runtime=runtime), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread, ids


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/console/login")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/console")


def shoot(base: str, ids: dict[str, str], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        desktop = browser.new_context(
            viewport={"width": 1366, "height": 800}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        page = desktop.new_page()
        sign_in(page, base, "lin")
        page.goto(f"{base}/console?h={ids['handoff']}")
        saved.append(out / "queue.png")
        page.screenshot(path=saved[-1], full_page=True)
        sign_in(page, base, "chen")
        page.goto(f"{base}/console/complaints/{ids['complaint']}")
        saved.append(out / "complaint.png")
        page.screenshot(path=saved[-1], full_page=True)
        page.goto(f"{base}/console/figures")
        saved.append(out / "figures.png")
        page.screenshot(path=saved[-1], full_page=True)
        page.goto(f"{base}/console/agents")
        saved.append(out / "agents.png")
        page.screenshot(path=saved[-1], full_page=True)
        page.goto(f"{base}/console/dispatch?date={ids['dispatch_day']}")
        page.locator("details.run summary").first.click()
        page.evaluate("window.scrollTo(0, 0)")
        saved.append(out / "dispatch.png")
        page.screenshot(path=saved[-1], full_page=True)
        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
            locale="zh-CN", timezone_id="Asia/Shanghai",
        )  # fmt: skip
        small = phone.new_page()
        sign_in(small, base, "lin")
        small.goto(f"{base}/console?h={ids['handoff']}")
        saved.append(out / "queue-phone.png")
        small.screenshot(path=saved[-1], full_page=False)
        small.goto(f"{base}/console/complaints")
        saved.append(out / "complaints-phone.png")
        small.screenshot(path=saved[-1], full_page=False)
        saved.append(shoot_chat(base, page, phone.new_page(), out))
        browser.close()
    return saved


def shoot_chat(base: str, agent: Page, citizen: Page, out: Path) -> Path:
    """The citizens' web chat on a phone: a question, the menu as buttons, a hand-off and
    the agent's reply arriving by itself."""
    citizen.set_viewport_size({"width": 360, "height": 740})
    citizen.goto(f"{base}/chat")
    for words in ("菜单", "明天从嵩口到县城有班车吗", "我要转人工，问一下包车的事"):
        count = citizen.locator(".msg-bot").count()
        citizen.get_by_label("输入消息").fill(words)
        citizen.get_by_role("button", name="发送").click()
        citizen.locator(".msg-bot").nth(count).wait_for()
    sign_in(agent, base, "lin")
    agent.locator("#queue-lists a.entry-link", has_text="网页聊天").first.click()
    agent.locator(".conversation").get_by_role("button", name="认领").click()
    agent.get_by_label("回复群众").fill("您好，我是客服林小梅。包车请告诉我出发地、目的地、日期和人数，我帮您安排。")
    agent.get_by_role("button", name="发送回复").click()
    citizen.locator(".msg-agent").wait_for(timeout=20_000)
    path = out / "webchat-phone.png"
    citizen.screenshot(path=path, full_page=False)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logger.setLevel(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        base, server, thread, ids = start_server(f"sqlite:///{tmp}/console-demo.db")
        try:
            for path in shoot(base, ids, args.out):
                logger.info("saved %s", path)
        finally:
            server.should_exit = True
            thread.join(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
