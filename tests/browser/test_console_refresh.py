"""In Chromium: the complaint list takes in a new ticket by itself, with the agent's filters,
by fetching its rows fragment, not by reloading the page (a mark left on the window
survives, the filter form keeps what the agent chose)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from backend.localtime import local_now
from backend.services.agents import accounts as agents
from backend.services.complaints import records as complaints
from tests.browser.conftest import LiveServer, sign_in

PASSWORD = "qingliu-12328"


def test_the_complaint_list_takes_in_a_new_ticket_without_a_reload(page: Page, live: LiveServer) -> None:
    with live.runtime.unit_of_work() as session:
        agents.create_agent(session, username="lin", password=PASSWORD, role="agent", display_name="林小梅")
        complaints.open_complaint(session, category="driver", description="司机开车打电话", now=local_now())
    sign_in(page, live, "lin", PASSWORD)
    page.goto(f"{live.url}/console/complaints?category=driver")
    rows = page.locator("#complaint-rows")
    expect(rows.locator("[data-total]")).to_have_attribute("data-total", "1")
    page.evaluate("window.stillThisPage = true")

    with live.runtime.unit_of_work() as session:
        fresh = complaints.open_complaint(session, category="driver", description="车上很脏", now=local_now())
        complaints.open_complaint(session, category="fare", description="多收了钱", now=local_now())
        ticket = fresh.id
    expect(rows).to_contain_text(ticket, timeout=45_000)  # the list polls every 30 s
    expect(rows.locator("[data-total]")).to_have_attribute("data-total", "2")  # the filter still holds
    expect(rows).not_to_contain_text("多收了钱")
    assert page.evaluate("window.stillThisPage") is True  # no reload
    expect(page.locator("select[name=category]")).to_have_value("driver")
