"""In Chromium: a supervisor adds an agent on the accounts page, the new agent signs in in
another browser and claims a waiting conversation, then the supervisor disables them
(after confirming): the agent's next page is the sign-in page, their password no longer
opens the console, and the conversation is back in the queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from backend.models.conversations import Handoff
from backend.services.agents import accounts as agents
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_console_queue import citizen_texts

PASSWORD = "qingliu-12328"
NEW_PASSWORD = "wuhua-12328"


@pytest.fixture
def other_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_supervisor_adds_an_agent_who_signs_in_and_is_then_disabled(
    page: Page, other_page: Page, live: LiveServer
) -> None:
    with live.runtime.unit_of_work() as session:
        agents.create_agent(session, username="chen", password=PASSWORD, role="supervisor", display_name="陈丽")
    handoff_id = citizen_texts(live, "13905987777", "我想问班车的事，转人工", hand_off=True)

    sign_in(page, live, "chen", PASSWORD)
    page.get_by_role("link", name="坐席账号").click()
    form = page.locator("#add-agent")
    form.get_by_label("账号").fill("wu.hua")
    form.get_by_label("姓名").fill("吴华")
    form.get_by_label("初始密码").fill(NEW_PASSWORD)
    form.get_by_label("再输一遍密码").fill(NEW_PASSWORD)
    form.get_by_role("button", name="新增").click()
    expect(page.locator(".flash")).to_contain_text("已新增坐席账号 吴华（wu.hua）")
    row = page.locator("#agent-wu\\.hua")
    expect(row).to_contain_text("从未登录")

    # the new agent signs in elsewhere and takes the waiting conversation
    sign_in(other_page, live, "wu.hua", NEW_PASSWORD)
    expect(other_page.locator(".me")).to_contain_text("吴华")
    other_page.locator("#queue-lists a.entry-link", has_text="13905987777").click()
    other_page.locator(".conversation").get_by_role("button", name="认领").click()
    expect(other_page.locator(".flash")).to_contain_text("已认领")

    # the supervisor disables them, after the confirmation
    page.reload()
    questions: list[str] = []

    def accept(dialog):  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    row.get_by_role("button", name="停用").click()
    expect(page.locator(".flash")).to_contain_text("已停用 吴华（wu.hua）")
    expect(page.locator(".flash")).to_contain_text("1 条正在接待的对话已退回队列")
    assert questions and "确定停用" in questions[0]
    expect(row).to_contain_text("已停用")
    with live.runtime.unit_of_work() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None and (handoff.status, handoff.claimed_by) == ("waiting", None)

    other_page.goto(f"{live.url}/console")
    assert "/console/login" in other_page.url  # signed out
    other_page.get_by_label("账号").fill("wu.hua")
    other_page.get_by_label("密码").fill(NEW_PASSWORD)
    other_page.get_by_role("button", name="登录").click()
    expect(other_page.locator(".alert")).to_contain_text("账号或密码不对")
