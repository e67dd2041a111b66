"""In Chromium: an agent opens the dispatch board from the navigation, picks tomorrow,
sees every vehicle's run on the timeline and a rider's planned pick-up time, and opens
the driver's printable run sheet; a supervisor re-plans the day with the button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from backend.localtime import local_now, to_local
from backend.models.agents import AgentAction
from backend.services.agents import accounts as agents
from backend.services.citizens import identities as citizens
from backend.services.dispatch import plans as dispatch_plans
from backend.services.dispatch import sheets as dispatch_sheets
from backend.services.rides import bookings as rides
from tests.browser.conftest import LiveServer, sign_in

PASSWORD = "qingliu-12328"
RIDES = (
    ("13905983001", "罗秀兰", "溪源村", "清流县医院", 8, 2),
    ("13905983002", "黄桂兰", "灵地村", "清流县城", 8, 3),
    ("13905983003", "张德胜", "清流县城", "林畲村", 15, 2),
)


@pytest.fixture(scope="module")
def told(live: LiveServer) -> dict[str, str]:
    """Tomorrow's demand rides, each placed live; returns rider name -> planned HH:MM."""
    day = local_now().date() + timedelta(days=1)
    told = {}
    with live.runtime.unit_of_work() as session:
        for username, name, role in (("lin", "林小梅", "agent"), ("chen", "陈丽", "supervisor")):
            agents.create_agent(session, username=username, password=PASSWORD, role=role, display_name=name)
        for mobile, name, origin, destination, hour, passengers in RIDES:
            person = citizens.citizen_for_mobile(session, mobile=mobile, name=name)
            now = local_now()
            booking = rides.book_ride(
                session, citizen_id=person.id, origin=origin, destination=destination, kind="demand",
                pickup_time=now.replace(year=day.year, month=day.month, day=day.day, hour=hour, minute=0),
                passengers=passengers, now=now,
            )  # fmt: skip
            placement = dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=now)
            assert placement.placed and placement.pickup_time is not None
            told[name] = f"{to_local(placement.pickup_time):%H:%M}"
    return told


def test_the_board_shows_each_run_and_opens_a_run_sheet(
    page: Page, live: LiveServer, told: dict[str, str]
) -> None:
    day = local_now().date() + timedelta(days=1)
    with live.runtime.unit_of_work() as session:
        board = dispatch_sheets.day_board(session, day=day)
    assert board.runs

    sign_in(page, live, "lin", PASSWORD)
    page.get_by_role("link", name="调度看板").click()
    expect(page.locator("h1")).to_contain_text("调度看板")
    page.locator(".presets").get_by_role("link", name="明天", exact=True).click()
    page.wait_for_url(f"**/console/dispatch?date={day.isoformat()}")
    expect(page.locator("h1")).to_contain_text(f"{day.month}月{day.day}日")

    timeline = page.locator("svg.timeline")
    for sheet in board.runs:  # one lane per vehicle, with its plate and driver
        lane = timeline.locator(f'g.run-lane[data-vehicle="{sheet.vehicle}"]')
        expect(lane.locator("text.plate")).to_have_text(sheet.vehicle)
        expect(lane.locator("text.driver")).to_contain_text(sheet.driver_name or "")
    expect(timeline.locator("circle.mark-pickup")).to_have_count(len(RIDES))
    pickup = timeline.locator("circle.mark-pickup title", has_text="罗秀兰")
    expect(pickup).to_contain_text(f"{told['罗秀兰']} 溪源村 上车：罗秀兰 2人")
    expect(page.locator("#waiting")).to_contain_text("都已安排了车辆")
    expect(page.locator("form[action='/console/dispatch/replan']")).to_have_count(0)  # an agent's view

    # the rider's run: open its stops, see the pick-up time, then the printable sheet
    sheet = next(s for s in board.runs if any(stop.rider == "罗秀兰" for stop in s.stops))
    timeline.locator(f'g.run-lane[data-vehicle="{sheet.vehicle}"] a').click()
    run = page.locator(f"#run-{sheet.run_id}")
    run.locator("summary").click()
    row = run.locator("tbody tr", has_text="罗秀兰").first
    expect(row).to_be_visible()
    expect(row).to_contain_text(told["罗秀兰"])
    expect(row).to_contain_text("上车")
    with page.expect_popup() as opened:
        run.get_by_role("link", name="打印行车单").click()
    printable = opened.value
    printable.wait_for_load_state()
    expect(printable.locator("h1").first).to_contain_text(f"行车单 · {sheet.vehicle}")
    expect(printable.locator("table").first).to_contain_text("罗秀兰 2人")
    expect(printable.locator("table").first).to_contain_text(told["罗秀兰"])


def test_a_supervisor_replans_from_the_board(page: Page, live: LiveServer, told: dict[str, str]) -> None:
    day = local_now().date() + timedelta(days=1)
    sign_in(page, live, "chen", PASSWORD)
    page.goto(f"{live.url}/console/dispatch?date={day.isoformat()}")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="重新规划").click()  # dismissed: nothing happens
    page.wait_for_timeout(300)
    assert asked and "更换车辆和司机" in asked[0]
    assert page.locator(".flash").count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="重新规划").click()
    expect(page.locator(".flash")).to_contain_text(
        f"已重新规划{day.month}月{day.day}日的派车", timeout=30_000
    )
    expect(page.locator("svg.timeline circle.mark-pickup")).to_have_count(len(RIDES))
    with live.runtime.unit_of_work() as session:
        action = session.scalars(select(AgentAction).where(AgentAction.action == "dispatch_replan")).one()
        assert (action.agent, action.target) == ("chen", f"dispatch:{day.isoformat()}")


def test_the_board_takes_in_a_new_booking_without_a_reload_and_keeps_a_run_sheet_open(
    page: Page, live: LiveServer, told: dict[str, str]
) -> None:
    day = local_now().date() + timedelta(days=1)
    with live.runtime.unit_of_work() as session:
        sheet = dispatch_sheets.day_board(session, day=day).runs[0]
    sign_in(page, live, "lin", PASSWORD)
    page.goto(f"{live.url}/console/dispatch?date={day.isoformat()}")
    run = page.locator(f"#run-{sheet.run_id}")
    run.locator("summary").click()
    expect(run).to_have_attribute("open", "")
    page.evaluate("window.stillThisPage = true")

    with live.runtime.unit_of_work() as session:
        person = citizens.citizen_for_mobile(session, mobile="13905983009", name="邱春花")
        now = local_now()
        late = rides.book_ride(
            session, citizen_id=person.id, origin="林畲村", destination="清流县城", kind="demand",
            pickup_time=now.replace(year=day.year, month=day.month, day=day.day, hour=11, minute=0),
            passengers=1, now=now,
        )  # fmt: skip
        booking_id = late.id
    expect(page.locator("#waiting")).to_contain_text(booking_id, timeout=75_000)  # polled every 60 s
    assert page.evaluate("window.stillThisPage") is True  # no reload
    expect(page.locator(f"#run-{sheet.run_id}")).to_have_attribute("open", "")  # still open after the refresh
