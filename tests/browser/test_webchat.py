"""In Chromium: a citizen on the web chat (a 360 px phone) picks a numbered choice as a
button, gets a knowledge-base answer, and asks for a person; an agent in
another page claims the conversation and replies; the reply appears in the citizen's page
without a reload (Server-Sent Events), the citizen answers and the agent sees it; after a
reload the citizen's page shows the whole conversation again."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from backend.services.agents import accounts as agents
from tests.browser.conftest import LiveServer, sign_in

PASSWORD = "qingliu-12328"


def test_web_chat_citizen_and_agent_both_ways(browser: Browser, page: Page, live: LiveServer) -> None:
    with live.runtime.unit_of_work() as session:
        agents.create_agent(session, username="wu", password=PASSWORD, role="agent", display_name="吴晓燕")
    phone = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 360, "height": 740}, is_mobile=True
    )
    phone.set_default_timeout(15_000)
    citizen = phone.new_page()
    try:
        citizen.goto(f"{live.url}/chat")
        assert not [c for c in phone.cookies() if c["name"] == "cuntong_chat" and not c["httpOnly"]]
        log = citizen.locator("#log")
        citizen.get_by_label("输入消息").fill("汽车站晚上几点关门")  # answered from the knowledge base
        citizen.get_by_role("button", name="发送").click()
        expect(log.locator(".msg-bot").last).to_contain_text("清流县汽车站每天6:30至18:30营业")
        expect(log.locator(".msg-bot").last.locator(".choices button")).to_have_text(["人工客服"])

        citizen.get_by_label("输入消息").fill("菜单")
        citizen.get_by_role("button", name="发送").click()
        expect(log.locator(".msg-bot").last).to_contain_text("请直接说要办的事")  # the menu
        choice = log.locator(".choices button", has_text="查快递")
        expect(choice).to_be_visible()
        choice.click()  # a numbered choice as a button
        expect(log.locator(".msg-citizen").last).to_have_text("查快递")
        expect(log.locator(".msg-bot").last).to_contain_text("快递单号")

        citizen.get_by_label("输入消息").fill("我要转人工，问一下包车的事")
        citizen.get_by_label("输入消息").press("Enter")
        expect(log.locator(".msg-bot").last).to_contain_text("人工")
        width = citizen.evaluate("document.documentElement.scrollWidth")
        assert width <= 360

        sign_in(page, live, "wu", PASSWORD)
        queue = page.locator("#queue-lists")
        expect(queue).to_contain_text("网页聊天")
        queue.locator("a.entry-link", has_text="网页聊天").first.click()
        expect(page.locator("#transcript")).to_contain_text("我要转人工，问一下包车的事")
        expect(page.locator("[data-unreachable]")).to_have_count(0)  # the web chat can be reached
        page.locator(".conversation").get_by_role("button", name="认领").click()
        page.get_by_label("回复群众").fill("您好，我是客服吴晓燕。包车请告诉我出发地、目的地和人数。")
        page.get_by_role("button", name="发送回复").click()
        expect(page.locator(".flash")).to_contain_text("已发到群众的网页聊天窗口")

        # no reload on the citizen's side: the line arrives by itself
        agent_line = log.locator(".msg-agent")
        expect(agent_line).to_contain_text("我是客服吴晓燕", timeout=20_000)
        expect(agent_line).to_contain_text("人工客服")

        citizen.get_by_label("输入消息").fill("从嵩口到县城，五个人")
        citizen.get_by_role("button", name="发送").click()
        expect(page.locator("#transcript")).to_contain_text("从嵩口到县城，五个人", timeout=15_000)

        citizen.reload()
        expect(log.locator(".msg")).to_have_count(10)  # the whole history, nothing twice
        expect(log.locator(".msg-agent")).to_contain_text("我是客服吴晓燕")

        citizen.get_by_role("button", name="大字").click()
        size = citizen.evaluate("getComputedStyle(document.documentElement).fontSize")
        assert size == "21px"
    finally:
        phone.close()
