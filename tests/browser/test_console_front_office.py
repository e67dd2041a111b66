"""In Chromium: a knowledge-base answer used as a canned reply (searched as the agent
types, inserted, edited, sent with Ctrl+Enter); the contact panel turning a conversation
into a complaint; a supervisor assigning a conversation; the page asking for notification
permission and raising one when a new conversation waits; flash colours; the ticket page
fitting a 390 px phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from backend.services.agents import accounts as agents
from backend.services.citizens.identities import citizen_for_mobile
from backend.services.complaints import records as complaints
from backend.services.complaints import workflow as complaints_workflow
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_console_queue import citizen_texts

PASSWORD = "qingliu-12328"
SPY = """
window.__notes = []; window.__asked = 0;
(function () {
  var permission = "default";
  function Spy(title, options) { window.__notes.push(title); }
  Object.defineProperty(Spy, "permission", { get: function () { return permission; } });
  Spy.requestPermission = function () { window.__asked += 1; permission = "granted"; return Promise.resolve("granted"); };
  window.Notification = Spy;
})();
"""


@pytest.fixture(scope="module")
def staff(live: LiveServer) -> Iterator[None]:
    with live.runtime.unit_of_work() as session:
        agents.create_agent(session, username="he", password=PASSWORD, role="agent", display_name="何小芳")
        agents.create_agent(session, username="zhou", password=PASSWORD, role="supervisor", display_name="周建国")
    yield


def background(page: Page, selector: str) -> str:
    return str(page.locator(selector).evaluate("e => getComputedStyle(e).backgroundColor"))


def test_a_knowledge_answer_as_a_canned_reply(page: Page, live: LiveServer, staff: None) -> None:
    handoff_id = citizen_texts(live, "13905986601", "取件码短信删了，转人工", hand_off=True)
    sign_in(page, live, "he", PASSWORD)
    page.goto(f"{live.url}/console?h={handoff_id}")
    page.locator(".conversation").get_by_role("button", name="认领").click()
    expect(page.locator(".flash")).to_have_class("flash flash-success")
    green = background(page, ".flash")
    page.get_by_label("搜索知识库").press_sequentially("取件码丢了", delay=40)
    hit = page.locator(".kb-hit", has_text="取件码丢了怎么办")
    expect(hit).to_be_visible()
    hit.get_by_role("button", name="插入").click()
    box = page.get_by_label("回复群众")
    expect(box).to_have_value("取件码只短信发到收件人的手机上。说“查快递”并告诉我快递单号，我把取件码重新发到收件人手机（同一个快递一小时最多重发一次）；您是收件人的话，发您的11位手机号，验证后就能看到取件码。也可以带身份证到服务站，报收件手机号取件。")
    box.press("End")
    box.type("您的尾号是6601。")
    box.press("Control+Enter")
    expect(page.locator(".flash")).to_contain_text("已通过短信发出")
    sent = live.gateway.wait_for("+8613905986601", "您的尾号是6601")
    assert sent["Body"].startswith("取件码只短信发到")

    # a REST citizen without a mobile: told before typing, and the flash is a warning
    rest_id = citizen_texts_rest(live, "web-kb-1")
    page.goto(f"{live.url}/console?h={rest_id}")
    expect(page.locator("[data-unreachable]")).to_contain_text("无法送达")
    page.locator(".conversation").get_by_role("button", name="认领").click()
    page.get_by_label("回复群众").fill("您好，请留一个电话。")
    page.get_by_role("button", name="发送回复").click()
    expect(page.locator(".flash")).to_have_class("flash flash-warning")
    assert background(page, ".flash") != green


def citizen_texts_rest(live: LiveServer, sender: str) -> int:
    from backend.localtime import local_now
    from backend.services.citizens import conversations

    with live.runtime.unit_of_work() as session:
        conversations.record_event(
            session, conversation_id=f"rest:{sender}", channel="rest", sender=sender, type="user",
            text="人工", ts=local_now(),
        )  # fmt: skip
        return conversations.open_handoff(
            session, conversation_id=f"rest:{sender}", channel="rest", sender=sender, reason="群众要求转人工",
        ).id  # fmt: skip


def test_contact_panel_to_complaint_and_assignment(page: Page, live: LiveServer, staff: None) -> None:
    with live.runtime.unit_of_work() as session:
        citizen_for_mobile(session, mobile="13905986602", name="邓桂英")
    handoff_id = citizen_texts(live, "13905986602", "5路司机不等人，车门一关就开走了，转人工", hand_off=True)
    sign_in(page, live, "zhou", PASSWORD)
    page.goto(f"{live.url}/console?h={handoff_id}")
    panel = page.locator("#contact-panel")
    expect(panel).to_contain_text("13905986602")
    panel.get_by_role("combobox", name="指派给坐席").select_option(label="何小芳")
    panel.get_by_role("button", name="指派").click()
    expect(page.locator(".flash")).to_contain_text("已指派给何小芳")
    expect(page.locator("#transcript")).to_contain_text("班长指派 · 周建国 → 何小芳")

    panel.get_by_text("把这条对话登记为投诉").click()
    words = panel.get_by_label("投诉内容（已填入群众原话，可修改）")
    expect(words).to_have_value("5路司机不等人，车门一关就开走了，转人工")
    words.fill("5路司机不等人，车门一关就开走了")
    panel.get_by_role("combobox", name="类别").select_option(label="司机服务")
    panel.get_by_role("button", name="登记投诉工单").click()
    expect(page.locator(".flash")).to_contain_text("已根据对话登记投诉工单 C")
    assert "/console/complaints/C" in page.url
    expect(page.locator("main")).to_contain_text("5路司机不等人，车门一关就开走了")

    # the agent it was given to finds it under 我正在接待
    other = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")  # type: ignore[union-attr]
    try:
        mine = other.new_page()
        sign_in(mine, live, "he", PASSWORD)
        given = mine.locator(".entry.mine", has_text="13905986602")
        expect(given).to_have_class("entry mine unread")  # not opened yet: marked unread
        given.locator("a.entry-link").click()
        expect(mine.locator(".entry.mine", has_text="13905986602")).to_have_class("entry mine current")
    finally:
        other.close()


def test_the_page_asks_for_notifications_and_raises_one(browser: Browser, live: LiveServer, staff: None) -> None:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.grant_permissions(["notifications"], origin=live.url)
    context.add_init_script(SPY)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        sign_in(page, live, "he", PASSWORD)
        page.wait_for_function("() => window.__asked > 0")
        citizen_texts(live, "13905986603", "我要找人工", hand_off=True)
        page.wait_for_function("() => window.__notes.length > 0")
        assert page.evaluate("() => window.__notes")[0] == "村通：有新的等待人工对话"
    finally:
        context.close()


def test_error_flash_and_the_ticket_page_on_a_phone(browser: Browser, page: Page, live: LiveServer, staff: None) -> None:
    sign_in(page, live, "zhou", PASSWORD)
    page.goto(f"{live.url}/console/knowledge")
    page.get_by_role("link", name="行李超重怎么收费").click()
    page.get_by_label("生效日期").fill("2027-03-01")
    page.get_by_label("失效日期").fill("2027-01-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_have_class("flash flash-error")
    expect(page.locator(".flash")).to_contain_text("结束日期不能早于开始日期")

    with live.runtime.unit_of_work() as session:
        ticket = complaints.open_complaint(
            session, category="vehicle", description="12路的车窗关不上，一路灌冷风，老人都冻感冒了" * 2,
            contact_phone="13905986604", plate="闽G88888", route="12路",
        )  # fmt: skip
        complaints_workflow.transition_complaint(
            session, ticket_id=ticket.id, to_state="assigned", by="zhou", assignee="县公交公司调度室"
        )
        ticket_id = ticket.id
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    try:
        small = phone.new_page()
        sign_in(small, live, "zhou", PASSWORD)
        small.goto(f"{live.url}/console/complaints/{ticket_id}")
        expect(small.locator("main")).to_contain_text("闽G88888")
        assert small.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        phone.close()
